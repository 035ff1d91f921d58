"""OpenTelemetry GenAI spans: traces exported as OTLP JSON (a file, or JSON Lines as the collector's
file exporter writes them: one `{"resourceSpans": [...]}` request per line), one request per LLM span.

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

from collections.abc import Iterator

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


def _tokens(attrs: dict, key: str, name: str, where: str) -> float:
    v = attrs.get(key, 0)
    if isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
        raise UsageFormatError(
            name, f"{where}: attribute “{key}”: expected a token count, got “{clip(v, 40)}”"
        )
    return float(v)


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


def read_spans(text: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    docs = loads_pages(text, lambda why: UsageFormatError(name, why))
    docs = docs if isinstance(docs, list) else [docs]
    rows, skipped = [], 0
    for span, resource, where in _spans(docs):
        attrs = _attributes(span.get("attributes"))
        model = next((attrs[k] for k in MODEL_KEYS if attrs.get(k)), None)
        if model is None and INPUT not in attrs and OUTPUT not in attrs:
            skipped += 1  # not an LLM call: a tool, an HTTP request, a retrieval…
            continue
        if model is None:
            raise UsageFormatError(
                name, f"{where}: an LLM span (it has token usage) names no model ({MODEL_KEYS[1]})"
            )
        read = sum(_tokens(attrs, k, name, where) for k in READ_KEYS if k in attrs)
        write = sum(_tokens(attrs, k, name, where) for k in WRITE_KEYS if k in attrs)
        given = _tokens(attrs, INPUT, name, where)
        uncached = given - read - write if read + write <= given else given  # included by the conventions
        start, end = (
            _time(span, "startTimeUnixNano", name, where),
            _time(span, "endTimeUnixNano", name, where),
        )
        if end < start:
            raise UsageFormatError(name, f"{where}: it ends before it starts")
        rows.append(
            {
                "start": start,
                "model_raw": str(model),
                "requests": 1.0,
                "input_tokens": uncached,
                "cache_write_5m_tokens": write,
                "cache_read_tokens": read,
                "output_tokens": _tokens(attrs, OUTPUT, name, where),
                "latency_s": (end - start).total_seconds(),
                "request_id": f"{span.get('traceId', '')}:{span.get('spanId', '')}",
                **{key: _first(attrs, resource, names) for key, names in KEYS.items()},
            }
        )
    warnings = (
        [f"{name}: skipped {skipped} span(s) that are not LLM calls (no model, no token usage)"]
        if skipped
        else []
    )
    if not rows:
        raise UsageFormatError(name, "no LLM spans (spans with gen_ai.request.model and token usage)")
    return ReadResult(FORMAT, normalized(pd.DataFrame(rows)), warnings, per_request=True)


READERS = (Reader(FORMAT, "OpenTelemetry GenAI spans (OTLP JSON)", "json", _detect, read_spans),)
