"""Reading a LiteLLM proxy's PostgreSQL directly: the database does the GROUP BY."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from roi.catalog import catalog_price
from roi.catalog.cost import cost_usd
from roi.cli import main
from roi.store import Store
from roi.tokens import Tokens
from roi.usage import ingest, priced_store, summary
from roi.usage.schema import TOKEN_COLUMNS

DATA = Path(__file__).resolve().parents[3] / "data" / "usage"
SPENDLOGS = DATA / "litellm_spendlogs.csv"
SNAPSHOTS = Path(__file__).resolve().parent / "sql"

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


def _load_sample(url: str) -> None:
    """The SpendLogs sample (data/usage) into a LiteLLM proxy's table, typed as the proxy types it."""
    df = pd.read_csv(SPENDLOGS, dtype=str, keep_default_na=False)
    with create_engine(url).begin() as conn:
        conn.execute(text(DDL))
        conn.execute(
            text(
                'INSERT INTO "LiteLLM_SpendLogs" (request_id, api_key, spend, prompt_tokens, completion_tokens, '
                '"startTime", "endTime", "completionStartTime", model, model_group, "user", metadata, cache_hit, '
                "request_tags, team_id) VALUES (:request_id, :api_key, CAST(:spend AS DOUBLE PRECISION), "
                "CAST(:prompt_tokens AS INTEGER), CAST(:completion_tokens AS INTEGER), "
                "CAST(:startTime AS TIMESTAMP), CAST(:endTime AS TIMESTAMP), "
                "CAST(NULLIF(:completionStartTime, '') AS TIMESTAMP), :model, :model_group, NULLIF(:user, ''), "
                "CAST(:metadata AS JSONB), :cache_hit, CAST(:request_tags AS JSONB), NULLIF(:team_id, ''))"
            ),
            df.to_dict("records"),
        )


@pytest.mark.postgres
def test_postgres_and_duckdb_give_the_same_rollup_to_the_token(pg_database_url, tmp_path):
    from roi.usage import lake
    from roi.usage.engine.remote import queries

    _load_sample(pg_database_url)
    eng = create_engine(pg_database_url)
    with eng.connect() as conn:
        remote = pd.read_sql(text(queries(pg_database_url)[1]), conn)
    eng.dispose()
    store = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    try:
        imp = ingest(store, [SPENDLOGS]).summaries[0].import_id
        local = pd.read_parquet(lake.import_dir(store, imp) / lake.ROLLUP)
    finally:
        store.dispose()
    keys = ["hour", "model_raw", "api_key", "project", "user", "tag", "context_window"]
    values = [
        "requests",
        *TOKEN_COLUMNS,
        "reported_cost_usd",
        "latency_s_sum",
        "ttft_s_sum",
        "timed_requests",
    ]

    def norm(df: pd.DataFrame) -> pd.DataFrame:
        df = df.copy()
        df["hour"] = pd.to_datetime(df["hour"]).dt.tz_localize(None)
        df[keys[1:]] = df[keys[1:]].fillna("")
        return df.groupby(keys)[values].sum().sort_index()

    pd.testing.assert_frame_equal(norm(remote), norm(local), check_dtype=False, rtol=1e-12)
    assert norm(local)["requests"].sum() == 15


def test_the_sql_compiles_for_warehouses(tmp_path):
    """BigQuery, Snowflake, Trino and ClickHouse: the same expression compiles (snapshots); run them
    with their SQLAlchemy driver installed (`pip install sqlalchemy-bigquery`, ...)."""
    import ibis

    from roi.usage.engine import rollup as agg
    from roi.usage.engine.requests import spendlogs_requests

    schema = {
        "request_id": "string", "api_key": "string", "spend": "float64", "prompt_tokens": "float64",
        "completion_tokens": "float64", "starttime": "timestamp", "endtime": "timestamp",
        "completionstarttime": "timestamp", "model": "string", "model_group": "string", "user": "string",
        "metadata": "string", "cache_hit": "string", "request_tags": "string", "team_id": "string",
    }  # fmt: skip
    req = agg.counted(spendlogs_requests(ibis.table(schema, name="spendlogs")))
    expr = agg.rollup(req, starts=(200_000,))  # fixed tier starts: a price-catalog update changes no snapshot
    for dialect in ("bigquery", "snowflake", "trino", "clickhouse", "postgres", "duckdb"):
        sql = ibis.to_sql(expr, dialect=dialect)
        snapshot = SNAPSHOTS / f"rollup.{dialect}.sql"
        if not snapshot.exists():  # a new dialect: its snapshot is written, to be reviewed and committed
            snapshot.write_bytes(sql.encode())
            pytest.fail(f"{snapshot} written: review it, commit it, run again")
        assert sql == snapshot.read_bytes().decode(), (
            f"{dialect}: the compiled SQL changed; review and update {snapshot}"
        )
        assert "GROUP BY" in sql and "spendlogs" in sql
