"""Each figure carries the numbers of what it draws: the trace arrays equal the result, frame or
history handed in, and the charts compute nothing themselves (the frontier and the price history
come from the caller)."""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from roi import charts, routing
from roi.catalog import custom_price
from roi.engine import Result, compute
from roi.numbers import money
from roi.optimize import frontier
from roi.scenario import demo_scenario
from roi.sensitivity import AccuracyCurve, accuracy_curve, tornado


@pytest.fixture(scope="module")
def demo() -> Result:
    return compute(demo_scenario())


def close(values, expected) -> None:
    np.testing.assert_allclose(np.asarray(values, float), np.asarray(expected, float), atol=1e-9)


def trace(fig: go.Figure, name: str):
    (t,) = [t for t in fig.data if t.name == name]
    return t


def vlines(fig: go.Figure) -> list[float]:
    return [s.x0 for s in fig.layout.shapes if s.x0 == s.x1 and s.xref == "x"]


# --- scenario results ------------------------------------------------------------------------------


def test_monthly_spend_draws_the_projection(demo):
    p = demo.projection
    fig = charts.monthly_spend(demo)
    close(trace(fig, "Today (baseline)").x, p.months)
    close(trace(fig, "Today (baseline)").y, p.baseline_spend)
    close(trace(fig, "With routing").x, p.months)
    close(trace(fig, "With routing").y, p.spend)
    assert fig.layout.title.text == "Monthly token spend"


def test_cumulative_net_benefit_draws_the_cumulative_from_month_0_and_marks_payback(demo):
    p = demo.projection
    fig = charts.cumulative_net_benefit(demo)
    (line,) = fig.data
    # a line from month 0, where only the one-time cost has been spent, to the horizon
    assert line.type == "scatter" and "lines" in line.mode
    close(line.x, [0, *p.months])
    close(line.y, [-demo.scenario.one_time_cost, *p.cumulative])
    assert line.y[0] == -25_000
    # red while under water, green from payback on
    assert list(line.marker.color) == [charts.GOOD if v >= 0 else charts.BAD for v in line.y]
    assert p.payback_month == 3
    assert vlines(fig) == [3]
    assert fig.layout.annotations[0].text == "payback: month 3"


def test_cumulative_net_benefit_marks_no_payback_when_there_is_none():
    r = compute(replace(demo_scenario(), one_time_cost=1e9))
    assert r.projection.payback_month is None
    fig = charts.cumulative_net_benefit(r)
    close(fig.data[0].y, [-1e9, *r.projection.cumulative])
    assert vlines(fig) == []


def test_spend_by_model_bars_sum_to_month1_spend_today_and_routed(demo):
    fig = charts.spend_by_model(demo)
    base, routed = demo.spend_by_model(baseline=True), demo.spend_by_model()
    drawn = [m for m in demo.matrix.models if base[m] or routed[m]]
    assert [t.name for t in fig.data] == drawn
    for t in fig.data:
        assert list(t.x) == ["Today", "With routing"]
        close(t.y, [base[t.name], routed[t.name]])
    assert sum(t.y[0] for t in fig.data) == pytest.approx(demo.month1_baseline_spend)
    assert sum(t.y[1] for t in fig.data) == pytest.approx(demo.month1_spend)
    colors = charts.model_colors(demo.matrix.models)
    assert all(t.marker.color == colors[t.name] for t in fig.data)


def test_latency_by_task_draws_routed_and_baseline_latency_per_task(demo):
    fig = charts.latency_by_task(demo)
    names = [t.name for t in demo.scenario.tasks]
    today, routed = trace(fig, "Today"), trace(fig, "With routing")
    assert list(today.y) == names and list(routed.y) == names
    close(today.x, demo.baseline.latency)
    close(routed.x, demo.routed.latency)


def test_cost_vs_accuracy_draws_the_frontier_passed_in_and_both_points(demo):
    f = frontier(demo.matrix)
    fig = charts.cost_vs_accuracy(demo, f)
    line = trace(fig, "Cheapest for each accuracy")
    close(line.x, f[:, 0])
    close(line.y, 100 * f[:, 1])
    today, this = trace(fig, "Today"), trace(fig, "This routing")
    close([today.x[0], today.y[0]], [demo.month1_baseline_spend, 100 * demo.baseline_accuracy])
    close([this.x[0], this.y[0]], [demo.month1_spend, 100 * demo.accuracy])


def test_cost_vs_accuracy_draws_exactly_the_frontier_it_is_given(demo):
    hand = np.array([[100.0, 0.5], [250.0, 0.75], [900.0, 0.9]])
    close(trace(charts.cost_vs_accuracy(demo, hand), "Cheapest for each accuracy").y, [50, 75, 90])
    empty = charts.cost_vs_accuracy(demo, np.zeros((0, 2)))
    assert [t.name for t in empty.data] == ["Today", "This routing"]


def test_benefit_waterfall_parts_are_month1_and_total_is_net(demo):
    m = demo.projection.month1
    (w,) = charts.benefit_waterfall(demo).data
    assert list(w.x)[-2:] == ["Monthly overhead", "Net benefit"]
    close(w.y, [m.spend_saved, m.error_cost_saved, m.staff_time_value, -m.overhead, m.net])
    assert list(w.measure) == ["relative"] * 4 + ["total"]
    assert sum(w.y[:4]) == pytest.approx(w.y[4])


def test_compare_scenarios_draws_each_cumulative_in_order(demo):
    costly = compute(replace(demo_scenario(), one_time_cost=50_000.0))
    fig = charts.compare_scenarios({"demo": demo, "costly": costly})
    assert [t.name for t in fig.data] == ["demo", "costly"]
    close(fig.data[0].x, [0, *demo.projection.months])
    close(fig.data[0].y, [-25_000, *demo.projection.cumulative])
    close(fig.data[1].y, [-50_000, *costly.projection.cumulative])
    assert [t.line.color for t in fig.data] == charts.PALETTE[:2]


# --- sensitivity ---------------------------------------------------------------------------------


def test_tornado_bars_reach_the_lows_and_highs(demo):
    bars = tornado(demo.scenario)
    fig = charts.tornado(bars)
    low, high = trace(fig, "input −20%"), trace(fig, "input +20%")
    assert list(low.y) == [b.input for b in bars]
    base = bars[0].base
    assert low.base == base and high.base == base
    close(base + np.asarray(low.x), [b.low for b in bars])
    close(base + np.asarray(high.x), [b.high for b in bars])
    close(low.customdata, [b.low for b in bars])
    close(high.customdata, [b.high for b in bars])
    assert vlines(fig) == [base]
    assert f"${abs(base):,.0f}" in fig.layout.title.subtitle.text  # the value as entered, under the title


def test_accuracy_break_even_draws_the_curve_and_marks_assumed_and_break_even(demo):
    s = demo.scenario
    c = accuracy_curve(s, routing.small_model(s))
    assert c is not None and c.break_even is not None
    fig = charts.accuracy_break_even(c)
    (curve,) = fig.data
    close(curve.x, 100 * c.accuracy)
    close(curve.y, c.net_benefit)
    close(vlines(fig), [100 * c.current, 100 * c.break_even])
    texts = [a.text for a in fig.layout.annotations]
    assert texts == [f"assumed: {100 * c.current:.1f}%", f"break-even: {100 * c.break_even:.1f}%"]


def test_accuracy_break_even_without_a_break_even_marks_only_the_assumption():
    c = AccuracyCurve("m", np.array([0.5, 1.0]), np.array([10.0, 20.0]), current=0.8, break_even=None)
    fig = charts.accuracy_break_even(c)
    close(fig.data[0].x, [50, 100])
    close(fig.data[0].y, [10, 20])
    assert vlines(fig) == [pytest.approx(80)]


# --- catalog -------------------------------------------------------------------------------------


def test_price_history_steps_through_the_history_passed_in():
    history = [
        (None, custom_price("m", input=3.0, output=15.0, cache_read=0.3)),
        (date(2025, 6, 1), custom_price("m", input=2.0, output=10.0, cache_read=0.2)),
    ]
    today = date(2026, 1, 1)
    # "not-in-the-catalog" would fail a catalog lookup: the chart draws only what it is given
    fig = charts.price_history_chart("not-in-the-catalog", history, today=today)
    xs = [date(2023, 1, 1), date(2025, 6, 1), today]
    for name, ys in (("Input", [3, 2, 2]), ("Output", [15, 10, 10]), ("Cache read", [0.3, 0.2, 0.2])):
        t = trace(fig, name)
        assert list(t.x) == xs
        close(t.y, ys)
        assert t.line.shape == "hv"
    assert fig.layout.title.text == "Price history: not-in-the-catalog"


# --- imported usage ------------------------------------------------------------------------------


def test_usage_spend_by_month_stacks_the_frame_per_model():
    rows = [("2025-01", "sonnet", 12.5), ("2025-01", "haiku", 0.75), ("2025-02", "sonnet", 20.0)]
    monthly = pd.DataFrame(rows, columns=["month", "model", "cost_usd"])
    fig = charts.usage_spend_by_month(monthly)
    assert [t.name for t in fig.data] == ["haiku", "sonnet"]
    assert list(trace(fig, "haiku").x) == ["2025-01"]
    close(trace(fig, "haiku").y, [0.75])
    assert list(trace(fig, "sonnet").x) == ["2025-01", "2025-02"]
    close(trace(fig, "sonnet").y, [12.5, 20.0])
    assert fig.layout.barmode == "stack"


def test_usage_tokens_by_type_shows_every_kind_with_zero_for_missing():
    fig = charts.usage_tokens_by_type(
        {"input_tokens": 1000.0, "output_tokens": 50.0, "cache_read_tokens": 7.0}
    )
    (bars,) = fig.data
    assert list(bars.x) == [
        "Input (uncached)",
        "Cache write 5 min",
        "Cache write 1 h",
        "Cache read",
        "Output",
    ]
    close(bars.y, [1000, 0, 0, 7, 50])


def test_usage_top_groups_draws_spend_per_group_in_order():
    top = pd.DataFrame({"api_key": ["key-a", 42], "cost_usd": [90.0, 10.5]})
    fig = charts.usage_top_groups(top, "api_key")
    (bars,) = fig.data
    assert list(bars.y) == ["key-a", "42"]
    close(bars.x, [90.0, 10.5])
    assert fig.layout.title.text == "Top api keys by spend"


def test_latency_histogram_puts_counts_at_bin_middles():
    fig = charts.latency_histogram([0.1, 1.0, 10.0], [3, 4])
    (bars,) = fig.data
    close(bars.x, [0.1**0.5, 10.0**0.5])
    close(bars.y, [3, 4])
    close(bars.width, [0.9, 9.0])


# --- sample runs ---------------------------------------------------------------------------------


@pytest.fixture
def summary() -> pd.DataFrame:
    cols = ["task", "model", "n", "accuracy", "ci_low", "ci_high", "cost_per_correct_usd"]
    rows = [
        ("intake", "haiku", 40, 0.9, 0.77, 0.96, 0.0002),
        ("intake", "sonnet", 40, 0.95, 0.83, 0.99, 0.001),
        ("review", "haiku", 0, None, None, None, None),  # nothing graded
    ]
    return pd.DataFrame(rows, columns=cols)


def test_eval_accuracy_draws_accuracy_and_its_interval(summary):
    fig = charts.eval_accuracy(summary)
    assert [t.name for t in fig.data] == ["haiku", "sonnet"]  # review/haiku has no accuracy: left out
    haiku = trace(fig, "haiku")
    assert list(haiku.x) == ["intake"]
    close(haiku.y, [90.0])
    close(haiku.error_y.array, [6.0])
    close(haiku.error_y.arrayminus, [13.0])
    close(haiku.customdata[0], [40, 77, 96])
    close(trace(fig, "sonnet").y, [95.0])


def test_eval_cost_per_correct_draws_the_summary_values(summary):
    fig = charts.eval_cost_per_correct(summary)
    close(trace(fig, "haiku").y, [0.0002])
    close(trace(fig, "sonnet").y, [0.001])
    assert list(trace(fig, "haiku").x) == ["intake"]


def test_eval_latency_boxes_hold_the_successful_latencies():
    rows = [
        ("intake", "haiku", "ok", 0.5),
        ("intake", "haiku", "ok", 0.7),
        ("intake", "sonnet", "ok", 2.0),
        ("review", "haiku", "error", 9.9),
        ("review", "sonnet", "ok", None),
    ]
    df = pd.DataFrame(rows, columns=["task", "model", "status", "latency_s"])
    fig = charts.eval_latency(df)
    assert [t.name for t in fig.data] == ["haiku", "sonnet"]
    close(trace(fig, "haiku").y, [0.5, 0.7])
    assert list(trace(fig, "haiku").x) == ["intake", "intake"]
    close(trace(fig, "sonnet").y, [2.0])


def test_cascade_curve_draws_escalation_against_accuracy():
    table = pd.DataFrame(
        {"threshold": [0, 50, 100], "escalation_rate": [0.0, 0.25, 1.0], "accuracy": [0.8, 0.9, 0.95]}
    )
    fig = charts.cascade_curve(table, "haiku", "sonnet")
    (line,) = fig.data
    close(line.x, [0, 25, 100])
    close(line.y, [80, 90, 95])
    close(line.customdata, [0, 50, 100])
    assert fig.layout.xaxis.title.text == "Share escalated from haiku to sonnet (%)"


# --- the package -----------------------------------------------------------------------------------


def test_model_colors_cycle_through_the_palette():
    models = [f"m{i}" for i in range(len(charts.PALETTE) + 1)]
    colors = charts.model_colors(models)
    assert [colors[m] for m in models] == [*charts.PALETTE, charts.PALETTE[0]]


def test_charts_import_nothing_that_computes():
    """The optimizer and the catalog lookups belong to the callers; a chart module only draws."""
    for path in Path(charts.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        runtime = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
        modules = {n.module for n in runtime if isinstance(n, ast.ImportFrom)}
        modules |= {a.name for n in runtime if isinstance(n, ast.Import) for a in n.names}
        assert not modules & {"roi.optimize", "roi.catalog", "roi.catalog.prices"}, path.name


# --- what a partner reads at a glance --------------------------------------------------------------

MONEY_TICK = r"^-?\$[0-9][0-9,]*(\.[0-9]+)?[kMB]?$"


def money_axes(fig: go.Figure) -> list:
    axes = [fig.layout.xaxis, fig.layout.yaxis]
    return [a for a in axes if a.title.text and ("USD" in a.title.text or "$" in a.title.text)]


def scenario_figures(r: Result) -> dict[str, go.Figure]:
    return {
        "monthly_spend": charts.monthly_spend(r),
        "cumulative": charts.cumulative_net_benefit(r),
        "by_model": charts.spend_by_model(r),
        "frontier": charts.cost_vs_accuracy(r, frontier(r.matrix)),
        "waterfall": charts.benefit_waterfall(r),
        "compare": charts.compare_scenarios({"a": r}),
        "tornado": charts.tornado(tornado(r.scenario)),
        "accuracy": charts.accuracy_break_even(accuracy_curve(r.scenario, routing.small_model(r.scenario))),
    }


def losing() -> Result:
    """Everything on Haiku: tokens 93% cheaper, errors cost millions (net benefit about −$28.7M)."""
    s = demo_scenario()
    s = s.with_tasks([replace(t, routing=routing.Routing(shares={"claude-haiku-4-5": 1.0})) for t in s.tasks])
    return compute(s)


@pytest.mark.parametrize("which", ["demo", "losing"])
def test_money_axes_read_like_money_and_are_never_rotated(demo, which):
    import re

    r = demo if which == "demo" else losing()
    for name, fig in scenario_figures(r).items():
        axes = money_axes(fig)
        assert axes, name
        for axis in axes:
            assert axis.ticktext, f"{name}: {axis.title.text} has no money tick labels"
            assert all(re.match(MONEY_TICK, t) for t in axis.ticktext), (name, axis.ticktext)
            assert axis.tickangle == 0, name
            assert len(axis.tickvals) == len(axis.ticktext)
            # the ticks frame what is drawn: the range is the first and last tick
            assert list(axis.range) == [axis.tickvals[0], axis.tickvals[-1]]
    cumulative = scenario_figures(r)["cumulative"].layout.yaxis.ticktext
    if which == "losing":
        assert cumulative[0].startswith("-$") and cumulative[0].endswith("M")  # "-$30M", never "$-30,000,000"


def test_money_ticks_are_written_as_people_write_money():
    from roi.numbers import money_ticks

    assert [t for _, t in money_ticks(-1_000_000, 1_000_000)] == ["-$1M", "-$0.5M", "$0", "$0.5M", "$1M"]
    assert [t for _, t in money_ticks(0, 13_395)] == ["$0", "$5k", "$10k", "$15k"]
    assert [t for _, t in money_ticks(0, 5_000)] == ["$0", "$1,000", "$2,000", "$3,000", "$4,000", "$5,000"]
    assert [t for _, t in money_ticks(0, 0.012)][:3] == ["$0", "$0.0025", "$0.005"]
    assert [t for _, t in money_ticks(0, 3e9)] == ["$0", "$1B", "$2B", "$3B"]


def test_benefit_waterfall_labels_every_bar_and_leaves_room_above(demo):
    m = demo.projection.month1
    fig = charts.benefit_waterfall(demo)
    (w,) = fig.data
    assert list(w.text) == [
        money(m.spend_saved),
        money(m.error_cost_saved),
        money(m.staff_time_value),
        money(-m.overhead),
        money(m.net),
    ]
    assert w.textposition == "outside"
    highest = max(
        np.cumsum([m.spend_saved, m.error_cost_saved, m.staff_time_value, -m.overhead]).max(), m.net
    )
    top = fig.layout.yaxis.range[1]
    assert top >= 1.1 * highest, (top, highest)  # the label above the tallest bar fits
    assert fig.layout.xaxis.tickangle == 0 and all(
        len(t.replace("<br>", " ")) <= 14 for t in fig.layout.xaxis.ticktext
    )


@pytest.mark.parametrize("which", ["demo", "losing"])
def test_titles_fit_a_half_width_chart(demo, which):
    """Qualifiers go in a smaller subtitle; the title itself stays short enough for half a 1280-px page."""
    from roi.charts.style import SUBTITLE_CHARS, TITLE_CHARS

    r = demo if which == "demo" else losing()
    for name, fig in scenario_figures(r).items():
        assert len(fig.layout.title.text) <= TITLE_CHARS, (name, fig.layout.title.text)
        sub = fig.layout.title.subtitle.text or ""
        assert len(sub) <= SUBTITLE_CHARS, (name, sub)
    assert "-$" in charts.tornado(tornado(r.scenario)).layout.title.subtitle.text or which == "demo"


def test_traffic_by_hour_of_day_draws_the_numbers_it_is_given():
    by_hour = pd.DataFrame(
        {"hour": [0, 9, 17], "requests": [5.0, 120.0, 40.0], "mean_latency_s": [1.5, 2.25, None]}
    )
    fig = charts.usage_by_hour_of_day(by_hour)
    bars, line = fig.data
    assert list(bars.x) == [0, 9, 17] and list(bars.y) == [5.0, 120.0, 40.0]
    assert list(line.y)[:2] == [1.5, 2.25] and line.yaxis == "y2"


def test_the_spend_forecast_draws_history_median_and_bands_only_where_there_are_intervals():
    history = pd.DataFrame(
        {
            "month": ["2026-09", "2026-10", "2026-11"],
            "cost_usd": [100.0, 110.0, 40.0],
            "complete": [True, True, False],
        }
    )
    months = pd.DataFrame(
        {
            "month": ["2026-11", "2026-12"],
            "cost_usd": [115.0, 120.0],
            "lo80": [105.0, 104.0],
            "hi80": [125.0, 136.0],
            "lo95": [100.0, 96.0],
            "hi95": [131.0, 146.0],
        }
    )
    fig = charts.spend_forecast(history, months)
    names = [t.name for t in fig.data]
    assert names.count("Imported") == 1 and "Imported (part of the month)" in names
    assert {"80% interval", "95% interval", "Forecast (median)"} <= set(names)
    median = next(t for t in fig.data if t.name == "Forecast (median)")
    assert list(median.y) == [115.0, 120.0]
    assert fig.layout.title.text == "Monthly spend and forecast"
    no_interval = months.assign(lo80=float("nan"), hi80=float("nan"), lo95=float("nan"), hi95=float("nan"))
    assert not {"80% interval", "95% interval"} & {
        t.name for t in charts.spend_forecast(history, no_interval).data
    }


def test_top_groups_named_by_numbers_stay_labels():
    import pandas as pd

    from roi.charts.usage import usage_top_groups

    top = pd.DataFrame({"workspace": ["123456789012", "legal-ai-prod"], "cost_usd": [9.75, 5.55]})
    fig = usage_top_groups(top, "workspace")
    assert fig.layout.yaxis.type == "category" and list(fig.data[0].y) == ["123456789012", "legal-ai-prod"]
