"""Usage logs: readers per export format -> one normalized table -> store -> priced and reconciled."""

from __future__ import annotations

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
from roi.usage.schema import ReadResult


@dataclass
class Ingested:
    summaries: list[ImportSummary]
    document: dict  # the `roi ingest --json` document for this batch


def read_sources(
    sources: list[str | Path | tuple[str, bytes] | tuple[str, bytes, dict[str, str] | None]],
    *,
    format: str | None = None,
    mapping: dict[str, str] | None = None,
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
            from roi.usage.dbsource import read_litellm_db

            out.append((read_litellm_db(src), src.split("@")[-1], src.encode()))
        else:
            path = Path(src)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise UsageFormatError(path.name, f"cannot read the file ({exc.strerror})") from None
            out.append((read_usage(data, name=path.name, format=format, mapping=mapping), path.name, data))
    return out


STREAM_BYTES = 32 * 1024 * 1024  # per-request logs bigger than this are streamed in chunks


def _streamable(src: object, format: str | None) -> bool:
    if not isinstance(src, str | Path) or "://" in str(src):
        return False
    path = Path(src)
    if not path.is_file() or path.stat().st_size < STREAM_BYTES:
        return False
    if format is not None:
        return format == "litellm-spendlogs"
    with path.open("rb") as fh:
        head = fh.read(65536).decode("utf-8-sig", errors="replace").split("\n", 1)[0].lower()
    from roi.usage.litellm import detect

    return detect({c.strip() for c in head.split(",")})


def ingest_stream(store: Store, path: str | Path, progress=None) -> ImportSummary:
    """A big per-request log, read and stored chunk by chunk in one transaction (bounded memory)."""
    from roi.usage.ingest import store_stream
    from roi.usage.litellm import FORMAT, read_spendlogs_chunks

    path = Path(path)
    st = path.stat()
    fingerprint = f"{path.name}:{st.st_size}:{st.st_mtime_ns}".encode()
    warnings: list[str] = []
    chunks = read_spendlogs_chunks(path, chunksize=50_000, warnings=warnings)
    result = store_stream(store, FORMAT, path.name, fingerprint, chunks, per_request=True, progress=progress)
    result.warnings = warnings
    return result


def ingest(
    store: Store, sources: list, *, format: str | None = None, mapping: dict[str, str] | None = None
) -> Ingested:
    big = [s for s in sources if _streamable(s, format)]
    if big:
        if len(sources) > 1:
            raise UsageFormatError(
                Path(big[0]).name, "a file this big is imported on its own; import it separately"
            )
        one = ingest_stream(store, big[0])
        stored = priced_store(store)
        doc = summary(stored[stored["import_id"] == one.import_id], one.format)  # this import only
        doc |= {"rows": one.rows, "skipped_duplicates": one.skipped_duplicates, "replaced": one.replaced}
        doc["warnings"] = one.warnings
        doc["notes"] = one.notes
        return Ingested([one], doc)
    items = read_sources(sources, format=format, mapping=mapping)
    summaries = store_results(store, items)
    frames = [r.frame for r, _, _ in items]
    batch = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    batch["kind"] = row_kind(batch)  # the same rule the store applies
    doc = summary(price(batch, aliases(store)), ", ".join(sorted({s.format for s in summaries})))
    doc["skipped_duplicates"] = sum(s.skipped_duplicates for s in summaries)
    doc["replaced"] = sum(s.replaced for s in summaries)
    doc["warnings"] = [w for s in summaries for w in s.warnings]
    doc["notes"] = [n for s in summaries for n in s.notes]
    return Ingested(summaries, doc)


def priced_store(store: Store) -> pd.DataFrame:
    return price(stored_rows(store), aliases(store))


__all__ = [
    "READERS",
    "Ingested",
    "UsageFormatError",
    "delete_import",
    "ingest",
    "ingest_stream",
    "list_imports",
    "priced_store",
    "read_sources",
    "read_usage",
    "reader_names",
    "reconcile",
    "summary",
]
