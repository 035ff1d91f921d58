"""Reading a local per-request log through DuckDB and checking it whole: the view of its
normalized requests, the checks that refuse a bad file (naming file, row and column), and the
read-only views of it (the Usage page's preview, `roi ingest --show-sql`).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import ibis
import pandas as pd

from roi.errors import UsageFormatError
from roi.usage import lake
from roi.usage.engine import rollup as agg
from roi.usage.engine.local import Layout, LocalSource, connect, layout_of, resolve, source_view
from roi.usage.engine.requests import PASSTHROUGH


def copy_parquet(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> None:
    """Write a query's result as a Parquet file (streamed: DuckDB never holds it whole)."""
    target = str(path).replace("'", "''")
    con.execute(f"COPY ({sql}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")


def requests_view(
    con: duckdb.DuckDBPyConnection,
    src: LocalSource,
    spool: Path | None = None,
    mapping: dict[str, str] | None = None,
) -> tuple[ibis.Table, Layout]:
    """View `req`: normalized requests, check columns, id hash. With `spool`, the files are parsed
    and normalized once, streamed into a Parquet file there, and every later step reads its columns
    (re-parsing a CSV and re-reading JSON for each step costs more); without, a view over the files."""
    table, decimal = source_view(con, src)
    found = layout_of(con, src, table, decimal, mapping)
    requests_sql = ibis.to_sql(found.requests, dialect="duckdb")
    sql = f"SELECT *, {lake.id_hash('request_id', 'rid_hi', 'rid_lo')} FROM ({requests_sql})"
    try:
        if spool is None:
            con.execute(f"CREATE TEMP VIEW req AS {sql}")
        else:
            copy_parquet(con, sql, spool)
            con.execute(f"CREATE TEMP VIEW req AS SELECT * FROM read_parquet({lake.sql_list([str(spool)])})")
    except duckdb.Error as exc:
        raise UsageFormatError(
            src.name, f"cannot be read ({str(exc).strip().splitlines()[0][:300]})"
        ) from None
    schema = dict(found.requests.schema().items())
    return ibis.table(schema | {"rid_hi": "uint64", "rid_lo": "uint64"}, name="req"), found


def check(
    con: duckdb.DuckDBPyConnection,
    req: ibis.Table,
    src: LocalSource,
    found: Layout,
    mapping: dict[str, str] | None = None,
) -> tuple[int, list[str], int, int, bool]:
    """Rows read, the warnings, the requests that count, the requests without an id, and whether
    any row was skipped as blank or a total; a bad file is refused naming the file, row and column."""
    c = con.execute(ibis.to_sql(agg.checks(req), dialect="duckdb")).fetchdf().iloc[0]
    if c["bad"] or c["no_model_with_tokens"]:
        column = c["bad_column"] if c["bad"] else "model"
        raise _locate(con, src, column, found, mapping)
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
    return rows, warnings, rows - int(c["no_model"]), int(c["no_id"]), bool(c["blank"] or c["total"])


def _locate(
    con: duckdb.DuckDBPyConnection,
    src: LocalSource,
    column: str,
    found: Layout,
    mapping: dict[str, str] | None,
) -> UsageFormatError:
    """The first bad cell, named by file, row and column. CSV rows are found by the pandas reader
    (the reference reader), which reports them as a spreadsheet shows them."""
    where = "chk_no_model AND chk_tokens AND NOT chk_hit" if column == "model" else "chk_bad IS NOT NULL"
    cols = [c for c, *_ in con.execute("DESCRIBE req").fetchall()]
    file_col = "filename" if "filename" in cols else "NULL"
    row_col = "file_row_number" if "file_row_number" in cols else "NULL"
    f, r = con.execute(
        f"SELECT {file_col}, {row_col} FROM req WHERE chk_skip IS NULL AND {where} ORDER BY 1, 2 LIMIT 1"
    ).fetchone()
    name = os.path.basename(f) if f else src.name
    if src.kind == "csv" and f:
        try:
            _read_as_csv(f, name, found, mapping)
        except UsageFormatError as exc:
            return exc
    expected = "a model on a request with tokens" if column == "model" else "a valid value"
    return UsageFormatError(
        name, f"expected {expected}", row=None if r is None else int(r) + 1, column=column
    )


def _read_as_csv(path: str, name: str, found: Layout, mapping: dict[str, str] | None) -> None:
    """Read a CSV with its pandas reader (LiteLLM's streamed), only to find where it is bad."""
    from roi.usage import generic
    from roi.usage.litellm import read_spendlogs_chunks

    if found.format == generic.FORMAT:
        generic.read(Path(path).read_text(encoding="utf-8-sig", errors="replace"), name, mapping)
        return
    for _ in read_spendlogs_chunks(path, name):
        pass


def describe_sql(spec: str | Path, mapping: dict[str, str] | None = None) -> str:
    """The DuckDB SQL that reads and rolls up a local source (`--show-sql`)."""
    src = resolve(spec)
    con = lake.duck()
    try:
        table, decimal = source_view(con, src)
        view = con.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'source'").fetchone()[0]
        req = layout_of(con, src, table, decimal, mapping).requests
    finally:
        con.close()
    return f"{view}\n\n-- rollup\n{ibis.to_sql(agg.rollup(agg.counted(req)), dialect='duckdb')}"


@dataclass
class Preview:
    """What the Usage page shows of a per-request log before it is imported."""

    format: str  # litellm-spendlogs / generic
    rows: int  # rows read (blank and total rows not counted)
    head: pd.DataFrame  # the first requests, normalized
    warnings: list[str]
    notes: list[str]  # how it was read


def preview(path: str | Path, rows: int = 20, mapping: dict[str, str] | None = None) -> Preview:
    """Check a whole per-request log with the engine (the same checks as the import) and return its
    first requests: the file is scanned, never loaded whole."""
    src = resolve(path)
    with tempfile.TemporaryDirectory() as spill:
        con = connect(Path(spill))
        try:
            req, found = requests_view(con, src, mapping=mapping)
            n, warnings, *_ = check(con, req, src, found, mapping)
            cols = [c for c in req.columns if not c.startswith(("chk_", "rid_")) and c not in PASSTHROUGH]
            quoted = ", ".join('"' + c + '"' for c in cols)
            head = con.execute(f"SELECT {quoted} FROM req LIMIT {int(rows)}").fetchdf()
        finally:
            con.close()
    return Preview(found.format, n, head, warnings, found.notes)
