"""UI speed as users feel it: routing page rerun after a slider change, and the app's cold start."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from streamlit.testing.v1 import AppTest

from roi.ui.routing_controls import tier_key

ROOT = Path(__file__).resolve().parents[1]


def routing_rerun(samples: int = 15) -> tuple[float, float]:
    at = AppTest.from_file(str(ROOT / "pages" / "routing.py"), default_timeout=60).run()
    times = []
    for i in range(samples):
        value = 100 - 5 * (i % 20)
        t0 = time.perf_counter()
        at.slider(key=tier_key("routine")).set_value(value).run()
        times.append((time.perf_counter() - t0) * 1000)
        assert not at.exception
    return statistics.median(times), max(times)


def cold_start() -> float:
    """Seconds from `streamlit run` to a healthy server (the first page render follows on request)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, ROI_HOME=tempfile.mkdtemp())
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless=true",
            f"--server.port={port}",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.perf_counter() - t0 < 60:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - t0
            except OSError:
                time.sleep(0.05)
        return float("nan")
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    med, worst = routing_rerun()
    print(
        f"{'routing page rerun after a slider change (AppTest, demo)':55} {med:10.1f} {worst:9.1f} {250:>10}"
    )
    print(f"{'app cold start to healthy server (s)':55} {cold_start():10.2f}")


if __name__ == "__main__":
    main()
