"""Sample-run throughput: 500 items × 3 models against the local fake Anthropic server with 200 ms
latency at concurrency 16, compared with the ideal (items × latency / concurrency).

The fake API runs in its own process, as a real API would, so it does not share our GIL.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from roi.evals.results import results, summarize  # noqa: E402
from roi.evals.runner import RunConfig, Runner, run_sync  # noqa: E402
from roi.evals.sets import parse_eval_set  # noqa: E402
from roi.store import Store  # noqa: E402

ITEMS, LATENCY, CONCURRENCY = 500, 0.2, 16
MODELS = ["claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-5"]
SERVER = """
import time
from fakes.fake_anthropic import FakeAnthropic
with FakeAnthropic(latency_s=%s) as fake:
    print(fake.base_url, flush=True)
    while True:
        time.sleep(3600)
"""


def main() -> None:
    doc = {
        "name": "bench",
        "tasks": {"t": {"prompt": "Classify: {input}", "max_tokens": 10, "grader": {"type": "label"}}},
        "items": [
            {"id": f"i{i}", "task": "t", "input": f"document {i}", "expected": "ok"} for i in range(ITEMS)
        ],
    }
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER % LATENCY], cwd=ROOT / "tests", stdout=subprocess.PIPE, text=True
    )
    try:
        base_url = server.stdout.readline().strip()
        with tempfile.TemporaryDirectory() as d:
            store = Store(f"sqlite:///{d}/roi.db")
            config = RunConfig(models=MODELS, concurrency=CONCURRENCY, base_url=base_url)
            runner = Runner(store, parse_eval_set(doc), config, api_key="bench-key")
            t0 = time.perf_counter()
            run_id = run_sync(runner)
            wall = time.perf_counter() - t0
            n = ITEMS * len(MODELS)
            ideal = n * LATENCY / CONCURRENCY
            ok = int(summarize(results(store, run_id))["n"].sum())
            store.dispose()
        print(
            f"{'sample run: 500 items x 3 models, 200 ms, concurrency 16':55} {wall:8.2f} s  "
            f"ideal {ideal:.2f} s  efficiency {100 * ideal / wall:.0f}%  ({ok}/{n} answered)"
        )
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
