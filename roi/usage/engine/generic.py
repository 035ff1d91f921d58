"""Any other per-request log (a timestamp, a model, token columns), on the engine.

The columns are found as the CSV reader finds them (`roi.usage.generic`: the same names, the
same mapping, the same decision whether rows are requests, the same units for latencies), so a
log reads the same as CSV, JSON Lines or Parquet, and at any size. Only per-request logs come
here: a file of time buckets (a request-count column, or whole-hour times) is small and stays
with the CSV reader, which knows what a bucket is.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from roi.errors import UsageFormatError
from roi.usage import generic
from roi.usage.engine.requests import PASSTHROUGH, TOTAL_ROW, TS, cell_number, cell_text, cell_time

FORMAT = generic.FORMAT


def layout(
    columns: list[str], name: str, mapping: dict[str, str] | None, off_quarter: Callable[[str], bool]
) -> tuple[dict[str, str], list[str]]:
    """field -> column, and how the file is read (notes); refused when its rows are buckets.
    `off_quarter(column)` says whether any time in that column is off the quarter hour."""
    cols = generic.resolve_columns(columns, name, mapping)
    choice = generic.rows_choice(name, mapping)
    if "requests" in cols and choice != "requests":
        raise UsageFormatError(
            name,
            f"has a request-count column (“{cols['requests']}”): its rows are time buckets, which "
            "are imported from CSV; map rows=requests if each row is one request",
        )
    per_request, why = generic.rows_are_requests(cols, lambda: off_quarter(cols["timestamp"]), choice)
    if not per_request:
        raise UsageFormatError(name, f"{why}; save it as CSV to import time buckets")
    notes = [f"{name}: {why}"]
    for field in generic.TIMINGS:
        if field in cols:
            unit = "milliseconds" if generic.seconds_per_unit(cols[field]) < 1 else "seconds"
            notes.append(f"{name}: “{cols[field]}” read in {unit}")
    return cols, notes


def when(v: ir.Value) -> ir.TimestampValue:
    """A time: ISO text (with or without an offset: `cell_time`) or Unix seconds / milliseconds."""
    if v.type().is_timestamp() or v.type().is_date():
        return v.cast(TS)
    seconds = v.cast("float64") if v.type().is_numeric() else cell_text(v).try_cast("float64")
    ms = ibis.ifelse(seconds > 1e11, seconds, seconds * 1000).round().cast("int64")
    epoch = ms.as_timestamp("ms")
    if v.type().is_numeric():
        return epoch
    return ibis.ifelse(seconds.notnull(), epoch, cell_time(cell_text(v)))


def generic_requests(t: ir.Table, cols: dict[str, str], *, decimal: str = ".") -> ir.Table:
    """Normalized requests (the columns of `spendlogs_requests`) from the mapped columns of `t`."""

    def given(field: str) -> ir.BooleanValue:
        v = t[cols[field]]
        return cell_text(v).notnull() if v.type().is_string() else v.notnull()

    def num(field: str) -> ir.FloatingValue:
        return cell_number(t[cols[field]], decimal) if field in cols else ibis.null("float64")

    def text(field: str) -> ir.StringValue:
        return cell_text(t[cols[field]]) if field in cols else ibis.null("string")

    tokens = {f: num(f) for f in generic.TOKEN_FIELDS}
    timings = {f: num(f) * generic.seconds_per_unit(cols[f]) for f in generic.TIMINGS if f in cols}
    start = when(t[cols["timestamp"]])
    checks = [(given("timestamp") & start.isnull(), cols["timestamp"])]
    for field in (*generic.TOKEN_FIELDS, "reported_cost_usd", *generic.TIMINGS):
        if field in cols:
            value = tokens.get(field, timings.get(field, num(field)))
            bad = given(field) & value.isnull()
            if field != "reported_cost_usd":  # credits are negative
                bad = bad | (value < 0)
            checks.append((bad.fill_null(False), cols[field]))
    blank = ibis.and_(*[~given(f).fill_null(False) for f in cols])

    def says_total(field: str) -> ir.BooleanValue:
        s = text(field).lower()  # the expression only where a cell starts like a total row
        return ibis.ifelse(s.substr(0, 5).isin(["total", "grand"]), s.re_search(TOTAL_ROW), False).fill_null(
            False
        )

    total = says_total("timestamp") | says_total("model") | says_total("request_id")
    counted = {f: v.fill_null(0.0) for f, v in tokens.items()}
    out = t.select(
        start=start,
        model_raw=text("model"),
        workspace=text("workspace"),
        api_key=text("api_key"),
        project=text("project"),
        user=text("user"),
        tag=text("tag"),
        task=text("task"),
        service_tier=text("service_tier"),
        inference_geo=text("inference_geo"),
        speed=text("speed"),
        **counted,
        reported_cost_usd=num("reported_cost_usd"),
        latency_s=timings.get("latency_s", ibis.null("float64")),
        ttft_s=timings.get("ttft_s", ibis.null("float64")),
        request_id=text("request_id"),
        chk_skip=ibis.cases((blank, "blank"), (total, "total"), else_=ibis.null("string")),
        chk_bad=ibis.cases(*checks, else_=ibis.null("string")),
        chk_no_model=text("model").isnull(),
        chk_tokens=sum(counted.values(), ibis.literal(0.0)) > 0,
        chk_hit=ibis.literal(False),
        chk_bad_meta=ibis.literal(False),
        **{k: t[k] for k in PASSTHROUGH if k in t.columns},
    )
    return out if "request_id" in cols else out.mutate(request_id=_row_id(out))


def _row_id(req: ir.Table) -> ir.StringValue:
    """An id for a log without request ids: the request's own values and which of its identical
    copies in the file it is. Importing the file again (or an export that overlaps it) then adds
    nothing, while two identical requests in one file both count."""
    # (inference_geo and speed came later: leaving them out keeps the ids of files imported before)
    content = [
        req[c]
        for c in req.columns
        if not c.startswith("chk_") and c not in (*PASSTHROUGH, "request_id", "inference_geo", "speed")
    ]
    copy = ibis.row_number().over(group_by=content)
    parts = [c.cast("string").fill_null("") for c in content]
    return ibis.literal("row|").concat(*[p.concat("|") for p in parts], copy.cast("string"))
