"""The Chargeback page: spend per matter from the firm's rules, unallocated on its own line, the
rules editable and stored, the view switchable, the billing file offered."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from roi.ui.state import widget_key
from roi.usage.allocation import Rule, rules, save_rules
from tests.app.helpers import button

ROOT = Path(__file__).resolve().parents[2]
SPENDLOGS = ROOT / "data" / "usage" / "litellm_spendlogs.csv"


def page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "chargeback.py"), default_timeout=30)


def with_usage():
    from roi.ui.state import store
    from roi.usage import ingest

    ingest(store(), [SPENDLOGS])
    return store()


def test_without_usage_the_page_says_where_to_start():
    at = page().run()
    assert not at.exception
    assert "Usage page" in at.info[0].value


def test_spend_per_matter_adds_up_and_unallocated_is_its_own_line():
    db = with_usage()
    save_rules(
        db, [Rule("tag", "summarize", "M-200 Birch review", "Birch"), Rule("tag", "intake", "M-100", "Acme")]
    )
    at = page().run()
    assert not at.exception and not at.error
    shown = {m.label: m.value for m in at.metric}
    assert shown["Spend, priced with the catalog"] == "$0.09"
    table = at.dataframe[0].value
    assert list(table["Matter"])[:2] == ["M-200 Birch review", "M-100"]
    assert list(table["Matter"])[-2:] == ["(unallocated)", "Total"]
    assert list(table["Client"])[:2] == ["Birch", "Acme"]
    # the same data by tag: each tag of a request is its own line
    at.selectbox(key=widget_key("cb_by")).set_value("tag").run()
    assert {"summarize", "intake", "priority", "draft"} <= set(at.dataframe[0].value["Tag"])
    # the billing file is built on demand, in both formats
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Chargeback CSV", "Chargeback workbook (XLSX)"]


def test_saving_the_rules_keeps_them_and_lists_what_is_not_mapped_yet():
    db = with_usage()
    save_rules(db, [Rule("tag", "intake", "M-100", "Acme")])
    at = page().run()
    button(at, "Save rules").click().run()
    assert not at.exception
    assert rules(db) == [Rule("tag", "intake", "M-100", "Acme")]
    assert "tag(s) and API key(s) with spend and no rule" in " ".join(e.label for e in at.expander)
