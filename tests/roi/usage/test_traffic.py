"""The Usage page's latency histogram: every import's histogram added up (roi.usage.traffic)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from roi.store import Store
from roi.usage import ingest, list_imports
from roi.usage.buckets import HIST_EDGES
from roi.usage.traffic import latency_histogram

DATA = Path(__file__).resolve().parents[3] / "data" / "usage"
SPENDLOGS = DATA / "litellm_spendlogs.csv"
EDGES = [0.1, 1.0, 10.0, 100.0]


def imports(*histograms) -> pd.DataFrame:
    """A list_imports-like frame: one row per import, its histogram as the store keeps it."""
    cells = ["" if h is None else json.dumps({"edges": EDGES, "counts": h}) for h in histograms]
    return pd.DataFrame({"id": range(1, len(cells) + 1), "latency_histogram": cells})


def test_histograms_of_all_imports_are_added_up_bin_by_bin():
    edges, counts = latency_histogram(imports([1, 2, 3], [10, 0, 5], [0, 4, 0]))
    assert edges == EDGES
    assert counts == [11, 6, 8]


def test_imports_without_a_histogram_are_skipped():
    """Bucketed exports (no per-request latency) store "" and must not count as zeros or break the sum."""
    assert latency_histogram(imports(None, [1, 2, 3], None)) == (EDGES, [1, 2, 3])


@pytest.mark.parametrize("frame", [imports(), imports(None), imports(None, None)])
def test_no_histogram_at_all_is_none(frame):
    assert latency_histogram(frame) is None


def test_through_real_imports_the_sum_is_every_request_once(tmp_path):
    """A LiteLLM log imported in two halves, plus a bucketed file: the histogram counts each request once."""
    lines = SPENDLOGS.read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("".join(lines[:9]), encoding="utf-8")
    second.write_text(lines[0] + "".join(lines[9:]), encoding="utf-8")
    store = Store(f"sqlite:///{tmp_path}/roi.db")
    try:
        ingest(store, [first])
        ingest(store, [DATA / "anthropic_console_usage.csv"])  # bucketed: no latency histogram
        ingest(store, [second])
        frame = list_imports(store)
    finally:
        store.dispose()
    assert len(frame) == 3 and (frame["latency_histogram"] == "").sum() == 1
    edges, counts = latency_histogram(frame)
    log = pd.read_csv(SPENDLOGS)
    latency = (pd.to_datetime(log["endTime"]) - pd.to_datetime(log["startTime"])).dt.total_seconds()
    expected, _ = np.histogram(latency, bins=HIST_EDGES)
    assert edges == pytest.approx(HIST_EDGES.tolist(), abs=1e-4)
    assert counts == expected.tolist()
    assert sum(counts) == len(log) == 15
