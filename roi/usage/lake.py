"""The store's columnar side: per-request imports kept as Parquet files beside the database.

A per-request import can hold millions of requests; their hourly rollup can hold hundreds of
thousands of rows, and de-duplication needs every request id ever imported. Neither belongs in
SQL rows (inserting 700,000 rows into SQLite takes ~11 s; 100M request ids would take minutes).
Each such import gets a folder `import-<id>/` with `rollup.parquet` (the hourly rollup),
`ids.parquet` (a 128-bit hash of each request id, two UBIGINT columns: 16 bytes per request) and
`files.parquet` (the SHA-256 of each file it read, so that an unchanged file is not read again).
The database keeps the import's record; only folders whose import exists in it count, so a folder
left by an interrupted import is ignored and replaced.

Where: next to a SQLite database file (`roi.db` -> `roi.lake/`), else under ROI_HOME, one folder
per database URL. Back it up with the database.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pandas as pd
from sqlalchemy.engine import make_url

from roi.store import Store, app_home
from roi.store.workspaces import DEFAULT
from roi.usage.schema import ROLLUP_KEYS, TOKEN_COLUMNS

ROLLUP = "rollup.parquet"
IDS = "ids.parquet"
FILES = "files.parquet"  # the source files an import read whole and new: their bytes' SHA-256 and counts
# a request id as two UBIGINT halves of its MD5 (collisions: ~1e-21 for a billion ids)
MASK = (1 << 64) - 1


def id_hash(col: str, hi: str = "hi", lo: str = "lo") -> str:
    """DuckDB select items: a request id column as its two hash halves."""
    return (
        f"CAST(md5_number({col}) >> 64 AS UBIGINT) AS {hi}, "
        f"CAST(md5_number({col}) & {MASK} AS UBIGINT) AS {lo}"
    )


def duck() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB in UTC that never draws its progress bar (on stdout: `--json` output)."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("SET TimeZone = 'UTC'")
    return con


def lake_dir(store: Store) -> Path:
    """The store's lake: beside its SQLite file (each workspace has its own file), else one folder
    per database URL and workspace."""
    url = store.engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        db = Path(url.database)
        return db.with_name(db.stem + ".lake")
    name = make_url(store.url).render_as_string(hide_password=True)
    if store.workspace != DEFAULT:
        name += f"#workspace={store.workspace}"
    key = hashlib.sha256(name.encode()).hexdigest()[:16]
    return app_home() / "lake" / key


def import_dir(store: Store, import_id: int) -> Path:
    return lake_dir(store) / f"import-{import_id}"


def staging_dir(store: Store) -> Path:
    """A fresh folder to write an import's files into before it has an id."""
    import tempfile

    root = lake_dir(store)
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="staging-", dir=root))


def publish(store: Store, staging: Path, import_id: int) -> Path:
    """Give the staged files their import's name (before the database commits: see the module doc)."""
    target = import_dir(store, import_id)
    if target.exists():  # left by an import whose transaction never committed
        shutil.rmtree(target)
    staging.rename(target)
    return target


def files(store: Store, import_ids: list[int], name: str) -> list[str]:
    """The `name` file of every listed import that has one."""
    out = []
    for i in import_ids:
        p = import_dir(store, int(i)) / name
        if p.exists():
            out.append(str(p))
    return out


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def sql_list(paths: list[str]) -> str:
    """Paths as a DuckDB list literal."""
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def daily_rows(store: Store, import_ids: list[int]) -> pd.DataFrame:
    """The rollups of these imports summed per day: rows shaped like the database's usage rows
    (per-request logs were always stored per day; the hourly detail stays in the files)."""
    paths = files(store, import_ids, ROLLUP)
    return daily_rows_of(paths) if paths else pd.DataFrame()


def daily_rows_of(paths: list[str]) -> pd.DataFrame:
    """Rollup files summed per day; `import_id` from each file's folder (None while staged)."""
    sums = ", ".join(
        f'sum("{c}") AS "{c}"'
        for c in (
            "requests",
            *TOKEN_COLUMNS,
            "reported_cost_usd",
            "latency_s_sum",
            "ttft_s_sum",
            "timed_requests",
        )
    )
    # union_by_name: rollups written before a dimension existed (inference_geo, speed) read it as NULL
    scan = f"read_parquet({sql_list(paths)}, filename = true, union_by_name = true)"
    con = duck()
    try:
        present = {c for c, *_ in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()}
        dims = ", ".join(f'"{c}"' if c in present else f'NULL::VARCHAR AS "{c}"' for c in ROLLUP_KEYS)
        df = con.execute(
            f"SELECT TRY_CAST(regexp_extract(filename, 'import-(\\d+)', 1) AS INTEGER) AS import_id, "
            f"date_trunc('day', hour) AS start, {dims}, {sums} FROM {scan} GROUP BY ALL"
        ).fetchdf()
    finally:
        con.close()
    df["start"] = pd.to_datetime(df["start"], utc=True)
    df["end"] = df["start"] + pd.Timedelta(days=1)
    df["kind"] = "usage"
    df["token_type"] = None
    return df


def seen_ids(store: Store, import_ids: list[int], ids: list[str]) -> set[str]:
    """Which of these request ids the lake's imports already hold (for readers that store
    per-request rows in the database, so that no request is counted twice across both)."""
    paths = files(store, import_ids, IDS)
    if not paths or not ids:
        return set()
    con = duck()
    try:
        con.register("batch_ids", pd.DataFrame({"request_id": ids}))
        rows = con.execute(
            f"SELECT request_id FROM (SELECT request_id, {id_hash('request_id')} FROM batch_ids) AS b "
            f"SEMI JOIN read_parquet({sql_list(paths)}) AS s ON b.hi = s.hi AND b.lo = s.lo"
        ).fetchall()
    finally:
        con.close()
    return {r[0] for r in rows}


def hour_of_day(store: Store, import_ids: list[int]) -> pd.DataFrame:
    """Requests and mean latency per UTC hour of the day (0-23) over the lake's hourly rollups;
    empty when no import has them (bucketed exports are daily or coarser)."""
    paths = files(store, import_ids, ROLLUP)
    if not paths:
        return pd.DataFrame(columns=["hour", "requests", "mean_latency_s"])
    con = duck()
    try:
        return con.execute(
            "SELECT hour(hour) AS hour, sum(requests) AS requests, "
            "sum(latency_s_sum) / nullif(sum(timed_requests), 0) AS mean_latency_s "
            f"FROM read_parquet({sql_list(paths)}, union_by_name = true) GROUP BY 1 ORDER BY 1"
        ).fetchdf()
    finally:
        con.close()
