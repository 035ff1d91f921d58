"""The dashboard in a real browser: what a user sees and clicks, against a live Streamlit server.

Every wait is on something visible (a label, a changed value, the app's script state), never a
bare sleep: Streamlit reruns the whole script after each interaction.
"""

from __future__ import annotations

import dataclasses
import re

from playwright.sync_api import Locator, Page, expect

from roi import share
from roi.engine import compute
from roi.present import money
from roi.routing import set_routine_share
from roi.scenario import demo_scenario

TODAY = "Monthly spend, today"
ROUTED = "Monthly spend, routed"
ROUTINE_SLIDER = "Share of routine work on the small model (%)"
MONEY = re.compile(r"(-?)\$([0-9][0-9,]*(?:\.[0-9]+)?)")


def settled(page: Page) -> None:
    """Wait until the app is connected and its script run has finished."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def metric(page: Page, label: str) -> Locator:
    """The value element of the headline tile labelled `label` (the first one on the page)."""
    tile = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=label)
    )
    return tile.first.get_by_test_id("stMetricValue")


def dollars(text: str) -> float:
    m = MONEY.search(text)
    assert m, f"no dollar amount in {text!r}"
    value = float(m.group(2).replace(",", ""))
    return -value if m.group(1) else value


def go_to(page: Page, title: str) -> None:
    """Switch page through the sidebar navigation and wait for its title."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    settled(page)


def no_errors(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Traceback")).to_have_count(0)


def open_app(page: Page, path: str = "/") -> None:
    page.goto(path)
    page.get_by_text(TODAY, exact=True).first.wait_for()
    settled(page)


def test_overview_shows_spend_today_and_routed(app_page, shot):
    open_app(app_page)
    expect(app_page.get_by_text(ROUTED, exact=True).first).to_be_visible()
    today = metric(app_page, TODAY)
    expect(today).to_have_text(MONEY)
    assert dollars(today.inner_text()) > 0
    expect(metric(app_page, ROUTED)).to_have_text(MONEY)
    no_errors(app_page)
    shot(app_page, "overview")


def test_less_routine_work_on_small_model_costs_more(app_page, shot):
    open_app(app_page)
    go_to(app_page, "Routing what-if")
    slider = app_page.get_by_role("slider", name=ROUTINE_SLIDER)
    expect(slider).to_have_attribute("aria-valuetext", "100")  # the demo routes all routine work small
    routed = metric(app_page, ROUTED)
    expect(routed).to_have_text(MONEY)
    before_text = routed.inner_text()

    intake = app_page.get_by_text(re.compile(r"^Intake classification · routine · now: "))
    expect(intake).to_contain_text("claude-haiku-4-5 100%")
    slider.focus()
    slider.press("Home")
    expect(slider).to_have_attribute("aria-valuetext", "0")
    expect(routed).not_to_have_text(before_text)
    # the tier sliders and tiles rerun alone (a fragment); the rest of the page follows
    expect(intake).not_to_contain_text("claude-haiku-4-5")
    settled(app_page)
    after = dollars(routed.inner_text())
    assert after > dollars(before_text), f"routed spend went from {before_text} to {routed.inner_text()}"
    no_errors(app_page)
    shot(app_page, "routing-after-slider")


def test_moving_the_routine_slider_back_restores_the_spend(app_page, shot):
    """Two moves in a row (the second rerun sees the per-task widgets the first one re-seeded)."""
    open_app(app_page)
    go_to(app_page, "Routing what-if")
    slider = app_page.get_by_role("slider", name=ROUTINE_SLIDER)
    routed = metric(app_page, ROUTED)
    expect(routed).to_have_text(MONEY)
    original = routed.inner_text()

    slider.focus()
    slider.press("Home")
    expect(routed).not_to_have_text(original)
    settled(app_page)
    slider.focus()
    slider.press("End")
    expect(slider).to_have_attribute("aria-valuetext", "100")
    # all routine work on the small model: the engine's figure (the demo's email-triage cascade is replaced)
    everything_small = set_routine_share(demo_scenario(), "claude-haiku-4-5", 1.0)
    try:
        expect(routed).to_have_text(money(compute(everything_small).month1_spend))
        no_errors(app_page)
    except AssertionError:
        shot(app_page, "routing-slider-back")
        raise


def test_switching_pages_raises_no_exception(app_page, shot):
    open_app(app_page)
    go_to(app_page, "Break-even & ROI")
    no_errors(app_page)
    go_to(app_page, "Overview")
    expect(metric(app_page, TODAY)).to_have_text(MONEY)
    no_errors(app_page)


def test_share_link_opens_the_scenario_and_a_bad_link_is_refused(app_page, shot):
    s = dataclasses.replace(demo_scenario(), name="Shared by e2e")
    open_app(app_page, f"/?s={share.encode(s)}")
    expect(app_page.get_by_text("Shared by e2e").first).to_be_visible()
    no_errors(app_page)
    shot(app_page, "share-link")

    open_app(app_page, "/?s=garbage")
    error = app_page.get_by_test_id("stAlertContentError")
    expect(error.filter(has_text="share link").first).to_be_visible()
    expect(metric(app_page, TODAY)).to_have_text(MONEY)
    no_errors(app_page)
    shot(app_page, "share-link-bad")


def test_leaving_presentation_mode_returns_to_the_page_you_came_from(app_page, shot):
    open_app(app_page)
    go_to(app_page, "Routing what-if")
    app_page.get_by_test_id("stSidebar").get_by_text("Presentation mode", exact=True).click()
    expect(app_page.get_by_role("heading", name="The answer", level=1)).to_be_visible()
    expect(app_page.get_by_test_id("stSidebarNav")).to_have_count(0)  # no editing pages in the menu
    settled(app_page)
    app_page.get_by_role("button", name="Next ▶").click()
    expect(app_page.get_by_role("heading", name="Monthly token spend", level=1)).to_be_visible()
    settled(app_page)
    shot(app_page, "presentation")
    # presentation mode has no sidebar: the slides carry the way out (Exit, or Esc)
    app_page.get_by_role("button", name="Exit").click()
    try:
        expect(app_page.get_by_role("heading", name="Routing what-if", level=1)).to_be_visible()
        expect(app_page).to_have_url(re.compile(r"/routing$"))
        expect(app_page.get_by_test_id("stSidebarNav")).to_be_visible()
        no_errors(app_page)
    except AssertionError:
        shot(app_page, "presentation-exit")
        raise
