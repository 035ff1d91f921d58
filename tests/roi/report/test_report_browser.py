"""The HTML report in a real browser (Debian's chromium) with the network blocked: every chart draws."""

from __future__ import annotations

from roi.report import build
from roi.report.browser import CHARTS_DRAWN
from roi.report.content import report_charts


def _load(tmp_path, data: bytes, name: str = "report.html"):
    path = tmp_path / name
    path.write_bytes(data)
    return path.as_uri()


def test_report_renders_offline_with_every_chart(in_browser, tmp_path, html_bytes, demo, artifacts):
    url = _load(tmp_path, html_bytes)
    errors: list[str] = []

    def check(page, blocked):
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url)
        page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
        drawn = page.eval_on_selector_all(
            ".js-plotly-plot", "els => els.map(e => [e.id, !!e.querySelector('.main-svg')])"
        )
        page.screenshot(path=str(artifacts / "report-first-page.png"))
        return drawn, list(blocked)

    drawn, blocked = in_browser(check)
    assert [d[0] for d in drawn] == [f"chart-{c.key}" for c in report_charts(demo)]
    assert all(ok for _, ok in drawn)
    assert blocked == []
    assert errors == []
    assert (artifacts / "report-first-page.png").stat().st_size > 10_000


def test_hostile_names_do_not_run_in_the_browser(in_browser, tmp_path, hostile):
    url = _load(tmp_path, build(hostile, "html"), "hostile.html")

    def check(page, blocked):
        page.goto(url)
        page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
        return page.evaluate("() => window.__pwned === undefined"), page.title(), list(blocked)

    safe, title, blocked = in_browser(check)
    assert safe
    assert "</script>" in title  # shown as text in the title
    assert blocked == []
