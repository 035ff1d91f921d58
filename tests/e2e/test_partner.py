"""A managing partner in Chromium: what is on screen is true at a glance, at 1400×900 and 1280×720.

Tiles and chart titles are measured in the page (nothing cut off), money reads as money, the three
tiers of work are top-level controls, the per-task section stays open through Optimize, and
placeholder accuracies are marked and refused. Every wait is on something visible.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from roi import share
from roi.engine import compute
from roi.numbers import money_short
from roi.routing import set_tier_share
from roi.scenario import Routing, demo_scenario, load_scenario

REPO = Path(__file__).resolve().parents[2]
SIZES = {"1400x900": (1400, 900), "1280x720": (1280, 720)}
HARD_SLIDER = "Share of hard work on the large model (%)"
TIER_SLIDERS = (
    "Share of routine work on the small model (%)",
    "Share of medium work on the middle model (%)",
    HARD_SLIDER,
)

# Elements whose text is cut: wider content than box, in the element or any element inside it.
CUT = """(selector) => [...document.querySelectorAll(selector)]
    .filter(el => el.offsetParent !== null)
    .flatMap(el => [el, ...el.querySelectorAll('*')])
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => e.textContent.trim())"""
# Chart titles (and subtitles) that run past the right edge of their chart.
TITLES_CUT = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(plot => {
    const right = plot.getBoundingClientRect().right;
    return [...plot.querySelectorAll('.gtitle, .gtitle-subtitle')]
        .filter(t => t.getBoundingClientRect().right > right + 1)
        .map(t => t.textContent);
})"""
TICKS = """() => [...document.querySelectorAll('.xtick text, .ytick text')]
    .map(t => [t.textContent, t.getAttribute('transform') || ''])"""
CHARTS_DRAWN = """() => !document.querySelector('[data-testid="stSkeleton"]')
    && [...document.querySelectorAll('.js-plotly-plot')].every(c => c.querySelector('.main-svg'))
    && document.querySelectorAll('.js-plotly-plot .gtitle').length > 0"""


def settled(page: Page) -> None:
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def open_app(page: Page, path: str = "/") -> None:
    page.goto(path)
    page.get_by_text("Monthly spend, today", exact=True).first.wait_for()
    settled(page)


def go_to(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    settled(page)


def charts_drawn(page: Page) -> None:
    page.wait_for_function(CHARTS_DRAWN)


def metric(page: Page, label: str):
    tile = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=label)
    )
    return tile.first.get_by_test_id("stMetricValue")


def link_to(s) -> str:
    return f"/?{share.PARAM}={share.encode(s)}"


def all_on_haiku():
    s = demo_scenario()
    s = s.with_tasks([replace(t, routing=Routing(shares={"claude-haiku-4-5": 1.0})) for t in s.tasks])
    return replace(s, name="Everything on Haiku")


def no_errors(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)


# --- 7. net benefit on the main pages; tiles and titles never cut off ------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_the_loss_shows_beside_the_savings_and_no_tile_or_title_is_cut(app_page, shot, size):
    app_page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    s = all_on_haiku()
    open_app(app_page, link_to(s))
    net = money_short(compute(s).projection.horizon_net_benefit)
    for title in ("Overview", "Routing what-if"):
        if title != "Overview":
            go_to(app_page, title)
        expect(metric(app_page, "Net benefit, 24 months")).to_have_text(net)
        expect(metric(app_page, "Payback")).to_have_text("none")
        expect(app_page.get_by_text("net loss", exact=True).first).to_be_visible()
        charts_drawn(app_page)
        assert app_page.evaluate(CUT, '[data-testid="stMetric"]') == [], f"{title}: a tile is cut off"
        assert app_page.evaluate(TITLES_CUT) == [], f"{title}: a chart title is cut off"
        no_errors(app_page)
        shot(app_page, f"partner-loss-{title.split()[0].lower()}-{size}")
    go_to(app_page, "Break-even & ROI")
    expect(metric(app_page, "Net benefit over 24 months")).to_have_text(net)
    expect(metric(app_page, "Payback")).to_have_text("none")
    charts_drawn(app_page)
    assert app_page.evaluate(CUT, '[data-testid="stMetric"]') == [], "Break-even: a tile is cut off"
    assert app_page.evaluate(TITLES_CUT) == [], "Break-even: a chart title is cut off"
    shot(app_page, f"partner-loss-break-even-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_demo_pages_cut_off_no_tile_title_or_button(app_page, shot, size):
    app_page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    open_app(app_page)
    for title in ("Overview", "Routing what-if", "Break-even & ROI", "Task mix"):
        if title != "Overview":
            go_to(app_page, title)
        if title != "Task mix":
            charts_drawn(app_page)
            assert app_page.evaluate(TITLES_CUT) == [], f"{title}: a chart title is cut off"
        assert app_page.evaluate(CUT, '[data-testid="stMetric"]') == [], f"{title}: a tile is cut off"
        assert app_page.evaluate(CUT, '[data-testid="stMain"] button') == [], (
            f"{title}: a button label is cut"
        )
        shot(app_page, f"partner-demo-{re.sub(r'[^a-z]+', '-', title.lower())}-{size}")


# --- 9. polish: money reads as money; the task table fits -----------------------------------------


def test_money_axes_read_like_money_and_are_never_rotated(app_page, shot):
    app_page.set_viewport_size({"width": 1280, "height": 720})
    open_app(app_page)
    for title in ("Overview", "Routing what-if", "Break-even & ROI"):
        if title != "Overview":
            go_to(app_page, title)
        charts_drawn(app_page)
        ticks = app_page.evaluate(TICKS)
        money = [(text, transform) for text, transform in ticks if "$" in text]
        assert money, title
        for text, transform in money:
            assert re.fullmatch(r"-?\$[0-9][0-9,.]*[kMB]?", text), f"{title}: tick {text!r}"
            assert "rotate" not in transform, f"{title}: rotated money tick {text!r}"
    # the accuracy break-even chart goes below zero: "-$2M", not "$−2,000,000"
    assert any(text.startswith("-$") for text, _ in money)
    shot(app_page, "partner-break-even-ticks")


def test_the_task_table_fits_a_1280_screen(app_page, shot):
    app_page.set_viewport_size({"width": 1280, "height": 720})
    open_app(app_page)
    go_to(app_page, "Task mix")
    grid = app_page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    scroller = grid.locator(".dvn-scroller").first
    expect(scroller).to_be_attached()
    wide, shown = scroller.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert wide <= shown + 1, f"the task table is {wide}px wide in a {shown}px box: columns are hidden"
    shot(app_page, "partner-task-mix-1280")


# --- 8. the three tiers, visible, and the per-task section stays open ------------------------------


def test_three_tier_controls_move_the_engine_figures(app_page, shot):
    open_app(app_page)
    go_to(app_page, "Routing what-if")
    for name in TIER_SLIDERS:  # all three on the page without opening anything
        expect(app_page.get_by_role("slider", name=name)).to_be_visible()
    hard = app_page.get_by_role("slider", name=HARD_SLIDER)
    expect(hard).to_have_attribute("aria-valuetext", "100")
    routed = metric(app_page, "Monthly spend, routed")
    before = routed.inner_text()
    hard.focus()
    hard.press("ArrowLeft")
    expect(hard).to_have_attribute("aria-valuetext", "99")
    expect(routed).not_to_have_text(before)
    settled(app_page)
    # 1% of the legal opinions moved to Sonnet, the next model down (not to Haiku)
    expected = compute(set_tier_share(demo_scenario(), "hard", 0.99))
    expect(routed).to_have_text(money_short(expected.month1_spend))
    expect(app_page.get_by_text("the rest goes to claude-sonnet-4-5", exact=False).last).to_be_visible()
    no_errors(app_page)
    shot(app_page, "partner-tiers")


def test_the_per_task_section_stays_open_after_optimize(app_page, shot):
    open_app(app_page)
    go_to(app_page, "Routing what-if")
    app_page.get_by_text("Routing per task", exact=True).click()
    per_task = app_page.get_by_role("slider", name="claude-haiku-4-5 (%)").first
    expect(per_task).to_be_visible()
    settled(app_page)
    app_page.get_by_role("button", name="Optimize").click()
    expect(app_page.get_by_text("Applied the cheapest split", exact=False)).to_be_visible()
    settled(app_page)
    expect(per_task).to_be_visible()
    no_errors(app_page)
    shot(app_page, "partner-after-optimize")


# --- 6b. placeholder accuracies --------------------------------------------------------------------


def test_placeholders_are_marked_and_optimize_points_to_evaluate(app_page, shot):
    app_page.set_viewport_size({"width": 1280, "height": 720})
    s = load_scenario(REPO / "tests" / "fixtures" / "scenarios" / "from_usage.json")
    open_app(app_page, link_to(s))
    warning = app_page.get_by_test_id("stAlertContentWarning").filter(has_text="are placeholders")
    expect(warning).to_be_visible()
    expect(
        app_page.get_by_test_id("stSidebar").get_by_text("placeholder accuracies", exact=False)
    ).to_be_visible()
    go_to(app_page, "Routing what-if")
    app_page.get_by_role("button", name="Optimize").click()
    refused = app_page.get_by_test_id("stAlertContentError").filter(has_text="Evaluate page")
    expect(refused).to_be_visible()
    settled(app_page)
    expect(app_page.get_by_role("button", name="Accept placeholders")).to_be_visible()
    labels = '[data-testid="stMain"] button, [data-testid="stMain"] [data-testid="stPageLink"]'
    assert app_page.evaluate(CUT, labels) == [], "a button or link label is cut off"
    shot(app_page, "partner-placeholders-refused")
    app_page.get_by_role("link", name="Measure them on Evaluate").click()
    expect(app_page.get_by_role("heading", name="Evaluate", level=1)).to_be_visible()
    expect(app_page).to_have_url(re.compile(r"/evaluate$"))
    settled(app_page)
    go_to(app_page, "Routing what-if")
    app_page.get_by_role("button", name="Accept placeholders").click()
    expect(app_page.get_by_text("accepted as assumptions on", exact=False).first).to_be_visible()
    settled(app_page)
    app_page.get_by_role("button", name="Optimize").click()
    expect(app_page.get_by_text("Applied the cheapest split", exact=False)).to_be_visible()
    no_errors(app_page)
    shot(app_page, "partner-placeholders-accepted")
