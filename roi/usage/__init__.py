"""Usage logs: readers per export format -> one normalized table -> store -> priced and reconciled."""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from roi.errors import UsageFormatError
from roi.store import Store
from roi.usage.buckets import row_kind
from roi.usage.formats import read_usage
from roi.usage.ingest import ImportSummary, delete_import, list_imports, store_results, stored_rows
from roi.usage.pricing import aliases, price, reconcile, summary
from roi.usage.registry import READERS, reader_names
from roi.usage.schema import ReadResult, empty_frame, refuse_long_keys


@dataclass
class Ingested:
    summaries: list[ImportSummary]
    document: dict  # the `roi ingest --json` document for this batch


def read_sources(
    sources: list[str | Path | tuple[str, bytes] | tuple[str, bytes, dict[str, str] | None]],
    *,
    format: str | None = None,
    mapping: dict[str, str] | None = None,
    table: str | None = None,
) -> list[tuple[ReadResult, str, bytes]]:
    """Read every file (or database URL) first: one bad file refuses the batch before anything is stored.

    An uploaded file is `(name, bytes)`, or `(name, bytes, mapping)` with its own column mapping.
    """
    out = []
    for src in sources:
        if isinstance(src, tuple):
            name, data, *own = src
            m = own[0] if own else mapping
            out.append((read_usage(data, name=name, format=format, mapping=m), name, data))
        elif isinstance(src, str) and "://" in src:
            from roi.usage.engine.remote import TABLE, read_remote, safe_url
            from roi.usage.engine.spark import is_spark, read_spark

            result = read_spark(src, table or TABLE) if is_spark(src) else read_remote(src, table or TABLE)
            # the source's identity (URL without password, table) de-duplicates its buckets
            out.append((result, safe_url(src), f"{safe_url(src)}#{table or TABLE}".encode()))
        else:
            spec = str(src)
            paths = _files(spec) if os.path.isdir(spec) or glob.has_magic(spec) else [Path(src)]
            for path in paths:  # a folder of nested JSON (OpenTelemetry exports): file by file
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    raise UsageFormatError(path.name, f"cannot read the file ({exc.strerror})") from None
                out.append(
                    (read_usage(data, name=path.name, format=format, mapping=mapping), path.name, data)
                )
    for result, name, _ in out:
        refuse_long_keys(result.frame, name)
    return out


def engine_source(src: object, format: str | None, mapping: dict[str, str] | None = None) -> bool:
    """Per-request logs read by the analytical engine (roi.usage.engine): a folder, a glob, a
    Parquet or JSON Lines file, or a CSV (file or upload) that is a LiteLLM SpendLogs log or any
    other per-request log with ISO or Unix times (`_engine_csv`)."""
    if format not in (None, "litellm-spendlogs", "generic"):
        return False
    from roi.usage.engine.local import file_kind
    from roi.usage.formats import parquet_format

    if isinstance(src, tuple):
        name, data, *own = src
        kind = file_kind(str(name))  # (a .txt paste stays with the CSV reader)
        if kind == "csv":
            return _engine_csv(data[:65536], format, own[0] if own else mapping)
        return (kind == "parquet" and parquet_format(data) is None) or (
            kind == "json" and not str(name).lower().endswith(".json") and not _nested_json(data[:4096])
        )
    if not isinstance(src, str | Path) or "://" in str(src):
        return False
    s = str(src)
    if os.path.isdir(s) or glob.has_magic(s):
        return not _own_reader_files(s)
    kind = file_kind(s)
    if kind == "parquet" and os.path.isfile(s) and parquet_format(s) is not None:
        return False  # a cloud bill or a span table, read by its reader
    if kind == "parquet" or (kind == "json" and not s.lower().endswith(".json") and not _own_reader_files(s)):
        return True
    if kind != "csv" or not os.path.isfile(s):
        return False
    with open(s, "rb") as fh:
        return _engine_csv(fh.read(65536), format, mapping)


def _nested_json(head: bytes) -> bool:
    """JSON Lines of nested documents (OpenTelemetry's OTLP export requests): read by their own
    reader, not as a flat per-request log."""
    return head.lstrip()[:1] == b"{" and b'"resourceSpans"' in head


def _own_reader_files(spec: str) -> bool:
    """A file, glob or folder whose (first) file has a reader of its own: JSON of nested documents
    (`_nested_json`), or Parquet that is a cloud bill or a span table (`parquet_format`)."""
    from roi.usage.engine.local import resolve
    from roi.usage.formats import parquet_format

    try:
        src = resolve(spec)
    except UsageFormatError:
        return False
    if src.kind == "parquet":
        return parquet_format(str(src.paths[0])) is not None
    if src.kind != "json":
        return False
    with open(src.paths[0], "rb") as fh:
        return _nested_json(fh.read(4096))


def _files(spec: str) -> list[Path]:
    """The files a folder or glob means (those the engine would read)."""
    from roi.usage.engine.local import resolve

    return [Path(p) for p in resolve(spec).paths]


def _engine_csv(head: bytes, format: str | None, mapping: dict[str, str] | None) -> bool:
    """A LiteLLM SpendLogs header, or a per-request log by its columns alone (request ids or a
    latency per row, or mapped rows=requests) whose first time is ISO or Unix: the engine reads
    those. Time buckets, and day-first dates (`01.10.2026`), stay with the CSV reader."""
    import re

    from roi.usage import generic
    from roi.usage.csvio import read_text_table
    from roi.usage.litellm import detect

    lines = head.decode("utf-8-sig", errors="replace").split("\n", 2)[:2]
    try:
        columns = set(read_text_table(lines[0] + "\n", "")[0].columns)  # a header is enough for LiteLLM
        if format != "generic" and detect(columns):
            return True
        df, _ = read_text_table("\n".join(lines) + "\n", "")
        cols = generic.resolve_columns(list(df.columns), "", mapping)
        choice = generic.rows_choice("", mapping)
    except UsageFormatError:
        return False
    if format == "litellm-spendlogs" or df.empty or ("requests" in cols and choice != "requests"):
        return False
    if not generic.rows_are_requests(cols, lambda: False, choice)[0]:  # (the times' rule needs every row)
        return False
    first = str(df[cols["timestamp"]].iloc[0]).strip()
    return bool(re.match(r"^\d{4}-\d{2}-\d{2}|^\d{9,13}(\.\d+)?$", first))


def ingest(
    store: Store,
    sources: list,
    *,
    format: str | None = None,
    mapping: dict[str, str] | None = None,
    table: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Ingested:
    """Import a batch: every source is read and checked first, then all are stored in one
    transaction (a bad source stores nothing). Per-request logs go through the engine."""
    from roi.store.access import check

    check(store.actor, "import")
    with store.exclusive("import"):  # concurrent imports must see each other's request ids
        return _ingest(store, sources, format=format, mapping=mapping, table=table, progress=progress)


def _ingest(
    store: Store,
    sources: list,
    *,
    format: str | None,
    mapping: dict[str, str] | None,
    table: str | None,
    progress: Callable[[str], None] | None,
) -> Ingested:
    from roi.store.access import record
    from roi.usage.engine.imports import commit_prepared, prepare_local

    engine = [s for s in sources if engine_source(s, format, mapping)]
    others = [s for s in sources if not any(s is e for e in engine)]
    prepared = []
    try:
        with tempfile.TemporaryDirectory() as spool:
            for src in engine:
                own = src[2] if isinstance(src, tuple) and len(src) > 2 else mapping
                prepared.append(
                    prepare_local(store, _spooled(src, spool), prepared, mapping=own, progress=progress)
                )
        items = read_sources(others, format=format, mapping=mapping, table=table)
        daily = [p.daily() for p in prepared if p.stored]  # read before the files move to their import
        summaries = store_results(
            store, items, lambda conn: [commit_prepared(conn, store, p) for p in prepared]
        )
    except BaseException:
        for p in prepared:
            p.discard()
        raise
    frames = [r.frame for r, _, _ in items]
    batch = pd.concat(frames, ignore_index=True) if frames else empty_frame()
    batch["kind"] = row_kind(batch)  # the same rule the store applies
    if daily:
        batch = pd.concat([batch, *[d.reindex(columns=batch.columns) for d in daily]], ignore_index=True)
    doc = summary(price(batch, aliases(store)), ", ".join(sorted({s.format for s in summaries})))
    doc["rows"] = sum(len(f) for f in frames) + sum(p.rows for p in prepared)
    doc["skipped_duplicates"] = sum(s.skipped_duplicates for s in summaries)
    doc["replaced"] = sum(s.replaced for s in summaries)
    doc["warnings"] = [w for s in summaries for w in s.warnings]
    doc["notes"] = [n for s in summaries for n in s.notes]
    doc["unchanged_files"] = sum(s.unchanged_files for s in summaries)
    record(store, store.actor, "import", "; ".join(f"{s.file_name}: {s.describe()}" for s in summaries))
    return Ingested(summaries, doc)


def query_for(url: str, table: str) -> str:
    """The read-only query a database or Spark URL will run (`roi ingest URL --show-sql`)."""
    from roi.usage.engine.remote import queries
    from roi.usage.engine.spark import is_spark, spark_sql

    return spark_sql(url, table) if is_spark(url) else queries(url, table)[1]


def preview_upload(name: str, data: bytes, mapping: dict[str, str] | None = None):
    """An uploaded per-request log checked whole by the engine, and its first requests
    (`roi.usage.engine.checked.Preview`), before it is imported."""
    from roi.usage.engine.checked import preview

    with tempfile.TemporaryDirectory() as spool:
        return preview(_spooled((name, data), spool), mapping=mapping)


def hourly_traffic(store: Store) -> pd.DataFrame:
    """Requests and mean latency per UTC hour of the day, from per-request logs' hourly rollups."""
    from roi.usage.lake import hour_of_day

    return hour_of_day(store, [int(i) for i in list_imports(store)["id"]])


def _spooled(src: object, folder: str) -> str | Path:
    """An uploaded file written to disk (the engine reads files where they are, never whole)."""
    if not isinstance(src, tuple):
        return src
    path = Path(folder) / Path(str(src[0])).name
    path.write_bytes(src[1])
    return path


def priced_store(store: Store) -> pd.DataFrame:
    return price(stored_rows(store), aliases(store))


__all__ = [
    "READERS",
    "Ingested",
    "UsageFormatError",
    "delete_import",
    "engine_source",
    "hourly_traffic",
    "ingest",
    "list_imports",
    "preview_upload",
    "query_for",
    "priced_store",
    "read_sources",
    "read_usage",
    "reader_names",
    "reconcile",
    "summary",
]
