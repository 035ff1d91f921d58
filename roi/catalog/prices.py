"""Prices from the genai-prices database, as of any date, plus custom and discounted models.

Just over 300 lines: one thing, the catalog's reading of genai-prices (finding a model by any
name, its price on a date, its batch and fast variants, US-only inference). Split, each half
would need the other's snapshot lookups and Decimal-to-rate conversion."""

from __future__ import annotations

import re
from dataclasses import astuple, dataclass, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache

import numpy as np
from genai_prices import data_snapshot
from genai_prices import types as gp

from roi.errors import UnknownModelError

PROVENANCE_CATALOG = "catalog"
PROVENANCE_ASSUMED = "assumed"


@dataclass(frozen=True, slots=True)
class Rates:
    """Dollars per million tokens for each token bucket (`roi.tokens.BUCKETS`, in that order)."""

    input: float  # uncached input
    cache_write_5m: float
    cache_write_1h: float
    cache_read: float
    output: float

    def array(self) -> np.ndarray:
        return np.array(astuple(self), dtype=float)

    def scaled(self, factor: float) -> Rates:
        return Rates(*(v * factor for v in astuple(self)))


@dataclass(frozen=True, slots=True)
class Tier:
    """Long-context tier: when a request's total input exceeds `start`, all its tokens pay `rates`."""

    start: int
    rates: Rates


@dataclass(frozen=True, slots=True)
class ModelPrices:
    model_id: str
    name: str
    provider: str
    base: Rates
    tiers: tuple[Tier, ...] = ()
    provenance: str = PROVENANCE_CATALOG
    as_of: date | None = None
    batch: bool = False
    discount: float = 0.0
    fast: bool = False  # Anthropic's fast mode (`speed: "fast"`), at the catalog's fast price
    us_only: bool = False  # US-only inference (`inference_geo: "us"`), at `US_ONLY_FACTOR`

    def scaled(self, factor: float) -> ModelPrices:
        """Every bucket and tier times `factor`."""
        return replace(
            self,
            base=self.base.scaled(factor),
            tiers=tuple(Tier(t.start, t.rates.scaled(factor)) for t in self.tiers),
        )

    def with_discount(self, discount: float) -> ModelPrices:
        """A negotiated discount applies to every bucket and tier."""
        return replace(self.scaled(1.0 - discount), discount=discount)


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One row of the catalog listing shown to users."""

    provider: str
    model_id: str
    name: str
    context_window: int | None
    prices: ModelPrices
    has_batch: bool


def custom_price(
    model_id: str,
    *,
    input: float,
    output: float,
    cache_write: float = 0.0,
    cache_read: float = 0.0,
    cache_write_1h: float | None = None,
) -> ModelPrices:
    """A self-hosted or unlisted model with prices the user typed."""
    rates = Rates(
        input, cache_write, cache_write if cache_write_1h is None else cache_write_1h, cache_read, output
    )
    return ModelPrices(model_id, model_id, "custom", rates, provenance=PROVENANCE_ASSUMED)


def providers() -> list[str]:
    return sorted(p.id for p in _snapshot().providers)


@cache
def _snapshot() -> data_snapshot.DataSnapshot:
    return data_snapshot.get_snapshot()


_DATE_SUFFIX = re.compile(r"(@|-)(\d{8}|\d{4}-\d{2}-\d{2})$")
_BEDROCK = re.compile(
    r"^(?:arn:aws:bedrock:[^/]+/)?(?:(?:us|eu|apac|global)\.)?anthropic\.(?P<m>.+?)(?:-v\d+(?::\d+)?)?$"
)


def _candidates(model_ref: str) -> list[str]:
    """Spellings to try for a model reference found in the wild."""
    ref = model_ref.strip()
    out = [ref]
    if m := _BEDROCK.match(ref):
        out.append(m.group("m"))
    if "/" in ref:
        out.append(ref.rsplit("/", 1)[1])
    for r in list(out):
        if _DATE_SUFFIX.search(r):
            out.append(_DATE_SUFFIX.sub("", r))
        if r.endswith("-latest"):
            out.append(r.removesuffix("-latest"))
    return out


@cache
def _by_display_name() -> dict[str, tuple[str, str]]:
    names: dict[str, tuple[str, str]] = {}
    for p in _snapshot().providers:
        for m in p.models:
            if m.name:
                names.setdefault(m.name.strip().lower(), (p.id, m.id))
    return names


_PREFERRED = ("anthropic", "openai", "google")


@cache
def _by_exact_id() -> dict[str, list[str]]:
    """Catalog model id -> providers listing it, first-party providers first."""
    ids: dict[str, list[str]] = {}
    for p in sorted(
        _snapshot().providers,
        key=lambda p: (p.id not in _PREFERRED, _PREFERRED.index(p.id) if p.id in _PREFERRED else 0),
    ):
        for m in p.models:
            ids.setdefault(m.id, []).append(p.id)
    return ids


@cache
def resolve_model_ref(model_ref: str, provider: str | None = None) -> tuple[str, str]:
    """(provider id, catalog model id) for an id, alias, dated id, display name or prefixed id."""
    snap = _snapshot()
    exact = _by_exact_id().get(model_ref.strip(), [])
    if exact and (provider is None or provider in exact):
        return (provider or exact[0]), model_ref.strip()
    for ref in _candidates(model_ref):
        try:
            p, m = snap.find_provider_model(ref, None, provider, None)
        except LookupError:
            continue
        return p.id, m.id
    hit = _by_display_name().get(model_ref.strip().lower())
    if hit and (provider is None or hit[0] == provider):
        return hit
    raise UnknownModelError(f"model {model_ref!r} is not in the price catalog")


def _find(provider_id: str, model_id: str) -> tuple[gp.Provider, gp.ModelInfo]:
    for p in _snapshot().providers:
        if p.id == provider_id:
            for m in p.models:
                if m.id == model_id:
                    return p, m
    raise UnknownModelError(f"model {model_id!r} is not in the price catalog")


def _num(v: Decimal | gp.TieredPrices | None) -> float:
    if v is None:
        return 0.0
    if isinstance(v, gp.TieredPrices):
        return float(v.base)
    return float(v)


def _to_prices(
    p: gp.Provider, m: gp.ModelInfo, mp: gp.ModelPrice, as_of: date | None, batch: bool
) -> ModelPrices:
    fields = ("input_mtok", "cache_write_mtok", "cache_write_1h_mtok", "cache_read_mtok", "output_mtok")
    raw = {f: getattr(mp, f, None) for f in fields}
    if raw["cache_write_1h_mtok"] is None:
        raw["cache_write_1h_mtok"] = raw["cache_write_mtok"]
    base = Rates(*(_num(raw[f]) for f in fields))
    starts = sorted({t.start for v in raw.values() if isinstance(v, gp.TieredPrices) for t in v.tiers})
    tiers = []
    for start in starts:

        def at(v: Decimal | gp.TieredPrices | None, start: int = start) -> float:
            if isinstance(v, gp.TieredPrices):
                price = v.base
                for t in v.tiers:
                    if t.start <= start:
                        price = t.price
                return float(price)
            return _num(v)

        tiers.append(Tier(start, Rates(*(at(raw[f]) for f in fields))))
    return ModelPrices(m.id, m.name or m.id, p.id, base, tuple(tiers), PROVENANCE_CATALOG, as_of, batch)


def _moment(as_of: date) -> datetime:
    return datetime.combine(as_of, time(12), tzinfo=UTC)


US_ONLY_FACTOR = 1.1
"""US-only inference on Anthropic's API (`inference_geo: "us"`, offered on Opus 4.6, Sonnet 4.6 and
later) costs 1.1 times the standard price in every token bucket: Anthropic's data-residency pricing,
also stated in AWS's guide to the Claude Platform. genai-prices has no entry for it, so it is here."""


@cache
def catalog_price(
    model_ref: str,
    *,
    as_of: date,
    batch: bool = False,
    fast: bool = False,
    us_only: bool = False,
    provider: str | None = None,
) -> ModelPrices:
    """Catalog prices of a model on a given date (its historic price then): standard or batch tier,
    fast mode where the catalog prices it, US-only inference on Anthropic's own API.

    A model without a fast price is priced at its standard price (`has_fast_price` tells which)."""
    p, m = _find(*resolve_model_ref(model_ref, provider))
    context = {"processing": "batch"} if batch else {}
    fast = fast and _has_variant(m, "speed", "fast")
    if fast:
        context["speed"] = "fast"
    prices = _to_prices(p, m, m.get_prices(_moment(as_of), context or None), as_of, batch)
    prices = replace(prices, fast=fast)
    if us_only and p.id == "anthropic":
        prices = replace(prices.scaled(US_ONLY_FACTOR), us_only=True)
    return prices


def has_fast_price(model_ref: str) -> bool:
    """Whether the catalog prices the model's fast mode (False for a model it does not know)."""
    try:
        return _has_variant(_find(*resolve_model_ref(model_ref))[1], "speed", "fast")
    except UnknownModelError:
        return False


def _has_variant(m: gp.ModelInfo, key: str, value: str) -> bool:
    return any(v.when.get(key) == value for v in m.price_variants or ())


def _has_batch(m: gp.ModelInfo) -> bool:
    return _has_variant(m, "processing", "batch")


def catalog_entries(*, as_of: date, provider: str | None = None) -> list[CatalogEntry]:
    """Every model the price database knows (optionally one provider's), priced as of a date."""
    out = []
    for p in _snapshot().providers:
        if provider and p.id != provider:
            continue
        for m in p.models:
            try:
                prices = _to_prices(p, m, m.get_prices(_moment(as_of)), as_of, False)
            except (AttributeError, IndexError):  # a model priced only per request, image or second
                continue
            if prices.base.input == 0 and prices.base.output == 0:
                continue
            out.append(CatalogEntry(p.id, m.id, m.name or m.id, m.context_window, prices, _has_batch(m)))
    return out


def model_ids(*, as_of: date, provider: str | None = None) -> list[str]:
    """The catalog's model ids (one provider's, or all), sorted: for pickers."""
    return sorted({e.model_id for e in catalog_entries(as_of=as_of, provider=provider)})


def price_history(model_ref: str, provider: str | None = None) -> list[tuple[date | None, ModelPrices]]:
    """Each dated price a model has had, oldest first (None = since the model was listed)."""
    p, m = _find(*resolve_model_ref(model_ref, provider))
    if isinstance(m.prices, gp.ModelPrice):
        return [(None, _to_prices(p, m, m.prices, None, False))]
    out: list[tuple[date | None, ModelPrices]] = []
    for cp in m.prices:
        start = getattr(cp.constraint, "start_date", None)
        out.append((start, _to_prices(p, m, cp.prices, start, False)))
    return sorted(out, key=lambda r: r[0] or date.min)
