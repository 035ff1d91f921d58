"""The models in play and their provenance, as tables for the Models & prices page."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pandas as pd

from roi.catalog import catalog_entries, resolve_model_ref
from roi.engine import model_specs
from roi.errors import ScenarioError, UnknownModelError
from roi.ranges import Range
from roi.scenario import ModelDef, Scenario
from roi.scenario.model import PriceChange

CATALOG_COLUMNS = [
    "provider",
    "model",
    "name",
    "input",
    "cache write 5m",
    "cache write 1h",
    "cache read",
    "output",
    "long-context tier",
    "batch prices",
    "context window",
]


def catalog_frame(*, as_of: date, provider: str | None = None, search: str = "") -> pd.DataFrame:
    rows = []
    q = search.strip().lower()
    for e in catalog_entries(as_of=as_of, provider=provider or None):
        if q and q not in e.model_id.lower() and q not in e.name.lower():
            continue
        b = e.prices.base
        rows.append(
            {
                "provider": e.provider,
                "model": e.model_id,
                "name": e.name,
                "input": b.input,
                "cache write 5m": b.cache_write_5m,
                "cache write 1h": b.cache_write_1h,
                "cache read": b.cache_read,
                "output": b.output,
                "long-context tier": ", ".join(f"> {t.start:,} tokens" for t in e.prices.tiers) or "",
                "batch prices": e.has_batch,
                "context window": e.context_window,
            }
        )
    return pd.DataFrame(rows, columns=CATALOG_COLUMNS)  # a search with no hits still has its headers


def models_table(s: Scenario) -> pd.DataFrame:
    """Every model in play with its prices, latency and where each number comes from."""
    rows = []
    for mid, spec in model_specs(s).items():
        p, lat = spec.prices, spec.latency
        d = s.models.get(mid, ModelDef())
        if p.provenance == "catalog":
            prov = f"catalog (genai-prices, as of {s.as_of.isoformat()})"
            if p.discount:
                prov += f", {p.discount:.0%} negotiated discount (assumed)"
        else:
            prov = "assumed (typed custom prices)"
        measured = {t.name for t in s.tasks if mid in t.latency_s}
        lat_prov = f"{lat.provenance}: {lat.source}"
        if measured:
            lat_prov += f"; measured latency on {len(measured)} task(s)"
        rows.append(
            {
                "model": mid,
                "provider": p.provider,
                "discount %": round(100 * d.discount, 2),
                "input": p.base.input,
                "cache write 5m": p.base.cache_write_5m,
                "cache write 1h": p.base.cache_write_1h,
                "cache read": p.base.cache_read,
                "output": p.base.output,
                "price provenance": prov,
                "ttft s": lat.ttft_s,
                "output tokens/s": lat.output_tokens_per_s,
                "latency provenance": lat_prov,
            }
        )
    return pd.DataFrame(rows)


def set_models_in_play(s: Scenario, ids: list[str]) -> Scenario:
    """Add catalog models; remove the ones not listed unless routing or the baseline uses them
    (or, for a custom model, a task still has numbers for it)."""
    used = {s.baseline_model} | {m for t in s.tasks for m in t.routing.models()}
    # A custom model exists only in s.models: dropping it while a task still names it (accuracy,
    # measured latency, today's mix) would leave a scenario the engine cannot price.
    named_by = {
        m: t.name for t in reversed(s.tasks) for m in (*t.accuracy, *t.latency_s, *t.baseline_routing)
    }
    models = dict(s.models)
    for mid in ids:
        if mid not in models:
            try:
                resolve_model_ref(mid)
            except UnknownModelError as exc:
                raise ScenarioError(str(exc)) from None
            models[mid] = ModelDef()
    for mid in list(models):
        if mid not in ids:
            if mid in used:
                raise ScenarioError(
                    f'model "{mid}" is still used by the baseline or a routing; route its work elsewhere first'
                )
            if models[mid].custom and mid in named_by:
                raise ScenarioError(
                    f'custom model "{mid}" still has numbers on task "{named_by[mid]}" '
                    "(accuracy, latency or today's mix); clear them first"
                )
            del models[mid]
    return replace(s, models=models)


def set_override(
    s: Scenario,
    model: str,
    *,
    discount: float | None = None,
    ttft_s: float | None = None,
    output_tokens_per_s: float | None = None,
) -> Scenario:
    d = s.models.get(model, ModelDef())
    if discount is not None:
        if not 0 <= discount < 1:
            raise ScenarioError(f'models["{model}"].discount: expected 0..99%, got {100 * discount:g}%')
        if d.custom:
            raise ScenarioError(
                f'models["{model}"]: a custom model has typed prices; edit them instead of a discount'
            )
        d = replace(d, discount=discount)
    if ttft_s is not None:
        if not (math.isfinite(ttft_s) and ttft_s >= 0):  # the scenario file refuses anything else
            raise ScenarioError(f'models["{model}"].ttft_s: expected a number of seconds ≥ 0, got {ttft_s:g}')
        d = replace(d, ttft_s=ttft_s)
    if output_tokens_per_s is not None:
        if not (math.isfinite(output_tokens_per_s) and output_tokens_per_s > 0):
            raise ScenarioError(f'models["{model}"].output_tokens_per_s: expected a positive number')
        d = replace(d, output_tokens_per_s=output_tokens_per_s)
    return replace(s, models={**s.models, model: d})


def set_price_change(
    s: Scenario,
    model: str,
    *,
    from_month: int | None,
    factor: float = 1.0,
    low: float | None = None,
    high: float | None = None,
) -> Scenario:
    """A model's prices × `factor` from month `from_month` on (None removes it); `low` and `high`
    make the factor a range (roi.ranges), e.g. a price cut that may come smaller or larger."""
    d = s.models.get(model, ModelDef())
    if from_month is None:
        return replace(s, models={**s.models, model: replace(d, price_change=None)})
    where = f'models["{model}"].price_change'
    if not 1 <= from_month <= s.horizon_months:
        raise ScenarioError(f"{where}.from_month: expected a month 1..{s.horizon_months} of the projection")
    if not (math.isfinite(factor) and 0 <= factor <= 100):
        raise ScenarioError(f"{where}.factor: expected a factor such as 0.8 (a 20% cut), got {factor:g}")
    r = None
    if (low is None) != (high is None):
        raise ScenarioError(f"{where}.factor: give both the low and the high end of its range, or neither")
    if low is not None and high is not None:
        if not 0 <= low <= factor <= high:
            raise ScenarioError(f"{where}.factor: expected low ≤ {factor:g} ≤ high, got {low:g} and {high:g}")
        r = Range(low, high)
    return replace(s, models={**s.models, model: replace(d, price_change=PriceChange(from_month, factor, r))})


def add_custom_model(
    s: Scenario,
    model: str,
    *,
    input: float,
    output: float,
    cache_write: float = 0.0,
    cache_read: float = 0.0,
    ttft_s: float,
    output_tokens_per_s: float,
) -> Scenario:
    model = model.strip()
    if not model:
        raise ScenarioError("custom model: give it a name")
    try:
        resolve_model_ref(model)
    except UnknownModelError:
        pass
    else:
        raise ScenarioError(
            f'custom model "{model}": that id is a catalog model; give a discount on it instead, or pick another id'
        )
    values = (input, output, cache_write, cache_read, ttft_s, output_tokens_per_s)
    if not all(math.isfinite(v) for v in values) or min(values[:5]) < 0 or output_tokens_per_s <= 0:
        raise ScenarioError(f'custom model "{model}": prices and latency must be positive numbers')
    d = ModelDef(
        custom=True,
        input=input,
        output=output,
        cache_write=cache_write,
        cache_read=cache_read,
        ttft_s=ttft_s,
        output_tokens_per_s=output_tokens_per_s,
    )
    return replace(s, models={**s.models, model: d})


def set_price_date(s: Scenario, as_of: date) -> Scenario:
    return replace(s, price_date=as_of)
