"""Usage import speed and memory: generated per-request LiteLLM SpendLogs (a CSV, and a
hive-partitioned Parquet folder), imported with `roi ingest`, imported again (its files unchanged:
skipped by their SHA-256) and again as if every file were new (each request id checked against the
lake's), against DuckDB's own GROUP BY of the same data, in the same run.

    python bench/bench_usage.py [--rows 1000000] [--parquet-rows 10000000]   # 100000000: the issue's size
    python bench/bench_usage.py --rows 0 --parquet-rows 100000000 --parquet-folder DIR   # a folder made before
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
HEADER = (
    "request_id,call_type,api_key,spend,total_tokens,prompt_tokens,completion_tokens,startTime,endTime,"
    "completionStartTime,model,model_id,model_group,custom_llm_provider,api_base,user,metadata,cache_hit,"
    "cache_key,request_tags,team_id,end_user,status\n"
)
MODELS = [
    "anthropic/claude-haiku-4-5-20251001",
    "anthropic/claude-sonnet-4-5-20250929",
    "anthropic/claude-opus-4-1-20250805",
]


def generate(path: Path, rows: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    base = np.datetime64("2026-09-01T00:00:00")
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER)
        step = 200_000
        for off in range(0, rows, step):
            n = min(step, rows - off)
            start = base + (rng.integers(0, 60 * 86400, n)).astype("timedelta64[s]")
            lat = rng.gamma(2.0, 1.5, n)
            pt = rng.integers(200, 20_000, n)
            ct = rng.integers(10, 2_000, n)
            cached = np.where(rng.random(n) < 0.3, pt // 2, 0)
            m = rng.integers(0, 3, n)
            lines = []
            for i in range(n):
                meta = (
                    f'"{{""usage_object"": {{""cache_read_input_tokens"": {cached[i]}}}}}"'
                    if cached[i]
                    else "{}"
                )
                st = str(start[i]).replace("T", " ")
                et = str(start[i] + np.timedelta64(int(lat[i] * 1000), "ms")).replace("T", " ")
                lines.append(
                    f"req-{off + i},acompletion,key{m[i]},{(pt[i] * 3 + ct[i] * 15) / 1e6:.6f},{pt[i] + ct[i]},{pt[i]},"
                    f"{ct[i]},{st},{et},,{MODELS[m[i]]},,,anthropic,,user{i % 50},{meta},False,,"
                    f'"[""team{i % 7}""]",team{i % 7},,success\n'
                )
            fh.writelines(lines)


def run_ingest(spec: Path, home: str) -> tuple[float, float, dict]:
    """`roi ingest` in its own process: seconds, peak memory (MB), its JSON document."""
    env = dict(os.environ, ROI_HOME=home)
    env.pop("ROI_DATABASE_URL", None)
    code = (
        "import json, sys, time\n"
        # VmHWM: this process's own peak (ru_maxrss would carry the bench's own peak across exec)
        "def peak():\n"
        "    line = next(x for x in open('/proc/self/status') if x.startswith('VmHWM:'))\n"
        "    return int(line.split()[1]) / 1024\n"
        "from roi.cli import main\n"
        "t0 = time.perf_counter()\n"
        "main(['ingest', sys.argv[1], '--json'])\n"
        "print(json.dumps({'secs': time.perf_counter() - t0, "
        "'peak_mb': peak()}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(spec)], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    ).stdout
    doc_text, _, last = out.strip().rpartition("\n")
    stats = json.loads(last)
    return stats["secs"], stats["peak_mb"], json.loads(doc_text)


ROLLUP_KEYS = 'date_trunc(\'hour\', "startTime") AS h, model, api_key, "user", team_id'
SUMS = 'count(*), sum(prompt_tokens), sum(completion_tokens), sum(spend), sum(epoch("endTime") - epoch("startTime"))'


def run_duckdb(scan: str) -> tuple[float, float]:
    """DuckDB's own GROUP BY of the same data (hour x model x key x user x team, the sums), written to
    Parquet as the import writes its rollup; and by day x model. Seconds each, in this process."""
    import duckdb

    out = []
    with tempfile.TemporaryDirectory() as d:
        for keys in (ROLLUP_KEYS, "date_trunc('day', \"startTime\") AS d, model"):
            t0 = time.perf_counter()
            duckdb.sql(f"COPY (SELECT {keys}, {SUMS} FROM {scan} GROUP BY ALL) TO '{d}/agg.parquet'")
            out.append(time.perf_counter() - t0)
    return out[0], out[1]


def generate_parquet(folder: Path, rows: int) -> None:
    """A hive-partitioned LiteLLM log (year=/month=), the same shape as the CSV, made by DuckDB."""
    import duckdb

    duckdb.sql("SET enable_progress_bar = false")
    duckdb.sql(
        f"""COPY (
          SELECT 'req-' || i AS request_id, 'key' || (i % 3) AS api_key, (pt * 3 + ct * 15) / 1e6 AS spend,
                 pt AS prompt_tokens, ct AS completion_tokens, ts AS "startTime",
                 ts + to_milliseconds(lat) AS "endTime", NULL::TIMESTAMP AS "completionStartTime",
                 ['{MODELS[0]}', '{MODELS[1]}', '{MODELS[2]}'][(i % 3) + 1] AS model, 'user' || (i % 50) AS "user",
                 CASE WHEN h % 10 < 3 THEN '{{"usage_object": {{"cache_read_input_tokens": ' || (pt // 2) || '}}}}'
                      ELSE '{{}}' END AS metadata,
                 'False' AS cache_hit, '["team' || (i % 7) || '"]' AS request_tags, 'team' || (i % 7) AS team_id,
                 year(ts) AS year, month(ts) AS month
          FROM (SELECT i, hash(i) AS h, 200 + hash(i * 7) % 19800 AS pt, 10 + hash(i * 13) % 1990 AS ct,
                       TIMESTAMP '2026-09-01' + to_seconds((hash(i * 3) % (60 * 86400))::BIGINT) AS ts,
                       (hash(i * 5) % 8000)::BIGINT AS lat
                FROM range({rows}) t(i))
        ) TO '{folder}' (FORMAT parquet, PARTITION_BY (year, month), COMPRESSION zstd)"""
    )


def measure(label: str, spec: Path, scan: str, rows: int) -> None:
    home = tempfile.mkdtemp()
    secs, peak, doc = run_ingest(spec, home)
    again, again_peak, again_doc = run_ingest(spec, home)
    lake = Path(home) / "roi.lake"
    for known in lake.rglob("files.parquet"):  # as if every file had new bytes: the id anti-join
        known.unlink()
    ids_again, ids_peak, ids_doc = run_ingest(spec, home)
    own, by_day = run_duckdb(scan)
    print(f"{label}: {rows:,} requests")
    print(
        f"  {'roi ingest (SQLite store, DuckDB engine)':44} {secs:8.2f} s  peak {peak:,.0f} MB  "
        f"({rows / secs:,.0f} requests/s; requests stored {doc['requests']:,.0f})"
    )
    print(
        f"  {'roi ingest again (files unchanged)':44} {again:8.2f} s  peak {again_peak:,.0f} MB  "
        f"(skipped {again_doc['skipped_duplicates']:,})"
    )
    print(
        f"  {'again, files new (each request id checked)':44} {ids_again:8.2f} s  peak {ids_peak:,.0f} MB  "
        f"(skipped {ids_doc['skipped_duplicates']:,})"
    )
    print(
        f"  {'duckdb: same GROUP BY, to Parquet':44} {own:8.2f} s  (roi / duckdb = {secs / own:.1f}x; "
        f"again {again / own:.2f}x; files new {ids_again / own:.1f}x)"
    )
    print(f"  {'duckdb: day x model only':44} {by_day:8.2f} s")
    ids = sum(p.stat().st_size for p in lake.rglob("ids.parquet"))
    print(f"  id files: {ids / 1e6:,.1f} MB ({ids / rows * 1e6 / 1e6:,.1f} MB per million requests)")
    shutil.rmtree(home, ignore_errors=True)  # the store and its lake (1.6 GB of ids at 100M requests)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000, help="requests in the CSV (0: skip)")
    ap.add_argument(
        "--parquet-rows", type=int, default=10_000_000, help="requests in the Parquet folder (0: skip)"
    )
    ap.add_argument(
        "--parquet-folder", type=Path, help="an existing hive folder made by this script (not generated)"
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        if args.rows:
            path = Path(d) / "spendlogs.csv"
            t0 = time.perf_counter()
            generate(path, args.rows)
            print(
                f"generated {args.rows:,} requests ({path.stat().st_size / 1e6:,.0f} MB CSV) in {time.perf_counter() - t0:.1f} s"
            )
            measure("LiteLLM SpendLogs CSV", path, f"read_csv('{path}', header = true)", args.rows)
        if args.parquet_rows:
            folder = args.parquet_folder or Path(d) / "logs"
            if not args.parquet_folder:
                t0 = time.perf_counter()
                generate_parquet(folder, args.parquet_rows)
                print(
                    f"generated {args.parquet_rows:,} requests (hive Parquet) in {time.perf_counter() - t0:.1f} s"
                )
            scan = f"read_parquet('{folder}/**/*.parquet', hive_partitioning = true)"
            measure("LiteLLM SpendLogs, hive-partitioned Parquet", folder, scan, args.parquet_rows)


if __name__ == "__main__":
    main()
