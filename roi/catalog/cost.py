"""The cost of tokens: the one place where a price meets a token count.

cost = Σ tokens × $ per million tokens / 1,000,000, bucket by bucket (uncached input, 5-minute and
1-hour cache writes, cache reads, output), at the rates of the request's long-context tier. A tier
applies to every token of a request whose total input exceeds its start (genai-prices' "cliff"
rule). Batch prices are a different `ModelPrices` (`catalog_price(..., batch=True)`).

The scenario engine, usage pricing and the sample-run runner all call `cost_usd`; a test checks
it against genai-prices' own `calc_price`.

Summed usage (a day's requests in one row) no longer shows each request's size, so a row carries a
*context band*: the request sizes cut at every tier start in the catalog. Every model's own tier
starts are among those cuts, so the band alone tells which tier each request paid, on any model.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
from genai_prices import types as gp

from roi.catalog.prices import ModelPrices, _snapshot
from roi.tokens import total_input


def rates(prices: ModelPrices, tier_input: np.ndarray) -> np.ndarray:
    """$ per million tokens, one row per request size in `tier_input`, one column per bucket."""
    tier_input = np.asarray(tier_input, dtype=float)
    out = np.tile(prices.base.array(), (tier_input.size, 1))
    for tier in prices.tiers:  # ascending starts: the last one a request exceeds wins
        out[tier_input.ravel() > tier.start] = tier.rates.array()
    return out


def cost_usd(prices: ModelPrices, tokens: np.ndarray, *, tier_input: np.ndarray | None = None) -> np.ndarray:
    """Dollars for each row of a (n, 5) token array (one request, a per-request mean, or a sum).

    `tier_input` is the total input of *one* request of each row, which picks the tier; it defaults
    to the row's own input, right for single requests and per-request means. Summed rows pass
    `band_tier_input(...)` of their context band.
    """
    tokens = np.atleast_2d(np.asarray(tokens, dtype=float))
    sizes = total_input(tokens) if tier_input is None else np.broadcast_to(tier_input, len(tokens))
    return (tokens * rates(prices, sizes)).sum(axis=1) / 1e6


# --- context bands -------------------------------------------------------------------------------


@cache
def tier_starts() -> tuple[int, ...]:
    """Every long-context tier start in the price catalog, ascending."""
    starts: set[int] = set()

    def add(mp: gp.ModelPrice) -> None:
        for v in mp.__dict__.values():
            if isinstance(v, gp.TieredPrices):
                starts.update(t.start for t in v.tiers)

    for p in _snapshot().providers:
        for m in p.models:
            for mp in [m.prices] if isinstance(m.prices, gp.ModelPrice) else [c.prices for c in m.prices]:
                add(mp)
            for variant in m.price_variants or ():
                add(variant.prices)
    return tuple(sorted(starts))


def _size(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def context_band(request_input: np.ndarray) -> np.ndarray:
    """The band label of each request: '>200k' (more than 200,000 input tokens, up to the next cut)
    or '0-32k' (up to the first cut)."""
    starts = np.array(tier_starts() or (0,), dtype=float)
    request_input = np.asarray(request_input, dtype=float)
    k = np.searchsorted(starts, request_input, side="left")  # cuts the request exceeds
    labels = np.array([f"0-{_size(int(starts[0]))}"] + [f">{_size(int(s))}" for s in starts], dtype=object)
    return labels[k]


_BAND = re.compile(r"^\s*>\s*(\d+(?:\.\d+)?)\s*([km]?)\s*$", re.I)
_SCALE = {"": 1, "k": 1000, "m": 1_000_000}


def band_floor(label: object) -> int:
    """Input tokens a band's requests exceed: '>200k' → 200,000; '0-200k', unknown or missing → 0."""
    m = _BAND.match(label) if isinstance(label, str) else None
    return round(float(m.group(1)) * _SCALE[m.group(2).lower()]) if m else 0


def band_tier_input(labels: np.ndarray) -> np.ndarray:
    """A request size inside each band, for `cost_usd(tier_input=...)`: it exceeds exactly the tier
    starts the band's requests exceed (tier starts are whole numbers)."""
    floors = np.array([band_floor(v) for v in np.asarray(labels, dtype=object)], dtype=float)
    return np.where(floors > 0, floors + 1, 0.0)
