"""Cloud bills for Claude (roi.usage.cloud): AWS CUR 2.0 Bedrock lines and the Google Cloud billing
export's Vertex AI lines, as CSV (data/usage/) and as Parquet with the exports' own nested types
(CUR 2.0 map columns, BigQuery structs and repeated key/value labels).

Expected figures are worked out by hand from the sample files (not recomputed here)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from roi.errors import UsageFormatError
from roi.store import Store
from roi.usage import engine_source, ingest, priced_store
from roi.usage.cloud import _bedrock_model, _parse_usage_type, _sku
from roi.usage.formats import read_usage
from tests.roi.usage.test_anthropic import totals

DATA = Path(__file__).resolve().parents[3] / "data" / "usage"
AWS_CSV = DATA / "aws_cur_bedrock.csv"
GCP_CSV = DATA / "gcp_billing_vertex.csv"


@pytest.mark.parametrize(
    ("usage_type", "expected"),
    [
        ("USE1-Claude4.6Sonnet-input-tokens", ("Claude Sonnet 4.6", "input_no_cache", "standard")),
        (
            "USE1-Claude4.6Sonnet-cache-read-input-token-count",
            ("Claude Sonnet 4.6", "input_cache_read", "standard"),
        ),
        (
            "USW2-Claude4.5Sonnet-cache-write-input-token-count",
            ("Claude Sonnet 4.5", "input_cache_write_5m", "standard"),
        ),
        (
            "USE1-Claude4.6Sonnet-output-tokens-cross-region-global",
            ("Claude Sonnet 4.6", "output", "standard"),
        ),
        ("USE1-Claude4.5Haiku-input-tokens-batch", ("Claude Haiku 4.5", "input_no_cache", "batch")),
        ("USE1-Claude4.6Opus-input-tokens-priority", ("Claude Opus 4.6", "input_no_cache", "priority")),
        ("USE1-Claude3.5Sonnet-output-tokens", ("Claude 3.5 Sonnet", "output", "standard")),
        (
            "USW2-anthropic.claude-opus-4-8-mantle-cache-write-tokens-standard",
            ("anthropic.claude-opus-4-8", "input_cache_write_5m", "standard"),
        ),
        ("USE1-MP:USE1_CacheWrite1hInputTokenCount-Units", (None, "input_cache_write_1h", "standard")),
        ("USE1-MP:USE1_InputTokenCount_Global_Batch-Units", (None, "input_no_cache", "batch")),
        ("USE1-MP:USE1_cache_write_tokens_1h_standard-Units", (None, "input_cache_write_1h", "standard")),
        ("BoxUsage:t3.micro", (None, None, None)),
    ],
)
def test_bedrock_usage_types(usage_type, expected):
    assert _parse_usage_type(usage_type) == expected


def test_bedrock_model_names_are_the_catalogs():
    assert _bedrock_model("Claude4.6Sonnet") == "Claude Sonnet 4.6"
    assert _bedrock_model("Claude3Haiku") == "Claude 3 Haiku"


@pytest.mark.parametrize(
    ("sku", "expected"),
    [
        (
            "Claude Sonnet 4.6 — Input Tokens — global — Context Window Size from 0 to 200000 Tokens",
            ("Claude Sonnet 4.6", "input_no_cache", "standard", "0-200k", "global"),
        ),
        (
            "Claude Opus 4 8 — Input Cache Write Tokens (TTL 3600 seconds) — us-east5 — Context Window Size from "
            "200001 to 1000000 Tokens",
            ("Claude Opus 4.8", "input_cache_write_1h", "standard", ">200k", "us-east5"),
        ),
        ("Claude 3 Haiku Input Tokens", ("Claude 3 Haiku", "input_no_cache", "standard", pd.NA, pd.NA)),
        (
            "Claude Haiku 4.5 - Batch Output Tokens - global",
            ("Claude Haiku 4.5", "output", "batch", pd.NA, "global"),
        ),
    ],
)
def test_vertex_skus(sku, expected):
    assert _sku(sku) == expected


def test_aws_cur_sample_tokens_cost_tags_and_what_is_left_out():
    result = read_usage(AWS_CSV)
    assert result.format == "aws-cur-bedrock" and result.per_request is False
    f = result.frame
    bill, usage = f[f["token_type"].notna()], f[f["token_type"].isna()]
    # the billed cost: 3.75 + 1.50 + 1.50 + 1.50 (Sonnet) + 1.00 + 0.50 (Haiku batch) + 3.00 (Opus, Marketplace)
    # - 1.00 credit; not the EC2 line, the Llama line or the tax
    assert bill["reported_cost_usd"].sum() == pytest.approx(11.75)
    assert usage["reported_cost_usd"].isna().all()  # usage is priced by the catalog, the bill reconciles it
    # usage amounts are in 1K tokens
    assert totals(usage) == {
        "input_tokens": 3_250_000.0,
        "cache_write_5m_tokens": 400_000.0,
        "cache_write_1h_tokens": 0.0,  # the Marketplace line's unit is "Units": cost only
        "cache_read_tokens": 5_000_000.0,
        "output_tokens": 300_000.0,
    }
    assert set(f["model_raw"]) == {"Claude Sonnet 4.6", "Claude Haiku 4.5", "Claude Opus 4.6"}
    assert set(f.loc[f["model_raw"] == "Claude Haiku 4.5", "service_tier"]) == {"batch"}
    sonnet = f[(f["model_raw"] == "Claude Sonnet 4.6") & (f["token_type"] == "input_no_cache")].iloc[0]
    assert (sonnet["tag"], sonnet["project"], sonnet["api_key"], sonnet["workspace"]) == (
        "M-2026-014",
        "litigation",
        "intake7x2k",  # the application inference profile
        "123456789012",
    )
    assert f.loc[f["token_type"] == "credit", "reported_cost_usd"].tolist() == [-1.00]
    words = " ".join(result.warnings)
    assert "1 tax line(s), $0.93" in words and "skipped 2 line(s) that are not Claude" in words
    assert "“Units”" in words


def test_gcp_sample_tokens_cost_credits_and_labels():
    result = read_usage(GCP_CSV)
    assert result.format == "gcp-billing-vertex"
    f = result.frame
    bill, usage = f[f["token_type"].notna()], f[f["token_type"].isna()]
    assert bill["reported_cost_usd"].sum() == pytest.approx(8.03)  # 3.75+1.50+0.33+2.20+0.75 - 0.50 credit
    assert bill.loc[bill["token_type"] == "credit", "reported_cost_usd"].tolist() == [-0.50]
    assert totals(usage) == {
        "input_tokens": 1_250_000.0,
        "cache_write_5m_tokens": 0.0,
        "cache_write_1h_tokens": 200_000.0,
        "cache_read_tokens": 1_000_000.0,
        "output_tokens": 150_000.0,
    }
    opus = f[f["model_raw"] == "Claude Opus 4.8"]
    assert set(opus["context_window"]) == {">200k"} and set(opus["workspace"]) == {"legal-ai-research"}
    assert set(f.loc[f["model_raw"] == "Claude Sonnet 4.6", "tag"].dropna()) == {"m-2026-014"}
    assert "skipped 1 line(s) that are not Claude" in result.warnings[0]


def test_gcp_cost_in_another_currency_is_converted_by_its_rate_or_refused():
    text = GCP_CSV.read_text().splitlines()
    euro = [text[0], text[1].replace(",3.75,USD,1,", ",3.45,EUR,0.92,")]
    f = read_usage("\n".join(euro).encode(), name="eur.csv").frame
    assert f["reported_cost_usd"].sum() == pytest.approx(3.75)  # 3.45 EUR at 0.92 EUR per USD
    no_rate = [text[0], text[1].replace(",3.75,USD,1,", ",3.45,EUR,,")]
    with pytest.raises(UsageFormatError, match=r"no_rate\.csv.*row 2.*currency_conversion_rate.*EUR"):
        read_usage("\n".join(no_rate).encode(), name="no_rate.csv")


def test_aws_bad_cells_name_row_and_column():
    lines = AWS_CSV.read_text().splitlines()
    bad = lines[0] + "\n" + lines[2].replace(",5000,1K tokens,", ",5k,1K tokens,")
    with pytest.raises(UsageFormatError, match=r"bad\.csv.*row 2.*line_item_usage_amount.*a number"):
        read_usage(bad.encode(), name="bad.csv")
    euro = lines[0] + "\n" + lines[1].replace(",USD,", ",EUR,")
    with pytest.raises(UsageFormatError, match=r"row 2.*line_item_currency_code.*only USD"):
        read_usage(euro.encode(), name="eur.csv")
    tags = lines[0] + "\n" + lines[1].replace('""user_team"":""litigation""}', '""user_team"":')
    with pytest.raises(UsageFormatError, match=r"row 2.*resource_tags.*JSON"):
        read_usage(tags.encode(), name="tags.csv")


# ------------------------------------------------------------------ Parquet, with the exports' own types


def _aws_parquet() -> bytes:
    df = pd.read_csv(AWS_CSV, dtype=str, keep_default_na=False)
    maps = pa.map_(pa.string(), pa.string())
    cols = {}
    for c in df.columns:
        if c in ("product", "resource_tags"):
            cols[c] = pa.array([list(json.loads(v).items()) for v in df[c]], type=maps)
        elif c.endswith("_date"):
            cols[c] = pa.array(pd.to_datetime(df[c], utc=True))
        elif c in ("line_item_usage_amount", "line_item_unblended_cost", "line_item_net_unblended_cost"):
            cols[c] = pa.array(pd.to_numeric(df[c]))
        else:
            cols[c] = pa.array(df[c].replace("", None))
    buf = io.BytesIO()
    pq.write_table(pa.table(cols), buf)
    return buf.getvalue()


def _gcp_parquet() -> bytes:
    df = pd.read_csv(GCP_CSV, dtype=str, keep_default_na=False)
    rows = []
    for _, r in df.iterrows():
        rows.append(
            {
                "billing_account_id": r["billing_account_id"],
                "service": {"id": r["service.id"], "description": r["service.description"]},
                "sku": {"id": r["sku.id"], "description": r["sku.description"]},
                "usage_start_time": pd.Timestamp(r["usage_start_time"]).to_pydatetime(),
                "usage_end_time": pd.Timestamp(r["usage_end_time"]).to_pydatetime(),
                "project": {"id": r["project.id"]},
                "labels": json.loads(r["labels"]),
                "location": {"region": r["location.region"]},
                "cost": float(r["cost"]),
                "currency": r["currency"],
                "currency_conversion_rate": float(r["currency_conversion_rate"]),
                "usage": {"amount": float(r["usage.amount"]), "unit": r["usage.unit"]},
                "credits": json.loads(r["credits"]),
                "cost_type": r["cost_type"],
            }
        )
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), buf)
    return buf.getvalue()


@pytest.mark.parametrize(("csv", "make"), [(AWS_CSV, _aws_parquet), (GCP_CSV, _gcp_parquet)])
def test_parquet_bills_read_as_their_csv(csv, make):
    data = make()
    from_parquet = read_usage(data, name="bill.parquet")
    from_csv = read_usage(csv)
    assert from_parquet.format == from_csv.format
    for f in (from_parquet.frame, from_csv.frame):
        assert len(f) == len(from_csv.frame)
    pd.testing.assert_frame_equal(
        from_parquet.frame.drop(columns=["start", "end"]), from_csv.frame.drop(columns=["start", "end"])
    )
    assert (from_parquet.frame["start"] == from_csv.frame["start"]).all()


def test_a_parquet_bill_goes_to_its_reader_and_a_request_log_to_the_engine(tmp_path):
    bill = tmp_path / "cur.parquet"
    bill.write_bytes(_aws_parquet())
    assert not engine_source(str(bill), None) and not engine_source(("cur.parquet", bill.read_bytes()), None)
    log = tmp_path / "log.parquet"
    pq.write_table(pa.table({"startTime": ["2026-11-02T00:00:00Z"], "model": ["claude-haiku-4-5"]}), log)
    assert engine_source(str(log), None)


def test_both_bills_import_reconcile_and_count_nothing_twice(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    try:
        bill = tmp_path / "cur.parquet"
        bill.write_bytes(_aws_parquet())
        ingest(store, [AWS_CSV, GCP_CSV])
        again = ingest(store, [bill])  # the same CUR as Parquet: its buckets replace, nothing adds
        assert again.summaries[0].format == "aws-cur-bedrock"
        p = priced_store(store)
        billed = p.loc[p["kind"] == "cost", "reported_cost_usd"].sum()
        assert billed == pytest.approx(11.75 + 8.03)
        usage = p[p["kind"] == "usage"]
        assert usage["output_tokens"].sum() == 300_000 + 150_000
    finally:
        store.dispose()
