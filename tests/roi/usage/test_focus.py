"""The FinOps FOCUS 1.2 export: every 1.2 column in order, UTC dates with Z, Tags as JSON, text
that cannot run as a formula, EffectiveCost the computed cost and BilledCost the bill (nothing
counted twice), and `roi usage --focus` writing it or refusing with exit code 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from roi.cli import main
from roi.report.chargeback import table_csv
from roi.store import Store
from roi.usage import ingest, priced_store, summary
from roi.usage.allocation import in_month
from roi.usage.focus import COLUMNS, FOCUS_COLUMNS, MANDATORY, focus_frame
from roi.usage.pricing import price
from roi.usage.schema import TOKEN_COLUMNS, empty_frame

DATA = Path(__file__).resolve().parents[3] / "data" / "usage"
USAGE_HEAD = (
    "usage_date_utc,model_version,api_key,workspace,usage_type,context_window,usage_input_tokens_no_cache,"
    "usage_input_tokens_cache_write_5m,usage_input_tokens_cache_write_1h,usage_input_tokens_cache_read,"
    "usage_output_tokens"
)
COST_HEAD = "usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd"
HAIKU, SONNET = "claude-haiku-4-5-20251001", "claude-sonnet-4-5-20250929"
EVIL = "=cmd|' /C calc'!A0"
ISO_Z = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"
# mandatory columns FOCUS 1.2 never allows to be null
NEVER_NULL = set(MANDATORY) - {"BillingAccountName", "ChargeClass", "PricingQuantity", "PricingUnit"}


def usage_csv(days: range, key: str = "k", workspace: str = "W") -> bytes:
    """October 2026, every day: Haiku 1M input, 100k cached, 200k output; Sonnet 1M input, 100k output."""
    rows = [
        f"2026-10-{d:02d},{m},{key},{workspace},standard,≤ 200k,1000000,0,0,{c},{o}"
        for d in days
        for m, c, o in ((HAIKU, 100_000, 200_000), (SONNET, 0, 100_000))
    ]
    return ("\n".join([USAGE_HEAD, *rows]) + "\n").encode()


def bill_csv(days: range, input_usd: float, output_usd: float) -> bytes:
    """A Console cost export billing Haiku only (no cache-read line: the bill need not split alike)."""
    rows = [
        f"2026-10-{d:02d},Claude Haiku 4.5,W,k,standard,≤ 200k,{t},{usd}"
        for d in days
        for t, usd in (("input_no_cache", input_usd), ("output", output_usd))
    ]
    return ("\n".join([COST_HEAD, *rows]) + "\n").encode()


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    yield s
    s.dispose()


def cents(x: float) -> int:
    return round(x * 100)


def money(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].astype(float)


def test_every_focus_1_2_column_is_there_in_order_and_the_mandatory_ones_are_filled(store):
    ingest(store, [DATA / "anthropic_console_usage.csv", DATA / "anthropic_console_cost.csv"])
    frame = focus_frame(priced_store(store))
    assert len(FOCUS_COLUMNS) == 57 and len(MANDATORY) == 21
    assert tuple(frame.columns) == COLUMNS and COLUMNS[:57] == FOCUS_COLUMNS
    assert list(FOCUS_COLUMNS) == sorted(FOCUS_COLUMNS)  # the spec lists them alphabetically
    assert {"ProviderName", "PublisherName", "InvoiceIssuerName"} <= set(MANDATORY)
    assert all(c.startswith("x_") for c in COLUMNS[57:])
    for c in NEVER_NULL:
        assert frame[c].notna().all(), c
    usage = frame[frame["ConsumedQuantity"].notna()]
    assert set(usage["ChargeCategory"]) == {"Usage"} and set(usage["ConsumedUnit"]) == {"Tokens"}
    assert set(usage["PricingUnit"]) == {"1000000 Tokens"} and set(frame["BillingCurrency"]) == {"USD"}
    assert set(frame["ServiceCategory"]) == {"AI and Machine Learning"}
    assert set(frame["ProviderName"]) == {"Anthropic"} and set(frame["ServiceName"]) == {"Claude API"}
    # FOCUS: PricingQuantity × ListUnitPrice (and ContractedUnitPrice) = ListCost (ContractedCost)
    q = money(usage, "PricingQuantity")
    assert (q * money(usage, "ListUnitPrice")).to_numpy() == pytest.approx(
        money(usage, "ListCost").to_numpy()
    )
    assert (q * money(usage, "ContractedUnitPrice")).to_numpy() == pytest.approx(
        money(usage, "ContractedCost").to_numpy()
    )
    assert set(frame.loc[frame["ConsumedQuantity"].isna(), "ChargeCategory"]) == {"Credit"}  # -$1.00


def test_the_csv_parses_back_with_utc_dates_and_tags_as_json(store):
    ingest(store, [DATA / "anthropic_console_usage.csv"])
    back = pd.read_csv(io.BytesIO(table_csv(focus_frame(priced_store(store)))))
    assert tuple(back.columns) == COLUMNS and len(back) > 0
    for c in ("ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart", "BillingPeriodEnd"):
        assert back[c].str.match(ISO_Z).all(), c
    assert (back["ChargePeriodEnd"] > back["ChargePeriodStart"]).all()  # ISO text sorts as time
    assert back["BillingPeriodStart"].str.endswith("-01T00:00:00Z").all()
    first = back.iloc[0]
    assert (first["ChargePeriodStart"], first["ChargePeriodEnd"]) == (
        "2025-11-03T00:00:00Z",
        "2025-11-04T00:00:00Z",
    )
    assert (first["BillingPeriodStart"], first["BillingPeriodEnd"]) == (
        "2025-11-01T00:00:00Z",
        "2025-12-01T00:00:00Z",
    )
    tags = [json.loads(t) for t in back["Tags"]]
    assert all(isinstance(t, dict) and "api_key" in t for t in tags)
    assert back["SubAccountId"].fillna("").tolist() == [t.get("workspace", "") for t in tags]
    assert (back["SubAccountType"].isna() == back["SubAccountId"].isna()).all()  # null with its id
    for c in (
        "BilledCost",
        "EffectiveCost",
        "ListCost",
        "ConsumedQuantity",
        "PricingQuantity",
        "ListUnitPrice",
    ):
        assert back[c].dtype == float, c  # numbers stay numbers, even 1.2e-05
    assert (back["PricingQuantity"] * back["ListUnitPrice"]).to_numpy() == pytest.approx(
        back["ListCost"].to_numpy()
    )


def test_list_cost_is_the_catalogs_and_billed_and_effective_cost_the_bill_where_there_is_one(store):
    """Haiku billed 1-15 Oct at less than the catalog; Sonnet and Haiku 16-31 Oct have no bill."""
    ingest(store, [("u.csv", usage_csv(range(1, 32))), ("b.csv", bill_csv(range(1, 16), 0.9, 0.8))])
    priced = priced_store(store)
    frame = focus_frame(priced)
    doc = summary(priced)
    assert cents(money(frame, "ListCost").sum()) == cents(doc["cost_usd"])
    # nothing discounted or committed: what was paid is the effective cost (no fake discount)
    assert (money(frame, "EffectiveCost") == money(frame, "BilledCost")).all()
    billed = frame["x_BilledCostSource"] == "bill"
    assert (
        cents(money(frame[billed], "BilledCost").sum())
        == cents(15 * (0.9 + 0.8))
        == cents(doc["reported_cost_usd"])
    )
    assert (money(frame[~billed], "BilledCost") == money(frame[~billed], "EffectiveCost")).all()
    assert set(frame.loc[billed, "SkuId"].str.split(":").str[0]) == {"claude-haiku-4-5"}
    assert frame.loc[billed, "ChargePeriodStart"].max() == "2026-10-15T00:00:00Z"
    assert frame["ConsumedQuantity"].notna().all()  # every bill line is carried by usage rows
    # the month restricts both sides: October's bill is all of the bill
    assert len(focus_frame(priced, month="2026-11")) == 0
    assert cents(money(focus_frame(priced, month="2026-10"), "ListCost").sum()) == cents(doc["cost_usd"])


def test_the_sample_bill_is_billed_cost_for_its_month(store):
    ingest(store, [DATA / "anthropic_console_usage.csv", DATA / "anthropic_console_cost.csv"])
    nov = in_month(priced_store(store), "2025-11")
    frame = focus_frame(nov)
    assert cents(money(frame, "BilledCost").sum()) == cents(summary(nov)["reported_cost_usd"])
    usage = frame["ConsumedQuantity"].notna()
    assert cents(money(frame[usage], "ListCost").sum()) == cents(summary(nov)["cost_usd"])


def test_rows_without_an_end_are_charged_for_their_hour_or_their_day():
    rows = empty_frame(2)
    rows["start"] = pd.to_datetime(["2026-10-01T10:37:12Z", "2026-10-02T00:00:00Z"], utc=True)
    rows["model_raw"] = pd.array(["claude-haiku-4-5"] * 2, dtype="string")
    rows[list(TOKEN_COLUMNS)] = 0.0
    rows["input_tokens"] = 1000.0
    rows["kind"] = "usage"
    frame = focus_frame(price(rows))
    assert list(frame["ChargePeriodStart"]) == ["2026-10-01T10:00:00Z", "2026-10-02T00:00:00Z"]
    assert list(frame["ChargePeriodEnd"]) == ["2026-10-01T11:00:00Z", "2026-10-03T00:00:00Z"]
    assert list(frame["Tags"]) == [None, None]


def test_a_formula_like_key_is_neutralized_and_kept_whole_in_the_tags(store):
    ingest(store, [("u.csv", usage_csv(range(1, 3), key=EVIL, workspace=EVIL))])
    data = table_csv(focus_frame(priced_store(store)))
    cells = [c for row in csv.reader(io.StringIO(data.decode("utf-8"))) for c in row]
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    back = pd.read_csv(io.BytesIO(data))
    assert (back["SubAccountId"] == "'" + EVIL).all()
    assert all(json.loads(t) == {"workspace": EVIL, "api_key": EVIL} for t in back["Tags"])


def test_cli_writes_the_file_and_refuses_bad_names_and_months(tmp_path, capsys):
    usage, bill = tmp_path / "usage.csv", tmp_path / "bill.csv"
    usage.write_bytes(usage_csv(range(1, 32)))
    bill.write_bytes(bill_csv(range(1, 16), 0.9, 0.8))
    assert main(["ingest", str(usage), str(bill)]) == 0
    capsys.readouterr()
    out = tmp_path / "focus.csv"
    assert main(["usage", "--focus", str(out), "--month", "2026-10"]) == 0
    line = capsys.readouterr().out.strip()
    back = pd.read_csv(out)
    assert line.startswith(f"{out}: {len(back)} FOCUS 1.2 row(s), billed $")
    assert tuple(back.columns) == COLUMNS
    assert main(["usage", "--focus", str(tmp_path / "focus.xlsx")]) == 2
    assert "expected a .csv file name" in capsys.readouterr().err
    assert main(["usage", "--focus", str(tmp_path / "f.csv"), "--month", "2026-13"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    assert not (tmp_path / "f.csv").exists()
