"""Storing imports: one transaction per batch of files, never counting the same usage twice.

Per-request logs are de-duplicated by request id, then summed per day × model × dimensions
(buckets.py). Bucketed exports are de-duplicated by bucket × model × dimensions within the same
format: an identical bucket is skipped, a changed one (a later export of the same period) replaces
the old. Also lists, reads back and deletes imports.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Connection, delete, insert, select

from roi.store import Store
from roi.store.models import UsageImport, UsageRequestId, UsageRow
from roi.usage import lake
from roi.usage.buckets import (
    KEY_COLUMNS,
    LATER_KEYS,
    VALUE_COLUMNS,
    buckets,
    histogram_json,
    latency_counts,
)
from roi.usage.buckets import row_kind as row_kind  # re-exported: callers import it from here
from roi.usage.schema import ReadResult

ID_BATCH = 20000  # ids per IN (...) lookup; below SQLite's 32,766 variable limit


@dataclass
class ImportSummary:
    import_id: int | None  # None when the file added nothing new
    format: str
    file_name: str
    rows: int  # rows read from the file
    stored: int  # rows stored (after summing per-request logs into buckets)
    skipped_duplicates: int
    replaced: int
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the file was read (see ReadResult.notes)
    unchanged_files: int = 0  # files of a folder imported before with the same bytes: not read again

    def describe(self) -> str:
        """What happened to the file, in words (CLI and Usage page)."""
        unchanged = (
            f" ({self.unchanged_files:,} file(s) imported before, unchanged: not read again)"
            if self.unchanged_files
            else ""
        )
        if self.import_id is None:
            return f"{self.rows:,} rows read, nothing new: all of it was already imported{unchanged}"
        note = f"{self.rows:,} rows read, {self.stored:,} stored"
        if self.stored < self.rows - self.skipped_duplicates - self.replaced:
            note += " (rows of the same hour and keys summed into one)"
        if self.skipped_duplicates:
            note += f", {self.skipped_duplicates:,} already imported (skipped)"
        if self.replaced:
            note += f", {self.replaced:,} replaced by this newer export"
        return note + unchanged


IMPORT_COLUMNS = [
    "id",
    "format",
    "file_name",
    "imported_at",
    "rows_read",
    "rows_stored",
    "skipped_duplicates",
    "replaced",
]


def _dedup_key(fmt: str, row: dict) -> str:
    parts = [fmt] + [str(row[k]) if row[k] is not None else "" for k in KEY_COLUMNS if k not in LATER_KEYS]
    parts += [
        f"{k}={row[k]}"
        for k, standard in LATER_KEYS.items()
        if row.get(k) is not None and str(row[k]).lower() not in standard
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _records(buckets: pd.DataFrame) -> list[dict]:
    cols = list(KEY_COLUMNS) + list(VALUE_COLUMNS)
    out = buckets[cols].copy()
    for c in ("start", "end"):
        ts = pd.to_datetime(out[c], utc=True)
        out[c] = pd.Series(ts.dt.to_pydatetime(), index=out.index, dtype=object).where(ts.notna(), None)
    out = out.astype(object).where(out.notna(), None)
    return out.to_dict("records")


def _new_requests(store: Store, conn: Connection, imp: int, df: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Drop requests already stored (or repeated in this file) and record the new ids."""
    has_id = df["request_id"].notna()
    dup_in_file = has_id & df["request_id"].duplicated()
    ids = df.loc[has_id & ~dup_in_file, "request_id"].astype(str).tolist()
    with_files = [int(i) for i in conn.execute(select(UsageImport.id)).scalars()]
    seen: set[str] = lake.seen_ids(store, with_files, ids)
    for i in range(0, len(ids), ID_BATCH):
        chunk = ids[i : i + ID_BATCH]
        seen.update(
            conn.execute(
                select(UsageRequestId.request_id).where(UsageRequestId.request_id.in_(chunk))
            ).scalars()
        )
    old = has_id & df["request_id"].astype(str).isin(seen)
    keep = ~dup_in_file & ~old
    df = df[keep]
    new_ids = df.loc[df["request_id"].notna(), "request_id"].astype(str).tolist()
    if new_ids:
        _insert_ids(conn, new_ids, imp)
    return df, int((~keep).sum())


def _store_frame(
    store: Store, conn: Connection, imp: int, fmt: str, df: pd.DataFrame, per_request: bool
) -> tuple[int, int, int]:
    """Store one frame (a whole file, or one chunk of a big one); returns (stored, skipped, replaced)."""
    skipped = replaced = 0
    if per_request and df["request_id"].notna().any():
        df, skipped = _new_requests(store, conn, imp, df)
        records = _records(buckets(df, True))
        for r in records:
            r["dedup_key"] = None
    else:
        records = _records(buckets(df, per_request))
        for r in records:
            r["dedup_key"] = _dedup_key(fmt, r)
        keys = [r["dedup_key"] for r in records]
        existing: dict[str, dict] = {}
        table = UsageRow.__table__
        for i in range(0, len(keys), ID_BATCH):
            rows = conn.execute(select(table).where(table.c.dedup_key.in_(keys[i : i + ID_BATCH]))).mappings()
            existing.update({row["dedup_key"]: dict(row) for row in rows})
        fresh, stale = [], []
        for r in records:
            old_row = existing.get(r["dedup_key"])
            if old_row is None:
                fresh.append(r)
            elif all(_same(old_row.get(c), r[c]) for c in VALUE_COLUMNS):
                skipped += 1
            else:
                stale.append(r["dedup_key"])
                fresh.append(r)
        replaced = len(stale)
        for i in range(0, len(stale), ID_BATCH):
            conn.execute(delete(UsageRow).where(UsageRow.dedup_key.in_(stale[i : i + ID_BATCH])))
        records = fresh
    for r in records:
        r["import_id"] = imp
    if records:
        conn.execute(insert(UsageRow), records)
    return len(records), skipped, replaced


def _insert_ids(conn: Connection, ids: list[str], imp: int) -> None:
    """Request ids straight through the driver's executemany: millions of rows, no ORM overhead."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO usage_request_ids (request_id, import_id) VALUES ({mark}, {mark})"
    conn.exec_driver_sql(sql, [(r, imp) for r in ids])


def new_import(
    conn: Connection, store: Store, fmt: str, file_name: str, data: bytes, rows: int, warnings: list[str]
) -> int:
    imp = conn.execute(
        insert(UsageImport).values(
            format=fmt,
            file_name=file_name,
            file_sha256=hashlib.sha256(data).hexdigest(),
            rows_read=rows,
            rows_stored=0,
            skipped_duplicates=0,
            replaced=0,
            warnings=json.dumps(warnings),
            latency_histogram="",
        )
    ).inserted_primary_key[0]
    lake.remove(lake.import_dir(store, imp))  # files left by an import that never committed
    return imp


def finish_import(
    conn: Connection, imp: int, stored: int, skipped: int, replaced: int, hist: str, rows: int | None = None
) -> None:
    values = {
        "rows_stored": stored,
        "skipped_duplicates": skipped,
        "replaced": replaced,
        "latency_histogram": hist,
    }
    if rows is not None:
        values["rows_read"] = rows
    conn.execute(UsageImport.__table__.update().where(UsageImport.id == imp).values(**values))


def store_results(
    store: Store,
    items: list[tuple[ReadResult, str, bytes]],
    also: Callable[[Connection], list[ImportSummary]] | None = None,
) -> list[ImportSummary]:
    """Store every file of a batch in one transaction; on any error nothing of the batch is stored.

    `also` stores more of the same batch in that transaction (the engine's prepared sources)."""
    summaries = []
    with store.engine.begin() as conn:
        if also is not None:
            summaries.extend(also(conn))
        for result, file_name, data in items:
            imp = new_import(conn, store, result.format, file_name, data, len(result.frame), result.warnings)
            stored, skipped, replaced = _store_frame(
                store, conn, imp, result.format, result.frame, result.per_request
            )
            if stored == 0 and replaced == 0:
                # nothing new (e.g. the same file again): no empty import to list or delete later
                conn.execute(delete(UsageImport).where(UsageImport.id == imp))
                imp = None
            else:
                finish_import(
                    conn, imp, stored, skipped, replaced, histogram_json(latency_counts(result.frame))
                )
            summaries.append(
                ImportSummary(
                    imp,
                    result.format,
                    file_name,
                    len(result.frame),
                    stored,
                    skipped,
                    replaced,
                    result.warnings,
                    result.notes,
                )
            )
    return summaries


def _same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))


def delete_import(store: Store, import_id: int) -> None:
    from roi.store.access import guarded

    with (
        guarded(store, "delete_import", f"import #{import_id}"),
        store.exclusive("import"),  # not while an import is checking ids against this one's
        store.engine.begin() as conn,
    ):
        conn.execute(delete(UsageRequestId).where(UsageRequestId.import_id == import_id))
        conn.execute(delete(UsageRow).where(UsageRow.import_id == import_id))
        conn.execute(delete(UsageImport).where(UsageImport.id == import_id))
    lake.remove(lake.import_dir(store, import_id))


def list_imports(store: Store) -> pd.DataFrame:
    with store.engine.connect() as conn:
        return pd.read_sql(select(UsageImport).order_by(UsageImport.id), conn)


def stored_rows(store: Store) -> pd.DataFrame:
    """Every stored usage/cost row: the database's, and the lake's rollups summed per day."""
    with store.engine.connect() as conn:
        df = pd.read_sql(select(UsageRow), conn)
        ids = [int(i) for i in conn.execute(select(UsageImport.id)).scalars()]
    for c in ("start", "end"):
        df[c] = pd.to_datetime(df[c], utc=True)
    daily = lake.daily_rows(store, ids)
    if daily.empty:
        return df
    return (
        pd.concat([df, daily.reindex(columns=df.columns)], ignore_index=True)
        if len(df)
        else daily.reindex(columns=df.columns)
    )
