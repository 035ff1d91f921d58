"""The offline HTML report, read with a real HTML parser (and, in test_browser.py, a real browser)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from roi import present
from roi.engine import compute
from roi.errors import ScenarioError
from roi.report import build
from roi.report.content import report_charts
from roi.report.html import FIGURES_ID, PLOTLYJS_ID, SCENARIO_ID, embedded_json, scenario_from_html
from roi.scenario import demo_scenario, parse_scenario


class Doc(HTMLParser):
    """Every element with its attributes, the text of each <script>, and the visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.text: list[str] = []
        self._script: dict | None = None
        self._parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._script, self._parts = dict(attrs) | {"<tag>": tag}, []

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._script is not None:
            if tag == "script":
                self.scripts.append((self._script, "".join(self._parts)))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._parts.append(data)
        else:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


def parse(data: bytes) -> Doc:
    doc = Doc()
    doc.feed(data.decode("utf-8"))
    doc.close()
    return doc


def test_plotly_is_embedded_once_and_every_chart_has_a_div(html_bytes, demo):
    doc = parse(html_bytes)
    big = [a for a, text in doc.scripts if len(text) > 1_000_000]
    assert [a.get("id") for a in big] == [PLOTLYJS_ID]
    assert not any(a.get("src") for a, _ in doc.scripts), "no script is loaded from anywhere"
    divs = [a["id"] for t, a in doc.tags if t == "div" and "plotly-graph-div" in (a.get("class") or "")]
    keys = [c.key for c in report_charts(demo)]
    assert divs == [f"chart-{k}" for k in keys]
    assert len(keys) == 8  # 7 slides' charts + the accuracy break-even of the small model
    assert "accuracy-break-even" in keys


def test_no_external_url_anywhere(html_bytes):
    doc = parse(html_bytes)
    for tag, attrs in doc.tags:
        for name in ("src", "href", "action", "poster", "data"):
            value = attrs.get(name)
            if value is not None:
                assert value.startswith(("data:", "#")), (
                    f"<{tag} {name}={value[:60]!r}> points outside the file"
                )
    # plotly.js itself mentions URLs in strings (map tile servers, licences) it never fetches for
    # these charts; everything outside it must not mention one at all. The browser test proves no
    # request leaves the page.
    rest = html_bytes.decode("utf-8")
    plotly_js = next(text for a, text in doc.scripts if a.get("id") == PLOTLYJS_ID)
    rest = rest.replace(plotly_js, "")
    assert not re.search(r"https?://", rest)
    assert "@import" not in rest and "url(" not in rest


def test_headline_figures_and_sentence_match_the_engine(html_bytes, demo):
    text = parse(html_bytes).visible
    for value in (
        present.money(demo.month1_baseline_spend),
        present.money(demo.month1_spend),
        present.percent(demo.savings_pct),
        present.seconds(demo.mean_latency_s),
        present.share(demo.accuracy),
        f"month {demo.projection.payback_month}",
    ):
        assert value in text
    assert " ".join(present.headline_sentence(demo).split()) in text
    assert embedded_json(html_bytes, FIGURES_ID) == json.loads(json.dumps(demo.to_dict()))


def test_assumptions_formulas_date_version_and_branding(html_bytes, report):
    text = parse(html_bytes).visible
    assert "catalog (genai-prices, as of 2026-11-01)" in text
    assert "assumed (illustrative demo)" in text
    assert "How the numbers are computed" in text and "payback month is the first month" in text
    assert "Prepared 2026-12-01" in text and f"Routing ROI {report.version}" in text
    assert "Ackerman & <Partners>" in text  # shown as text ...
    raw = html_bytes.decode("utf-8")
    assert "Ackerman &amp; &lt;Partners&gt;" in raw  # ... because it was escaped
    assert "--accent: #8250DF" in raw
    assert 'src="data:image/png;base64,' in raw


def test_embedded_scenario_round_trips(html_bytes):
    assert scenario_from_html(html_bytes) == demo_scenario()


def test_measured_and_imported_provenance_is_shown():
    s = demo_scenario()
    doc = s.to_dict()
    doc["provenance"] = {
        "tasks.Intake classification.accuracy.claude-haiku-4-5": {
            "kind": "measured",
            "n": 120,
            "ci": [0.912, 0.981],
            "run": "7",
        },
        "tasks.Email triage.volume": {"kind": "imported", "files": ["usage-2026-10.csv"]},
    }
    data = build(parse_scenario(doc), "html")
    text = parse(data).visible
    assert "measured (n=120; 95% interval 91.2%–98.1%; run 7)" in text
    assert "imported (from usage-2026-10.csv)" in text


def test_user_text_is_escaped_and_still_round_trips(hostile):
    s = hostile
    data = build(s, "html")
    doc = parse(data)
    # no element came from the user's text: the only <script>s are ours, the only <img> is none
    assert [a.get("id") or a.get("type") for a, _ in doc.scripts][:1] == [PLOTLYJS_ID]
    assert {a.get("id") for a, _ in doc.scripts if a.get("type") == "application/json"} == {
        SCENARIO_ID,
        FIGURES_ID,
    }
    assert not any(t == "img" for t, _ in doc.tags)
    assert s.name in doc.visible and s.tasks[0].name in doc.visible
    assert scenario_from_html(data) == s


def test_a_file_that_is_not_a_report_is_refused():
    with pytest.raises(ScenarioError, match="not a Routing ROI report"):
        scenario_from_html(b"<html><body>hello</body></html>")
    broken = b'<script type="application/json" id="scenario">{"name": </script>'
    with pytest.raises(ScenarioError, match="not valid JSON"):
        scenario_from_html(broken)


def test_a_scenario_without_tasks_still_reports():
    s = demo_scenario().with_tasks([])
    data = build(s, "html")
    assert "no tasks yet" in parse(data).visible
    assert scenario_from_html(data) == s
    assert compute(s).to_dict()["tasks"] == []
