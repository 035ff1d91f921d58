"""The cost of a request has one definition: the scenario engine, usage import and the sample-run
runner all get genai-prices' own `calc_price` dollars for the same tokens.

The long-context cases are the ones that were wrong before: imported per-request logs priced
every request over 200k at the long-context rate, whatever the model's real tier start, and the
runner ignored 1-hour cache writes.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from genai_prices import Usage, calc_price

from roi.catalog import catalog_price
from roi.catalog.cost import band_floor, band_tier_input, context_band, cost_usd, tier_starts
from roi.engine import compute
from roi.evals.results import results, summarize
from roi.evals.runner import RunConfig, Runner, run_sync
from roi.evals.sets import parse_eval_set
from roi.scenario import parse_scenario
from roi.store import Store
from roi.tokens import Tokens
from roi.usage import ingest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, so that `fakes` is importable
from fakes.fake_anthropic import FakeAnthropic  # noqa: E402

TODAY = date.today()
REQUESTS = 100
CASES = {
    # model, tokens of one request
    "haiku 5.5 over its 100k tier": ("claude-haiku-5-5", Tokens(input_tokens=150_000, output_tokens=2_000)),
    "haiku 5.5 under its tier": ("claude-haiku-5-5", Tokens(input_tokens=90_000, output_tokens=500)),
    "sonnet 4.5 over its 200k tier": ("claude-sonnet-4-5", Tokens(input_tokens=250_000, output_tokens=2_000)),
    "sonnet 4.5 at 150k (below its tier)": (
        "claude-sonnet-4-5",
        Tokens(input_tokens=150_000, output_tokens=80),
    ),
    "1-hour and 5-minute cache writes": (
        "claude-sonnet-4-5",
        Tokens(
            input_tokens=1_200,
            cache_write_5m_tokens=2_000,
            cache_write_1h_tokens=30_000,
            cache_read_tokens=4_000,
            output_tokens=500,
        ),
    ),
    "long context reached through cache reads": (
        "claude-sonnet-4-5",
        Tokens(
            input_tokens=10_000, cache_write_1h_tokens=20_000, cache_read_tokens=180_000, output_tokens=900
        ),
    ),
    "haiku 4.5 with cache": (
        "claude-haiku-4-5",
        Tokens(input_tokens=1_800, cache_write_5m_tokens=600, cache_read_tokens=2_400, output_tokens=40),
    ),
}


def genai_dollars(model: str, t: Tokens, *, batch: bool = False) -> float:
    """genai-prices' own price of REQUESTS such requests (its input_tokens is the total input)."""
    usage = Usage(
        input_tokens=int(t.total_input_tokens),
        cache_write_tokens=int(t.cache_write_5m_tokens + t.cache_write_1h_tokens),
        cache_write_1h_tokens=int(t.cache_write_1h_tokens),
        cache_read_tokens=int(t.cache_read_tokens),
        output_tokens=int(t.output_tokens),
    )
    when = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC).replace(hour=12)
    context = {"processing": "batch"} if batch else None
    one = calc_price(
        usage, model, provider_id="anthropic", genai_request_timestamp=when, price_context=context
    )
    return float(one.total_price * Decimal(REQUESTS))


def test_the_issue_figures():
    """100 requests of 150,000 input and 2,000 output tokens: $8.00 on claude-haiku-5-5 (tier from
    100k; $1.60 at its base rate), and of 250,000 on claude-sonnet-4-5: $154.50 ($78.00 at base)."""
    assert genai_dollars(*CASES["haiku 5.5 over its 100k tier"]) == pytest.approx(8.00)
    assert genai_dollars(*CASES["sonnet 4.5 over its 200k tier"]) == pytest.approx(154.50)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("batch", [False, True])
def test_scenario_engine_matches_genai_prices(case, batch):
    model, t = CASES[case]
    doc = {
        "name": case,
        "price_date": TODAY.isoformat(),
        "baseline": {"model": model},
        "tasks": [
            {
                "name": "Work",
                "requests_per_month": REQUESTS,
                "input_tokens": t.input_tokens,
                "cache_write_tokens": t.cache_write_5m_tokens,
                "cache_write_1h_tokens": t.cache_write_1h_tokens,
                "cache_read_tokens": t.cache_read_tokens,
                "output_tokens": t.output_tokens,
                "batch": batch,
                "accuracy": {model: 0.9},
                "routing": {model: 1.0},
            }
        ],
    }
    spend = compute(parse_scenario(doc)).month1_baseline_spend
    assert spend == pytest.approx(genai_dollars(model, t, batch=batch), rel=1e-12)


def _per_request_csv(model: str, t: Tokens, day: date) -> bytes:
    head = "request_id,timestamp,model,input_tokens,cache_write_5m_tokens,cache_write_1h_tokens,cache_read_tokens,output_tokens\n"
    rows = [
        f"r{i},{day.isoformat()}T09:{i % 60:02d}:00Z,{model},{t.input_tokens:.0f},{t.cache_write_5m_tokens:.0f},"
        f"{t.cache_write_1h_tokens:.0f},{t.cache_read_tokens:.0f},{t.output_tokens:.0f}\n"
        for i in range(REQUESTS)
    ]
    return (head + "".join(rows)).encode()


@pytest.mark.parametrize("case", CASES)
def test_usage_import_matches_genai_prices(tmp_path, case):
    model, t = CASES[case]
    store = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    try:
        doc = ingest(store, [("requests.csv", _per_request_csv(model, t, TODAY))]).document
        assert doc["requests"] == REQUESTS
        assert doc["cost_usd"] == pytest.approx(genai_dollars(model, t), rel=1e-12)
        # and the same again from what the store kept (daily buckets, summed)
        from roi.usage import priced_store, summary

        assert summary(priced_store(store))["cost_usd"] == pytest.approx(genai_dollars(model, t), rel=1e-12)
    finally:
        store.dispose()


def test_sample_run_runner_matches_genai_prices(tmp_path):
    cases = list(CASES.values())
    by_item = {f"i{k}": case for k, case in enumerate(cases)}

    def usage(model: str, system: str, user: str) -> dict:
        t = by_item[user.split()[-1]][1]
        return {
            "input_tokens": int(t.input_tokens),
            "cache_creation_input_tokens": int(t.cache_write_5m_tokens + t.cache_write_1h_tokens),
            "cache_creation": {
                "ephemeral_5m_input_tokens": int(t.cache_write_5m_tokens),
                "ephemeral_1h_input_tokens": int(t.cache_write_1h_tokens),
            },
            "cache_read_input_tokens": int(t.cache_read_tokens),
            "output_tokens": int(t.output_tokens),
        }

    models = sorted({m for m, _ in cases})
    eval_set = parse_eval_set(
        {
            "name": "priced",
            "tasks": {"T": {"prompt": "Answer {input}", "max_tokens": 10, "grader": {"type": "contains"}}},
            "items": [{"id": i, "task": "T", "input": i, "expected": "OK"} for i in by_item],
        }
    )
    store = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    try:
        with FakeAnthropic(usage=usage) as fake:
            runner = Runner(
                store, eval_set, RunConfig(models=models, base_url=fake.base_url), api_key="sk-test"
            )
            run_id = run_sync(runner)
        df = results(store, run_id)
        assert (df["status"] == "ok").all()
        for item, (model, t) in by_item.items():
            got = float(df[(df["item_id"] == item) & (df["model"] == model)]["cost_usd"].iloc[0])
            assert got * REQUESTS == pytest.approx(genai_dollars(model, t), rel=1e-12), item
        assert summarize(df)["cost_usd"].sum() > 0
    finally:
        store.dispose()


def test_one_function_prices_rows_of_any_size():
    p = catalog_price("claude-haiku-5-5", as_of=TODAY)
    tokens = np.array([Tokens(input_tokens=150_000).array(), Tokens(input_tokens=90_000).array()])
    each = cost_usd(p, tokens)
    summed = cost_usd(p, tokens.sum(axis=0), tier_input=band_tier_input(context_band([150_000]))[0])
    assert each[0] == pytest.approx(
        genai_dollars("claude-haiku-5-5", Tokens(input_tokens=150_000)) / REQUESTS
    )
    # a day's requests in one band price exactly as the requests one by one
    two = np.array([Tokens(input_tokens=150_000).array(), Tokens(input_tokens=160_000).array()])
    assert cost_usd(p, two.sum(axis=0), tier_input=band_tier_input(context_band([150_000]))[0])[0] == (
        pytest.approx(cost_usd(p, two).sum())
    )
    assert summed[0] > each[1]


def test_context_bands_cut_at_every_catalog_tier_start():
    starts = tier_starts()
    assert {100_000, 200_000} <= set(starts)
    assert list(context_band([150_000, 100_001, 250_000])) == [">128k", ">100k", ">200k"]
    below = max(s for s in starts if s < 100_000)
    assert context_band([100_000])[0] == f">{below // 1000}k"  # 100,000 does not exceed 100k
    assert context_band([1])[0] == f"0-{starts[0] // 1000}k"
    assert band_floor(">200k") == 200_000 and band_floor("0-200k") == 0 and band_floor(None) == 0
    assert band_floor(">1m") == 1_000_000 and band_floor("> 199999") == 199_999
    for size in (1, 99_999, 100_000, 100_001, 150_000, 200_000, 200_001, 272_000, 272_001, 600_000):
        inside = band_tier_input(context_band([size]))[0]
        assert [inside > s for s in starts] == [size > s for s in starts], size


def _analytics_day(group: dict, t: Tokens, day: date) -> dict:
    """One day bucket of the Usage & Cost Analytics API: REQUESTS requests of tokens `t`."""
    return {
        "starting_at": f"{day.isoformat()}T00:00:00Z",
        "ending_at": f"{(day + timedelta(days=1)).isoformat()}T00:00:00Z",
        "group": group,
        "usage": {
            "uncached_input_tokens": int(t.input_tokens * REQUESTS),
            "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
            "cache_read_input_tokens": int(t.cache_read_tokens * REQUESTS),
            "output_tokens": int(t.output_tokens * REQUESTS),
            "requests": REQUESTS,
        },
    }


def test_fast_mode_and_us_only_inference_are_priced(tmp_path):
    """Fast mode at the catalog's fast price (genai-prices' `speed: fast` variant); US-only
    inference at 1.1× in every bucket; fast mode on a model the catalog has no fast price for stays
    at the standard price, with a warning naming the model."""
    import json

    t = Tokens(input_tokens=1_000, cache_read_tokens=3_000, output_tokens=400)
    day = TODAY - timedelta(days=2)
    usage = Usage(input_tokens=4_000, cache_read_tokens=3_000, output_tokens=400)
    when = datetime.combine(day, datetime.min.time(), tzinfo=UTC).replace(hour=12)

    def genai(model: str, context: dict | None = None) -> float:
        one = calc_price(
            usage, model, provider_id="anthropic", genai_request_timestamp=when, price_context=context
        )
        return float(one.total_price * Decimal(REQUESTS))

    groups = {
        "fast": {"model": "claude-opus-4-8", "speed": "fast"},
        "us": {"model": "claude-opus-4-6", "inference_geo": "us"},
        "fast-unpriced": {"model": "claude-opus-4-6", "speed": "fast", "inference_geo": "global"},
    }
    expected = {
        "fast": genai("claude-opus-4-8", {"speed": "fast"}),
        "us": 1.1 * genai("claude-opus-4-6"),
        "fast-unpriced": genai("claude-opus-4-6"),
    }
    assert expected["fast"] > 1.5 * genai("claude-opus-4-8")  # the catalog really has a fast price
    store = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    try:
        from roi.usage import priced_store

        for label, group in groups.items():
            doc = {"data": [_analytics_day(group, t, day)], "has_more": False, "next_page": None}
            result = ingest(store, [(f"{label}.json", json.dumps(doc).encode())])
            assert result.document["cost_usd"] == pytest.approx(expected[label], rel=1e-12), label
            warned = [w for w in result.document["warnings"] if "no price for" in w]
            if label == "fast-unpriced":
                assert len(warned) == 1 and "speed fast on claude-opus-4-6" in warned[0], warned
            else:
                assert not warned, warned
        assert priced_store(store)["cost_usd"].sum() == pytest.approx(sum(expected.values()), rel=1e-12)
    finally:
        store.dispose()


def test_catalog_price_flags_what_it_priced():
    fast = catalog_price("claude-opus-4-8", as_of=TODAY, fast=True)
    standard = catalog_price("claude-opus-4-8", as_of=TODAY)
    assert fast.fast and fast.base.output > standard.base.output
    assert not catalog_price("claude-opus-4-6", as_of=TODAY, fast=True).fast  # no fast price listed
    us = catalog_price("claude-opus-4-6", as_of=TODAY, us_only=True)
    base = catalog_price("claude-opus-4-6", as_of=TODAY)
    assert us.us_only and us.base.array() == pytest.approx(1.1 * base.base.array())
    gpt = catalog_price("gpt-4o", as_of=TODAY, us_only=True)  # not Anthropic's API: no premium
    assert not gpt.us_only and gpt.base == catalog_price("gpt-4o", as_of=TODAY).base
