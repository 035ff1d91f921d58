"""Comparing the current scenario with saved ones (the Compare page's rules, moved into roi.compare)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from roi.compare import compare_frame, compare_saved
from roi.engine import compute
from roi.scenario import demo_scenario, parse_scenario
from roi.store import Store

COLUMNS = [
    "scenario",
    "spend today $/mo",
    "spend routed $/mo",
    "savings %",
    "mean latency s",
    "accuracy %",
    "net benefit month 1 $",
    "payback month",
    "net benefit over horizon $",
    "ROI %",
]


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    yield s
    s.dispose()


def cheaper(s):
    """The demo with half the set-up cost: a saved alternative whose figures differ from the current."""
    return replace(s, name="Half set-up cost", one_time_cost=s.one_time_cost / 2)


def broken():
    """A scenario that parses (so it could be saved) but no longer computes: its model left the catalog."""
    return parse_scenario(
        {
            "name": "Retired model",
            "baseline": {"model": "claude-retired-1"},
            "tasks": [
                {
                    "name": "t",
                    "requests_per_month": 10,
                    "accuracy": {"claude-retired-1": 0.9},
                    "routing": {"claude-retired-1": 1.0},
                }
            ],
        }
    )


def test_current_comes_first_labelled_then_saved_ones_in_the_order_asked(store):
    current = demo_scenario()
    alt = cheaper(current)
    store.save_scenario(alt, expected_revision=None)
    store.save_scenario(current, expected_revision=None)  # its own saved copy, under the same name
    results, notes = compare_saved(store, current, [alt.name, current.name])
    assert list(results) == [f"{current.name} (current)", alt.name, current.name]
    assert notes == []
    assert results[f"{current.name} (current)"].to_dict() == compute(current).to_dict()
    assert results[alt.name].to_dict() == compute(alt).to_dict()
    assert results[alt.name].projection.horizon_net_benefit == pytest.approx(
        compute(current).projection.horizon_net_benefit + current.one_time_cost / 2
    )


def test_a_saved_scenario_that_no_longer_computes_is_left_out_with_a_note(store):
    """One bad saved scenario (or one deleted meanwhile) must not take the whole comparison down."""
    current = demo_scenario()
    alt = cheaper(current)
    for s in (broken(), alt):
        store.save_scenario(s, expected_revision=None)
    results, notes = compare_saved(store, current, ["Retired model", alt.name, "Deleted meanwhile"])
    assert list(results) == [f"{current.name} (current)", alt.name]
    assert len(notes) == 2
    assert notes[0].startswith('Retired model: baseline.model: unknown model "claude-retired-1"')
    assert notes[1] == 'Deleted meanwhile: no saved scenario named "Deleted meanwhile"'


def test_nothing_saved_to_compare_gives_the_current_alone(store):
    results, notes = compare_saved(store, demo_scenario(), [])
    assert list(results) == [f"{demo_scenario().name} (current)"] and notes == []


def test_compare_frame_has_one_row_per_scenario_with_the_engine_figures():
    current = demo_scenario()
    alt = cheaper(current)
    results = {"now": compute(current), "alt": compute(alt)}
    frame = compare_frame(results)
    assert list(frame.columns) == COLUMNS
    assert frame["scenario"].tolist() == ["now", "alt"]
    for row, r in zip(frame.to_dict("records"), results.values(), strict=True):
        p = r.projection
        assert row["spend today $/mo"] == pytest.approx(r.month1_baseline_spend)
        assert row["spend routed $/mo"] == pytest.approx(r.month1_spend)
        assert row["savings %"] == pytest.approx(r.savings_pct)
        assert row["mean latency s"] == pytest.approx(r.mean_latency_s)
        assert row["accuracy %"] == pytest.approx(100 * r.accuracy)  # a percentage, not a 0..1 share
        assert row["net benefit month 1 $"] == pytest.approx(p.month1.net)
        assert row["payback month"] == p.payback_month
        assert row["net benefit over horizon $"] == pytest.approx(p.horizon_net_benefit)
        assert row["ROI %"] == pytest.approx(p.roi_pct)
    # the two rows really differ where the scenarios differ, and only there
    now, alt_row = frame.iloc[0], frame.iloc[1]
    assert alt_row["spend routed $/mo"] == pytest.approx(now["spend routed $/mo"])
    assert alt_row["net benefit over horizon $"] > now["net benefit over horizon $"]


def test_compare_frame_leaves_blank_what_an_empty_scenario_cannot_say():
    """No tasks: no savings %, latency, accuracy or ROI (missing, not zero)."""
    empty = parse_scenario({"name": "Blank", "baseline": {"model": "claude-opus-4-5"}})
    row = compare_frame({"Blank": compute(empty)}).iloc[0]
    assert row["spend today $/mo"] == 0 and row["spend routed $/mo"] == 0
    assert all(pd.isna(row[c]) for c in ("savings %", "mean latency s", "accuracy %", "ROI %"))
