"""The one usage aggregation: normalized requests -> hourly rollup, as Ibis expressions.

Every price-determining dimension is a grouping key (model, service tier, the long-context band
of each request by the catalog's real tier starts, where it ran and at what speed), so pricing
the rollup equals pricing each request (tests/roi/usage/test_usage_engine.py proves it).
Allocation keys (workspace, API key, project, user, tag, task) are kept for chargeback.
"""

from __future__ import annotations

import math

import ibis
import ibis.expr.types as ir

from roi.catalog.cost import context_band, tier_starts
from roi.usage.buckets import HIST_EDGES
from roi.usage.schema import ROLLUP_KEYS, TOKEN_COLUMNS

DIMENSIONS = ROLLUP_KEYS


def band(req: ir.Table, starts: tuple[int, ...] | None = None) -> ir.StringValue:
    """Each request's long-context band (`roi.catalog.cost.context_band`) from its total input,
    cut at every tier start of the catalog (or at `starts`)."""
    total = sum((req[c] for c in TOKEN_COLUMNS if c != "output_tokens"), ibis.literal(0.0))
    starts = tier_starts() if starts is None else starts
    if not starts:
        return ibis.literal(context_band([0])[0])
    return ibis.cases(
        *[(total > s, str(context_band([s + 1])[0])) for s in reversed(starts)],
        else_=str(context_band([0])[0]),
    )


def rollup(req: ir.Table, starts: tuple[int, ...] | None = None) -> ir.Table:
    """Hour × dimensions, summed. `req` holds only the requests to count (skipped rows removed)."""
    keyed = req.mutate(hour=req.start.truncate("h"), context_window=band(req, starts))
    return keyed.group_by(["hour", *DIMENSIONS]).aggregate(
        requests=keyed.count().cast("float64"),
        **{c: keyed[c].sum() for c in TOKEN_COLUMNS},
        reported_cost_usd=keyed.reported_cost_usd.sum(),
        latency_s_sum=keyed.latency_s.sum(),
        ttft_s_sum=keyed.ttft_s.sum(),
        timed_requests=keyed.latency_s.count().cast("float64"),
    )


def latency_bins(req: ir.Table) -> ir.Table:
    """Requests per latency bin (HIST_EDGES, geometric; out-of-range latencies in the end bins)."""
    lo, hi, n = float(HIST_EDGES[0]), float(HIST_EDGES[-1]), len(HIST_EDGES) - 1
    ratio = math.log(hi / lo) / n
    lat = ibis.least(ibis.greatest(req.latency_s, lo), hi)
    k = ((lat / lo).ln() / ratio).floor().cast("int64")
    timed = req.filter(req.latency_s.notnull())
    return timed.mutate(bin=ibis.least(k, n - 1)).group_by("bin").aggregate(requests=ibis._.count())


def _n(condition: ir.BooleanValue) -> ir.IntegerScalar:
    return ibis.ifelse(condition.fill_null(False), 1, 0).sum().fill_null(0)


def checks(req: ir.Table) -> ir.Table:
    """One row: how many rows were skipped and why, and what is wrong with the file, if anything."""
    kept = req.chk_skip.isnull()
    return req.aggregate(
        rows=req.count(),
        blank=_n(req.chk_skip == "blank"),
        total=_n(req.chk_skip == "total"),
        bad=_n(kept & req.chk_bad.notnull()),
        bad_column=req.chk_bad.min(),
        no_model_with_tokens=_n(kept & req.chk_no_model & req.chk_tokens & ~req.chk_hit),
        no_model=_n(kept & req.chk_no_model),
        no_id=_n(kept & ~req.chk_no_model & req.request_id.isnull()),
        hits=_n(kept & req.chk_hit),
        bad_meta=_n(kept & req.chk_bad_meta),
    )


def counted(req: ir.Table, *, skipped: bool = True, modelless: bool = True) -> ir.Table:
    """The requests that count: not blank, not a total row, with a model.

    When the checks found no blank or total rows (`skipped=False`), or no rows without a model
    (`modelless=False`), that test is left out: on a typed source read in place it costs each later
    pass a scan of six columns."""
    tests = ([req.chk_skip.isnull()] if skipped else []) + ([~req.chk_no_model] if modelless else [])
    return req.filter(*tests) if tests else req
