"""The consultant's meeting-ready view through AppTest: presentation mode that takes the whole screen
and steps with the keyboard, share links that are short and open on the first page, a comparison
that marks the current scenario, and exports built only when asked for."""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from streamlit.testing.v1 import AppTest

from roi import share
from roi.scenario import demo_scenario
from roi.store import Store
from roi.ui.state import LOADED_KEY, SCENARIO_KEY, widget_key
from tests.app.helpers import button, page

ROOT = Path(__file__).resolve().parents[2]


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)


def sidebar_elements(at: AppTest) -> list:
    return [e for e in at.sidebar if e.type not in ("sidebar", "block")]


def present(at: AppTest) -> AppTest:
    return at.toggle(key=widget_key("presentation")).set_value(True).run()


# --- 10. presentation mode --------------------------------------------------------------------


def test_presentation_mode_leaves_the_sidebar_empty_so_there_is_none():
    at = app().run()
    assert sidebar_elements(at)  # the switch, the version...
    present(at)
    assert not at.exception
    assert at.title[0].value == "The answer"
    assert sidebar_elements(at) == []


def test_the_slides_step_with_the_arrow_keys_and_esc_leaves():
    at = present(app().switch_page("pages/routing.py").run())
    shortcuts = {b.label: b.proto.shortcut for b in at.button}
    assert shortcuts == {"Exit": "escape", "◀ Previous": "left", "Next ▶": "right"}
    button(at, "Next ▶").click().run()
    assert at.title[0].value == "Monthly token spend"
    button(at, "Exit").click().run()
    assert not at.exception
    assert at.title[0].value == "Routing what-if"  # back where the user was
    assert any(t.label == "Presentation mode" and t.value is False for t in at.toggle)


def test_the_app_shows_no_streamlit_toolbar():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["toolbarMode"] == "minimal"


# --- 11. share links ---------------------------------------------------------------------------


def shown_link(at: AppTest) -> str:
    return at.code[0].value


def test_the_share_link_opens_on_the_first_page_and_is_short():
    at = page("scenarios").run()
    link = shown_link(at)
    assert link.startswith("/?s=")  # the app's first page (the Overview), not the Scenarios page
    assert len(link) < 560, len(link)
    assert share.decode(dict(parse_qsl(urlsplit(link).query))["s"]) == demo_scenario()
    button(at, "Save scenario").click().run()
    link = shown_link(at)
    assert len(link) < 100, link
    assert dict(parse_qsl(urlsplit(link).query))[share.SAVED_PARAM] == demo_scenario().name
    assert at.code[1].value.startswith("/?s=")  # the self-contained link is still offered


def test_a_link_to_a_saved_revision_opens_it_and_a_bad_one_changes_nothing():
    saved = demo_scenario().with_name("Q4 plan")
    db = Store()
    rev = db.save_scenario(saved, expected_revision=None)
    db.dispose()
    at = app()
    for k, v in share.query(saved, saved=(saved.name, rev)).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    assert at.session_state[SCENARIO_KEY] == saved
    assert at.session_state[LOADED_KEY] == ("Q4 plan", rev)  # a later save builds on it
    assert at.title[0].value == "Overview"
    bad = app()
    for k, v in {**share.query(saved, saved=(saved.name, rev)), share.SUM_PARAM: "00000000"}.items():
        bad.query_params[k] = v
    bad.run()
    assert any("share link" in e.value for e in bad.error)
    assert bad.session_state[SCENARIO_KEY] == demo_scenario()


# --- 12. compare -------------------------------------------------------------------------------


def test_compare_sets_the_current_scenario_apart_from_the_saved_ones():
    at = page("scenarios").run()
    names = ["Plan A: everything routine on Haiku", "Plan B: Sonnet for summaries", "Plan C: cascade"]
    for name in names:
        next(t for t in at.text_input if t.label == "Name").set_value(name)
        button(at, "Save scenario").click().run()
    at.multiselect(key=widget_key("compare")).set_value(names).run()
    assert not at.exception
    assert len(at.dataframe) == 1  # the saved list; the comparison is a table that wraps its names
    table = at.table[0].value
    current = f"{names[-1]} \\(current\\)"  # the table's cells are Markdown: shown as written
    assert list(table.columns) == [current, *names]
    assert table.loc["Status"].tolist() == ["current, saved as revision 1"] + ["saved, revision 1"] * 3
    assert any("Highlighted: the scenario on screen now" in c.value for c in at.caption)


def test_an_unsaved_current_scenario_says_so():
    db = Store()
    db.save_scenario(demo_scenario().with_name("Saved plan"), expected_revision=None)
    db.dispose()
    at = page("scenarios").run()
    at.multiselect(key=widget_key("compare")).set_value(["Saved plan"]).run()
    assert at.table[0].value.loc["Status"].tolist() == ["current, unsaved changes", "saved, revision 1"]


# --- 13. exports -------------------------------------------------------------------------------


def test_opening_the_report_page_builds_no_file(monkeypatch):
    import roi.report

    built: list[str] = []
    real = roi.report.build
    monkeypatch.setattr(roi.report, "build", lambda *a, **k: built.append(a[1]) or real(*a, **k))
    at = page("report").run()
    assert not at.exception
    buttons = at.get("download_button")
    assert len(buttons) == len(roi.report.FORMATS)
    assert all(b.proto.HasField("deferred_file_id") and not b.proto.url for b in buttons)
    assert built == []  # built when the button is pressed (pptx and pdf take seconds)


def test_the_report_page_offers_the_monthly_finance_pack_once_usage_is_imported(tmp_path):
    from roi.ui.state import store
    from roi.usage import ingest
    from tests.roi.usage.month_end_data import three_months

    at = page("report").run()
    assert not at.exception
    assert any("Import usage on the Usage page" in c.value for c in at.caption)
    ingest(store(), [three_months(tmp_path / "requests.csv")])
    at = page("report").run()
    assert not at.exception
    assert at.selectbox(key=widget_key("pack_month")).options == ["2026-10", "2026-09", "2026-08"]
    assert any("no savings section" in c.value for c in at.caption)  # the demo has no go-live date
