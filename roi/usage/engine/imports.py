"""Importing a local per-request log through DuckDB: validate, de-duplicate, roll up, store.

Nothing is stored unless the whole source is good: the rollup and id files are written to a
staging folder and become the import's only in the same step as its database record.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import ibis
import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from roi.errors import UsageFormatError
from roi.store import Store
from roi.store.models import UsageImport, UsageRequestId
from roi.usage import lake
from roi.usage.buckets import HIST_EDGES, histogram_json
from roi.usage.engine import rollup as agg
from roi.usage.engine.local import LocalSource, connect, requests_sql, resolve, source_view
from roi.usage.engine.requests import PASSTHROUGH, spendlogs_requests
from roi.usage.ingest import ImportSummary, finish_import, new_import

FORMAT = "litellm-spendlogs"


def _fingerprint(src: LocalSource) -> bytes:
    parts = []
    for p in src.paths:
        st = os.stat(p)
        parts.append(f"{p}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest().encode()


def _requests_view(con: duckdb.DuckDBPyConnection, src: LocalSource, spool: Path | None = None) -> ibis.Table:
    """View `req`: normalized requests, check columns, id hash. With `spool`, the files are parsed
    and normalized once, streamed into a Parquet file there, and every later step reads its columns
    (re-parsing a CSV and re-reading JSON for each step costs more); without, a view over the files."""
    table, decimal = source_view(con, src)
    sql = f"SELECT *, {lake.id_hash('request_id', 'rid_hi', 'rid_lo')} FROM ({requests_sql(table, decimal)})"
    try:
        if spool is None:
            con.execute(f"CREATE TEMP VIEW req AS {sql}")
        else:
            _copy(con, sql, spool)
            con.execute(f"CREATE TEMP VIEW req AS SELECT * FROM read_parquet({lake.sql_list([str(spool)])})")
    except duckdb.Error as exc:
        raise UsageFormatError(
            src.name, f"cannot be read ({str(exc).strip().splitlines()[0][:300]})"
        ) from None
    schema = dict(spendlogs_requests(table, decimal=decimal).schema().items())
    return ibis.table(schema | {"rid_hi": "uint64", "rid_lo": "uint64"}, name="req")


def _check(con: duckdb.DuckDBPyConnection, req: ibis.Table, src: LocalSource) -> tuple[int, list[str], int]:
    """Rows read, the warnings, and the requests that count; a bad file is refused naming the file,
    row and column."""
    c = con.execute(ibis.to_sql(agg.checks(req), dialect="duckdb")).fetchdf().iloc[0]
    if c["bad"] or c["no_model_with_tokens"]:
        column = c["bad_column"] if c["bad"] else "model"
        raise _locate(con, src, column)
    name, warnings = src.name, []
    if c["blank"]:
        warnings.append(f"{name}: skipped {int(c['blank'])} blank row(s)")
    if c["total"]:
        warnings.append(
            f"{name}: skipped {int(c['total'])} total row(s); totals are recomputed from the data"
        )
    if c["hits"]:
        warnings.append(
            f"{name}: {int(c['hits'])} request(s) answered from the LiteLLM proxy cache "
            "(no model call): their tokens are counted as 0"
        )
    if c["no_model"]:
        warnings.append(f"{name}: skipped {int(c['no_model'])} request(s) without a model and without tokens")
    if c["bad_meta"]:
        warnings.append(
            f"{name}: {int(c['bad_meta'])} metadata cell(s) are not valid JSON; their cache reads and "
            "writes are unknown and counted as uncached input"
        )
    rows = int(c["rows"]) - int(c["blank"]) - int(c["total"])
    return rows, warnings, rows - int(c["no_model"])


def _locate(con: duckdb.DuckDBPyConnection, src: LocalSource, column: str) -> UsageFormatError:
    """The first bad cell, named by file, row and column. CSV rows are found by the pandas reader
    (the reference reader, streamed), which reports them as a spreadsheet shows them."""
    where = "chk_no_model AND chk_tokens AND NOT chk_hit" if column == "model" else "chk_bad IS NOT NULL"
    cols = [c for c, *_ in con.execute("DESCRIBE req").fetchall()]
    file_col = "filename" if "filename" in cols else "NULL"
    row_col = "file_row_number" if "file_row_number" in cols else "NULL"
    f, r = con.execute(
        f"SELECT {file_col}, {row_col} FROM req WHERE chk_skip IS NULL AND {where} ORDER BY 1, 2 LIMIT 1"
    ).fetchone()
    name = os.path.basename(f) if f else src.name
    if src.kind == "csv" and f:
        from roi.usage.litellm import read_spendlogs_chunks

        try:
            for _ in read_spendlogs_chunks(f, name):
                pass
        except UsageFormatError as exc:
            return exc
    expected = "a model on a request with tokens" if column == "model" else "a valid value"
    return UsageFormatError(
        name, f"expected {expected}", row=None if r is None else int(r) + 1, column=column
    )


def _legacy_ids(con: duckdb.DuckDBPyConnection, store: Store) -> str | None:
    """Request ids stored in the database by earlier versions (and by the generic per-request
    reader), hashed like the lake's, as a temp table; None when there are none."""
    with store.engine.connect() as conn:
        ids = conn.execute(select(UsageRequestId.request_id)).scalars().all()
    if not ids:
        return None
    con.register("legacy_ids_frame", pd.DataFrame({"request_id": ids}))
    con.execute(f"CREATE TEMP TABLE legacy_ids AS SELECT {lake.id_hash('request_id')} FROM legacy_ids_frame")
    return "legacy_ids"


def _new_ids(con: duckdb.DuckDBPyConnection, req: ibis.Table, seen: list[str], path: Path) -> int:
    """View `new` (requests that count and were never imported) and the file of their distinct ids
    with how often each occurs; returns how many ids occur more than once in this source."""
    sql = f"SELECT c.* FROM ({ibis.to_sql(agg.counted(req), dialect='duckdb')}) AS c"
    for i, s in enumerate(seen):
        sql += f" ANTI JOIN {s} AS s{i} ON c.rid_hi = s{i}.hi AND c.rid_lo = s{i}.lo"
    con.execute(f"CREATE TEMP VIEW new AS {sql}")
    _copy(
        con,
        "SELECT rid_hi AS hi, rid_lo AS lo, count(*) AS n FROM new WHERE request_id IS NOT NULL GROUP BY ALL",
        path,
    )
    return con.execute(
        f"SELECT coalesce(sum(n) - count(*), 0) FROM read_parquet({lake.sql_list([str(path)])})"
    ).fetchone()[0]


def _fresh(con: duckdb.DuckDBPyConnection, repeated: int) -> None:
    """View `fresh`: `new`, each request id once (a source can repeat one: overlapping exports)."""
    if repeated:
        con.execute(
            "CREATE TEMP VIEW fresh AS SELECT * FROM new QUALIFY request_id IS NULL "
            "OR row_number() OVER (PARTITION BY rid_hi, rid_lo ORDER BY start) = 1"
        )
    else:
        con.execute("CREATE TEMP VIEW fresh AS SELECT * FROM new")


def _copy(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> None:
    """Write a query's result as a Parquet file (streamed: DuckDB never holds it whole)."""
    target = str(path).replace("'", "''")
    con.execute(f"COPY ({sql}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")


@dataclass
class Prepared:
    """A local source read, checked and rolled up into a staging folder, not yet stored."""

    source: LocalSource
    staging: Path
    rows: int  # rows read (blank and total rows not counted)
    stored: int  # rollup rows
    skipped: int  # requests already imported (or repeated in the source)
    histogram: str
    warnings: list[str]
    fingerprint: bytes  # names, sizes and times of the files (the import record's file_sha256)

    @property
    def ids_file(self) -> Path:
        return self.staging / lake.IDS

    def daily(self) -> pd.DataFrame:
        """This import's rollup per day, shaped like stored rows (for the ingest document)."""
        return lake.daily_rows_of([str(self.staging / lake.ROLLUP)]) if self.stored else pd.DataFrame()

    def discard(self) -> None:
        lake.remove(self.staging)


def prepare_local(
    store: Store,
    spec: str | Path,
    pending: list[Prepared] = (),
    *,
    progress: Callable[[str], None] | None = None,
) -> Prepared:
    """Read, check, de-duplicate (against the store and the `pending` sources of the same batch)
    and roll up a per-request log (file, glob or folder) into a staging folder."""
    src = resolve(spec)
    say = progress or (lambda _stage: None)
    staging = lake.staging_dir(store)
    con = connect(lake.lake_dir(store) / "spill")
    try:
        say("reading")
        # text is parsed once (CSV, JSON Lines); Parquet is typed and columnar: rescanning it is cheaper
        spool = None if src.kind == "parquet" else staging / "requests.parquet"
        req = _requests_view(con, src, spool)
        rows, warnings, counted = _check(con, req, src)
        say("de-duplicating")
        with store.engine.connect() as conn:
            ids = [int(i) for i in conn.execute(select(UsageImport.id)).scalars()]
        id_files = lake.files(store, ids, lake.IDS) + [str(p.ids_file) for p in pending if p.stored]
        seen = [f"(SELECT hi, lo FROM read_parquet({lake.sql_list(id_files)}))"] if id_files else []
        if legacy := _legacy_ids(con, store):
            seen.append(legacy)
        repeated = _new_ids(con, req, seen, staging / lake.IDS)
        _fresh(con, repeated)
        say("summing")
        fresh = ibis.table(req.schema(), name="fresh")
        _copy(con, ibis.to_sql(agg.rollup(fresh), dialect="duckdb"), staging / lake.ROLLUP)
        stored, kept = con.execute(
            f"SELECT count(*), coalesce(sum(requests), 0) FROM read_parquet({lake.sql_list([str(staging / lake.ROLLUP)])})"
        ).fetchone()
        bins = con.execute(ibis.to_sql(agg.latency_bins(fresh), dialect="duckdb")).fetchall()
        con.close()
        if spool is not None:
            spool.unlink()  # the spooled requests: only the rollup and ids stay
    except BaseException:
        lake.remove(staging)
        raise
    finally:
        con.close()
    counts = np.zeros(len(HIST_EDGES) - 1, dtype=np.int64)
    for b, n in bins:
        counts[int(b)] += n
    return Prepared(
        src, staging, rows, stored, counted - int(kept), histogram_json(counts), warnings, _fingerprint(src)
    )


def commit_prepared(conn: Connection, store: Store, p: Prepared) -> ImportSummary:
    """Store a prepared source inside the caller's transaction (its files become the import's)."""
    if not p.stored:
        p.discard()
        return ImportSummary(None, FORMAT, p.source.name, p.rows, 0, p.skipped, 0, p.warnings)
    imp = new_import(conn, store, FORMAT, p.source.name, p.fingerprint, p.rows, p.warnings)
    lake.publish(store, p.staging, imp)
    finish_import(conn, imp, p.stored, p.skipped, 0, p.histogram, p.rows)
    return ImportSummary(imp, FORMAT, p.source.name, p.rows, p.stored, p.skipped, 0, p.warnings)


def describe_sql(spec: str | Path) -> str:
    """The DuckDB SQL that reads and rolls up a local source (`--show-sql`)."""
    src = resolve(spec)
    con = lake.duck()
    try:
        table, decimal = source_view(con, src)
        view = con.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'source'").fetchone()[0]
    finally:
        con.close()
    req = spendlogs_requests(table, decimal=decimal)
    return f"{view}\n\n-- rollup\n{ibis.to_sql(agg.rollup(agg.counted(req)), dialect='duckdb')}"


@dataclass
class Preview:
    """What the Usage page shows of a per-request log before it is imported."""

    rows: int  # rows read (blank and total rows not counted)
    head: pd.DataFrame  # the first requests, normalized
    warnings: list[str]


def preview(path: str | Path, rows: int = 20) -> Preview:
    """Check a whole per-request log with the engine (the same checks as the import) and return its
    first requests: the file is scanned, never loaded whole."""
    src = resolve(path)
    with tempfile.TemporaryDirectory() as spill:
        con = connect(Path(spill))
        try:
            req = _requests_view(con, src)
            n, warnings, _ = _check(con, req, src)
            cols = [c for c in req.columns if not c.startswith(("chk_", "rid_")) and c not in PASSTHROUGH]
            quoted = ", ".join('"' + c + '"' for c in cols)
            head = con.execute(f"SELECT {quoted} FROM req LIMIT {int(rows)}").fetchdf()
        finally:
            con.close()
    return Preview(n, head, warnings)
