"""Reading a LiteLLM proxy's PostgreSQL directly: the database does the GROUP BY."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import create_engine, text

from roi.catalog import catalog_price
from roi.catalog.cost import cost_usd
from roi.cli import main
from roi.store import Store
from roi.tokens import Tokens
from roi.usage import ingest, priced_store, summary

DDL = """
CREATE TABLE "LiteLLM_SpendLogs" (
    request_id TEXT PRIMARY KEY, call_type TEXT, api_key TEXT, spend DOUBLE PRECISION,
    total_tokens INTEGER, prompt_tokens INTEGER, completion_tokens INTEGER,
    "startTime" TIMESTAMP, "endTime" TIMESTAMP, "completionStartTime" TIMESTAMP,
    model TEXT, model_id TEXT, model_group TEXT, "user" TEXT, metadata JSONB,
    cache_hit TEXT, request_tags JSONB, team_id TEXT, end_user TEXT
)
"""


@pytest.mark.postgres
def test_ingest_from_litellm_database(pg_database_url, tmp_path):
    gateway_url = pg_database_url
    eng = create_engine(gateway_url)
    t0 = datetime(2026, 10, 5, 9, 10)
    rows = []
    for i in range(30):
        start = t0 + timedelta(minutes=7 * i)  # 30 requests over 3.5 hours → 4 hourly buckets
        cache = {"usage_object": {"cache_read_input_tokens": 400}} if i % 3 == 0 else {}
        rows.append(
            {
                "id": f"req-{i}",
                "key": "hash-a" if i % 2 else "hash-b",
                "spend": 0.002,
                "pt": 1000,
                "ct": 100,
                "st": start,
                "et": start + timedelta(seconds=2.5),
                "cst": start + timedelta(seconds=0.5),
                "model": "claude-haiku-4-5" if i < 20 else "claude-sonnet-4-5",
                "meta": json.dumps(cache),
            }
        )
    with eng.begin() as conn:
        conn.execute(text(DDL))
        conn.execute(
            text(
                'INSERT INTO "LiteLLM_SpendLogs" (request_id, api_key, spend, prompt_tokens, completion_tokens, '
                '"startTime", "endTime", "completionStartTime", model, metadata, team_id) '
                "VALUES (:id, :key, :spend, :pt, :ct, :st, :et, :cst, :model, CAST(:meta AS JSONB), 'legal')"
            ),
            rows,
        )
    eng.dispose()
    store = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    result = ingest(store, [gateway_url])
    doc = result.document
    # 30 requests; 10 of them (i % 3 == 0) read 400 cached tokens out of their 1000 prompt tokens
    assert doc["requests"] == 30
    assert doc["cache_read_tokens"] == 10 * 400
    assert doc["input_tokens"] == 30 * 1000 - 10 * 400
    assert doc["output_tokens"] == 30 * 100
    assert doc["reported_cost_usd"] == pytest.approx(30 * 0.002)
    assert set(doc["models"]) == {"claude-haiku-4-5", "claude-sonnet-4-5"}
    assert doc["models"]["claude-haiku-4-5"]["requests"] == 20
    stored = priced_store(store)
    assert (stored["latency_s_sum"].sum() / stored["timed_requests"].sum()) == pytest.approx(2.5)
    # importing the same database again replaces nothing and adds nothing
    again = ingest(store, [gateway_url])
    assert again.summaries[0].stored == 0 and again.summaries[0].skipped_duplicates > 0
    assert summary(priced_store(store))["requests"] == 30
    store.dispose()


@pytest.mark.postgres
def test_long_context_requests_keep_their_tier_when_the_database_sums_them(pg_database_url, tmp_path):
    """claude-haiku-5-5's tier starts at 100k: two 150k requests pay it, two 90k ones do not, though
    all four fall in the same hour and are summed by the database."""
    eng = create_engine(pg_database_url)
    t0 = datetime(2026, 11, 2, 9, 0)
    sizes = [150_000, 150_000, 90_000, 90_000]
    with eng.begin() as conn:
        conn.execute(text(DDL))
        conn.execute(
            text(
                'INSERT INTO "LiteLLM_SpendLogs" (request_id, spend, prompt_tokens, completion_tokens, '
                '"startTime", "endTime", model) VALUES (:id, 0, :pt, 2000, :st, :et, :model)'
            ),
            [
                {
                    "id": f"r{i}",
                    "pt": pt,
                    "st": t0 + timedelta(minutes=i),
                    "et": t0 + timedelta(minutes=i, seconds=3),
                    "model": "claude-haiku-5-5",
                }
                for i, pt in enumerate(sizes)
            ],
        )
    eng.dispose()
    store = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    try:
        doc = ingest(store, [pg_database_url]).document
        prices = catalog_price("claude-haiku-5-5", as_of=t0.date())
        one_by_one = cost_usd(
            prices, np.array([Tokens(input_tokens=pt, output_tokens=2000).array() for pt in sizes])
        )
        assert doc["cost_usd"] == pytest.approx(one_by_one.sum())
        summed = np.array([Tokens(input_tokens=pt, output_tokens=2000).array() for pt in sizes]).sum(axis=0)
        all_base, all_tier = (cost_usd(prices, summed, tier_input=n)[0] for n in (0, 200_000))
        assert all_base < doc["cost_usd"] < all_tier
    finally:
        store.dispose()


def test_bad_database_url_is_refused_cleanly(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ROI_DATABASE_URL", f"sqlite:///{tmp_path / 'roi.db'}")
    empty = tmp_path / "empty.db"
    create_engine(f"sqlite:///{empty}").connect().close()
    assert main(["ingest", f"sqlite:///{empty}"]) == 2
    err = capsys.readouterr().err
    assert 'no table "LiteLLM_SpendLogs"' in err and "Traceback" not in err
