"""Format detection and the one entry point that reads an export.

Detection looks at the header (CSV) or the top level keys (JSON); the user can also name the
format explicitly. The readers themselves are listed in registry.py.
"""

from __future__ import annotations

import io
from pathlib import Path

from roi.errors import UsageFormatError
from roi.jsondoc import loads_pages
from roi.usage import cloud, otel
from roi.usage.csvio import decode, read_text_table
from roi.usage.reader import Reader, UnrecognizedColumns
from roi.usage.registry import READERS
from roi.usage.schema import ReadResult, unpriced_dimensions, with_context_band

__all__ = ["READERS", "Reader", "UnrecognizedColumns", "detect_format", "read_usage"]


def detect_format(text: str, name: str) -> Reader:
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        doc = loads_pages(text, lambda why: UsageFormatError(name, why))
        for r in READERS.values():
            if r.kind == "json" and r.detect(doc):
                return r
        raise UsageFormatError(
            name,
            "JSON file of an unknown kind; expected an Anthropic Admin API or Analytics API report, or OpenTelemetry spans (OTLP JSON)",
        )
    header = stripped.split("\n", 1)[0]
    df, _ = read_text_table(header + "\n", name)
    columns = set(df.columns)
    for r in READERS.values():
        if r.kind == "csv" and r.name != "generic" and r.detect(columns):
            return r
    if READERS["generic"].detect(columns):
        return READERS["generic"]
    raise UnrecognizedColumns(
        name,
        "could not recognize the columns ("
        + ", ".join(sorted(columns))[:200]
        + "); choose the format or map the columns (timestamp, model, token columns)",
        row=1,
    )


def header_columns(data: bytes, name: str) -> list[str]:
    """A CSV's column names (lower case), for the column-mapping step."""
    text = decode(data, name)
    return list(read_text_table(text.lstrip().split("\n", 1)[0] + "\n", name)[0].columns)


def read_usage(
    source: bytes | str | Path,
    *,
    name: str | None = None,
    format: str | None = None,
    mapping: dict[str, str] | None = None,
) -> ReadResult:
    """Read one export (path or bytes) into normalized rows; UsageFormatError refuses it whole."""
    if isinstance(source, str | Path):
        path = Path(source)
        name = name or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageFormatError(name, f"cannot read the file ({exc.strerror})") from None
    else:
        data = source
        name = name or "upload"
    if data[:4] == b"PAR1" and format in (None, cloud.AWS, cloud.GCP, otel.FORMAT):
        if parquet_format(data) == otel.FORMAT:
            result = otel.read_parquet_spans(data, name)
        else:  # a request log in Parquet is read by the engine; here it is a cloud bill
            result = cloud.read_parquet_bill(data, name)
    else:
        result = _read_text(data, name, format, mapping)
    if result.per_request:
        with_context_band(result.frame)
    result.warnings += unpriced_dimensions(result.frame, name)
    return result


def parquet_format(data: bytes | str) -> str | None:
    """The reader of a Parquet file (bytes or path) that has its own (a cloud bill, a collector's
    span table), or None: a per-request log, read by the analytical engine."""
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(io.BytesIO(data) if isinstance(data, bytes) else data).names
    except Exception:  # not Parquet: the caller reports it
        return None
    if otel.is_span_table(names):
        return otel.FORMAT
    return cloud.parquet_bill(names)


def _read_text(data: bytes, name: str, format: str | None, mapping: dict[str, str] | None) -> ReadResult:
    """A CSV or JSON export by its reader (named, mapped, or detected)."""
    text = decode(data, name)
    if not text.strip():
        raise UsageFormatError(name, "the file is empty")
    if format is not None:
        if format not in READERS:
            raise UsageFormatError(name, f"unknown format “{format}”; known: {', '.join(sorted(READERS))}")
        reader = READERS[format]
    elif mapping:
        reader = READERS["generic"]
    else:
        reader = detect_format(text, name)
    return reader.read(text, name, mapping)
