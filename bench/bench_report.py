"""`make bench`: how long each export of the demo scenario takes (what a user waits for after a click).

Each timing is the whole `roi.report.build(scenario, fmt)`: evaluation, charts, and for PPTX and
PDF starting Debian's Chromium (kaleido / Playwright). Prints figures only.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from roi.engine import compute  # noqa: E402
from roi.report import FORMATS, build  # noqa: E402
from roi.report.browser import chromium_path  # noqa: E402
from roi.scenario import demo_scenario  # noqa: E402

# (repeats, target ms): the browser exports start Chromium each time, so fewer samples.
PLAN = {"html": (5, 2_000), "pptx": (3, 20_000), "pdf": (3, 20_000), "xlsx": (10, 1_000), "csv": (10, 500)}


def timed(fmt: str, repeat: int) -> tuple[float, float, int]:
    s = demo_scenario()
    samples, size = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        size = len(build(s, fmt))
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), min(samples), size


def main() -> None:
    compute(demo_scenario())  # warm the catalog cache, as a running app has
    try:
        chromium_path()
        browser = True
    except RuntimeError as exc:
        print(f"# {exc}: PPTX and PDF not timed")
        browser = False
    print(f"{'benchmark':55} {'median ms':>10} {'best ms':>9} {'target ms':>10}")
    for fmt, (repeat, target) in PLAN.items():
        if FORMATS[fmt].needs_browser and not browser:
            continue
        med, best, size = timed(fmt, repeat)
        name = f"export {fmt} of the demo scenario ({size / 1e6:.2f} MB)"
        print(f"{name:55} {med:10.2f} {best:9.2f} {target:>10}")


if __name__ == "__main__":
    main()
