"""Usage import speed and memory: a generated per-request LiteLLM SpendLogs CSV, imported through
`roi ingest` (streamed in chunks), against DuckDB doing the same aggregation on the same file.

    python bench/bench_usage.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def run_ingest(path: Path) -> tuple[float, float, dict]:
    env = dict(os.environ, ROI_HOME=tempfile.mkdtemp())
    env.pop("ROI_DATABASE_URL", None)
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "roi.cli", "ingest", str(path), "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    ).stdout
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return elapsed, peak_mb, json.loads(out)


def run_duckdb(path: Path) -> float | None:
    try:
        import duckdb
    except ImportError:
        return None
    t0 = time.perf_counter()
    duckdb.sql(
        f"""SELECT date_trunc('hour', "startTime") AS h, model, api_key, "user", team_id, count(*) AS n,
                   sum(prompt_tokens), sum(completion_tokens), sum(spend),
                   sum(epoch("endTime") - epoch("startTime"))
            FROM read_csv('{path}', header=true, auto_detect=true)
            GROUP BY ALL"""
    ).fetchall()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "spendlogs.csv"
        t0 = time.perf_counter()
        generate(path, args.rows)
        print(
            f"generated {args.rows:,} requests ({path.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - t0:.1f} s"
        )
        secs, peak, doc = run_ingest(path)
        print(
            f"{'roi ingest (SQLite store, streamed)':40} {secs:8.2f} s  peak {peak:,.0f} MB  "
            f"({args.rows / secs:,.0f} rows/s; requests stored {doc['requests']:,.0f})"
        )
        duck = run_duckdb(path)
        if duck is None:
            print("duckdb not installed (it is a dev dependency: make test installs it)")
        else:
            print(
                f"{'duckdb: same GROUP BY on the same file':40} {duck:8.2f} s  (roi / duckdb = {secs / duck:.1f}x)"
            )


if __name__ == "__main__":
    main()
