"""Under load, in real browsers: N people at once on one `roi serve` (PostgreSQL, signed in through a
real OpenID Connect provider), each moving the routing slider, saving a revision of the same
scenario and importing a file (tests/e2e/load.py). Prints slider-to-redraw p50/p95 under that load
and the server's memory per session.

    python bench/bench_load.py [--sessions 25] [--moves 6]   # needs ROI_TEST_POSTGRES_URL (an admin URL)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: tests.e2e.load

from tests.e2e.load import run  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=25)
    ap.add_argument("--moves", type=int, default=6, help="slider moves per session")
    args = ap.parse_args()
    admin = os.environ.get("ROI_TEST_POSTGRES_URL")
    if not admin:
        print("bench_load: skipped (set ROI_TEST_POSTGRES_URL to a PostgreSQL admin URL, as .ci/run does)")
        return
    with tempfile.TemporaryDirectory() as home:
        load = run(args.sessions, args.moves, admin, Path(home))
    failed = [s for s in load.sessions if s.errors]
    if not any(s.slider_ms for s in load.sessions):
        for s in failed[:5]:
            print(f"  {s.login}: {s.errors[0]}")
        sys.exit("bench_load: no session got as far as the slider")
    saves = sum(bool(s.saved) for s in load.sessions)
    print(f"Under load: {args.sessions} browser sessions at once on one roi serve (PostgreSQL, sign-in)")
    print(
        f"  slider move -> routed spend redrawn   p50 {load.median_ms:7.0f} ms   p95 {load.percentile(95):7.0f} ms"
        f"   ({sum(len(s.slider_ms) for s in load.sessions)} moves)"
    )
    print(
        f"  server memory                          idle {load.rss_idle_mb:,.0f} MB   peak {load.rss_loaded_mb:,.0f} MB"
        f"   ({load.mb_per_session:,.1f} MB per session)"
    )
    print(
        f"  saves of the shared plan               {saves} saved, {args.sessions - saves} shown the conflict;"
        f" newest revisions {load.revisions}"
    )
    print(f"  sessions with an error                 {len(failed)}   (whole run {load.seconds:.0f} s)")
    for s in failed[:5]:
        print(f"    {s.login}: {s.errors[0]}")
    print(
        f"  CPU over the run                       server {load.server_cpu_s:.0f} s, the {args.sessions} browser pages"
        f" {load.browser_cpu_s:.0f} s (both on this machine's {os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
