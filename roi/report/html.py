"""The offline HTML report: one self-contained file that opens anywhere without internet.

plotly.js is embedded once; every chart is a div drawn by it. No URL of any kind points outside
the file (the logo is a data: URI, fonts are the reader's system fonts). All user text is escaped,
and the scenario travels inside as JSON so the report can be re-imported (`scenario_from_html`).
"""

from __future__ import annotations

import json
from html import escape
from html.parser import HTMLParser
from typing import Any

from plotly.offline import get_plotlyjs

from roi import present
from roi.errors import ScenarioError
from roi.jsondoc import loads
from roi.report.content import Report
from roi.scenario import Scenario, parse_scenario

SCENARIO_ID = "scenario"
FIGURES_ID = "figures"
PLOTLYJS_ID = "plotlyjs"
PLOT_CONFIG = {"displaylogo": False, "responsive": True}
# Two charts with their headings fit on one printed A4 page (about 1,000 px of height) when each
# is drawn this tall; a chart that needs more than TALL_CHART_PX (one row per task...) keeps its height.
CHART_PX, TALL_CHART_PX = 380, 540

_CSS = """
:root { --accent: %(accent)s; --on-accent: %(on_accent)s; --ink: #24292F; --muted: #57606A; --line: #D0D7DE; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
.brand { display: flex; align-items: center; gap: 16px; padding: 14px 32px; border-bottom: 6px solid var(--accent); }
.brand img { max-height: 56px; max-width: 220px; }
.brand .firm { font-size: 20px; font-weight: 600; }
.brand .product { margin-left: auto; color: var(--muted); font-size: 13px; }
main { max-width: 1100px; margin: 0 auto; padding: 8px 32px 40px; }
h1 { font-size: 28px; margin: 18px 0 4px; }
h2 { font-size: 20px; margin: 32px 0 8px; color: var(--accent); }
.meta { color: var(--muted); margin: 0 0 12px; }
.note { border-left: 4px solid var(--accent); background: #F6F8FA; padding: 8px 12px; margin: 12px 0; }
.sentence { font-size: 18px; margin: 12px 0 16px; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; }
.tile { border: 1px solid var(--line); border-top: 4px solid var(--accent); border-radius: 6px; padding: 8px 12px; }
.tile .label { color: var(--muted); font-size: 13px; }
.tile .value { font-size: 24px; font-weight: 650; }
.tile .delta { color: var(--muted); font-size: 13px; }
figure.chart { margin: 16px 0; break-inside: avoid; page-break-inside: avoid; }
figure.chart h3 { margin: 0; font-size: 17px; }
figure.chart .takeaway { margin: 2px 0 6px; color: var(--muted); }
table { border-collapse: collapse; width: 100%%; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--accent); color: var(--on-accent); }
td.num { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; page-break-inside: avoid; }
h3.group { font-size: 15px; margin: 16px 0 4px; }
#assumptions td:first-child { width: 30%%; } #assumptions td:nth-child(2) { width: 34%%; }
dl dt { font-weight: 600; margin-top: 8px; }
dl dd { margin: 0 0 0 16px; }
footer { color: var(--muted); font-size: 12px; margin-top: 36px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  main { max-width: none; padding: 0; }
  .brand { padding: 0 0 8px; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .modebar-container { display: none !important; }
  body { font-variant-ligatures: no-common-ligatures; }
}
"""


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def script_json(obj: Any) -> str:
    """JSON that is safe inside <script>: '<', '>' and '&' become \\u escapes, so '</script>' cannot end it."""
    text = json.dumps(obj, ensure_ascii=False)
    for ch, esc in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(ch, esc)
    return text


def _plotlyjs() -> str:
    """plotly.js as shipped with plotly.py, guarded so it cannot close its own <script>."""
    return get_plotlyjs().replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def _header(rep: Report) -> str:
    b = rep.branding
    logo = b.logo_data_uri()
    parts = ['<header class="brand">']
    if logo:
        parts.append(f'<img src="{logo}" alt="{_e(b.firm_name or "logo")}">')
    if b.firm_name:
        parts.append(f'<span class="firm">{_e(b.firm_name)}</span>')
    parts.append('<span class="product">Routing ROI report</span></header>')
    return "".join(parts)


def _tiles(rep: Report) -> str:
    cells = []
    for t in rep.tiles:
        delta = f'<div class="delta">{_e(t.delta)}</div>' if t.delta else ""
        cells.append(
            f'<div class="tile" title="{_e(t.help or "")}"><div class="label">{_e(t.label)}</div>'
            f'<div class="value">{_e(t.value)}</div>{delta}</div>'
        )
    return f'<div class="tiles">{"".join(cells)}</div>'


def _charts(rep: Report) -> str:
    out = []
    for c in rep.charts:
        fig = c.figure(1.0)
        if (fig.layout.height or CHART_PX) <= TALL_CHART_PX:
            fig.update_layout(height=CHART_PX)
        div = fig.to_html(
            full_html=False, include_plotlyjs=False, div_id=f"chart-{c.key}", config=PLOT_CONFIG
        )
        out.append(
            f'<figure class="chart" data-chart="{_e(c.key)}"><h3>{_e(c.title)}</h3>'
            f'<p class="takeaway">{_e(c.takeaway)}</p>{div}</figure>'
        )
    return "".join(out)


def _table(header: list[str], rows: list[list[tuple[str, bool]]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td{' class=num' if num else ''}>{_e(v)}</td>" for v, num in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _tasks(rep: Report) -> str:
    by_name = {t.name: t for t in rep.scenario.tasks}
    rows = [
        [
            (r["name"], False),
            (present.money(r["baseline_spend"]), True),
            (present.money(r["spend"]), True),
            (present.seconds(r["baseline_latency_s"]), True),
            (present.seconds(r["mean_latency_s"]), True),
            (present.share(r["baseline_accuracy"]), True),
            (present.share(r["accuracy"]), True),
            (present.routing_words(by_name[str(r["name"])].routing), False),
        ]
        for r in rep.result.task_rows()
    ]
    header = [
        "Task",
        "Spend today ($/month)",
        "Spend routed ($/month)",
        "Latency today",
        "Latency routed",
        "Accuracy today",
        "Accuracy routed",
        "Routing",
    ]
    return _table(header, rows)


def _assumptions(rep: Report) -> str:
    """One table per group (money, prices, latency, workload, accuracy, errors, routing)."""
    groups: dict[str, list[list[tuple[str, bool]]]] = {}
    for a in rep.assumptions:
        groups.setdefault(a.group, []).append([(a.item, False), (a.value, False), (a.source, False)])
    return "".join(
        f'<h3 class="group">{_e(g)}</h3>' + _table(["Assumption", "Value", "Source"], rows)
        for g, rows in groups.items()
    )


def _formulas(rep: Report) -> str:
    return "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rep.formulas) + "</dl>"


def render_html(rep: Report) -> str:
    """The whole report as one HTML document (text)."""
    s, b = rep.scenario, rep.branding
    css = _CSS % {"accent": b.accent, "on_accent": b.text_on_accent}
    title = " · ".join(x for x in (b.firm_name, s.name, "Routing ROI report") if x)
    meta = (
        f"Prepared {rep.generated.isoformat()} · prices as of {s.as_of.isoformat()} · "
        f"{len(s.tasks)} tasks · {s.horizon_months}-month horizon · Routing ROI {rep.version}"
    )
    note = (
        '<p class="note">Illustrative: the volumes, accuracies and costs in this scenario are assumptions, '
        "not measurements.</p>"
        if s.illustrative
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="Routing ROI {_e(rep.version)}">'
        f"<title>{_e(title)}</title><style>{css}</style>"
        f'<script id="{PLOTLYJS_ID}">{_plotlyjs()}</script></head><body>'
        f"{_header(rep)}<main>"
        f"<h1>{_e(s.name)}</h1><p class=meta>{_e(meta)}</p>{note}"
        f'<section id="headline"><h2>The answer</h2><p class="sentence">{_e(rep.sentence)}</p>'
        f"{_tiles(rep)}</section>"
        f'<section id="charts"><h2>Charts</h2>{_charts(rep)}</section>'
        f'<section id="tasks"><h2>Tasks, month 1</h2>{_tasks(rep)}</section>'
        f'<section id="assumptions"><h2>Assumptions and where they come from</h2>{_assumptions(rep)}</section>'
        f'<section id="formulas"><h2>How the numbers are computed</h2>{_formulas(rep)}</section>'
        f"<footer>{_e(meta)}. This file carries its scenario: import it into Routing ROI to open it again."
        "</footer></main>"
        f'<script type="application/json" id="{SCENARIO_ID}">{script_json(s.to_dict())}</script>'
        f'<script type="application/json" id="{FIGURES_ID}">{script_json(rep.result.to_dict())}</script>'
        "</body></html>\n"
    )


def build_html(rep: Report) -> bytes:
    return render_html(rep).encode("utf-8")


class _ScriptFinder(HTMLParser):
    """Collects the text of the <script> element with a given id."""

    def __init__(self, script_id: str) -> None:
        super().__init__(convert_charrefs=False)
        self.script_id = script_id
        self.inside = False
        self.found: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and dict(attrs).get("id") == self.script_id:
            self.inside, self.parts = True, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.inside:
            self.inside = False
            self.found.append("".join(self.parts))

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.parts.append(data)


def embedded_json(data: bytes | str, script_id: str) -> Any:
    """The JSON inside <script id=script_id> of a report; ScenarioError if it is missing or broken."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    finder = _ScriptFinder(script_id)
    finder.feed(text)
    finder.close()
    if len(finder.found) != 1:
        raise ScenarioError(f"not a Routing ROI report: expected one embedded {script_id} block")
    return loads(finder.found[0], lambda why: ScenarioError(f"the report's embedded {script_id}: {why}"))


def scenario_from_html(data: bytes | str) -> Scenario:
    """Re-import the scenario a report was made from (validated like any scenario file)."""
    return parse_scenario(embedded_json(data, SCENARIO_ID))
