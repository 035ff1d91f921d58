"""Local per-request logs on DuckDB: CSV, JSON Lines or Parquet; a file, a glob or a folder.

The files are read where they are (never whole into pandas): this module resolves what a path,
glob or folder means and gives DuckDB a view over the files with lower-case names and four types.
`roi.usage.engine.imports` does the rest (text parsed once into a spooled Parquet file, Parquet
scanned in place; checks, the anti-join against earlier imports' ids, the rollup).
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import ibis

from roi.errors import UsageFormatError
from roi.usage.csvio import sniff
from roi.usage.engine.generic import FORMAT as GENERIC
from roi.usage.engine.generic import generic_requests, layout, when
from roi.usage.engine.requests import PASSTHROUGH, REQUIRED, spendlogs_requests
from roi.usage.lake import sql_list
from roi.usage.litellm import FORMAT
from roi.usage.litellm import detect as litellm_detect

KINDS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".jsonl": "json",
    ".ndjson": "json",
    ".json": "json",
}
MEMORY_LIMIT = os.environ.get("ROI_ENGINE_MEMORY", "1GB")


@dataclass(frozen=True)
class LocalSource:
    name: str  # as the user gave it (file, glob or folder): messages and the import record
    paths: tuple[str, ...]
    kind: str  # csv / parquet / json
    hive: bool  # folders named key=value (hive partitioning): their keys become columns


def file_kind(path: str) -> str | None:
    p = path.lower()
    for comp in (".gz", ".zst"):
        p = p.removesuffix(comp)
    return KINDS.get(os.path.splitext(p)[1])


def resolve(spec: str | Path) -> LocalSource:
    """The files a path, a glob (`logs/year=2026/**/*.parquet`) or a folder (read recursively) means."""
    spec = str(spec)
    name = os.path.basename(spec.rstrip("/")) or spec
    if os.path.isdir(spec):
        found = [str(p) for p in sorted(Path(spec).rglob("*")) if p.is_file() and file_kind(str(p))]
        root = spec
    elif glob.has_magic(spec):
        found = sorted(p for p in glob.glob(spec, recursive=True) if os.path.isfile(p) and file_kind(p))
        root = spec.split("*")[0]
        name = spec
    else:
        if not os.path.isfile(spec):
            raise UsageFormatError(name, "no such file or folder")
        if not file_kind(spec):
            raise UsageFormatError(name, "expected a .csv, .jsonl or .parquet file")
        found, root = [spec], os.path.dirname(spec)
    if not found:
        raise UsageFormatError(name, "no CSV, JSON Lines or Parquet files found there")
    kinds = {file_kind(p) for p in found}
    if len(kinds) > 1:
        raise UsageFormatError(
            name, f"mixes file types ({', '.join(sorted(kinds))}); import each type on its own"
        )
    hive = any("=" in part for p in found for part in Path(os.path.relpath(p, root or ".")).parts[:-1])
    return LocalSource(name, tuple(found), kinds.pop(), hive)


def connect(spill: Path) -> duckdb.DuckDBPyConnection:
    """DuckDB with a memory limit; what does not fit spills to `spill` (a folder of the lake)."""
    spill.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        config={
            "memory_limit": MEMORY_LIMIT,
            "temp_directory": str(spill),
            "preserve_insertion_order": False,
        }
    )
    con.execute("SET enable_progress_bar = false")  # DuckDB draws it on stdout: `roi ingest --json`
    con.execute("SET TimeZone = 'UTC'")
    # joins build their hash table on the side written on the right, the (narrow) request ids:
    # DuckDB would otherwise build on the wide requests when it estimates them smaller, and run out
    # of memory on a re-import of 10M requests at 150 MB (the ids spill, wide rows do not)
    con.execute("SET disabled_optimizers = 'build_side_probe_side'")
    return con


def _scan(src: LocalSource) -> tuple[str, str]:
    """(DuckDB table function reading the files, decimal separator of their numbers)."""
    files = sql_list(list(src.paths))
    if src.kind == "parquet":
        hive = "true" if src.hive else "false"
        return (
            f"read_parquet({files}, hive_partitioning = {hive}, union_by_name = true, filename = true, "
            "file_row_number = true)",
            ".",
        )
    if src.kind == "json":
        return f"read_json({files}, format = 'newline_delimited', union_by_name = true, filename = true)", "."
    with open(src.paths[0], "rb") as fh:
        head = fh.read(65536)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UsageFormatError(src.name, "UTF-16 text: save the export as CSV UTF-8 to import it this way")
    dialect = sniff(head.decode("utf-8-sig", errors="replace").split("\n", 1)[0])
    delim = dialect.delimiter.replace("\t", "\\t")
    hive = ", hive_partitioning = true" if src.hive else ""
    return (
        f"read_csv({files}, all_varchar = true, header = true, delim = E'{delim}', quote = '\"', "
        f"escape = '\"', union_by_name = true, filename = true{hive})",
        dialect.decimal,
    )


# DuckDB types -> the four the expression works with (text, number, time, JSON)
def _normal_type(duck_type: str) -> tuple[str, str]:
    t = duck_type.upper()
    if t.startswith(("VARCHAR", "UUID")):
        return "VARCHAR", "string"
    if t.startswith(
        (
            "TINYINT",
            "SMALLINT",
            "INTEGER",
            "BIGINT",
            "HUGEINT",
            "UTINYINT",
            "USMALLINT",
            "UINTEGER",
            "UBIGINT",
            "UHUGEINT",
            "FLOAT",
            "DOUBLE",
            "DECIMAL",
            "REAL",
        )
    ):
        return "DOUBLE", "float64"
    if t.startswith(("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ")):
        return "TIMESTAMPTZ", "timestamp('UTC')"
    if t.startswith(("TIMESTAMP", "DATE")):  # naive: UTC (no time-zone arithmetic, which is slow)
        return "TIMESTAMP", "timestamp"
    if t == "JSON":
        return "JSON", "json"
    return "VARCHAR", "string"  # booleans, structs and lists (e.g. a JSON object read as a STRUCT)


def source_view(con: duckdb.DuckDBPyConnection, src: LocalSource) -> tuple[ibis.Table, str]:
    """Create view `source` (lower-case names, four types) over the files; its Ibis table and decimal."""
    scan, decimal = _scan(src)
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
        if src.kind == "parquet":
            _refuse_bombs(con, src)
    except duckdb.Error as exc:
        raise UsageFormatError(src.name, _duck_message(exc)) from None
    cols: dict[str, tuple[str, str]] = {}
    select = []
    for name, duck_type, *_ in described:
        low = name.strip().lower()
        if low in cols:
            raise UsageFormatError(src.name, "two columns have the same name", column=low)
        sql_type, ibis_type = _normal_type(duck_type)
        quoted = '"' + name.replace('"', '""') + '"'
        if low in PASSTHROUGH:
            sql_type, ibis_type = ("VARCHAR", "string") if low == "filename" else ("BIGINT", "int64")
        nested = duck_type.upper().startswith(("STRUCT", "MAP")) or duck_type.endswith("]")
        expr = f"to_json({quoted})" if nested else quoted
        cast = "CAST" if sql_type == "VARCHAR" else "TRY_CAST"
        select.append(f'{cast}({expr} AS {sql_type}) AS "{low}"')
        cols[low] = (sql_type, ibis_type)
    con.execute(f"CREATE OR REPLACE TEMP VIEW source AS SELECT {', '.join(select)} FROM {scan}")
    return ibis.table({c: t for c, (_, t) in cols.items()}, name="source"), decimal


MAX_ROWS_PER_BYTE = 10  # real logs take 5-40 bytes a request; a Parquet "bomb" claims millions a KB


def _refuse_bombs(con: duckdb.DuckDBPyConnection, src: LocalSource) -> None:
    """A Parquet file claiming far more rows than its size could hold (run-length encoded filler, a
    decompression bomb) is refused from its footer, before a row is read."""
    for path in src.paths:
        rows = con.execute(
            f"SELECT coalesce(sum(num_rows), 0) FROM parquet_file_metadata({sql_list([path])})"
        ).fetchone()[0]
        size = os.path.getsize(path)
        if rows > MAX_ROWS_PER_BYTE * max(size, 1000):
            raise UsageFormatError(
                os.path.basename(path),
                f"claims {rows:,} rows in {size:,} bytes, far more than a usage log compresses to; not read",
            )


def _duck_message(exc: duckdb.Error) -> str:
    text = str(exc).strip().splitlines()
    first = next((line for line in text if line.strip()), type(exc).__name__)
    return f"cannot be read ({first[:300]})"


@dataclass
class Layout:
    """What a source is and how it becomes normalized requests."""

    format: str  # litellm-spendlogs / generic
    requests: ibis.Table  # the normalized-requests expression over view `source`
    notes: list[str]  # how it was read (generic: why rows are requests, latency units)


def layout_of(
    con: duckdb.DuckDBPyConnection,
    src: LocalSource,
    table: ibis.Table,
    decimal: str,
    mapping: dict[str, str] | None = None,
) -> Layout:
    """A LiteLLM SpendLogs log (its column names), or any other per-request log whose columns
    `roi.usage.generic` finds or the mapping names."""
    columns = list(table.columns)
    if "starttime" in columns or litellm_detect(set(columns)):  # LiteLLM's own column names
        for c in REQUIRED:
            if c not in columns:
                raise UsageFormatError(
                    src.name, "required column is missing (expected in LiteLLM SpendLogs logs)", column=c
                )
        return Layout(FORMAT, spendlogs_requests(table, decimal=decimal), [])

    def off_quarter(column: str) -> bool:
        times = table.select(s=when(table[column]))
        s = times.s
        off = ((s != s.truncate("m")) | (s.minute() % 15 != 0)).fill_null(False).any()
        return bool(con.execute(ibis.to_sql(times.aggregate(off=off), dialect="duckdb")).fetchone()[0])

    cols, notes = layout(columns, src.name, mapping, off_quarter)
    return Layout(GENERIC, generic_requests(table, cols, decimal=decimal), notes)
