"""Reconciliation as finance needs it: only the days both sides cover (and which days those are),
models on one side only, differences beyond a tolerance the user sets, and the CLI saying the same."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from roi.cli import main
from roi.store import Store
from roi.usage import ingest, priced_store, reconcile, summary
from roi.usage.pricing import RECONCILE_COLUMNS, Days, reconciliation

DATA = Path(__file__).resolve().parents[3] / "data" / "usage"

USAGE_HEAD = (
    "usage_date_utc,model_version,api_key,workspace,usage_type,context_window,usage_input_tokens_no_cache,"
    "usage_input_tokens_cache_write_5m,usage_input_tokens_cache_write_1h,usage_input_tokens_cache_read,"
    "usage_output_tokens"
)
COST_HEAD = "usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd"
HAIKU, SONNET = "claude-haiku-4-5-20251001", "claude-sonnet-4-5-20250929"


def usage_csv(days: range, models: dict[str, tuple[int, int]]) -> bytes:
    """A Console usage export: for every day of October 2026, each model's (input, output) tokens."""
    rows = [
        f"2026-10-{d:02d},{m},k,W,standard,≤ 200k,{i},0,0,0,{o}" for d in days for m, (i, o) in models.items()
    ]
    return ("\n".join([USAGE_HEAD, *rows]) + "\n").encode()


def cost_csv(days: range, lines: dict[str, tuple[float, float]], extra: tuple[str, ...] = ()) -> bytes:
    """A Console cost export: for every day, each model's (input, output) dollars."""
    rows = [
        f"2026-10-{d:02d},{m},W,k,standard,≤ 200k,{t},{usd}"
        for d in days
        for m, (i, o) in lines.items()
        for t, usd in (("input_no_cache", i), ("output", o))
    ]
    return ("\n".join([COST_HEAD, *rows, *extra]) + "\n").encode()


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    yield s
    s.dispose()


# Haiku 4.5 at $1 / $5 per million: 1,000M input and 100M output tokens a day cost $1,000 + $500
HAIKU_DAY = {HAIKU: (1_000_000_000, 100_000_000)}
HAIKU_BILL = {"Claude Haiku 4.5": (1000.0, 500.0)}


def test_a_month_of_usage_against_half_a_month_of_bill_compares_the_half_both_cover(store):
    """The issue's case: usage for 1-31 Oct, a bill for 1-15 Oct. Comparing the whole month said
    -99.7% (or +100%) without a word; only 1-15 Oct is compared, and the page says so."""
    ingest(
        store,
        [("usage.csv", usage_csv(range(1, 32), HAIKU_DAY)), ("bill.csv", cost_csv(range(1, 16), HAIKU_BILL))],
    )
    rec = reconciliation(priced_store(store))
    assert rec.usage_days == (Days(date(2026, 10, 1), date(2026, 10, 31)),)
    assert rec.billed_days == (Days(date(2026, 10, 1), date(2026, 10, 15)),)
    assert rec.compared == (Days(date(2026, 10, 1), date(2026, 10, 15)),)
    row = rec.table.iloc[0]
    assert (row.computed_usd, row.billed_usd) == (pytest.approx(22_500.0), pytest.approx(22_500.0))
    assert row.difference_pct == pytest.approx(0.0) and not row.flagged and row.status == "both"
    assert (row.first_day, row.last_day) == ("2026-10-01", "2026-10-15")
    assert rec.usage_left_out_usd == pytest.approx(16 * 1500.0)
    words = " ".join(rec.words())
    assert "The usage files cover 1–31 Oct 2026; the bill covers 1–15 Oct 2026." in words
    assert "Compared: 1–15 Oct 2026" in words
    assert (
        "Not compared: usage for 16–31 Oct 2026 ($24,000.00 computed), which the bill does not cover."
        in words
    )
    assert "Every model is within 1% of the bill." in words
    shown = rec.display().iloc[0]
    assert (shown["Computed"], shown["Billed"], shown["Difference"]) == ("$22,500.00", "$22,500.00", "$0.00")


def test_models_on_one_side_only_are_listed_not_left_out(store):
    usage = usage_csv(range(1, 11), {**HAIKU_DAY, SONNET: (1_000_000, 10_000)})
    bill = cost_csv(
        range(1, 11),
        {**HAIKU_BILL, "Claude Opus 4.1": (2.0, 1.0)},
        extra=("2026-10-05,,,,,,promotional_credit,-1.00",),
    )
    ingest(store, [("usage.csv", usage), ("bill.csv", bill)])
    rec = reconciliation(priced_store(store))
    status = dict(zip(rec.table["model"], rec.table["status"], strict=True))
    assert status == {
        "claude-haiku-4-5": "both",
        "claude-sonnet-4-5": "usage_only",  # computed usage, no bill: it used to vanish
        "claude-opus-4-1": "billed_only",
        "(no model)": "billed_only",
    }
    assert rec.usage_only == ["claude-sonnet-4-5"]
    flagged = dict(zip(rec.table["model"], rec.table["flagged"], strict=True))
    assert flagged == {
        "claude-haiku-4-5": False,
        "claude-sonnet-4-5": True,
        "claude-opus-4-1": True,
        "(no model)": True,
    }
    sonnet = rec.table.set_index("model").loc["claude-sonnet-4-5"]
    assert sonnet.computed_usd == pytest.approx(10 * (3.0 + 0.15)) and pd_isna(sonnet.billed_usd)
    words = rec.words()
    assert "Computed usage with no bill: claude-sonnet-4-5 (2026-10)." in words
    assert "Billed with no usage: claude-opus-4-1 (2026-10)." in words
    assert "Bill lines not tied to a model (credits, fees): -$1.00." in words
    checks = dict(zip(rec.display()["Model"], rec.display()["Check"], strict=True))
    assert checks["claude-sonnet-4-5"] == "no bill" and checks["claude-opus-4-1"] == "no usage"
    assert rec.display().set_index("Model").loc["(no model)", "Billed"] == "-$1.00"


def pd_isna(v) -> bool:
    return v != v


@pytest.mark.parametrize(("tolerance", "flagged"), [(1.0, False), (0.4, False), (0.3, True), (0.0, True)])
def test_differences_beyond_the_tolerance_are_flagged(store, tolerance, flagged):
    bill = dict(HAIKU_BILL)
    ingest(store, [("usage.csv", usage_csv(range(1, 11), HAIKU_DAY))])
    # the bill is $50 more than the catalog over $15,000: 0.33%
    ingest(
        store,
        [
            (
                "bill.csv",
                cost_csv(
                    range(1, 11), bill, extra=("2026-10-03,Claude Haiku 4.5,W,k,standard,≤ 200k,output,50",)
                ),
            )
        ],
    )
    rec = reconciliation(priced_store(store), tolerance_pct=tolerance)
    row = rec.table.iloc[0]
    assert row.difference_usd == pytest.approx(-50.0)
    assert row.difference_pct == pytest.approx(-50 / 15_050 * 100)
    assert bool(row.flagged) is flagged
    words = " ".join(rec.words())
    assert (f"Beyond the {tolerance:g}% tolerance: claude-haiku-4-5 2026-10 (-0.3%)" in words) is flagged
    assert rec.display().iloc[0]["Difference"] == "-$50.00"


def test_a_difference_too_small_to_show_in_cents_is_not_flagged(store):
    ingest(
        store,
        [
            ("u.csv", usage_csv(range(1, 2), {HAIKU: (100, 0)})),
            ("b.csv", cost_csv(range(1, 2), {"Claude Haiku 4.5": (0.0002, 0)})),
        ],
    )
    row = reconciliation(priced_store(store)).table.iloc[0]
    assert row.difference_pct == pytest.approx(-50.0) and not row.flagged  # $0.0001 apart


def test_sides_that_share_no_day_compare_nothing_and_say_so(store):
    ingest(
        store, [("u.csv", usage_csv(range(1, 10), HAIKU_DAY)), ("b.csv", cost_csv(range(20, 25), HAIKU_BILL))]
    )
    rec = reconciliation(priced_store(store))
    assert rec.compared == () and rec.table.empty
    assert (
        rec.words()[-1] == "They share no day, so nothing is compared: import the bill for the same period."
    )


def test_a_gap_between_two_files_is_not_covered(store):
    """A usage file for 1-5 Oct and one for 20-25 Oct leave 6-19 Oct uncovered: a bill for the whole
    month is compared on the 11 days usage covers, and the rest is named."""
    ingest(
        store,
        [
            ("early.csv", usage_csv(range(1, 6), HAIKU_DAY)),
            ("late.csv", usage_csv(range(20, 26), HAIKU_DAY)),
            ("bill.csv", cost_csv(range(1, 32), HAIKU_BILL)),
        ],
    )
    rec = reconciliation(priced_store(store))
    assert rec.compared == (
        Days(date(2026, 10, 1), date(2026, 10, 5)),
        Days(date(2026, 10, 20), date(2026, 10, 25)),
    )
    assert rec.table.iloc[0].billed_usd == pytest.approx(11 * 1500.0)
    assert "Not compared: the bill for 6–19 Oct 2026 and 26–31 Oct 2026 ($30,000.00 billed)" in " ".join(
        rec.words()
    )


def test_the_sample_pair_reconciles_november_and_names_what_it_cannot(store):
    """data/usage: the Console usage sample runs to 22 Dec 2025, its cost sample (the bill) to 30 Nov."""
    ingest(store, [DATA / "anthropic_console_usage.csv", DATA / "anthropic_console_cost.csv"])
    rec = reconciliation(priced_store(store))
    assert rec.compared == (Days(date(2025, 11, 3), date(2025, 11, 30)),)
    assert set(rec.table["month"]) == {"2025-11"}
    rows = rec.table.set_index("model")
    assert rows.loc["claude-sonnet-4-5", "billed_usd"] == pytest.approx(
        rows.loc["claude-sonnet-4-5", "computed_usd"]
    )
    assert not rows.loc["claude-sonnet-4-5", "flagged"]
    # a web search is billed but not priced from tokens: -$0.03, -2.0%, beyond 1%
    assert rows.loc["claude-opus-4-1", "difference_usd"] == pytest.approx(-0.03)
    assert rows.loc["claude-opus-4-1", "flagged"]
    words = rec.words()
    assert "Not compared: usage for 1–22 Dec 2025 ($9.16 computed), which the bill does not cover." in words
    assert "Bill lines not tied to a model (credits, fees): -$1.00." in words


def test_reconcile_table_keeps_its_columns_and_adds_the_new_ones(store):
    ingest(
        store,
        [("usage.csv", usage_csv(range(1, 32), HAIKU_DAY)), ("bill.csv", cost_csv(range(1, 16), HAIKU_BILL))],
    )
    table = reconcile(priced_store(store))
    assert list(table.columns) == RECONCILE_COLUMNS
    assert {"month", "model", "computed_usd", "billed_usd", "difference_pct"} <= set(table.columns)


def test_summary_states_its_last_day_inclusive(store):
    ingest(store, [("usage.csv", usage_csv(range(1, 32), HAIKU_DAY))])
    doc = summary(priced_store(store))
    assert doc["end"].startswith("2026-11-01")  # the last bucket's end, as before
    assert (doc["first_day"], doc["last_day"]) == ("2026-10-01", "2026-10-31")


def test_cli_reconcile_words_table_and_json(tmp_path, capsys, monkeypatch):
    usage, bill = tmp_path / "usage.csv", tmp_path / "bill.csv"
    usage.write_bytes(usage_csv(range(1, 32), {**HAIKU_DAY, SONNET: (1_000_000, 10_000)}))
    bill.write_bytes(cost_csv(range(1, 16), HAIKU_BILL))
    assert main(["ingest", str(usage), str(bill)]) == 0
    capsys.readouterr()
    assert main(["usage", "--reconcile"]) == 0
    out = capsys.readouterr().out
    assert "Compared: 1–15 Oct 2026" in out
    assert "Computed usage with no bill: claude-sonnet-4-5 (2026-10)." in out
    assert "$22,500.00" in out and "no bill" in out
    assert main(["usage", "--reconcile", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    haiku = next(r for r in records if r["model"] == "claude-haiku-4-5")
    assert haiku["computed_usd"] == pytest.approx(22_500.0) and haiku["billed_usd"] == pytest.approx(22_500.0)
    assert haiku["difference_pct"] == pytest.approx(0.0)
    assert haiku["status"] == "both" and haiku["flagged"] is False
    assert (haiku["first_day"], haiku["last_day"]) == ("2026-10-01", "2026-10-15")
    sonnet = next(r for r in records if r["model"] == "claude-sonnet-4-5")
    assert sonnet["billed_usd"] is None and sonnet["status"] == "usage_only" and sonnet["flagged"] is True
    assert main(["usage", "--reconcile", "--json", "--tolerance", "0"]) == 0
    assert main(["usage", "--reconcile", "--tolerance", "-1"]) == 2
