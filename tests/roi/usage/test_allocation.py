"""Allocation and chargeback: every cent allocated once, tags split evenly, matters and clients from
the firm's rules, unallocated spend on its own line, the CLI's JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi.cli import main
from roi.errors import UsageFormatError
from roi.store import Store
from roi.usage import ingest, priced_store
from roi.usage.allocation import BY, Rule, allocate, chargeback, read_rules_csv, rules, save_rules

SPENDLOGS = Path(__file__).resolve().parents[3] / "data" / "usage" / "litellm_spendlogs.csv"


def rows(*items: tuple[str | None, str | None, float]) -> pd.DataFrame:
    """Priced rows: (tag, api_key, cost) each, one request on 1 Nov 2026."""
    n = len(items)
    return pd.DataFrame(
        {
            "kind": ["usage"] * n,
            "start": pd.to_datetime(["2026-11-01"] * n, utc=True),
            "end": pd.to_datetime(["2026-11-02"] * n, utc=True),
            "tag": pd.array([t for t, _, _ in items], dtype="string"),
            "api_key": pd.array([k for _, k, _ in items], dtype="string"),
            "project": pd.array(["team-a"] * n, dtype="string"),
            "user": pd.array([None] * n, dtype="string"),
            "cost_usd": [c for _, _, c in items],
            "reported_cost_usd": [c for _, _, c in items],
            "input_tokens": [100.0] * n,
            "output_tokens": [10.0] * n,
            "requests": [1.0] * n,
        }
    )


def cents(x: float) -> int:
    return round(x * 100)


def test_a_request_with_several_tags_is_split_evenly_and_untagged_spend_is_unallocated():
    a = allocate(rows(("matter:A,matter:B", None, 1.00), ("matter:A", None, 0.50), (None, None, 0.25)), "tag")
    got = dict(zip(a.groups["key"], a.groups["cost_usd"], strict=True))
    assert got == {"matter:A": 1.00, "matter:B": 0.50}
    assert dict(zip(a.groups["key"], a.groups["requests"], strict=True)) == {"matter:A": 1.5, "matter:B": 0.5}
    assert a.unallocated_cost_usd == 0.25 and a.total_cost_usd == 1.75


def test_matters_come_from_tag_rules_first_then_the_api_key_and_clients_follow():
    rule_list = [
        Rule("tag", "intake", "M-1", "Acme"),
        Rule("api_key", "k2", "M-2", "Birch"),
    ]
    data = rows(
        ("intake", "k2", 1.00),  # the tag names the work: M-1, not the key's M-2
        ("intake,other", "k2", 2.00),  # half to M-1 (its tag), the unmapped tag's half to the key's M-2
        (None, "k2", 4.00),  # the key's matter
        (None, "k9", 8.00),  # no rule: unallocated
    )
    m = allocate(data, "matter", rule_list=rule_list)
    assert dict(zip(m.groups["key"], m.groups["cost_usd"], strict=True)) == {"M-2": 5.00, "M-1": 2.00}
    assert dict(zip(m.groups["key"], m.groups["client"], strict=True)) == {"M-2": "Birch", "M-1": "Acme"}
    assert m.unallocated_cost_usd == 8.00
    c = allocate(data, "client", rule_list=rule_list)
    assert dict(zip(c.groups["key"], c.groups["cost_usd"], strict=True)) == {"Birch": 5.00, "Acme": 2.00}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([None, "a", "b", "a,b", "a,b,c", "c"]),
            st.sampled_from([None, "k1", "k2"]),
            st.floats(min_value=0, max_value=5_000, allow_nan=False),
        ),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(BY),
)
def test_allocations_always_add_up_to_the_total_to_the_cent(items, by):
    rule_list = [
        Rule("tag", "a", "M-a", "X"),
        Rule("tag", "c", "M-c", None),
        Rule("api_key", "k1", "M-k", "X"),
    ]
    a = allocate(rows(*items), by, rule_list=rule_list)
    assert sum(cents(c) for c in a.groups["cost_usd"]) + cents(a.unallocated_cost_usd) == cents(
        a.total_cost_usd
    )
    assert cents(a.total_cost_usd) == round(sum(c for _, _, c in items) * 100)
    assert a.groups["requests"].sum() + (a.unallocated["requests"] or 0) == pytest.approx(len(items))


def test_a_month_is_its_days_inclusive():
    data = pd.concat(
        [rows(("a", None, 1.0)), rows(("a", None, 2.0)).assign(start=pd.Timestamp("2026-12-01", tz="UTC"))]
    )
    a = allocate(data, "tag", month="2026-11")
    assert (a.start.isoformat(), a.end.isoformat(), a.total_cost_usd) == ("2026-11-01", "2026-11-30", 1.0)
    with pytest.raises(UsageFormatError, match="YYYY-MM"):
        allocate(data, "tag", month="Nov")


def test_rules_are_stored_and_a_bad_rules_file_names_row_and_column(db_url):
    store = Store(db_url)
    try:
        save_rules(store, read_rules_csv("kind,key,matter,client\ntag,intake,M-1,Acme\napi_key,k2,M-2,\n"))
        assert rules(store) == [Rule("api_key", "k2", "M-2", None), Rule("tag", "intake", "M-1", "Acme")]
        with pytest.raises(UsageFormatError) as err:
            read_rules_csv("kind,key,matter\ntag,a,M\nproject,b,M\n", "rules.csv")
        assert (err.value.row, err.value.column) == (3, "kind")
        with pytest.raises(UsageFormatError, match="two rules"):
            save_rules(store, [Rule("tag", "a", "M"), Rule("tag", "a", "N")])
        assert len(rules(store)) == 2  # a refused set changes nothing
    finally:
        store.dispose()


def test_cli_json_contract_adds_up_exactly(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ROI_HOME", str(tmp_path))
    monkeypatch.delenv("ROI_DATABASE_URL", raising=False)
    store = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    ingest(store, [SPENDLOGS])
    store.dispose()
    (tmp_path / "rules.csv").write_text("kind,key,matter,client\ntag,intake,M-100,Acme\n", encoding="utf-8")
    assert main(["matters", "--load", str(tmp_path / "rules.csv")]) == 0
    capsys.readouterr()
    for by in BY:
        assert main(["usage", "--json", "--by", by, "--month", "2026-10"]) == 0
        doc = json.loads(capsys.readouterr().out)
        assert set(doc) >= {"period", "total_cost_usd", "groups", "unallocated_cost_usd"}
        assert doc["period"] == {"start": "2026-10-01", "end": "2026-10-31"}
        for g in doc["groups"]:
            assert set(g) >= {
                "key",
                "cost_usd",
                "reported_cost_usd",
                "input_tokens",
                "output_tokens",
                "requests",
                "share",
            }
        total = sum(round(g["cost_usd"] * 100) for g in doc["groups"]) + round(
            doc["unallocated_cost_usd"] * 100
        )
        assert total == round(doc["total_cost_usd"] * 100)
    priced = priced_store(Store(f"sqlite:///{tmp_path / 'roi.db'}"))
    assert doc["total_cost_usd"] == round(priced["cost_usd"].sum(), 2)


def test_the_chargeback_adds_up_to_the_spend_and_the_shared_cost_and_is_formula_safe(tmp_path):
    import csv
    import io

    from openpyxl import load_workbook

    from roi.report.chargeback import chargeback_xlsx, table_csv
    from roi.usage.allocation import CHARGEBACK_COLUMNS, chargeback

    data = rows(("intake", "k1", 1.005), ("intake,x", "k2", 2.0), (None, None, 0.333)).assign(
        model=["claude-haiku-4-5", "claude-sonnet-4-5", "claude-haiku-4-5"], model_raw="m"
    )
    for c in ("cache_write_5m_tokens", "cache_write_1h_tokens", "cache_read_tokens"):
        data[c] = 0.0
    rule_list = [Rule("tag", "intake", '=HYPERLINK("http://x")', "Acme")]
    lines = chargeback(data, rule_list, month="2026-11", shared_usd=1000.0)
    assert tuple(lines.columns) == CHARGEBACK_COLUMNS
    assert round(lines["cost_usd"].sum() * 100) == round((1.005 + 2.0 + 0.333) * 100)
    assert round(lines["shared_cost_usd"].sum() * 100) == 100_000
    assert lines["matter"].iloc[-1] == "(unallocated)"
    assert set(lines["period_start"]) == {"2026-11-01"} and set(lines["period_end"]) == {"2026-11-30"}
    parsed = list(csv.DictReader(io.StringIO(table_csv(lines).decode("utf-8"))))
    assert parsed[0]["matter"].startswith("'=")  # text, never a formula
    assert sum(round(float(r["total_usd"]) * 100) for r in parsed) == round(lines["total_usd"].sum() * 100)
    path = tmp_path / "cb.xlsx"
    path.write_bytes(chargeback_xlsx(lines))
    ws = load_workbook(path).active
    assert ws.cell(2, 1).data_type == "s" and ws.cell(2, 1).value.startswith("'=")
    assert ws.cell(ws.max_row, 1).value == "total"
    money = [i for i, c in enumerate(CHARGEBACK_COLUMNS, start=1) if c == "total_usd"][0]
    assert ws.cell(ws.max_row, money).value == pytest.approx(round(lines["total_usd"].sum(), 2))


def test_a_chargeback_on_the_bill_adds_up_to_the_bill(tmp_path, monkeypatch):
    """Console usage and its cost export: charged on the bill, November's file is the bill to the
    cent (the credit its own line); December, which no bill covers, keeps its computed cost."""
    import csv

    data = Path(__file__).resolve().parents[3] / "data" / "usage"
    store = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    ingest(store, [data / "anthropic_console_usage.csv", data / "anthropic_console_cost.csv"])
    priced = priced_store(store)
    billed = priced[priced["kind"] == "cost"]["reported_cost_usd"].sum()
    nov = chargeback(priced, [], month="2025-11", basis="bill")
    assert (
        round(nov["cost_usd"].sum(), 2)
        == round(billed, 2)
        != round(chargeback(priced, [], month="2025-11")["cost_usd"].sum(), 2)
    )
    assert "(no model)" in set(nov["model"])  # the credit is a line of its own
    dec = chargeback(priced, [], month="2025-12", basis="bill")
    assert dec["cost_usd"].sum() == pytest.approx(chargeback(priced, [], month="2025-12")["cost_usd"].sum())
    with pytest.raises(UsageFormatError, match="basis"):
        chargeback(priced, [], basis="invoice")
    store.dispose()
    monkeypatch.setenv("ROI_DATABASE_URL", f"sqlite:///{tmp_path / 'roi.db'}")
    out = tmp_path / "nov.csv"
    assert main(["usage", "--chargeback", str(out), "--month", "2025-11", "--basis", "bill"]) == 0
    lines = list(csv.DictReader(out.open(encoding="utf-8")))
    assert sum(round(float(r["total_usd"]) * 100) for r in lines) == round(billed * 100)


def test_a_chargeback_on_the_bill_of_an_empty_store_is_empty(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    assert chargeback(priced_store(store), [], basis="bill").empty
    store.dispose()
