"""Files imported before, unchanged: known by the SHA-256 of their bytes, never read again.

A lake folder is imported again and again as new partitions arrive. Every request of a file whose
bytes an earlier import read whole, with every request new to it, is in that import's ids: the
anti-join would drop them all, after a scan of the whole file. Such a file is skipped instead,
and its requests are reported as already imported, as the anti-join would report them (its rows
and requests were counted at that import). Only imports that skipped no request record their files,
so a recorded file's ids all live in its own import: deleting that import forgets the file too.
"""

from __future__ import annotations

import hashlib
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from roi.usage import lake

CHUNK = 4 << 20


@dataclass(frozen=True)
class KnownFile:
    rows: int  # rows read (blank and total rows not counted)
    requests: int  # requests counted
    format: str


def known_files(id_files: list[str]) -> dict[tuple[int, str], KnownFile]:
    """(size, SHA-256) -> counts, of the files listed in these imports' `files.parquet`."""
    if not id_files:
        return {}
    con = lake.duck()
    try:
        rows = con.execute(
            f"SELECT bytes, sha256, rows, requests, format FROM read_parquet({lake.sql_list(id_files)})"
        ).fetchall()
    finally:
        con.close()
    return {(int(b), s): KnownFile(int(r), int(q), f) for b, s, r, q, f in rows}


def sha256(path: str, stop: threading.Event | None = None) -> str | None:
    """The file's SHA-256 (hashlib releases the GIL: it runs beside DuckDB); None when stopped."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            if stop is not None and stop.is_set():
                return None
            h.update(chunk)
    return h.hexdigest()


def sha256_all(paths: list[str]) -> dict[str, str]:
    """Files' SHA-256, two at a time (about 700 MB/s each)."""
    if not paths:
        return {}
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="roi-sha256") as pool:
        return dict(zip(paths, pool.map(sha256, paths), strict=True))


class Hashing:
    """The SHA-256 of files, computed in a background thread while the engine reads them."""

    def __init__(self, paths: list[str]) -> None:
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="roi-sha256")
        self._futures: dict[str, Future] = {p: self._pool.submit(sha256, p, self._stop) for p in paths}

    def result(self) -> dict[str, str]:
        try:
            return {p: f.result() for p, f in self._futures.items()}
        finally:
            self._pool.shutdown()

    def cancel(self) -> None:
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)


def per_file_counts(
    con: duckdb.DuckDBPyConnection, *, skipped: bool, modelless: bool
) -> dict[str, tuple[int, int]]:
    """Rows read and requests counted per file of view `req` (its `filename` column), with the
    tests of `rollup.counted` only where the checks found rows they would drop."""
    rows = "count(*) FILTER (WHERE chk_skip IS NULL)" if skipped else "count(*)"
    kept = " AND ".join(
        (["chk_skip IS NULL"] if skipped else []) + (["NOT chk_no_model"] if modelless else [])
    )
    requests = f"count(*) FILTER (WHERE {kept})" if kept else "count(*)"
    found = con.execute(f"SELECT filename, {rows}, {requests} FROM req GROUP BY filename").fetchall()
    return {os.path.abspath(f): (int(r), int(q)) for f, r, q in found}


def write_files(path: Path, fmt: str, digests: dict[str, str], counts: dict[str, tuple[int, int]]) -> None:
    """The import's `files.parquet`: each file read, its size, SHA-256 and counts."""
    records = []
    for p, digest in digests.items():
        rows, requests = counts.get(os.path.abspath(p), (0, 0))
        size = os.path.getsize(p)
        records.append(
            {"path": p, "bytes": size, "sha256": digest, "rows": rows, "requests": requests, "format": fmt}
        )
    con = lake.duck()
    try:
        con.register("files_frame", pd.DataFrame.from_records(records))
        target = str(path).replace("'", "''")
        con.execute(f"COPY (SELECT * FROM files_frame) TO '{target}' (FORMAT parquet)")
    finally:
        con.close()
