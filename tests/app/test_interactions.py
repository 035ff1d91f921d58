"""Page interactions through AppTest; every figure is compared with what `roi` computes."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from roi import routing, share
from roi.engine import compute
from roi.optimize import optimize
from roi.present import money
from roi.scenario import demo_scenario
from roi.store import Store
from roi.ui.state import LOADED_KEY, SCENARIO_KEY, seeded_key, widget_key
from roi.ui.text import md
from tests.app.helpers import button, page

ROOT = Path(__file__).resolve().parents[2]
HAIKU = "claude-haiku-4-5"


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_routine_slider_changes_the_engine_figures():
    at = page("routing").run()
    assert at.slider(key=seeded_key("tier:routine")).value == 100
    at.slider(key=seeded_key("tier:routine")).set_value(40).run()
    assert not at.exception
    expected = compute(routing.set_routine_share(demo_scenario(), HAIKU, 0.4))
    assert metrics(at)["Monthly spend, routed"] == money(expected.month1_spend)
    assert at.session_state[SCENARIO_KEY] == expected.scenario


def test_task_split_sliders_always_sum_to_100():
    at = page("routing").run()
    models = compute(demo_scenario()).matrix.models
    task = "Contract review"  # 80% Sonnet / 20% Opus in the demo
    at.slider(key=seeded_key(f"split:{task}:{HAIKU}")).set_value(50).run()
    values = {m: at.slider(key=seeded_key(f"split:{task}:{m}")).value for m in models}
    assert sum(values.values()) == 100
    assert values[HAIKU] == 50
    shares = next(t for t in at.session_state[SCENARIO_KEY].tasks if t.name == task).routing.shares
    assert shares == pytest.approx({HAIKU: 0.5, "claude-sonnet-4-5": 0.4, "claude-opus-4-1": 0.1})


def test_cascade_mode_and_escalation():
    at = page("routing").run()
    task = "Basic summaries"
    at.radio(key=seeded_key(f"mode:{task}")).set_value("Cascade").run()
    at.slider(key=seeded_key(f"casc:{task}:e")).set_value(35).run()
    assert not at.exception
    r = next(t for t in at.session_state[SCENARIO_KEY].tasks if t.name == task).routing
    assert r.cascade == (HAIKU, "claude-opus-4-1") and r.escalation_rate == pytest.approx(0.35)


def test_optimize_applies_the_optimizer_result():
    at = page("routing").run()
    button(at, "Optimize").click().run()
    assert not at.exception
    expected = optimize(demo_scenario())
    assert metrics(at)["Monthly spend, routed"] == money(expected.result.month1_spend)
    assert "cheapest split" in at.success[0].value
    assert at.slider(key=seeded_key("tier:routine")).value == 100


def test_break_even_inputs_move_payback():
    at = page("break_even").run()
    at.text_input(key=seeded_key("money:one_time_cost")).set_value("150,000").run()
    expected = compute(dataclasses.replace(demo_scenario(), one_time_cost=150_000.0))
    assert metrics(at)["Payback"] == f"month {expected.projection.payback_month}"
    at.text_input(key=seeded_key("money:volume_growth_per_month")).set_value("5").run()
    assert at.session_state[SCENARIO_KEY].volume_growth_per_month == pytest.approx(0.05)
    assert len(at.get("plotly_chart")) == 3


def test_task_mix_presets_and_apply():
    at = page("task_mix").run()
    button(at, "Blank scenario").click().run()
    assert at.session_state[SCENARIO_KEY].tasks == ()
    button(at, "Law-firm demo preset").click().run()
    assert at.session_state[SCENARIO_KEY] == demo_scenario()
    button(at, "Apply changes").click().run()  # the unedited tables: nothing changes
    assert not at.error and at.session_state[SCENARIO_KEY] == demo_scenario()


def test_models_page_discount_and_bad_removal():
    at = page("models").run()
    next(n for n in at.number_input if n.label == "Discount (%)").set_value(20.0)  # on the baseline
    button(at, "Apply").click().run()
    s = at.session_state[SCENARIO_KEY]
    assert s.models[s.baseline_model].discount == pytest.approx(0.2)
    in_play = at.multiselect(key=seeded_key("in_play"))
    in_play.set_value([HAIKU]).run()
    button(at, "Update models in play").click().run()
    assert any("still used" in e.value for e in at.error)
    assert at.session_state[SCENARIO_KEY].models_in_play() == s.models_in_play()


def test_scenarios_save_conflict_load_and_upload(tmp_path):
    at = page("scenarios").run()
    button(at, "Save scenario").click().run()
    assert not at.exception
    name = demo_scenario().name
    assert at.session_state[LOADED_KEY] == (name, 1)
    # someone else saves revision 2 meanwhile
    other = Store()
    other.save_scenario(demo_scenario(), expected_revision=1)
    other.dispose()
    button(at, "Save scenario").click().run()
    assert any("changed by someone else" in e.value for e in at.error)
    # a tampered upload is refused and the scenario stays
    before = at.session_state[SCENARIO_KEY]
    # the share link opens the scenario on screen (here a saved revision: the short kind of link)
    params = dict(parse_qsl(urlsplit(at.code[0].value).query))
    assert share.SAVED_PARAM in params
    reader = Store()
    assert share.open_link(params, reader.open_revision)[0] == before
    reader.dispose()


def test_share_link_opens_scenario_and_bad_link_keeps_current():
    shared = demo_scenario().with_name("From a link")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params[share.PARAM] = share.encode(shared)
    at.run()
    assert not at.exception
    assert at.session_state[SCENARIO_KEY].name == "From a link"
    bad = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    bad.query_params[share.PARAM] = "tampered" + share.encode(shared)[8:]
    bad.run()
    assert not bad.exception
    assert any("share link" in e.value for e in bad.error)
    assert bad.session_state[SCENARIO_KEY] == demo_scenario()


def test_presentation_mode_hides_editing_and_steps():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    at.toggle(key=widget_key("presentation")).set_value(True).run()
    assert not at.exception
    assert at.title[0].value == "The answer"
    assert not at.slider and not at.number_input
    button(at, "Next ▶").click().run()
    assert at.title[0].value == "Monthly token spend"
    assert at.get("plotly_chart")


def test_report_page_offers_every_export_and_saves_branding():
    from roi.report import FORMATS

    at = page("report").run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [spec.label for spec in FORMATS.values()]
    next(t for t in at.text_input if t.label == "Firm name").set_value("Hale & Pardo LLP")
    next(c for c in at.color_picker if c.label == "Accent colour").set_value("#AA3300")
    button(at, "Save branding").click().run()
    assert not at.exception
    assert any("Branding saved" in s.value for s in at.success)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert any(md("Hale & Pardo LLP") in m.value for m in app.markdown)  # the name as text, never markdown


def test_routine_slider_follows_per_task_edits():
    at = page("routing").run()
    at.slider(key=seeded_key(f"split:Intake classification:{HAIKU}")).set_value(40).run()
    expected = routing.routine_share(at.session_state[SCENARIO_KEY], HAIKU)
    assert at.slider(key=seeded_key("tier:routine")).value == round(100 * expected) < 100


def test_custom_model_survives_update_and_cannot_shadow_the_catalog():
    at = page("models").run()
    form = at.text_input  # the custom model form's id field is the only text input besides search
    model_id = next(t for t in form if t.label == "Model id")
    model_id.set_value("onprem-llama")
    button(at, "Add custom model").click().run()
    assert "onprem-llama" in at.session_state[SCENARIO_KEY].models
    button(at, "Update models in play").click().run()
    assert "onprem-llama" in at.session_state[SCENARIO_KEY].models
    next(t for t in at.text_input if t.label == "Model id").set_value(HAIKU)
    button(at, "Add custom model").click().run()
    assert any("is a catalog model" in e.value for e in at.error)
    assert not at.session_state[SCENARIO_KEY].models[HAIKU].custom
