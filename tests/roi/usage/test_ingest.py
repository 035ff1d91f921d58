"""Storing imports: one transaction, de-duplication, pricing at each row's date, reconciliation, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roi.cli import main
from roi.errors import UsageFormatError
from roi.store import Store
from roi.usage import delete_import, ingest, list_imports, priced_store, reconcile, summary
from roi.usage.pricing import Alias, set_alias

DATA = Path(__file__).resolve().parents[3] / "data" / "usage"
BROKEN = Path(__file__).resolve().parent / "broken"
USAGE = DATA / "anthropic_console_usage.csv"
COST = DATA / "anthropic_console_cost.csv"


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.dispose()


def test_same_file_twice_is_not_counted_twice(store):
    first = ingest(store, [USAGE])
    total = summary(priced_store(store))
    assert first.summaries[0].skipped_duplicates == 0
    again = ingest(store, [USAGE])
    assert again.summaries[0].stored == 0
    assert again.summaries[0].skipped_duplicates == first.summaries[0].stored
    assert summary(priced_store(store)) == total
    # nothing new was stored, so no empty import is listed (deleting it could not remove anything)
    assert again.summaries[0].import_id is None and len(list_imports(store)) == 1
    assert "already imported" in again.summaries[0].describe()


def test_a_newer_export_of_the_same_period_replaces_changed_buckets(store, tmp_path):
    ingest(store, [USAGE])
    before = summary(priced_store(store))["output_tokens"]
    lines = USAGE.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[10] = str(int(cells[10]) + 1000)  # usage_output_tokens of the first bucket grew
    newer = tmp_path / "newer.csv"
    newer.write_text("\n".join([lines[0], ",".join(cells)]) + "\n", encoding="utf-8")
    result = ingest(store, [newer])
    assert result.summaries[0].replaced == 1
    assert summary(priced_store(store))["output_tokens"] == before + 1000


def test_a_bad_file_in_a_batch_stores_nothing(store):
    with pytest.raises(UsageFormatError):
        ingest(store, [USAGE, BROKEN / "anthropic_usage_text_tokens.csv"])
    assert list_imports(store).empty
    assert priced_store(store).empty


def test_pricing_uses_each_rows_date_tiers_and_reconciles(store):
    ingest(store, [USAGE, COST])
    priced = priced_store(store)
    usage = priced[priced["kind"] == "usage"]
    assert usage["cost_usd"].notna().all()
    # a long-context Sonnet 4.5 row (> 200k) is priced at the tier: $6 in, $22.5 out, $0.6 cache read
    row = usage[(usage["model"] == "claude-sonnet-4-5") & (usage["context_window"] == ">200k")].iloc[0]
    expected = (
        row.input_tokens * 6
        + row.cache_write_5m_tokens * 7.5
        + row.cache_write_1h_tokens * 12
        + row.cache_read_tokens * 0.6
        + row.output_tokens * 22.5
    ) / 1e6
    assert row.cost_usd == pytest.approx(expected)
    table = reconcile(priced)
    assert not table.empty
    assert {"month", "model", "computed_usd", "billed_usd", "difference_pct"} <= set(table.columns)
    assert table["billed_usd"].notna().all()


def test_unpriced_models_are_listed_until_mapped(store, tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text(
        USAGE.read_text(encoding="utf-8").replace("claude-haiku-4-5-20251001", "acme-llm-7b"),
        encoding="utf-8",
    )
    doc = ingest(store, [odd]).document
    assert doc["unpriced_models"] == ["acme-llm-7b"]
    set_alias(store, "acme-llm-7b", Alias("acme-llm-7b", input=0.2, output=0.4))
    assert summary(priced_store(store))["unpriced_models"] == []
    set_alias(store, "acme-llm-7b", Alias("claude-haiku-4-5"))
    assert "claude-haiku-4-5" in summary(priced_store(store))["models"]


def test_imports_can_be_listed_and_deleted(store):
    ingest(store, [USAGE, COST])
    imps = list_imports(store)
    assert len(imps) == 2
    delete_import(store, int(imps["id"].iloc[0]))
    assert len(list_imports(store)) == 1
    assert priced_store(store)["kind"].eq("cost").all()


KEYS = {
    "format",
    "rows",
    "requests",
    "input_tokens",
    "cache_write_5m_tokens",
    "cache_write_1h_tokens",
    "cache_read_tokens",
    "output_tokens",
    "cost_usd",
    "reported_cost_usd",
    "start",
    "end",
    "models",
    "unpriced_models",
}


def test_cli_ingest_and_usage_json(capsys):
    assert main(["ingest", str(USAGE), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert KEYS | {"skipped_duplicates"} <= set(doc)
    assert (
        doc["format"] == "anthropic-console-usage"
        and doc["requests"] is None
        and doc["reported_cost_usd"] is None
    )
    assert doc["output_tokens"] == 679_000
    assert set(doc["models"]["claude-haiku-4-5"]) >= {"requests", "input_tokens", "output_tokens", "cost_usd"}
    assert main(["ingest", str(USAGE), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["skipped_duplicates"] > 0
    assert main(["usage", "--json"]) == 0
    held = json.loads(capsys.readouterr().out)
    assert KEYS <= set(held) and held["output_tokens"] == 679_000


@pytest.mark.parametrize("bad", sorted(p.name for p in BROKEN.iterdir()))
def test_cli_refuses_each_broken_file_and_leaves_the_store_unchanged(bad, capsys):
    assert main(["ingest", str(USAGE)]) == 0
    before = capsys.readouterr()
    assert main(["usage", "--json"]) == 0
    held = capsys.readouterr().out
    assert main(["ingest", str(BROKEN / bad)]) == 2
    err = capsys.readouterr().err
    assert bad in err and "Traceback" not in err and err.count("\n") == 1
    assert main(["usage", "--json"]) == 0
    assert capsys.readouterr().out == held
    del before


def test_a_summary_says_when_rows_were_summed_into_fewer():
    from roi.usage.ingest import ImportSummary

    assert "summed" in ImportSummary(1, "otel-genai-spans", "t.jsonl", 10, 5, 0, 0).describe()
    assert "summed" not in ImportSummary(1, "generic", "r.csv", 41, 41, 0, 0).describe()
    assert "summed" not in ImportSummary(1, "generic", "r.csv", 41, 30, 11, 0).describe()  # 11 were there
