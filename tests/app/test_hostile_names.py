"""A scenario or task named like markdown, a directive or HTML shows as written on every page: it
never becomes a link, an image, coloured text or LaTeX (names reach the app from files and links)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from roi.scenario import demo_scenario, parse_scenario
from roi.ui.state import SCENARIO_KEY
from roi.ui.text import md

ROOT = Path(__file__).resolve().parents[2]
EVIL = "Q4 [click](http://evil.example) ![px](http://evil.example/p.png) :red[alarm] $x^2$ <img src=x>"
PAGES = (
    "overview",
    "task_mix",
    "routing",
    "break_even",
    "models",
    "scenarios",
    "report",
    "savings",
    "presentation",
)


def hostile():
    doc = demo_scenario().to_dict()
    doc["name"] = EVIL
    doc["tasks"][0]["name"] = "Task " + EVIL
    return parse_scenario(doc)


def _texts(at: AppTest) -> list[str]:
    out = []
    for kind in (
        "markdown",
        "caption",
        "info",
        "success",
        "warning",
        "error",
        "title",
        "subheader",
        "header",
    ):
        out += [str(e.value) for e in getattr(at, kind)]
    return out


def test_md_escapes_every_markdown_character():
    assert md(EVIL) == (
        r"Q4 \[click\]\(http\://evil\.example\) \!\[px\]\(http\://evil\.example/p\.png\) "
        r"\:red\[alarm\] \$x^2\$ \<img src\=x\>"
    )
    assert md("plain words 12") == "plain words 12"


@pytest.mark.parametrize("name", PAGES)
def test_a_hostile_name_is_shown_as_text(name):
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=60)
    at.session_state[SCENARIO_KEY] = hostile()
    at.run()
    assert not at.exception
    texts = _texts(at)
    for t in texts:
        live = re.sub(r"\\.", "", t)  # what markdown still acts on once escaped characters are out
        assert "](" not in live and "<img" not in live and ":red[" not in live and "$x" not in live, (name, t)
    if name in ("overview", "routing", "savings", "presentation", "scenarios"):
        assert any(md(EVIL) in t for t in texts), name  # the name is there, escaped
