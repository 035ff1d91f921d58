"""Write an OTLP JSON export as the OpenTelemetry Collector's span table in Parquet: the columns of
the ClickHouse exporter's `otel_traces` table, as otlp2parquet writes them. Makes
`data/usage/otel_spans.parquet` from `data/usage/otel_spans.jsonl`, and the tests' variants.

    python tools/otel_span_table.py data/usage/otel_spans.jsonl data/usage/otel_spans.parquet
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

KINDS = {0: "Unspecified", 1: "Internal", 2: "Server", 3: "Client", 4: "Producer", 5: "Consumer"}


def _text(value: dict) -> str:
    kind, x = next(iter(value.items()))
    return json.dumps([_text(v) for v in x.get("values", [])]) if kind == "arrayValue" else str(x)


def _attrs(items: list[dict] | None) -> list[tuple[str, str]]:
    return [(a["key"], _text(a["value"])) for a in items or []]


def span_table(jsonl: str, *, int_timestamps: bool = False) -> bytes:
    rows: dict[str, list] = {
        k: []
        for k in (
            "Timestamp",
            "TraceId",
            "SpanId",
            "ParentSpanId",
            "SpanName",
            "SpanKind",
            "ServiceName",
            "ResourceAttributes",
            "SpanAttributes",
            "Duration",
            "StatusCode",
        )
    }
    for line in jsonl.splitlines():
        if not line.strip():
            continue
        for rs in json.loads(line)["resourceSpans"]:
            resource = _attrs(rs.get("resource", {}).get("attributes"))
            for ss in rs["scopeSpans"]:
                for span in ss["spans"]:
                    start, end = int(span["startTimeUnixNano"]), int(span["endTimeUnixNano"])
                    rows["Timestamp"].append(start)
                    rows["TraceId"].append(span["traceId"])
                    rows["SpanId"].append(span["spanId"])
                    rows["ParentSpanId"].append(span.get("parentSpanId", ""))
                    rows["SpanName"].append(span["name"])
                    rows["SpanKind"].append(KINDS.get(span.get("kind", 0), "Unspecified"))
                    rows["ServiceName"].append(dict(resource).get("service.name", ""))
                    rows["ResourceAttributes"].append(resource)
                    rows["SpanAttributes"].append(_attrs(span.get("attributes")))
                    rows["Duration"].append(end - start)
                    rows["StatusCode"].append("Unset")
    text_map = pa.map_(pa.string(), pa.string())
    types = {
        "Timestamp": pa.int64() if int_timestamps else pa.timestamp("ns", tz="UTC"),
        "ResourceAttributes": text_map,
        "SpanAttributes": text_map,
        "Duration": pa.uint64(),
    }
    table = pa.table({k: pa.array(v, type=types.get(k, pa.string())) for k, v in rows.items()})
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


if __name__ == "__main__":
    src, dst = sys.argv[1:3]
    Path(dst).write_bytes(span_table(Path(src).read_text()))
