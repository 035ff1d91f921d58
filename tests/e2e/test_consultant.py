"""A consultant in front of a client, in a real browser at 1400×900: presenting from the Routing page
with the keyboard, sending a share link, comparing saved scenarios and handing over the exports.

Every wait is on something visible (a heading, a message, a download), never a bare sleep.
"""

from __future__ import annotations

import io
import re
import time

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from pypdf import PdfReader
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from roi.engine import compute
from roi.report.content import report_charts
from roi.scenario import demo_scenario

VIEWPORT = {"width": 1400, "height": 900}
DEMO = demo_scenario()


def settled(page: Page) -> None:
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def heading(page: Page, title: str):
    return page.get_by_role("heading", name=title, level=1)


def open_page(page: Page, path: str, title: str) -> None:
    page.goto(path)
    expect(heading(page, title)).to_be_visible()
    settled(page)


def go_to(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(heading(page, title)).to_be_visible()
    settled(page)


def no_errors(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)


def save_as(page: Page, name: str) -> None:
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Save scenario").click()
    expect(page.get_by_text(f'Saved "{name}"')).to_be_visible()
    settled(page)


def share_link(page: Page) -> str:
    code = page.get_by_test_id("stCode").first
    code.scroll_into_view_if_needed()
    return code.inner_text().strip()


# --- 10. presentation mode ------------------------------------------------------------------------


def test_presentation_mode_is_full_screen_and_steps_with_the_keyboard(app_page, shot):
    page = app_page
    open_page(page, "/", "Overview")
    go_to(page, "Routing what-if")
    page.get_by_test_id("stSidebar").get_by_text("Presentation mode", exact=True).click()
    expect(heading(page, "The answer")).to_be_visible()
    settled(page)
    # the whole screen: no sidebar (so no menu), no Streamlit toolbar, menu or Deploy button
    expect(page.get_by_test_id("stSidebar")).to_have_count(0)
    expect(page.get_by_test_id("stSidebarCollapsedControl")).to_have_count(0)
    expect(page.get_by_test_id("stMainMenu")).to_have_count(0)
    expect(page.get_by_test_id("stAppDeployButton")).to_have_count(0)
    expect(page.get_by_role("button", name="Deploy")).to_have_count(0)
    shot(page, "consultant-presentation-first-slide")

    page.keyboard.press("ArrowRight")
    expect(heading(page, "Monthly token spend")).to_be_visible()
    settled(page)
    page.keyboard.press("ArrowLeft")
    expect(heading(page, "The answer")).to_be_visible()
    settled(page)
    for title in ("Monthly token spend", "Where the spend goes", "Faster answers"):
        page.keyboard.press("ArrowRight")
        expect(heading(page, title)).to_be_visible()
        settled(page)
    # the tallest chart still leaves the way on and the way out on screen
    for name in ("Next ▶", "Exit"):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box is not None and box["y"] + box["height"] <= VIEWPORT["height"], (name, box)
    shot(page, "consultant-presentation-tall-chart")

    page.keyboard.press("Escape")
    expect(heading(page, "Routing what-if")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/routing$"))
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    no_errors(page)


# --- 11. share links ------------------------------------------------------------------------------


def test_a_share_link_from_scenarios_opens_the_overview_in_a_fresh_browser(app_page, chromium, app_url, shot):
    page = app_page
    open_page(page, "/scenarios", "Scenarios")
    link = share_link(page)
    assert link.startswith(f"{app_url}/?s="), link
    assert len(link) < 560, len(link)  # the demo: about 540 characters (it was about 900)

    def open_fresh(url: str, name: str) -> None:
        context = chromium.new_context(viewport=VIEWPORT)
        try:
            other = context.new_page()
            other.goto(url)
            expect(other.get_by_text(f'Opened the shared scenario "{name}"')).to_be_visible()
            expect(heading(other, "Overview")).to_be_visible()
            settled(other)
            expect(other.get_by_test_id("stMetric").first).to_be_visible()
            no_errors(other)
            shot(other, f"consultant-share-opened-{len(url)}")
        finally:
            context.close()

    open_fresh(link, DEMO.name)
    save_as(page, "Consultant e2e: the plan we discussed")
    link = share_link(page)
    assert len(link) < 120, link  # a saved revision: a link for an e-mail
    open_fresh(link, "Consultant e2e: the plan we discussed")


# --- 12. compare ----------------------------------------------------------------------------------


def test_three_saved_scenarios_compare_within_the_page_with_the_current_one_marked(app_page, shot):
    page = app_page
    open_page(page, "/scenarios", "Scenarios")
    names = [
        "Consultant e2e: the litigation group with Haiku on intake",
        "Consultant e2e: the litigation group with Sonnet everywhere",
        "Consultant e2e: the litigation group with a triage cascade",
    ]
    for name in names:
        save_as(page, name)
    picker = page.get_by_test_id("stMultiSelect").locator("input")
    for name in names:
        for _ in range(3):  # the list re-renders when the previous choice's rerun lands: open it again
            settled(page)
            picker.click()
            picker.fill(name)
            try:
                page.get_by_role("option").filter(has_text=name).first.click(timeout=5000)
                break
            except PlaywrightTimeoutError:
                page.keyboard.press("Escape")
        else:
            raise AssertionError(f"could not pick {name!r} in the comparison list")
        settled(page)
    page.keyboard.press("Escape")
    table = page.get_by_test_id("stTable")
    expect(table).to_be_visible()
    table.scroll_into_view_if_needed()
    settled(page)
    widths = table.evaluate("e => [e.querySelector('table').scrollWidth, e.clientWidth]")
    assert widths[0] <= widths[1] + 1, f"the comparison is wider than the page: {widths}"
    headers = [" ".join(h.split()) for h in table.locator("thead th").all_inner_texts()]
    assert headers[1] == f"{names[-1]} (current)" and headers[2:] == names
    status = table.locator("tbody tr").first.locator("td").all_inner_texts()
    assert status == ["current, saved as revision 1"] + ["saved, revision 1"] * 3
    fills = (
        table.locator("tbody tr")
        .first.locator("td")
        .evaluate_all("cells => cells.map(c => getComputedStyle(c).backgroundColor)")
    )
    assert fills[0] != fills[1] and len(set(fills[1:])) == 1, fills
    no_errors(page)
    shot(page, "consultant-compare")


# --- 13. exports ----------------------------------------------------------------------------------


def _download_buttons(frames: list[bytes]) -> list:
    out = []
    for f in frames:
        msg = ForwardMsg()
        msg.ParseFromString(f)
        if (
            msg.WhichOneof("type") == "delta"
            and msg.delta.new_element.WhichOneof("type") == "download_button"
        ):
            out.append(msg.delta.new_element.download_button)
    return out


def test_the_exports_are_built_when_asked_and_read_well(app_page, tmp_path, shot):
    page = app_page
    frames: list[bytes] = []
    page.on(
        "websocket", lambda ws: ws.on("framereceived", lambda p: isinstance(p, bytes) and frames.append(p))
    )
    open_page(page, "/", "Overview")
    frames.clear()
    started = time.monotonic()
    go_to(page, "Report")
    expect(page.get_by_role("button", name="Report (PDF)")).to_be_visible()
    opened_in = time.monotonic() - started
    buttons = _download_buttons(frames)
    assert {b.label for b in buttons} >= {"Slide deck (PPTX)", "Report (PDF)"}
    # nothing was built to open the page: every file is made on the server when its button is pressed
    assert all(b.deferred_file_id and not b.url for b in buttons), [(b.label, b.url) for b in buttons]

    files = {}
    for label in ("Report (PDF)", "Slide deck (PPTX)", "Offline report (HTML)"):
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name=label).click()
        files[label] = download.value.path().read_bytes()
    assert files["Slide deck (PPTX)"].startswith(b"PK")
    pdf = PdfReader(io.BytesIO(files["Report (PDF)"]))
    texts = [" ".join(p.extract_text().split()) for p in pdf.pages]
    charts = report_charts(compute(DEMO))
    pages = {next(i for i, t in enumerate(texts) if f"{c.title} {c.takeaway[:25]}" in t) for c in charts}
    assert len(pages) == len(charts) // 2, f"{len(charts)} charts on pages {sorted(pages)} of {len(texts)}"

    report = tmp_path / "report.html"
    report.write_bytes(files["Offline report (HTML)"])
    viewer = page.context.new_page()
    viewer.goto(report.as_uri())
    viewer.wait_for_function("() => document.querySelectorAll('.plotly-graph-div .main-svg').length >= 8")
    drawn = viewer.eval_on_selector_all(
        "figure.chart",
        "figs => figs.map(f => [f.querySelector('h3').textContent, "
        "[...f.querySelectorAll('.gtitle')].map(t => t.textContent)])",
    )
    assert [h for h, _ in drawn] == [c.title for c in charts]
    assert all(h not in shown for h, shown in drawn), drawn
    shot(viewer, "consultant-report-html")
    viewer.close()
    print(f"Report page opened in {opened_in:.1f}s; PDF {len(texts)} pages")
