"""OpenTelemetry GenAI spans: traces exported as OTLP JSON (a file, or JSON Lines as the collector's
file exporter writes them: one `{"resourceSpans": [...]}` request per line), or the collector's
span table in Parquet (`SPAN_COLUMNS`); one request per LLM span.

What a span says, by the OpenTelemetry GenAI semantic conventions (OpenLLMetry, Langfuse, Logfire
and Claude Code emit them): the model (`gen_ai.response.model`, else `gen_ai.request.model`), the
tokens (`gen_ai.usage.input_tokens`, `gen_ai.usage.output_tokens`, the cache reads and writes
`gen_ai.usage.cache_read.input_tokens` / `gen_ai.usage.cache_creation.input_tokens`, or their
older names `gen_ai.usage.cache_read_input_tokens` / `gen_ai.usage.cache_creation_input_tokens`),
and when it started and ended (its latency). The conventions count cache reads and writes inside
`input_tokens`; they are taken out so the buckets stay additive, unless the span's cache tokens
exceed its input (an instrumentation that reports Anthropic's own, additive, counts).

Allocation keys come from the span's attributes, then its resource's: `matter` or `tag` → tag,
`user.id` / `enduser.id` → user, `project` / `team` → project, `task` → task, `workspace` →
workspace. A span that is not an LLM call (no model and no token usage: an HTTP call, a tool, a
retrieval) is skipped and counted in a warning. The span's trace and span ids are its request id,
so importing the same traces twice counts each call once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pandas as pd

from roi.errors import UsageFormatError, clip
from roi.jsondoc import loads_pages
from roi.usage.reader import Reader
from roi.usage.schema import ReadResult, normalized

FORMAT = "otel-genai-spans"
MODEL_KEYS = ("gen_ai.response.model", "gen_ai.request.model")
INPUT, OUTPUT = "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens"
READ_KEYS = ("gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens")
WRITE_KEYS = ("gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens")
KEYS = {  # allocation key -> attributes that give it, first found wins
    "tag": ("matter", "roi.matter", "tag", "roi.tag"),
    "user": ("user.id", "enduser.id", "user"),
    "project": ("project", "team", "roi.project"),
    "task": ("task", "roi.task"),
    "workspace": ("workspace", "roi.workspace"),
}


def _detect(doc: object) -> bool:
    docs = doc if isinstance(doc, list) else [doc]
    return bool(docs) and all(isinstance(d, dict) and "resourceSpans" in d for d in docs)


def _value(v: object) -> object:
    """An OTLP AnyValue: {"stringValue": …}, {"intValue": "12"} (int64 as text), {"doubleValue": …}…"""
    if not isinstance(v, dict) or not v:
        return None
    kind, x = next(iter(v.items()))
    if kind == "intValue":
        return int(x)
    if kind == "arrayValue":
        return [_value(i) for i in (x or {}).get("values", [])]
    return x


def _attributes(items: object) -> dict[str, object]:
    if not isinstance(items, list):
        return {}
    return {a["key"]: _value(a.get("value")) for a in items if isinstance(a, dict) and "key" in a}


def _spans(docs: list[dict]) -> Iterator[tuple[dict, dict, str]]:
    """(span, resource attributes, where) for every span of every export request."""
    for d, doc in enumerate(docs):
        for r, rs in enumerate(doc.get("resourceSpans") or []):
            resource = _attributes((rs.get("resource") or {}).get("attributes"))
            for s, ss in enumerate(rs.get("scopeSpans") or rs.get("instrumentationLibrarySpans") or []):
                for k, span in enumerate(ss.get("spans") or []):
                    where = f"request {d + 1}, resourceSpans[{r}].scopeSpans[{s}].spans[{k}]"
                    yield span, resource, where


def _first(attrs: dict, resource: dict, keys: tuple[str, ...]) -> object:
    for source in (attrs, resource):
        for k in keys:
            if source.get(k) not in (None, ""):
                v = source[k]
                return ",".join(map(str, v)) if isinstance(v, list) else str(v)
    return pd.NA


def _time(span: dict, key: str, name: str, where: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(int(span[key]), unit="ns", tz="UTC")
    except (KeyError, TypeError, ValueError):
        raise UsageFormatError(name, f"{where}: “{key}”: expected nanoseconds since 1970") from None


TOKEN_ATTRIBUTES = (INPUT, OUTPUT, *READ_KEYS, *WRITE_KEYS)


def read_spans(text: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    docs = loads_pages(text, lambda why: UsageFormatError(name, why))
    docs = docs if isinstance(docs, list) else [docs]
    spans, wheres = [], []
    for span, resource, where in _spans(docs):
        attrs = _attributes(span.get("attributes"))
        start, end = (
            _time(span, "startTimeUnixNano", name, where),
            _time(span, "endTimeUnixNano", name, where),
        )
        if end < start:
            raise UsageFormatError(name, f"{where}: it ends before it starts")
        wheres.append(where)
        spans.append(
            {
                "model": next((attrs[k] for k in MODEL_KEYS if attrs.get(k)), None),
                **{k: attrs.get(k) for k in TOKEN_ATTRIBUTES},
                "start": start,
                "latency_s": (end - start).total_seconds(),
                "request_id": f"{span.get('traceId', '')}:{span.get('spanId', '')}",
                **{key: _first(attrs, resource, names) for key, names in KEYS.items()},
            }
        )
    columns = ["model", *TOKEN_ATTRIBUTES, "start", "latency_s", "request_id", *KEYS]
    return _usage(pd.DataFrame(spans, columns=columns), name, wheres.__getitem__)


def _usage(spans: pd.DataFrame, name: str, where: Callable[[int], str]) -> ReadResult:
    """One usage row per LLM span. `spans` has one row per span: the model, each token attribute
    as found (None where absent), start, latency, request id and the allocation keys; both the
    OTLP JSON and the Parquet reader build it. `where(i)` names span `i` in an error (only then:
    a million spans need no million strings)."""
    llm = spans["model"].notna() | spans[INPUT].notna() | spans[OUTPUT].notna()
    skipped = int((~llm).sum())  # not an LLM call: a tool, an HTTP request, a retrieval…
    spans = spans[llm]  # (the index stays the span's position, for `where`)
    if spans.empty:
        raise UsageFormatError(name, "no LLM spans (spans with gen_ai.request.model and token usage)")
    if spans["model"].isna().any():
        raise UsageFormatError(
            name,
            f"{where(spans['model'].isna().idxmax())}: an LLM span (it has token usage) names no model "
            f"({MODEL_KEYS[1]})",
        )

    def tokens(key: str) -> pd.Series:
        raw = spans[key]
        n = pd.to_numeric(raw.where(~raw.map(lambda v: isinstance(v, bool)), "bool"), errors="coerce")
        bad = raw.notna() & ~(n >= 0)
        if bad.any():
            i = bad.idxmax()
            raise UsageFormatError(
                name,
                f"{where(i)}: attribute “{key}”: expected a token count, got “{clip(raw[i], 40)}”",
            )
        return n.fillna(0.0).astype(float)

    read = sum((tokens(k) for k in READ_KEYS), pd.Series(0.0, index=spans.index))
    write = sum((tokens(k) for k in WRITE_KEYS), pd.Series(0.0, index=spans.index))
    given = tokens(INPUT)
    included = read + write <= given  # the conventions count cache tokens inside input_tokens
    rows = pd.DataFrame(
        {
            "start": spans["start"],
            "model_raw": spans["model"].astype(str),
            "requests": 1.0,
            "input_tokens": given.where(~included, given - read - write),
            "cache_write_5m_tokens": write,
            "cache_read_tokens": read,
            "output_tokens": tokens(OUTPUT),
            "latency_s": spans["latency_s"].astype(float),
            "request_id": spans["request_id"],
            **{key: spans[key] for key in KEYS},
        }
    )
    warnings = (
        [f"{name}: skipped {skipped} span(s) that are not LLM calls (no model, no token usage)"]
        if skipped
        else []
    )
    return ReadResult(FORMAT, normalized(rows), warnings, per_request=True)


# --- Parquet ------------------------------------------------------------------------------------
# The span table of the OpenTelemetry Collector's ClickHouse exporter (`otel_traces`), which
# otlp2parquet writes as Parquet with the same columns: `Timestamp` (the span's start), `Duration`
# (nanoseconds), `TraceId`, `SpanId`, `SpanAttributes` and `ResourceAttributes` (maps of attribute
# name to its value as text).
SPAN_COLUMNS = ("Timestamp", "Duration", "TraceId", "SpanId", "SpanAttributes")


def is_span_table(names: list[str]) -> bool:
    """Whether Parquet columns are the collector's span table."""
    return set(SPAN_COLUMNS) <= set(names)


def read_parquet_spans(data: bytes | str, name: str) -> ReadResult:
    """Spans from a collector's Parquet span table (`SPAN_COLUMNS`), one usage row per LLM span."""
    import io
    import os

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from roi.usage.engine.local import MAX_ROWS_PER_BYTE

    pf = pq.ParquetFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    size = len(data) if isinstance(data, bytes) else os.path.getsize(data)
    if pf.metadata.num_rows > MAX_ROWS_PER_BYTE * max(size, 1000):  # run-length filler, a "bomb"
        raise UsageFormatError(name, f"claims {pf.metadata.num_rows:,} rows in {size:,} bytes; not read")
    names = pf.schema_arrow.names
    if not is_span_table(names):
        missing = ", ".join(c for c in SPAN_COLUMNS if c not in names)
        raise UsageFormatError(name, f"not an OpenTelemetry span table: no column {missing}")
    table = pf.read(
        columns=[*SPAN_COLUMNS, *(["ResourceAttributes"] if "ResourceAttributes" in names else [])]
    )
    text_map = pa.map_(pa.string(), pa.string())

    def attributes(column: str) -> pa.ChunkedArray | None:
        if column not in table.column_names:
            return None
        try:
            return table.column(column).cast(text_map)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise UsageFormatError(
                name, f"column {column}: expected a map of attribute names to values"
            ) from None

    span, resource = attributes("SpanAttributes"), attributes("ResourceAttributes")

    def get(attrs: pa.ChunkedArray | None, key: str) -> pd.Series:
        if attrs is None:
            return pd.Series(pd.NA, index=range(table.num_rows), dtype=object)
        return pd.Series(pc.map_lookup(attrs, pa.scalar(key), "first").to_pandas(), dtype=object)

    def first(keys: tuple[str, ...]) -> pd.Series:
        out = pd.Series(pd.NA, index=range(table.num_rows), dtype=object)
        for attrs in (span, resource):
            for k in keys:
                v = get(attrs, k)
                out = out.where(out.notna() | (v.isna() | v.eq("")), v)
        return out.astype("string")

    start = table.column("Timestamp").to_pandas()
    if not pd.api.types.is_datetime64_any_dtype(start):
        start = pd.to_datetime(pd.to_numeric(start, errors="coerce"), unit="ns")
    start = start.dt.tz_localize("UTC") if start.dt.tz is None else start.dt.tz_convert("UTC")
    duration = pd.to_numeric(table.column("Duration").to_pandas(), errors="coerce")
    for column, bad in (("Timestamp", start.isna()), ("Duration", ~(duration >= 0))):
        if bad.any():
            what = "a time" if column == "Timestamp" else "nanoseconds, not negative"
            raise UsageFormatError(name, f"row {bad.idxmax() + 1}, column {column}: expected {what}")
    model = get(span, MODEL_KEYS[0])
    model = model.where(model.notna() & model.ne(""), get(span, MODEL_KEYS[1]))
    spans = pd.DataFrame(
        {
            "model": model.where(model.notna() & model.ne(""), None),
            **{k: get(span, k) for k in TOKEN_ATTRIBUTES},
            "start": start,
            "latency_s": duration / 1e9,
            "request_id": table.column("TraceId").to_pandas().astype(str)
            + ":"
            + table.column("SpanId").to_pandas().astype(str),
            **{key: first(names) for key, names in KEYS.items()},
        }
    )
    return _usage(spans, name, lambda i: f"row {i + 1}, column SpanAttributes")


READERS = (
    Reader(
        FORMAT,
        "OpenTelemetry GenAI spans (OTLP JSON, or the collector's Parquet span table)",
        "json",
        _detect,
        read_spans,
    ),
)
