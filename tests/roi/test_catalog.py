from __future__ import annotations

from datetime import date

import pytest

from roi.catalog import (
    UnknownModelError,
    catalog_entries,
    catalog_price,
    custom_price,
    default_latency,
    latency_table,
    price_history,
    resolve_model_ref,
)
from roi.catalog.cost import rates


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("claude-haiku-4-5", "claude-haiku-4-5"),
        ("claude-haiku-4-5-20251001", "claude-haiku-4-5"),
        ("anthropic/claude-sonnet-4-5", "claude-sonnet-4-5"),
        ("Claude Haiku 4.5", "claude-haiku-4-5"),
        ("us.anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku-latest"),
        ("claude-3-5-haiku-latest", "claude-3-5-haiku-latest"),
    ],
)
def test_resolves_ids_found_in_the_wild(ref, expected):
    assert resolve_model_ref(ref)[1] == expected


def test_unknown_model():
    with pytest.raises(UnknownModelError):
        catalog_price("not-a-model-xyz", as_of=date(2026, 1, 1))


def test_haiku_prices_all_buckets_and_batch():
    p = catalog_price("claude-haiku-4-5", as_of=date(2026, 11, 1))
    assert (p.base.input, p.base.cache_write_5m, p.base.cache_write_1h, p.base.cache_read, p.base.output) == (
        1.0,
        1.25,
        2.0,
        0.1,
        5.0,
    )
    b = catalog_price("claude-haiku-4-5", as_of=date(2026, 11, 1), batch=True)
    assert (b.base.input, b.base.output) == (0.5, 2.5)


def test_historic_prices_differ_by_date():
    # Sonnet 4.6 had a long-context tier until 2026-03-13, then flat prices.
    before = catalog_price("claude-sonnet-4-6", as_of=date(2026, 3, 1))
    after = catalog_price("claude-sonnet-4-6", as_of=date(2026, 4, 1))
    assert rates(before, [300_000])[0, 0] == 6.0
    assert rates(after, [300_000])[0, 0] == 3.0
    history = price_history("claude-sonnet-4-6")
    assert [d for d, _ in history] == [None, date(2026, 3, 13)]


def test_long_context_tier_is_a_cliff():
    p = catalog_price("claude-sonnet-4-5", as_of=date(2026, 1, 1))
    assert rates(p, [200_000])[0, 0] == 3.0
    assert rates(p, [200_001])[0, 0] == 6.0


def test_discount_and_custom():
    p = catalog_price("claude-opus-4-5", as_of=date(2026, 11, 1)).with_discount(0.2)
    assert p.base.output == pytest.approx(20.0)
    c = custom_price("llama-onprem", input=0.2, output=0.4)
    assert c.provenance == "assumed" and c.base.cache_write_1h == 0.0


def test_catalog_lists_every_provider():
    entries = catalog_entries(as_of=date(2026, 11, 1))
    providers = {e.provider for e in entries}
    assert {"anthropic", "openai", "google"} <= providers
    anthropic = {e.model_id for e in entries if e.provider == "anthropic"}
    assert {"claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-5"} <= anthropic


def test_latency_table_rows_name_their_source():
    for model, row in latency_table().items():
        assert row.source and "(" in row.source, model
        assert row.ttft_s > 0 and row.output_tokens_per_s > 0
    assert default_latency("some-unknown-model") == latency_table()["*"]
