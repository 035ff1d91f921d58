"""OpenTelemetry GenAI spans (roi.usage.otel): the sample export (data/usage/otel_spans.jsonl, two
OTLP export requests as the collector's file exporter writes them) read to the right tokens, cache
buckets, latency and allocation keys; spans that are not LLM calls skipped and counted; the same
traces imported twice counted once; a bad span named. The same spans as the collector's Parquet
span table (data/usage/otel_spans.parquet, made by tools/otel_span_table.py) read to the same rows."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from roi.errors import UsageFormatError
from roi.store import Store
from roi.usage import ingest, list_imports, priced_store, read_usage

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "data" / "usage" / "otel_spans.jsonl"
PARQUET = ROOT / "data" / "usage" / "otel_spans.parquet"
sys.path.insert(0, str(ROOT / "tools"))
from otel_span_table import span_table  # noqa: E402


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    yield s
    s.dispose()


def test_the_sample_export_reads_to_one_request_per_llm_span():
    r = read_usage(SAMPLE.read_bytes(), name=SAMPLE.name)
    f = r.frame
    assert r.format == "otel-genai-spans" and r.per_request
    assert len(f) == 10 and f["requests"].sum() == 10
    assert r.warnings == [
        f"{SAMPLE.name}: skipped 2 span(s) that are not LLM calls (no model, no token usage)"
    ]
    # the conventions count cache reads and writes inside input_tokens: taken out, additively
    read = f[f["cache_read_tokens"] > 0].iloc[0]
    assert (read["input_tokens"], read["cache_read_tokens"]) == (2500 - 1800, 1800)
    write = f[f["cache_write_5m_tokens"] > 0].iloc[0]
    assert (write["input_tokens"], write["cache_write_5m_tokens"]) == (2700 - 1000, 1000)
    assert f["latency_s"].iloc[0] == pytest.approx(0.8)  # end − start of the span
    assert set(f["tag"]) == {"M-014", "M-027"} and set(f["project"]) == {"intake"}  # resource attribute
    assert f["user"].iloc[0] == "associate0@firm.example"
    assert f["model_raw"].iloc[0] == "claude-haiku-4-5-20251001"  # the response's model
    assert str(f["start"].iloc[0]) == "2026-11-02 00:00:00+00:00"


def test_the_same_traces_imported_twice_count_once_and_price(store, tmp_path):
    first = ingest(store, [SAMPLE])
    again = ingest(store, [SAMPLE])
    assert first.document["requests"] == 10 and again.summaries[0].import_id is None
    folder = tmp_path / "traces"
    folder.mkdir()
    (folder / "part-1.jsonl").write_bytes(SAMPLE.read_bytes())
    ingest(store, [folder])  # a folder of exports, file by file: nothing new either
    priced = priced_store(store)
    assert priced["requests"].sum() == 10 and priced["cost_usd"].sum() > 0
    assert list(list_imports(store)["format"]) == ["otel-genai-spans"]


def test_an_uploaded_jsonl_export_is_not_taken_for_a_flat_log(store):
    ingest(store, [(SAMPLE.name, SAMPLE.read_bytes())])
    assert list(list_imports(store)["format"]) == ["otel-genai-spans"]


def _doc(attrs: list[dict], start="1793577600000000000", end="1793577601000000000") -> str:
    span = {
        "traceId": "ab",
        "spanId": "cd",
        "name": "chat",
        "startTimeUnixNano": start,
        "endTimeUnixNano": end,
        "attributes": attrs,
    }
    return json.dumps({"resourceSpans": [{"resource": {}, "scopeSpans": [{"spans": [span]}]}]})


def _a(key: str, value) -> dict:
    kind = "intValue" if isinstance(value, int) else "stringValue"
    return {"key": key, "value": {kind: str(value) if kind == "intValue" else value}}


@pytest.mark.parametrize(
    ("attrs", "times", "match"),
    [
        ([_a("gen_ai.usage.input_tokens", 10)], {}, "names no model"),
        (
            [_a("gen_ai.request.model", "m"), _a("gen_ai.usage.input_tokens", "many")],
            {},
            "expected a token count",
        ),
        ([_a("gen_ai.request.model", "m")], {"start": "soon"}, "startTimeUnixNano"),
        ([_a("gen_ai.request.model", "m")], {"start": "2000000000000000000"}, "ends before it starts"),
        ([_a("http.request.method", "GET")], {}, "no LLM spans"),
    ],
)
def test_a_bad_span_is_refused_naming_where_it_is(attrs, times, match):
    with pytest.raises(UsageFormatError, match=match) as info:
        read_usage(_doc(attrs, **times).encode(), name="trace.json")
    assert str(info.value).startswith("trace.json")


def test_the_parquet_span_table_reads_to_the_same_rows_as_the_otlp_export():
    spans = read_usage(SAMPLE.read_bytes(), name=SAMPLE.name)
    assert PARQUET.read_bytes() == span_table(SAMPLE.read_text())  # the sample is what the tool makes
    for data in (PARQUET.read_bytes(), span_table(SAMPLE.read_text(), int_timestamps=True)):
        table = read_usage(data, name="otel_traces.parquet")
        assert table.format == "otel-genai-spans"
        pd.testing.assert_frame_equal(table.frame, spans.frame)
        assert table.warnings == [w.replace(SAMPLE.name, "otel_traces.parquet") for w in spans.warnings]


def test_the_same_spans_as_json_and_as_parquet_count_once(store, tmp_path):
    ingest(store, [SAMPLE])
    folder = tmp_path / "otel_traces" / "date=2026-11-02"
    folder.mkdir(parents=True)
    (folder / "part-0.parquet").write_bytes(PARQUET.read_bytes())
    again = ingest(store, [str(tmp_path / "otel_traces")])  # a folder of span tables, file by file
    assert [s.import_id for s in again.summaries] == [None]  # nothing new
    assert priced_store(store)["requests"].sum() == 10
    up = ingest(store, [("spans.parquet", PARQUET.read_bytes())])  # an upload
    assert up.summaries[0].import_id is None


def _with_attribute(key: str, value: str, row: int = 0) -> bytes:
    table = pq.read_table(io.BytesIO(PARQUET.read_bytes()))
    attrs = table.column("SpanAttributes").to_pylist()
    attrs[row] = [(k, value if k == key else v) for k, v in attrs[row]]
    i = table.column_names.index("SpanAttributes")
    table = table.set_column(i, "SpanAttributes", pa.array(attrs, type=table.schema.field(i).type))
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def test_a_bad_span_in_parquet_is_refused_naming_row_column_and_attribute():
    with pytest.raises(UsageFormatError) as info:
        read_usage(_with_attribute("gen_ai.usage.input_tokens", "many", row=1), name="t.parquet")
    assert str(info.value).startswith("t.parquet") and "row 2, column SpanAttributes" in str(info.value)
    assert "gen_ai.usage.input_tokens" in str(info.value) and "many" in str(info.value)
    table = pa.table(
        {"Timestamp": [1], "Duration": [1], "TraceId": ["a"], "SpanId": ["b"], "SpanAttributes": [1]}
    )
    out = io.BytesIO()
    pq.write_table(table, out)
    with pytest.raises(UsageFormatError, match="column SpanAttributes: expected a map"):
        read_usage(out.getvalue(), name="odd.parquet")


def test_a_span_table_claiming_far_more_rows_than_its_size_is_refused():
    n = 3_000_000  # one repeated span: run-length encoded to a few KB
    table = pa.table(
        {
            "Timestamp": pa.array([0] * n, pa.int64()),
            "Duration": pa.array([1] * n, pa.int64()),
            "TraceId": ["a"] * n,
            "SpanId": ["b"] * n,
            "SpanAttributes": pa.array(
                [[("gen_ai.request.model", "m")]] * n, pa.map_(pa.string(), pa.string())
            ),
        }
    )
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd")
    assert len(out.getvalue()) < 300_000
    with pytest.raises(UsageFormatError, match="claims 3,000,000 rows"):
        read_usage(out.getvalue(), name="bomb.parquet")
