"""The Task mix page's edited tables are untrusted: they become a new Scenario or a ScenarioError
that names the row (1-based, as the editor shows it) and the column label."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi.errors import ScenarioError
from roi.provenance import Provenance
from roi.scenario import Routing, Scenario, demo_scenario, load_scenario
from roi.task_table import TASK_COLUMNS, accuracy_frame, apply_frames, tasks_frame

DEMO = demo_scenario()
MODELS = DEMO.models_in_play()
NUMBER_COLUMNS = [c for c, (_, kind) in TASK_COLUMNS.items() if kind == "number"]
LABEL = {c: label for c, (label, _) in TASK_COLUMNS.items()}
HAIKU, SONNET, OPUS = "claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-1"


_DEMO_TASKS = tasks_frame(DEMO).astype(object)
_DEMO_ACC = accuracy_frame(DEMO, MODELS).astype(object)


def _tasks() -> pd.DataFrame:
    """The demo's task table as the editor may hand it back: any cell can hold any type."""
    return _DEMO_TASKS.copy()


def _acc() -> pd.DataFrame:
    return _DEMO_ACC.copy()


def _with_cell(col: str, value: object, row: int = 0) -> pd.DataFrame:
    df = _tasks()
    df.at[row, col] = value
    return df


def _with_acc_cell(task: str, model: str, value: object) -> pd.DataFrame:
    df = _acc()
    df.at[task, model] = value
    return df


def _refused(tasks: pd.DataFrame, accuracy: pd.DataFrame | None = None) -> str:
    with pytest.raises(ScenarioError) as exc:
        apply_frames(DEMO, tasks, accuracy)
    return str(exc.value)


def _names_cell(msg: str, row: int, label: str) -> bool:
    """The message points at editor row `row` (1-based) and the column labelled `label`."""
    return re.search(rf"\brow {row}\b", msg) is not None and f"“{label}”" in msg


# --- round trip -----------------------------------------------------------------------------------


def test_round_trip_leaves_the_demo_unchanged():
    out = apply_frames(DEMO, tasks_frame(DEMO), accuracy_frame(DEMO, MODELS))
    assert out == DEMO
    assert out.to_json() == DEMO.to_json()


def test_round_trip_without_an_accuracy_table_keeps_accuracy():
    out = apply_frames(DEMO, tasks_frame(DEMO))
    assert out == DEMO


def test_accuracy_percent_goes_back_to_the_same_fraction():
    # 0.968 is shown as 96.8 %; 96.8 / 100 is 0.9680000000000001 in floats, so it must be rounded back.
    assert accuracy_frame(DEMO, MODELS).at["Intake classification", HAIKU] == 96.8
    out = apply_frames(DEMO, tasks_frame(DEMO), accuracy_frame(DEMO, MODELS))
    assert out.tasks[0].accuracy[HAIKU] == 0.968
    assert out.tasks[0].accuracy_floor == 0.96


def _rich_scenario() -> Scenario:
    """The demo with every field the tables do not show set to something other than its default."""
    t0 = replace(
        DEMO.tasks[0],
        cache_write_1h_tokens=300.0,
        latency_s={HAIKU: 1.25},
        latency_ceiling_s=4.0,
        batch=True,
        baseline_routing={OPUS: 0.7, SONNET: 0.3},
        accuracy={**DEMO.tasks[0].accuracy, f"{HAIKU}>{SONNET}": 0.975},
    )
    return DEMO.with_tasks((t0, *DEMO.tasks[1:]))


def test_existing_tasks_keep_routing_and_the_fields_the_table_does_not_show():
    s = _rich_scenario()
    df = tasks_frame(s)
    df.loc[0, "requests_per_month"] = 12_345
    df.loc[1, "output_tokens"] = 99
    out = apply_frames(s, df, accuracy_frame(s, s.models_in_play()))
    t0, t1 = out.tasks[0], out.tasks[1]
    assert t0.requests_per_month == 12_345
    assert t1.output_tokens == 99
    for old, new in zip(s.tasks, out.tasks, strict=True):
        assert new.routing == old.routing
    assert t1.routing == Routing(cascade=(HAIKU, SONNET), escalation_rate=0.1)
    assert t0.cache_write_1h_tokens == 300.0
    assert t0.latency_s == {HAIKU: 1.25}
    assert t0.latency_ceiling_s == 4.0
    assert t0.batch is True
    assert t0.baseline_routing == {OPUS: 0.7, SONNET: 0.3}
    assert t0.accuracy[f"{HAIKU}>{SONNET}"] == 0.975  # a measured cascade accuracy is kept
    # ... and nothing else about the scenario moved
    assert replace(out, tasks=s.tasks) == s


def test_edited_accuracy_keeps_measured_cascade_accuracy():
    s = _rich_scenario()
    acc = accuracy_frame(s, s.models_in_play())
    assert f"{HAIKU}>{SONNET}" not in acc.columns  # the table never shows it
    acc.at["Intake classification", HAIKU] = 91.5
    acc.at["Intake classification", SONNET] = None  # cleared: unknown now
    out = apply_frames(s, tasks_frame(s), acc)
    assert out.tasks[0].accuracy == {HAIKU: 0.915, OPUS: 0.971, f"{HAIKU}>{SONNET}": 0.975}


def test_rows_reordered_and_removed_follow_the_table():
    df = tasks_frame(DEMO).iloc[[5, 0]].reset_index(drop=True)
    out = apply_frames(DEMO, df, accuracy_frame(DEMO, MODELS))
    assert [t.name for t in out.tasks] == ["Legal opinions", "Intake classification"]
    assert out.tasks[0] == DEMO.tasks[5]
    assert out.tasks[1] == DEMO.tasks[0]


def test_a_new_row_becomes_a_task_on_the_baseline_model():
    df = tasks_frame(DEMO)
    df.loc[len(df)] = {
        "name": "Billing questions",
        "complexity": "medium",
        "requests_per_month": 500,
        "input_tokens": 900,
        "cache_write_5m_tokens": None,
        "cache_read_tokens": None,
        "output_tokens": 120,
        "interactive": True,
        "error_cost": 2.5,
        "accuracy_floor": 90,
    }
    out = apply_frames(DEMO, df, accuracy_frame(DEMO, MODELS))
    new = out.tasks[-1]
    assert len(out.tasks) == len(DEMO.tasks) + 1
    assert new.name == "Billing questions"
    assert new.routing == Routing(shares={OPUS: 1.0})  # today's model, until the Routing page says otherwise
    assert (new.requests_per_month, new.input_tokens, new.output_tokens) == (500, 900, 120)
    assert (new.cache_write_5m_tokens, new.cache_read_tokens) == (0, 0)  # blank is zero
    assert new.complexity == "medium" and new.interactive is True
    assert new.error_cost == 2.5 and new.accuracy_floor == 0.9
    assert new.accuracy == {}  # not in the accuracy table (yet)


def test_a_renamed_task_keeps_its_routing_accuracy_and_provenance():
    measured = DEMO.tasks[3].provenance.with_accuracy(HAIKU, Provenance("measured", n=40, run="run 2"))
    s = DEMO.with_tasks([*DEMO.tasks[:3], replace(DEMO.tasks[3], provenance=measured), *DEMO.tasks[4:]])
    df = tasks_frame(s)
    df.loc[3, "name"] = "Research memos"
    out = apply_frames(s, df, accuracy_frame(s, MODELS))  # the accuracy table still says the old name
    t = out.tasks[3]
    assert t.name == "Research memos"
    assert (t.routing, t.accuracy) == (s.tasks[3].routing, s.tasks[3].accuracy)
    assert t.provenance.of_accuracy(HAIKU).n == 40
    assert f"tasks.Research memos.accuracy.{HAIKU}" in out.to_dict()["provenance"]


def test_a_new_name_beside_the_old_one_is_a_new_task():
    df = tasks_frame(DEMO)
    df.loc[len(df)] = {**df.iloc[3].to_dict(), "name": "Research memos"}
    out = apply_frames(DEMO, df, accuracy_frame(DEMO, MODELS))
    assert out.tasks[3] == DEMO.tasks[3]
    assert out.tasks[-1].name == "Research memos"
    assert out.tasks[-1].routing == Routing(shares={OPUS: 1.0})  # the old task's routing is not guessed


def test_a_number_typed_over_a_measured_or_imported_one_becomes_assumed():
    p = replace(DEMO.tasks[0].provenance, volume=Provenance("imported", files=("a.csv",))).with_accuracy(
        HAIKU, Provenance("measured", n=50)
    )
    s = DEMO.with_tasks([replace(DEMO.tasks[0], provenance=p), *DEMO.tasks[1:]])
    df, acc = tasks_frame(s), accuracy_frame(s, MODELS)
    same = apply_frames(s, df, acc).tasks[0].provenance
    assert same.volume.kind == "imported" and same.of_accuracy(HAIKU).measured
    df.loc[0, "requests_per_month"] = 12_345
    acc.loc[s.tasks[0].name, HAIKU] = 50.0
    edited = apply_frames(s, df, acc).tasks[0].provenance
    assert edited.volume is None
    assert edited.of_accuracy(HAIKU).kind == "assumed"


# --- number columns -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1,234", 1234.0),
        ("$12", 12.0),
        (" 12 ", 12.0),
        ("$1,234.50", 1234.5),
        ("1e3", 1000.0),
        ("0", 0.0),
        (12, 12.0),
        (np.int64(7), 7.0),
        (np.float64(2.5), 2.5),
        (1e15, 1e15),
    ],
)
def test_number_columns_accept_numbers_and_formatted_text(typed, expected):
    df = _tasks()
    for col in NUMBER_COLUMNS:
        df.at[2, col] = typed
    out = apply_frames(DEMO, df)
    assert {col: getattr(out.tasks[2], col) for col in NUMBER_COLUMNS} == dict.fromkeys(
        NUMBER_COLUMNS, expected
    )
    assert out.tasks[3] == DEMO.tasks[3]


@pytest.mark.parametrize("blank", [None, float("nan"), np.nan, pd.NA, "", "   "])
def test_a_cleared_number_cell_is_zero(blank):
    df = _tasks()
    for col in NUMBER_COLUMNS:
        df.at[1, col] = blank
    out = apply_frames(DEMO, df)
    assert {col: getattr(out.tasks[1], col) for col in NUMBER_COLUMNS} == dict.fromkeys(NUMBER_COLUMNS, 0.0)
    assert out.tasks[1].name == "Email triage"  # a row with a name is not an empty row


def _short_id(v: object) -> str | None:
    """Keep test ids readable: 10**400 would otherwise be a 401-digit id."""
    return "int-too-big-for-a-float" if type(v) is int and v > 10**300 else None


REFUSED_NUMBERS = [
    ("abc", "expected a number, got “abc”"),
    ("12 apples", "expected a number"),
    ("1.2.3", "expected a number"),
    ("12%", "expected a number"),
    ("nan", "got nan"),
    ("inf", "got inf"),
    ("-inf", "got -inf"),
    (float("inf"), "got inf"),
    (float("-inf"), "got -inf"),
    (-1, "≥ 0, got -1"),
    ("-5", "≥ 0, got -5"),
    (-0.001, "≥ 0"),
    ("1e400", "got inf"),  # too big for a float: infinite
    (10**400, "expected a number"),  # an int too big for a float
    (True, "expected a number"),  # a checkbox value is not a count
    ("True", "expected a number"),
    ([1, 2], "expected a number"),
]


@pytest.mark.parametrize(
    ("col", "typed", "why"),
    # every hostile value once, spread over the columns, and text in every column
    [(NUMBER_COLUMNS[i % len(NUMBER_COLUMNS)], t, w) for i, (t, w) in enumerate(REFUSED_NUMBERS)]
    + [(col, "n/a", "expected a number, got “n/a”") for col in NUMBER_COLUMNS],
    ids=_short_id,
)
def test_number_columns_refuse_non_numbers_naming_row_and_column(col, typed, why):
    msg = _refused(_with_cell(col, typed, row=4))
    assert _names_cell(msg, 5, LABEL[col]), msg
    assert why in msg


def test_huge_finite_numbers_are_kept_as_typed():
    out = apply_frames(DEMO, _with_cell("requests_per_month", "1,000,000,000,000"))
    assert out.tasks[0].requests_per_month == 1e12


@pytest.mark.parametrize(
    ("typed", "expected"),
    [(0, 0.0), ("96.5", 0.965), (96.8, 0.968), (100, 1.0), ("  99 ", 0.99), (None, None), ("", None)],
)
def test_accuracy_floor_is_a_percentage(typed, expected):
    out = apply_frames(DEMO, _with_cell("accuracy_floor", typed))
    assert out.tasks[0].accuracy_floor == expected


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        (100.5, "0..100, got 100.5"),
        (150, "0..100, got 150"),
        (-1, "0..100, got -1"),
        ("abc", "expected a number"),
        (float("inf"), "got inf"),
    ],
)
def test_accuracy_floor_out_of_range_is_refused(typed, why):
    msg = _refused(_with_cell("accuracy_floor", typed, row=3))
    assert _names_cell(msg, 4, "Accuracy floor (%)"), msg
    assert why in msg


# --- names, complexity, checkboxes ----------------------------------------------------------------


@pytest.mark.parametrize("blank", [None, "", "   ", float("nan")])
def test_a_row_with_numbers_but_no_name_is_refused(blank):
    msg = _refused(_with_cell("name", blank, row=2))
    assert _names_cell(msg, 3, "Task"), msg
    assert "needs a name" in msg


@pytest.mark.parametrize("dupe", ["Intake classification", "  Intake classification  "])
def test_duplicate_names_are_refused_at_the_second_row(dupe):
    msg = _refused(_with_cell("name", dupe, row=4))
    assert _names_cell(msg, 5, "Task"), msg
    assert "“Intake classification” is used by another row" in msg


def test_names_are_case_sensitive_and_trimmed():
    df = _with_cell("name", "  intake CLASSIFICATION ", row=4)
    out = apply_frames(DEMO, df)
    assert out.tasks[4].name == "intake CLASSIFICATION"


@pytest.mark.parametrize(
    "name",
    [
        "=SUM(A1:A9)",
        "+cmd|' /C calc'!A0",
        '@HYPERLINK("http://x")',
        "<script>alert('x')</script>",
        "<b>bold</b> &amp; co",
        "Résumé 📄 review — 日本語",
        "Robert'); DROP TABLE tasks;--",
        "a > b",
        "{{ name }}",
        "12345",
    ],
)
def test_any_name_is_kept_as_text(name):
    df = _with_cell("name", name, row=1)
    acc = _acc().rename(index={"Email triage": name})
    out = apply_frames(DEMO, df, acc)
    assert out.tasks[1].name == name
    # a new name is a new task; the accuracy table row under the same name still applies
    assert out.tasks[1].accuracy == {HAIKU: 0.957, SONNET: 0.959, OPUS: 0.96}
    assert load_scenario(out.to_json()).tasks[1].name == name  # and it survives saving


def test_a_number_typed_as_a_name_becomes_text():
    out = apply_frames(DEMO, _with_cell("name", 42, row=0))
    assert out.tasks[0].name == "42"


def _empty_row(interactive: object = None) -> dict:
    return {c: (interactive if c == "interactive" else None) for c in TASK_COLUMNS}


@pytest.mark.parametrize("interactive", [None, False, float("nan")])
def test_empty_rows_the_editor_added_are_ignored(interactive):
    df = _tasks()
    blank = pd.DataFrame([_empty_row(interactive)], dtype=object)
    df = pd.concat([df.iloc[:2], blank, df.iloc[2:], blank, blank], ignore_index=True)
    assert apply_frames(DEMO, df, _acc()) == DEMO


def test_rows_after_an_empty_row_keep_their_editor_row_number():
    df = _tasks()
    blank = pd.DataFrame([_empty_row()], dtype=object)
    df = pd.concat([blank, df], ignore_index=True)
    df.at[3, "output_tokens"] = "lots"  # the editor shows this as row 4
    msg = _refused(df)
    assert _names_cell(msg, 4, "Output tokens"), msg


def test_a_table_with_only_empty_rows_is_no_tasks():
    df = pd.DataFrame([_empty_row(), _empty_row()], dtype=object)
    assert apply_frames(DEMO, df).tasks == ()


@pytest.mark.parametrize("typed", [None, "", "  "])
def test_blank_complexity_is_routine(typed):
    out = apply_frames(DEMO, _with_cell("complexity", typed, row=5))
    assert out.tasks[5].complexity == "routine"


@pytest.mark.parametrize("typed", ["bogus", "Routine", "HARD", " medium", "easy", 2])
def test_unknown_complexity_is_refused(typed):
    msg = _refused(_with_cell("complexity", typed, row=5))
    assert _names_cell(msg, 6, "Complexity"), msg
    assert "routine, medium, hard" in msg


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (True, True),
        (False, False),
        (np.True_, True),
        (np.False_, False),
        ("true", True),
        ("True", True),
        (" TRUE ", True),
        ("yes", True),
        ("1", True),
        (1, True),
        ("false", False),
        ("False", False),
        ("no", False),
        ("0", False),
        (0, False),
        (0.0, False),
        (None, False),
        ("", False),
        (float("nan"), False),
    ],
)
def test_interactive_reads_checkbox_values_and_their_text(typed, expected):
    # Start from the opposite, so a value that is ignored cannot pass.
    base = DEMO.with_tasks((replace(DEMO.tasks[0], interactive=not expected), *DEMO.tasks[1:]))
    df = tasks_frame(base).astype(object)
    df.at[0, "interactive"] = typed
    assert apply_frames(base, df).tasks[0].interactive is expected


@pytest.mark.parametrize("typed", ["maybe", "2", "ja", "✓", 2, -1, 0.5])
def test_interactive_refuses_anything_else(typed):
    msg = _refused(_with_cell("interactive", typed, row=2))
    assert _names_cell(msg, 3, "Interactive"), msg
    assert "true or false" in msg


# --- the accuracy table ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [(95, 0.95), ("95", 0.95), (" 87.5 ", 0.875), (0, 0.0), (100, 1.0), (np.float64(12.5), 0.125)],
)
def test_accuracy_cells_are_percentages(typed, expected):
    out = apply_frames(DEMO, _tasks(), _with_acc_cell("Research briefs", HAIKU, typed))
    assert out.tasks[3].accuracy[HAIKU] == expected
    assert out.tasks[3].accuracy[SONNET] == 0.937


@pytest.mark.parametrize("blank", [None, float("nan"), pd.NA, "", " "])
def test_a_cleared_accuracy_cell_means_unknown(blank):
    out = apply_frames(DEMO, _tasks(), _with_acc_cell("Research briefs", HAIKU, blank))
    assert HAIKU not in out.tasks[3].accuracy
    assert out.tasks[3].accuracy == {SONNET: 0.937, OPUS: 0.94}


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("abc", "expected a percentage, got “abc”"),
        ("96,8", "expected a percentage"),
        ("95%", "expected a percentage"),
        (True, "expected a percentage"),
        (10**400, "expected a percentage"),
        (100.01, "0..100 %, got 100.01"),
        (250, "0..100 %, got 250"),
        (-0.5, "0..100 %, got -0.5"),
        ("nan", "0..100 %"),
        (float("inf"), "0..100 %"),
        ("-inf", "0..100 %"),
    ],
    ids=_short_id,
)
def test_accuracy_table_refuses_non_percentages_naming_row_and_column(typed, why):
    msg = _refused(_tasks(), _with_acc_cell("Research briefs", SONNET, typed))
    assert msg.startswith("accuracy table"), msg
    assert _names_cell(msg, 4, SONNET), msg
    assert "Research briefs" in msg
    assert why in msg


def test_tasks_missing_from_the_accuracy_table_keep_their_accuracy():
    acc = _acc().drop(index=["Email triage", "Legal opinions"])
    acc.loc[:, HAIKU] = 50
    out = apply_frames(DEMO, _tasks(), acc)
    assert out.tasks[1].accuracy == DEMO.tasks[1].accuracy
    assert out.tasks[5].accuracy == DEMO.tasks[5].accuracy
    assert out.tasks[0].accuracy[HAIKU] == 0.5


def test_accuracy_rows_for_tasks_that_no_longer_exist_are_ignored():
    acc = _acc()
    acc.loc["Deleted task"] = ["oops"] * len(acc.columns)
    out = apply_frames(DEMO, _tasks(), acc)
    assert out == DEMO


def test_a_model_column_added_to_the_accuracy_table_is_read():
    acc = accuracy_frame(DEMO, [*MODELS, "claude-sonnet-4-6"])
    acc.at["Contract review", "claude-sonnet-4-6"] = 95.5
    out = apply_frames(DEMO, tasks_frame(DEMO), acc)
    assert out.tasks[4].accuracy["claude-sonnet-4-6"] == 0.955
    assert all("claude-sonnet-4-6" not in t.accuracy for i, t in enumerate(out.tasks) if i != 4)


# --- properties -----------------------------------------------------------------------------------

finite_non_negative = st.one_of(
    st.floats(min_value=0, max_value=1e300, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=10**15),
)


@settings(max_examples=100, deadline=None)
@given(col=st.sampled_from(NUMBER_COLUMNS), row=st.integers(0, len(DEMO.tasks) - 1), x=finite_non_negative)
def test_any_finite_non_negative_number_round_trips(col, row, x):
    out = apply_frames(DEMO, _with_cell(col, x, row))
    assert getattr(out.tasks[row], col) == float(x)
    again = apply_frames(out, tasks_frame(out), accuracy_frame(out, out.models_in_play()))
    assert again == out


@settings(max_examples=100, deadline=None)
@given(col=st.sampled_from(NUMBER_COLUMNS), x=st.integers(min_value=0, max_value=10**15))
def test_any_whole_number_with_thousands_separators_is_read(col, x):
    out = apply_frames(DEMO, _with_cell(col, f"${x:,}"))
    assert getattr(out.tasks[0], col) == float(x)


no_digits = st.text(min_size=1, max_size=30).filter(
    lambda t: t.strip() != "" and not any(ch.isdigit() for ch in t)
)


@settings(max_examples=100, deadline=None)
@given(col=st.sampled_from(NUMBER_COLUMNS), row=st.integers(0, len(DEMO.tasks) - 1), text=no_digits)
def test_any_text_without_digits_is_refused_with_row_and_column(col, row, text):
    # Without a digit a text can at best be "nan" or "inf", which are not finite either.
    msg = _refused(_with_cell(col, text, row))
    assert _names_cell(msg, row + 1, LABEL[col]), msg


@settings(max_examples=100, deadline=None)
@given(row=st.integers(0, len(DEMO.tasks) - 1), text=no_digits)
def test_any_text_without_digits_is_refused_in_the_accuracy_table(row, text):
    task = DEMO.tasks[row].name
    msg = _refused(_tasks(), _with_acc_cell(task, SONNET, text))
    assert _names_cell(msg, row + 1, SONNET) and task in msg, msg


@settings(max_examples=100, deadline=None)
@given(pct=st.floats(min_value=0, max_value=100, allow_nan=False))
def test_any_percentage_is_stored_as_a_fraction_and_shown_back(pct):
    out = apply_frames(
        DEMO, _with_cell("accuracy_floor", pct), _with_acc_cell("Intake classification", HAIKU, pct)
    )
    t = out.tasks[0]
    assert 0 <= t.accuracy_floor <= 1 and 0 <= t.accuracy[HAIKU] <= 1
    assert t.accuracy_floor == pytest.approx(pct / 100, abs=1e-12)
    assert t.accuracy[HAIKU] == pytest.approx(pct / 100, abs=1e-12)
    assert tasks_frame(out).at[0, "accuracy_floor"] == pytest.approx(pct, abs=1e-4)
    assert math.isclose(accuracy_frame(out, MODELS).at[t.name, HAIKU], pct, abs_tol=1e-4)


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=20))
def test_interactive_text_is_read_or_refused_never_guessed(text):
    key = text.strip().lower()
    df = _with_cell("interactive", text, row=1)
    if key in {"true", "yes", "1"}:
        assert apply_frames(DEMO, df).tasks[1].interactive is True
    elif key in {"false", "no", "0", ""}:
        assert apply_frames(DEMO, df).tasks[1].interactive is False
    else:
        assert _names_cell(_refused(df), 2, "Interactive")


def test_ranges_typed_beside_the_table_become_the_tasks_ranges():
    from roi.task_table import apply_ranges, ranges_frame

    s = load_scenario(Path(__file__).resolve().parents[1] / "fixtures" / "scenarios" / "measured.json")
    frame = ranges_frame(s)
    assert frame.drop(columns="name").isna().all().all()  # none yet
    frame.loc[0, ["error_cost_low", "error_cost_high"]] = [2, 20]
    frame.loc[1, ["escalation_rate_low", "escalation_rate_high"]] = [5, 25]  # in %
    new = apply_ranges(s, frame)
    assert (new.tasks[0].ranges["error_cost"].low, new.tasks[0].ranges["error_cost"].high) == (2, 20)
    assert new.tasks[1].ranges["escalation_rate"].high == pytest.approx(0.25)
    assert ranges_frame(new).loc[1, "escalation_rate_high"] == 25
    cleared = ranges_frame(new)
    cleared.loc[0, ["error_cost_low", "error_cost_high"]] = [None, None]
    assert "error_cost" not in apply_ranges(new, cleared).tasks[0].ranges
    for row, cols, values, match in (
        (2, ["requests_per_month_low"], [1], "give both the low and the high end"),
        (0, ["error_cost_low", "error_cost_high"], [6, 20], r"expected low ≤ 5 \(the value\) ≤ high"),
        (0, ["escalation_rate_low", "escalation_rate_high"], [1, 2], "only a cascade escalates"),
    ):
        bad = ranges_frame(s)
        bad.loc[row, cols] = values
        with pytest.raises(ScenarioError, match=match):
            apply_ranges(s, bad)
