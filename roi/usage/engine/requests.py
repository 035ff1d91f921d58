"""A LiteLLM SpendLogs table, on any engine, as normalized requests (one Ibis expression).

The same rules as the pandas reader (`roi.usage.litellm`, the reference the tests compare with):
input stays additive (prompt − cache reads − cache writes, unless this LiteLLM version left the
writes out of `prompt_tokens`), a proxy cache hit called no model (its tokens count as 0), TTFT is
unknown where `completionStartTime` repeats `endTime`, tags come from the JSON array.

A source read as text (CSV) has its numbers cleaned as FORMATS.md says (currency symbols, spaces,
thousands separators, decimal commas); typed sources (Parquet, a database) are cast. Every row
also carries `chk_*` columns saying what is wrong with it, so that one pass over the data both
aggregates and validates; a bad file is then refused before anything is stored.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

# the columns a SpendLogs table needs (lower case; LiteLLM writes startTime, endTime, ...)
REQUIRED = ("request_id", "starttime", "model", "prompt_tokens", "completion_tokens", "spend")
PASSTHROUGH = ("filename", "file_row_number")
TS = "timestamp"  # naive, in UTC: time-zone-aware arithmetic costs engines (DuckDB's ICU) 10-30x
TOTAL_ROW = r"^(grand\s+)?totals?:?$"


@ibis.udf.scalar.builtin(name="trim")
def _trim(s: str) -> str:
    """SQL's own TRIM (spaces): Ibis's `strip()` names every whitespace character, 4x slower."""


def cell_text(v: ir.Value) -> ir.StringValue:
    """A cell as trimmed text, empty = NULL (text sources write missing values as '')."""
    s = v if v.type().is_string() else v.cast("string")
    return _trim(s).nullif("")


def cell_number(v: ir.Value, decimal: str) -> ir.FloatingValue:
    if not v.type().is_string():
        return v.cast("float64")
    if decimal == ".":  # most cells are plain numbers: clean only the others
        plain = v.try_cast("float64")
        return ibis.ifelse(plain.notnull(), plain, _cleaned(v, decimal))
    return _cleaned(v, decimal)


def _cleaned(v: ir.StringValue, decimal: str) -> ir.FloatingValue:
    s = cell_text(v).re_replace("[\\s$€£\u00a0\u202f']", "")
    if decimal == ",":
        # European Excel: '1.234,56' and '1.234' use dots for thousands; '12.50' is still a decimal
        thousands = s.contains(",") | s.re_search(r"^-?\d{1,3}(\.\d{3})+$")
        s = ibis.ifelse(thousands, s.replace(".", ""), s).replace(",", ".")
    else:
        s = s.replace(",", "")
    return s.try_cast("float64")


def cell_time(v: ir.Value) -> ir.TimestampValue:
    """A time in UTC. Text with an offset ('…+02:00', '…Z') is converted; without one it is UTC."""
    if not v.type().is_string():
        return v.cast(TS)
    tail = v.substr(13)  # after 'YYYY-MM-DDTHH': only an offset has a sign or a Z
    zoned = tail.contains("+") | tail.contains("-") | tail.contains("Z") | tail.contains("z")
    return ibis.ifelse(zoned, v.try_cast("timestamp('UTC')").cast(TS), v.try_cast(TS))


@ibis.udf.scalar.builtin(name="get_json_object")
def _get_json_object(doc: str, path: str) -> str:
    """Spark SQL's JSON access on text (Spark has no JSON type: Ibis's JSON operations do not apply)."""


class JsonOps:
    """JSON inside a text column, on engines with a JSON type (DuckDB, PostgreSQL, warehouses)."""

    def parse(self, v: ir.Value) -> ir.Value:
        """A JSON document from text (or from a JSON/JSONB column, through its text: one JSON type
        for every engine's functions); NULL where it is not valid JSON (DuckDB)."""
        return (v if v.type().is_string() else v.cast("string")).try_cast("json")

    def null(self) -> ir.Value:
        return ibis.null("json")

    def get(self, j: ir.Value, key: str) -> ir.Value:
        return j[key]

    def number(self, j: ir.Value) -> ir.FloatingValue:
        """Through text: Ibis's own JSON-number unwrap compiles to SQL PostgreSQL rejects."""
        return j.cast("string").try_cast("float64")


class SparkJsonOps(JsonOps):
    """JSON kept as text and read with `get_json_object` (Spark)."""

    def parse(self, v: ir.Value) -> ir.Value:
        s = v.cast("string")
        return ibis.ifelse(_get_json_object(s, "$").notnull(), s, ibis.null("string"))

    def null(self) -> ir.Value:
        return ibis.null("string")

    def get(self, j: ir.Value, key: str) -> ir.Value:
        return _get_json_object(j, f"$.{key}")

    def number(self, j: ir.Value) -> ir.FloatingValue:
        return j.try_cast("float64")


def _usage(p: ir.Table, js: JsonOps) -> ir.Table:
    """Stage 2: the usage object inside `metadata` (LiteLLM writes it under `usage_object`, `usage`
    or at the top), and its cache-write split by TTL, each extracted once."""
    usage = ibis.coalesce(js.get(p.meta, "usage_object"), js.get(p.meta, "usage"), p.meta)
    return p.mutate(usage=usage).mutate(
        by_ttl=ibis.coalesce(
            js.get(ibis._.usage, "cache_creation_token_details"), js.get(ibis._.usage, "cache_creation")
        )
    )


def _cache_split(u: ir.Table, js: JsonOps) -> dict[str, ir.FloatingValue]:
    """Cache reads, 5-minute and 1-hour writes from the usage object (stage 3)."""

    def field(j: ir.Value, *path: str) -> ir.FloatingValue:
        for key in path:
            j = js.get(j, key)
        return js.number(j)

    read = ibis.coalesce(
        field(u.usage, "cache_read_input_tokens"),
        field(u.usage, "prompt_tokens_details", "cached_tokens"),
        0.0,
    )
    write = ibis.coalesce(
        field(u.usage, "cache_creation_input_tokens"),
        field(u.usage, "prompt_tokens_details", "cache_creation_tokens"),
        0.0,
    )
    read, write = ibis.greatest(read, 0.0), ibis.greatest(write, 0.0)
    w1h = ibis.least(
        ibis.greatest(ibis.coalesce(field(u.by_ttl, "ephemeral_1h_input_tokens"), 0.0), 0.0), write
    )
    return {"read": read, "w5": write - w1h, "w1h": w1h}


def _tags(v: ir.Value) -> ir.StringValue:
    """'["intake", "priority"]' -> 'intake,priority'; text that is not a JSON array is kept."""
    s = cell_text(v)
    joined = s.replace("[", "").replace("]", "").replace('"', "").replace(", ", ",")  # (no regex: 3x faster)
    out = ibis.ifelse(s.startswith("["), _trim(joined), s.re_replace(r"^\{|\}$", ""))
    return out.nullif("").nullif("null")  # (out named once: engines compute it once)


def _parsed(t: ir.Table, decimal: str, js: JsonOps) -> ir.Table:
    """Stage 1: every cell parsed once (text -> numbers, times, JSON), with what is wrong with it."""
    cols = set(t.columns)

    def col(name: str) -> ir.Value:
        return t[name] if name in cols else ibis.null("string")

    def time(name: str) -> ir.Value:
        return cell_time(t[name]) if name in cols else ibis.null(TS)

    # only cells that mention "cache" are parsed: most requests carry no cache usage
    meta_text = col("metadata") if col("metadata").type().is_string() else col("metadata").cast("string")
    has_cache = meta_text.contains("cache").fill_null(False)
    meta = ibis.ifelse(has_cache, js.parse(t.metadata), js.null()) if "metadata" in cols else js.null()
    request_id = cell_text(t.request_id)
    blank = ibis.and_(*[(cell_text(t[c]) if t[c].type().is_string() else t[c]).isnull() for c in REQUIRED])
    first5 = request_id.lower().substr(0, 5)
    # the regular expression only where the id starts like a total row (it costs on 100M rows)
    total = ibis.ifelse(first5.isin(["total", "grand"]), request_id.lower().re_search(TOTAL_ROW), False)
    total = total.fill_null(False)
    return t.select(
        start=time("starttime"),
        end=time("endtime"),
        first=time("completionstarttime"),
        prompt=cell_number(t.prompt_tokens, decimal),
        completion=cell_number(t.completion_tokens, decimal),
        spend=cell_number(t.spend, decimal),
        meta=meta,
        has_cache=has_cache,
        model_raw=ibis.coalesce(cell_text(t.model), cell_text(col("model_group"))),
        api_key=cell_text(col("api_key")),
        project=cell_text(col("team_id")),
        user=cell_text(col("user")),
        tag=_tags(col("request_tags")),
        request_id=request_id,
        chk_hit=(cell_text(col("cache_hit")).lower() == "true").fill_null(False),
        chk_skip=ibis.cases((blank, "blank"), (total, "total"), else_=ibis.null("string")),
        **_given(t),
        **{c: t[c] for c in PASSTHROUGH if c in cols},
    )


CHECKED = {
    "starttime": "start",
    "endtime": "end",
    "completionstarttime": "first",
    "prompt_tokens": "prompt",
    "completion_tokens": "completion",
    "spend": "spend",
}


def _given(t: ir.Table) -> dict[str, ir.BooleanValue]:
    """Stage 1 flags: the cell was written (so a parsed value of NULL means it was unreadable)."""
    return {
        f"given_{name}": (cell_text(t[col]).notnull() if t[col].type().is_string() else t[col].notnull())
        for col, name in CHECKED.items()
        if col in t.columns
    }


def _first_bad(p: ir.Table) -> ir.StringValue:
    """The first column of the row whose cell is not what it should be (NULL when all are fine)."""
    checks = []
    for col, name in CHECKED.items():
        if f"given_{name}" in p.columns:
            value = p[name]
            bad = p[f"given_{name}"] & value.isnull()
            if col in ("prompt_tokens", "completion_tokens", "spend"):
                bad = bad | (value < 0)
            checks.append((bad.fill_null(False), col))
    return ibis.cases(*checks, else_=ibis.null("string"))


def spendlogs_requests(t: ir.Table, *, decimal: str = ".", json: JsonOps | None = None) -> ir.Table:
    """Normalized requests (the columns of `roi.usage.schema`, per-request) plus `chk_*` columns.

    `t` has lower-case column names; missing optional columns count as empty. Built in stages that
    each name their columns, so no engine parses a cell or a JSON document more than once.
    """
    js = json or JsonOps()
    p = _usage(_parsed(t, decimal, js), js)
    c = p.mutate(
        **_cache_split(p, js),
        chk_bad_meta=p.has_cache & p.meta.isnull(),
        chk_bad=_first_bad(p),
        prompt=p.prompt.fill_null(0.0),
        completion=p.completion.fill_null(0.0),
    )
    uncached = c.prompt - c.read - c.w5 - c.w1h
    c = c.mutate(
        # this LiteLLM version left cache writes out of prompt_tokens
        uncached=ibis.greatest(
            ibis.ifelse((uncached < 0) & (c.prompt - c.read >= 0), c.prompt - c.read, uncached), 0.0
        ),
        billed=ibis.ifelse(c.chk_hit, 0.0, 1.0),  # a proxy cache hit called no model
    )
    return c.select(
        start=c.start,
        model_raw=c.model_raw,
        workspace=ibis.null("string"),
        api_key=c.api_key,
        project=c.project,
        user=c.user,
        tag=c.tag,
        task=ibis.null("string"),
        service_tier=ibis.null("string"),
        inference_geo=ibis.null("string"),  # LiteLLM's logs do not say where or at what speed
        speed=ibis.null("string"),
        input_tokens=c.uncached * c.billed,
        cache_write_5m_tokens=c.w5 * c.billed,
        cache_write_1h_tokens=c.w1h * c.billed,
        cache_read_tokens=c.read * c.billed,
        output_tokens=c.completion * c.billed,
        reported_cost_usd=c.spend,
        latency_s=c.end.delta(c.start, unit="millisecond") / 1000.0,
        # LiteLLM writes endTime as completionStartTime for non-streaming calls: no TTFT there
        ttft_s=ibis.ifelse(
            c.first == c.end, ibis.null("float64"), c.first.delta(c.start, unit="millisecond") / 1000.0
        ),
        request_id=c.request_id,
        # what is wrong with the row, checked in the same pass as the aggregation (rollup.checks)
        chk_skip=c.chk_skip,
        chk_bad=c.chk_bad,
        chk_no_model=c.model_raw.isnull(),
        chk_tokens=(c.prompt + c.completion) > 0,
        chk_hit=c.chk_hit,
        chk_bad_meta=c.chk_bad_meta,
        # where the row is, for a precise error (DuckDB's file name and Parquet row number)
        **{k: c[k] for k in PASSTHROUGH if k in c.columns},
    )
