"""The Models & prices page's logic: catalog listing, models in play with provenance, overrides,
custom models and the price date."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pytest

from roi.engine import compute, model_specs
from roi.errors import ScenarioError
from roi.modelset import (
    add_custom_model,
    catalog_frame,
    models_table,
    set_models_in_play,
    set_override,
    set_price_date,
)
from roi.scenario import ModelDef, Routing, Scenario, demo_scenario, load_scenario

DEMO = demo_scenario()  # prices as of 2026-11-01; baseline claude-opus-4-1
AS_OF = date(2026, 11, 1)
HAIKU, SONNET, OPUS = "claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-1"
PRICE_COLUMNS = ["input", "cache write 5m", "cache write 1h", "cache read", "output"]
CUSTOM = {"input": 0.2, "output": 0.6, "cache_write": 0.25, "cache_read": 0.02, "ttft_s": 0.3}


def _custom(s: Scenario = DEMO, name: str = "llama-onprem", **kw: float) -> Scenario:
    return add_custom_model(s, name, **{**CUSTOM, "output_tokens_per_s": 80.0, **kw})


def _row(s: Scenario, model: str) -> dict:
    table = models_table(s)
    rows = table[table["model"] == model].to_dict("records")
    assert len(rows) == 1, table["model"].tolist()
    return rows[0]


def _saved_and_loaded(s: Scenario) -> Scenario:
    return load_scenario(s.to_json())


# --- catalog_frame --------------------------------------------------------------------------------


def test_catalog_lists_prices_per_million_tokens():
    f = catalog_frame(as_of=AS_OF, provider="anthropic")
    haiku = f[f["model"] == HAIKU].iloc[0]
    assert (haiku["name"], haiku["provider"]) == ("Claude Haiku 4.5", "anthropic")
    assert [haiku[c] for c in PRICE_COLUMNS] == [1.0, 1.25, 2.0, 0.1, 5.0]
    assert bool(haiku["batch prices"]) is True
    opus = f[f["model"] == OPUS].iloc[0]
    assert (opus["input"], opus["output"]) == (15.0, 75.0)


@pytest.mark.parametrize("provider", ["anthropic", "openai", "google"])
def test_provider_filter_keeps_only_that_provider(provider):
    f = catalog_frame(as_of=AS_OF, provider=provider)
    assert len(f) > 0
    assert set(f["provider"]) == {provider}
    everyone = catalog_frame(as_of=AS_OF)
    assert len(everyone) > len(f)
    assert set(f["model"]) <= set(everyone.loc[everyone["provider"] == provider, "model"])


@pytest.mark.parametrize("provider", [None, ""])
def test_no_provider_lists_every_provider(provider):
    f = catalog_frame(as_of=AS_OF, provider=provider)
    assert {"anthropic", "openai", "google"} <= set(f["provider"])


@pytest.mark.parametrize(
    ("search", "must_include"),
    [
        ("haiku", {HAIKU, "claude-3-haiku"}),
        ("HAIKU", {HAIKU, "claude-3-haiku"}),
        ("  haiku  ", {HAIKU}),
        ("Sonnet 4.6", {"claude-sonnet-4-6"}),  # the display name, not the id (claude-sonnet-4-6)
        ("sonnet-4-6", {"claude-sonnet-4-6"}),  # the id, not the display name (Claude Sonnet 4.6)
        ("opus 4.1", {OPUS}),
    ],
)
def test_search_matches_id_or_name_ignoring_case(search, must_include):
    f = catalog_frame(as_of=AS_OF, provider="anthropic", search=search)
    assert must_include <= set(f["model"])
    q = search.strip().lower()
    for model, name in zip(f["model"], f["name"], strict=True):
        assert q in model.lower() or q in name.lower()
    assert len(f) < len(catalog_frame(as_of=AS_OF, provider="anthropic"))


def test_search_and_provider_combine():
    f = catalog_frame(as_of=AS_OF, provider="openai", search="gpt-4o-mini")
    assert "gpt-4o-mini" in set(f["model"])
    assert set(f["provider"]) == {"openai"}
    assert all("gpt-4o-mini" in m for m in f["model"])


def test_a_search_with_no_hits_is_an_empty_table_with_its_columns():
    f = catalog_frame(as_of=AS_OF, search="no-such-model-zzz")
    assert len(f) == 0
    assert list(f.columns) == list(catalog_frame(as_of=AS_OF, provider="anthropic").columns)
    assert {"provider", "model", "name", *PRICE_COLUMNS} <= set(f.columns)


@pytest.mark.parametrize(
    ("as_of", "tier"),
    [(date(2026, 3, 1), "> 200,000 tokens"), (date(2026, 3, 12), "> 200,000 tokens"), (date(2026, 4, 1), "")],
)
def test_catalog_shows_the_long_context_tier_a_model_had_on_that_date(as_of, tier):
    # claude-sonnet-4-6 had a long-context tier until 2026-03-13, then flat prices
    f = catalog_frame(as_of=as_of, provider="anthropic", search="claude-sonnet-4-6")
    assert f.set_index("model").at["claude-sonnet-4-6", "long-context tier"] == tier


# --- models_table ---------------------------------------------------------------------------------


def test_models_table_lists_every_model_in_play_with_catalog_provenance():
    table = models_table(DEMO)
    assert table["model"].tolist() == DEMO.models_in_play() == [OPUS, HAIKU, SONNET]
    for r in table.to_dict("records"):
        assert r["price provenance"] == "catalog (genai-prices, as of 2026-11-01)"
        assert r["discount %"] == 0
        assert r["provider"] == "anthropic"
    assert [_row(DEMO, HAIKU)[c] for c in PRICE_COLUMNS] == [1.0, 1.25, 2.0, 0.1, 5.0]
    assert [_row(DEMO, SONNET)[c] for c in PRICE_COLUMNS] == [3.0, 3.75, 6.0, 0.3, 15.0]


def test_models_table_shows_prices_after_the_discount():
    s = set_override(DEMO, OPUS, discount=0.2)
    r = _row(s, OPUS)
    # 20% off every bucket: 15 → 12, 18.75 → 15, 30 → 24, 1.5 → 1.2, 75 → 60
    assert [r[c] for c in PRICE_COLUMNS] == pytest.approx([12.0, 15.0, 24.0, 1.2, 60.0])
    assert r["discount %"] == 20.0
    assert r["price provenance"] == (
        "catalog (genai-prices, as of 2026-11-01), 20% negotiated discount (assumed)"
    )
    assert _row(s, HAIKU)["input"] == 1.0  # the others keep list prices


def test_models_table_says_custom_prices_are_assumed():
    s = _custom()
    r = _row(s, "llama-onprem")
    assert r["provider"] == "custom"
    assert r["price provenance"] == "assumed (typed custom prices)"
    assert "catalog" not in r["price provenance"]
    # typed prices; the 1-hour cache write falls back to the 5-minute one
    assert [r[c] for c in PRICE_COLUMNS] == [0.2, 0.25, 0.25, 0.02, 0.6]
    assert (r["ttft s"], r["output tokens/s"]) == (0.3, 80.0)
    assert r["latency provenance"] == "assumed: typed in the scenario"


def test_models_table_latency_defaults_name_their_source():
    r = _row(DEMO, HAIKU)
    assert r["latency provenance"].startswith("assumed: placeholder")
    assert "measured" not in r["latency provenance"]


def test_latency_provenance_mentions_measured_latency_on_tasks():
    tasks = list(DEMO.tasks)
    tasks[0] = replace(tasks[0], latency_s={HAIKU: 0.9})
    tasks[2] = replace(tasks[2], latency_s={HAIKU: 3.1, SONNET: 5.0})
    s = DEMO.with_tasks(tasks)
    assert _row(s, HAIKU)["latency provenance"].endswith("; measured latency on 2 task(s)")
    assert _row(s, SONNET)["latency provenance"].endswith("; measured latency on 1 task(s)")
    assert "measured" not in _row(s, OPUS)["latency provenance"]


def test_models_table_follows_the_price_date():
    s = set_price_date(DEMO, date(2025, 6, 1))
    assert _row(s, HAIKU)["price provenance"] == "catalog (genai-prices, as of 2025-06-01)"


def test_models_table_names_an_unknown_model():
    s = replace(DEMO, models={**DEMO.models, "not-a-model-xyz": ModelDef()})
    with pytest.raises(ScenarioError, match="not-a-model-xyz"):
        models_table(s)


# --- set_models_in_play ---------------------------------------------------------------------------


def test_adding_catalog_models_to_play():
    s = set_models_in_play(DEMO, [OPUS, HAIKU, SONNET, "claude-sonnet-4-6", "gpt-4o-mini"])
    assert s.models["claude-sonnet-4-6"] == ModelDef() and s.models["gpt-4o-mini"] == ModelDef()
    assert s.models_in_play()[-2:] == ["claude-sonnet-4-6", "gpt-4o-mini"]
    assert _row(s, "gpt-4o-mini")["provider"] == "openai"
    assert "claude-sonnet-4-6" not in DEMO.models  # the scenario itself is not changed
    assert replace(s, models=DEMO.models) == DEMO


def test_an_existing_override_survives_set_models_in_play():
    s = set_override(DEMO, HAIKU, discount=0.1)
    s = set_models_in_play(s, [OPUS, HAIKU, SONNET, "claude-opus-4-5"])
    assert s.models[HAIKU].discount == 0.1


def test_removing_an_unused_model_drops_it_and_its_override():
    s = set_override(
        set_models_in_play(DEMO, [OPUS, HAIKU, SONNET, "claude-opus-4-5"]), "claude-opus-4-5", discount=0.3
    )
    out = set_models_in_play(s, [OPUS, HAIKU, SONNET])
    assert "claude-opus-4-5" not in out.models
    assert out.models == DEMO.models


@pytest.mark.parametrize(
    ("keep", "dropped"),
    [
        ([HAIKU, SONNET], OPUS),  # the baseline (and a routing share)
        ([OPUS, SONNET], HAIKU),  # fixed share and the first step of a cascade
        ([OPUS, HAIKU], SONNET),  # the cascade's escalation model
    ],
)
def test_a_model_the_baseline_or_a_routing_uses_cannot_be_removed(keep, dropped):
    with pytest.raises(ScenarioError, match=f'model "{dropped}" is still used'):
        set_models_in_play(DEMO, keep)


def test_the_baseline_alone_cannot_be_removed():
    tasks = [replace(t, routing=Routing(shares={HAIKU: 1.0})) for t in DEMO.tasks]
    s = DEMO.with_tasks(tasks)
    assert set(set_models_in_play(s, [OPUS, HAIKU]).models) == {OPUS, HAIKU}
    with pytest.raises(ScenarioError, match=f'"{OPUS}" is still used by the baseline'):
        set_models_in_play(s, [HAIKU])


def test_an_unknown_model_cannot_be_put_in_play():
    with pytest.raises(ScenarioError, match="not-a-model-xyz"):
        set_models_in_play(DEMO, [OPUS, HAIKU, SONNET, "not-a-model-xyz"])


def test_an_unused_custom_model_can_be_removed():
    s = _custom()
    assert set_models_in_play(s, [OPUS, HAIKU, SONNET]) == DEMO


def test_a_custom_model_a_task_still_has_accuracy_for_cannot_be_removed():
    # Without the custom model the scenario could not be priced: its id is in no catalog.
    s = _custom()
    t0 = replace(s.tasks[0], accuracy={**s.tasks[0].accuracy, "llama-onprem": 0.9})
    s = s.with_tasks((t0, *s.tasks[1:]))
    with pytest.raises(ScenarioError, match='custom model "llama-onprem" still has numbers on task "Intake'):
        set_models_in_play(s, [OPUS, HAIKU, SONNET])
    compute(s)  # the scenario as it stands is fine


# --- set_override ---------------------------------------------------------------------------------


@pytest.mark.parametrize("discount", [0.0, 0.05, 0.5, 0.99])
def test_discount_scales_every_price(discount):
    s = set_override(DEMO, SONNET, discount=discount)
    assert s.models[SONNET].discount == discount
    r = _row(s, SONNET)
    assert [r[c] for c in PRICE_COLUMNS] == pytest.approx(
        [(1 - discount) * p for p in (3.0, 3.75, 6.0, 0.3, 15.0)]
    )
    assert _saved_and_loaded(s) == s


def test_a_discount_lowers_spend():
    base = compute(DEMO).month1_spend
    cheaper = compute(set_override(DEMO, SONNET, discount=0.5)).month1_spend
    assert cheaper < base


@pytest.mark.parametrize("discount", [-0.1, 1.0, 1.5, float("nan")])
def test_discount_outside_0_to_99_percent_is_refused(discount):
    with pytest.raises(ScenarioError, match=rf'models\["{SONNET}"\]\.discount'):
        set_override(DEMO, SONNET, discount=discount)


@pytest.mark.parametrize("discount", [0.0, 0.2])
def test_a_custom_model_gets_no_discount(discount):
    s = _custom()
    with pytest.raises(ScenarioError, match="custom model has typed prices"):
        set_override(s, "llama-onprem", discount=discount)


def test_a_custom_model_can_change_its_latency():
    s = set_override(_custom(), "llama-onprem", ttft_s=1.5, output_tokens_per_s=40.0)
    d = s.models["llama-onprem"]
    assert d.custom and (d.input, d.output) == (0.2, 0.6)
    assert (d.ttft_s, d.output_tokens_per_s) == (1.5, 40.0)


def test_latency_override_replaces_the_default_profile():
    s = set_override(DEMO, HAIKU, ttft_s=0.25, output_tokens_per_s=300.0)
    r = _row(s, HAIKU)
    assert (r["ttft s"], r["output tokens/s"]) == (0.25, 300.0)
    assert r["latency provenance"] == "assumed: typed in the scenario"
    assert r["input"] == 1.0  # prices untouched
    assert _saved_and_loaded(s) == s


def test_ttft_alone_keeps_the_default_speed():
    default_speed = _row(DEMO, HAIKU)["output tokens/s"]
    s = set_override(DEMO, HAIKU, ttft_s=0.0)
    r = _row(s, HAIKU)
    assert (r["ttft s"], r["output tokens/s"]) == (0.0, default_speed)
    assert s.models[HAIKU].discount == 0.0


def test_overrides_accumulate():
    s = set_override(DEMO, HAIKU, discount=0.1)
    s = set_override(s, HAIKU, output_tokens_per_s=222.0)
    assert s.models[HAIKU] == ModelDef(discount=0.1, output_tokens_per_s=222.0)


@pytest.mark.parametrize("ttft", [-0.5, float("nan"), float("inf")])
def test_ttft_must_be_a_finite_non_negative_number(ttft):
    # The scenario file refuses these, so accepting one would make a scenario that cannot be reopened.
    with pytest.raises(ScenarioError, match=rf'models\["{HAIKU}"\]\.ttft_s'):
        set_override(DEMO, HAIKU, ttft_s=ttft)


@pytest.mark.parametrize("speed", [0.0, -10.0, float("nan"), float("inf")])
def test_speed_must_be_a_finite_positive_number(speed):
    with pytest.raises(ScenarioError, match=rf'models\["{HAIKU}"\]\.output_tokens_per_s'):
        set_override(DEMO, HAIKU, output_tokens_per_s=speed)


# --- add_custom_model -----------------------------------------------------------------------------


def test_add_custom_model():
    s = _custom(name="  llama-onprem  ")
    assert "llama-onprem" in s.models and "  llama-onprem  " not in s.models
    assert s.models["llama-onprem"] == ModelDef(
        custom=True,
        input=0.2,
        output=0.6,
        cache_write=0.25,
        cache_read=0.02,
        ttft_s=0.3,
        output_tokens_per_s=80.0,
    )
    assert "llama-onprem" in s.models_in_play()
    assert _saved_and_loaded(s) == s


def test_a_custom_model_is_priced_at_its_typed_prices():
    s = _custom()
    tasks = list(s.tasks)
    tasks[0] = replace(
        tasks[0],
        routing=Routing(shares={"llama-onprem": 1.0}),
        accuracy={**tasks[0].accuracy, "llama-onprem": 0.9},
    )
    s = s.with_tasks(tasks)
    spec = model_specs(s)["llama-onprem"]
    assert (spec.prices.base.input, spec.prices.base.output) == (0.2, 0.6)
    # Intake classification, 10,000 requests of 5,200 input + 800 cache-read + 40 output tokens:
    # (5,200 × 0.2 + 800 × 0.02 + 40 × 0.6) / 1M = $0.00108 per request → $10.80 a month
    assert compute(s).spend_by_model()["llama-onprem"] == pytest.approx(10.80)


@pytest.mark.parametrize(
    "name",
    [
        HAIKU,
        "claude-haiku-4-5-20251001",  # a dated id
        "Claude Haiku 4.5",  # a display name
        "anthropic/claude-sonnet-4-5",  # a prefixed id
        "gpt-4o",
        f"  {OPUS} ",
    ],
)
def test_a_custom_model_cannot_shadow_a_catalog_model(name):
    with pytest.raises(ScenarioError, match="that id is a catalog model"):
        _custom(name=name)


@pytest.mark.parametrize("name", ["", "   "])
def test_a_custom_model_needs_a_name(name):
    with pytest.raises(ScenarioError, match="give it a name"):
        _custom(name=name)


@pytest.mark.parametrize(
    "bad",
    [
        {"input": -0.01},
        {"output": -1.0},
        {"cache_write": -1.0},
        {"cache_read": -0.5},
        {"ttft_s": -0.1},
        {"output_tokens_per_s": 0.0},
        {"output_tokens_per_s": -5.0},
        {"input": float("nan")},
        {"output": float("inf")},
        {"cache_read": float("nan")},
        {"ttft_s": float("inf")},
        {"output_tokens_per_s": float("nan")},
        {"output_tokens_per_s": float("inf")},
    ],
)
def test_a_custom_model_refuses_negative_or_non_finite_numbers(bad):
    with pytest.raises(ScenarioError, match='custom model "llama-onprem"'):
        _custom(**bad)


def test_zero_prices_are_allowed_for_a_custom_model():
    s = _custom(input=0.0, output=0.0, cache_write=0.0, cache_read=0.0, ttft_s=0.0)
    assert s.models["llama-onprem"].input == 0.0


# --- set_price_date -------------------------------------------------------------------------------


def test_set_price_date_changes_only_the_date():
    s = set_price_date(DEMO, date(2026, 3, 1))
    assert s.price_date == s.as_of == date(2026, 3, 1)
    assert replace(s, price_date=DEMO.price_date) == DEMO
    assert _saved_and_loaded(s).price_date == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("as_of", "tier_starts", "rates_above_200k"),
    [
        # Sonnet 4.6 charged $6 / $22.50 per million above 200k input tokens until 2026-03-13
        (date(2026, 3, 1), [200_000], (6.0, 22.5)),
        (date(2026, 4, 1), [], None),
    ],
)
def test_historic_prices_follow_the_price_date(as_of, tier_starts, rates_above_200k):
    s = set_models_in_play(DEMO, [OPUS, HAIKU, SONNET, "claude-sonnet-4-6"])
    s = set_price_date(s, as_of)
    prices = model_specs(s)["claude-sonnet-4-6"].prices
    assert prices.as_of == as_of
    assert (prices.base.input, prices.base.output) == (3.0, 15.0)
    assert [t.start for t in prices.tiers] == tier_starts
    if rates_above_200k:
        assert (prices.tiers[0].rates.input, prices.tiers[0].rates.output) == rates_above_200k
    assert (
        _row(s, "claude-sonnet-4-6")["price provenance"]
        == f"catalog (genai-prices, as of {as_of.isoformat()})"
    )


def test_a_long_context_task_costs_more_before_the_tier_was_dropped():
    # One task of 300k input tokens per request on Sonnet 4.6: the tier doubles the input price.
    s = set_models_in_play(DEMO, [OPUS, HAIKU, SONNET, "claude-sonnet-4-6"])
    t = replace(
        s.tasks[0],
        input_tokens=300_000,
        cache_read_tokens=0,
        output_tokens=0,
        requests_per_month=1,
        routing=Routing(shares={"claude-sonnet-4-6": 1.0}),
        accuracy={**s.tasks[0].accuracy, "claude-sonnet-4-6": 0.97},
    )
    s = s.with_tasks([t])
    before = compute(set_price_date(s, date(2026, 3, 1))).month1_spend
    after = compute(set_price_date(s, date(2026, 4, 1))).month1_spend
    # 300,000 × $6 / 1M = $1.80 before; 300,000 × $3 / 1M = $0.90 after
    assert before == pytest.approx(1.80)
    assert after == pytest.approx(0.90)
    assert math.isclose(before, 2 * after)
