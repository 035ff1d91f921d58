"""The Usage page as finance uses it at month-end (AppTest): every figure compared with `roi`.

The upload box emptying after Import is a browser matter (the browser keeps a box's files), so it
is tested in Chromium: tests/e2e/test_finance.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from roi.engine import compute
from roi.numbers import money_cents
from roi.present import seconds
from roi.ui.state import SCENARIO_KEY, widget_key
from roi.ui.text import md
from tests.app.helpers import button

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "usage"
BROKEN = ROOT / "tests" / "roi" / "usage" / "broken"
REQUESTS = DATA / "generic_requests.csv"
HAIKU = "claude-haiku-4-5-20251001"
SONNET = "claude-sonnet-4-5-20250929"
USAGE_HEAD = (
    "usage_date_utc,model_version,api_key,workspace,usage_type,context_window,usage_input_tokens_no_cache,"
    "usage_input_tokens_cache_write_5m,usage_input_tokens_cache_write_1h,usage_input_tokens_cache_read,"
    "usage_output_tokens"
)
COST_HEAD = "usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd"


def usage_page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "usage.py"), default_timeout=30)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in [*at.markdown, *at.caption, *at.info, *at.success, *at.warning])


def mapping_form(at: AppTest) -> list:
    return [s for s in at.selectbox if s.key and s.key.startswith(widget_key("map:"))]


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader[0].set_value([(name, data, "text/csv") for name, data in files]).run()
    assert not at.exception, at.exception
    return at


def store_with(*paths: Path | tuple[str, bytes]):
    from roi.ui.state import store
    from roi.usage import ingest

    ingest(store(), list(paths))
    return store()


def october(days: range, models: dict[str, tuple[int, int]]) -> bytes:
    rows = [
        f"2026-10-{d:02d},{m},k,W,standard,≤ 200k,{i},0,0,0,{o}" for d in days for m, (i, o) in models.items()
    ]
    return ("\n".join([USAGE_HEAD, *rows]) + "\n").encode()


def october_bill(days: range, lines: dict[str, tuple[float, float]]) -> bytes:
    rows = [
        f"2026-10-{d:02d},{m},W,k,standard,≤ 200k,{t},{usd}"
        for d in days
        for m, (i, o) in lines.items()
        for t, usd in (("input_no_cache", i), ("output", o))
    ]
    return ("\n".join([COST_HEAD, *rows]) + "\n").encode()


def test_usage_page_shows_imports_reconciles_and_builds_a_workload():
    """Moved here from test_interactions.py: the page's figures are `roi`'s, to the cent."""
    from roi.ui.state import store
    from roi.usage import priced_store, summary

    at = usage_page().run()
    assert not at.exception
    assert any("No usage imported yet" in i.value for i in at.info)
    store_with(DATA / "anthropic_console_usage.csv", DATA / "anthropic_console_cost.csv")
    at.run()
    assert not at.exception
    doc = summary(priced_store(store()))
    assert metrics(at)["Spend, priced with the catalog"] == money_cents(doc["cost_usd"])
    assert len(at.get("plotly_chart")) >= 3
    # Anthropic usage files carry no request counts: the page asks for them per group
    rpm_inputs = [n for n in at.number_input if n.key and n.key.startswith(widget_key("usage_rpm:"))]
    assert rpm_inputs
    for n in rpm_inputs:
        n.set_value(1000.0)
    button(at, "Use as workload").click().run()
    assert not at.exception
    s = at.session_state[SCENARIO_KEY]
    assert all(t.requests_per_month == 1000.0 for t in s.tasks)
    assert all(t.baseline_routing for t in s.tasks)
    # the baseline is today's actual spend: the scenario's baseline spend is the imported spend scaled to a month
    assert compute(s).month1_baseline_spend > 0


# ------------------------------------------------------------------ 1. deleting an import


def test_delete_asks_for_confirmation_first():
    """Clicking "Delete this import" opens a dialog and deletes nothing yet. (Confirming runs the
    dialog alone, a fragment rerun AppTest does not do: tests/e2e/test_finance.py confirms.)"""
    from roi.usage import list_imports

    db = store_with(REQUESTS)
    at = usage_page().run()
    button(at, "Delete this import").click().run()
    assert not at.exception
    assert [d.proto.dialog.title for d in _dialogs(at)] == ["Delete this import?"]
    assert "#1 generic_requests.csv" in texts(at) and "upload the file again" in texts(at)
    assert {b.label for b in at.button} >= {"Delete", "Cancel"}
    assert len(list_imports(db)) == 1  # nothing deleted before the confirmation


def _dialogs(at: AppTest) -> list:
    """The dialog blocks drawn in the last run."""
    out, stack = [], list(at._tree.children.values())
    while stack:
        node = stack.pop()
        if getattr(node, "type", "") == "dialog":
            out.append(node)
        stack.extend(getattr(node, "children", {}).values())
    return out


def test_an_import_clears_the_upload_box_key():
    """The box is drawn under a new key after Import, so the browser cannot send the files again."""
    at = usage_page().run()
    first_key = at.file_uploader[0].key
    upload(at, ("generic_requests.csv", REQUESTS.read_bytes()))
    button(at, "Import").click().run()
    assert not at.exception
    assert any("Imported." in s.value for s in at.success)
    assert at.file_uploader[0].key != first_key
    assert not at.file_uploader[0].value
    assert not [b for b in at.button if b.label == "Import"]


# ------------------------------------------------------------------ 2. a per-request CSV


def test_a_per_request_csv_shows_its_requests_and_latency_and_needs_no_typed_counts():
    rows = REQUESTS.read_text(encoding="utf-8").splitlines()[1:]
    latencies = [int(r.split(",")[5]) / 1000 for r in rows]
    at = usage_page().run()
    upload(at, ("generic_requests.csv", REQUESTS.read_bytes()))
    # the preview says how the rows were read, and lets the user say otherwise
    assert any("each row is one request" in c.value for c in at.caption)
    assert any("“latency_ms” read in milliseconds" in c.value for c in at.caption)
    assert at.selectbox(key=widget_key("usage_rows:generic_requests.csv")).value == "as detected"
    button(at, "Import").click().run()
    assert not at.exception
    shown = metrics(at)
    assert shown["Requests counted"] == f"{len(rows):,}"
    assert shown["Mean latency"] == seconds(sum(latencies) / len(latencies))
    # "Use as workload" needs no request counts typed by hand
    assert not [n for n in at.number_input if n.key and n.key.startswith(widget_key("usage_rpm:"))]


def test_a_per_request_parquet_log_is_previewed_by_the_engine_and_imported(tmp_path):
    import pandas as pd

    df = pd.read_csv(REQUESTS)
    df["timestamp"] = pd.to_datetime(df["timestamp"])
    path = tmp_path / "calls.parquet"
    df.to_parquet(path)
    at = usage_page().run()
    upload(at, ("calls.parquet", path.read_bytes()))
    assert any("calls.parquet" in e.label and "read by DuckDB" in e.label for e in at.expander)
    assert any("each row is one request" in c.value for c in at.caption)
    button(at, "Import").click().run()
    assert not at.exception
    assert metrics(at)["Requests counted"] == f"{len(df):,}"


def test_the_preview_can_say_rows_are_buckets():
    at = usage_page().run()
    upload(at, ("generic_requests.csv", REQUESTS.read_bytes()))
    at.selectbox(key=widget_key("usage_rows:generic_requests.csv")).set_value(
        "a time bucket (requests unknown)"
    ).run()
    assert any("as chosen" in c.value for c in at.caption)
    button(at, "Import").click().run()
    assert metrics(at)["Requests counted"] == "unknown"


# ------------------------------------------------------------------ 3. reconciliation


def test_reconciliation_compares_the_days_both_cover_and_flags_what_matters():
    """Usage for 1-31 Oct against a bill for 1-15 Oct; Sonnet used and never billed."""
    store_with(
        (
            "usage.csv",
            october(range(1, 32), {HAIKU: (1_000_000_000, 100_000_000), SONNET: (1_000_000, 10_000)}),
        ),
        ("bill.csv", october_bill(range(1, 16), {"Claude Haiku 4.5": (1000.0, 500.0)})),
    )
    at = usage_page().run()
    assert not at.exception
    words = texts(at)
    assert "The usage files cover 1–31 Oct 2026; the bill covers 1–15 Oct 2026." in words
    assert "Compared: 1–15 Oct 2026, the days both cover." in words
    assert "Not compared: usage for 16–31 Oct 2026" in words
    assert "Computed usage with no bill: claude-sonnet-4-5 (2026-10)." in words
    table = next(d.value for d in at.dataframe if "Check" in d.value.columns)
    rows = table.set_index("Model")
    assert rows.loc["claude-haiku-4-5", "Computed"] == "$22,500.00"  # separators and cents
    assert rows.loc["claude-haiku-4-5", "Billed"] == "$22,500.00"
    assert rows.loc["claude-haiku-4-5", "Check"] == "ok"
    assert rows.loc["claude-sonnet-4-5", "Check"] == "no bill"
    assert rows.loc["claude-sonnet-4-5", "Billed"] == "—"


def test_the_tolerance_the_user_sets_decides_what_is_flagged():
    bill = october_bill(range(1, 11), {"Claude Haiku 4.5": (1000.0, 500.0)})
    bill += b"2026-10-03,Claude Haiku 4.5,W,k,standard,\xe2\x89\xa4 200k,output,50\n"  # $50 over $15,000
    store_with(
        ("usage.csv", october(range(1, 11), {HAIKU: (1_000_000_000, 100_000_000)})), ("bill.csv", bill)
    )
    at = usage_page().run()

    def check() -> str:
        table = next(d.value for d in at.dataframe if "Check" in d.value.columns)
        return table.set_index("Model").loc["claude-haiku-4-5", "Check"]

    assert check() == "ok"  # -0.33% is within the default 1%
    at.number_input(key=widget_key("usage_tolerance")).set_value(0.25).run()
    assert check() == "beyond 0.25%"
    assert "Beyond the 0.25% tolerance: claude-haiku-4-5 2026-10 (-0.3%)." in texts(at)


# ------------------------------------------------------------------ 4. money


def test_finance_figures_show_cents_negative_amounts_and_an_inclusive_period():
    credit = (COST_HEAD + "\n2026-10-31,,,,,,promotional_credit,-5.00\n").encode()
    store_with(REQUESTS, ("credit.csv", credit))
    from roi.ui.state import store
    from roi.usage import priced_store, summary

    doc = summary(priced_store(store()))
    at = usage_page().run()
    shown = metrics(at)
    spend = shown["Spend, priced with the catalog"]
    assert spend == money_cents(doc["cost_usd"]) and "." in spend  # e.g. $1.02, not $1
    assert doc["reported_cost_usd"] < 0
    assert shown["Billed / reported"] == money_cents(doc["reported_cost_usd"])
    assert shown["Billed / reported"].startswith("-$")
    period = next(c.value for c in at.caption if c.value.startswith("Period"))
    assert period.startswith("Period 1–31 Oct 2026")  # data ending 31 Oct is not "to 2026-11-01"
    assert "11-01" not in period


# ------------------------------------------------------------------ 5. errors that help


@pytest.mark.parametrize(
    ("name", "data", "where"),
    [
        # columns recognized, a bad value: the message says where; a mapping form would not help
        (
            "openai_usage_bad_number.csv",
            (BROKEN / "openai_usage_bad_number.csv").read_bytes(),
            "row 4, column “output_tokens”",
        ),
        ("generic_negative_tokens.csv", (BROKEN / "generic_negative_tokens.csv").read_bytes(), "row 3"),
        # broken JSON: line and column, never a row, and no column mapping for a JSON file
        ("report.json", b'{\n  "data": [\n    {"starting_at": }\n  ]\n}\n', "line 3, column 21"),
        (
            "anthropic_admin_usage_bad.json",
            (BROKEN / "anthropic_admin_usage_bad.json").read_bytes(),
            "line 14, column 183",
        ),
    ],
)
def test_errors_name_the_place_and_offer_no_mapping_form_when_it_cannot_help(name, data, where):
    at = usage_page().run()
    upload(at, (name, data))
    errors = [e.value for e in at.error]
    assert errors and where in errors[0], errors
    assert "row" not in errors[0] or not name.endswith(".json")
    assert mapping_form(at) == []
    assert not [b for b in at.button if b.label == "Import"]


def test_a_header_nobody_recognizes_gets_the_mapping_form():
    at = usage_page().run()
    upload(at, ("unknown_columns.csv", (BROKEN / "unknown_columns.csv").read_bytes()))
    assert any("could not recognize the columns" in e.value for e in at.error)
    assert {s.label for s in mapping_form(at)} >= {"timestamp", "model", "input_tokens", "latency_s", "task"}


# ------------------------------------------------------------------ 6. use as workload


def test_use_as_workload_groups_by_task_names_the_result_after_the_file_and_points_to_evaluate():
    store_with(REQUESTS)
    at = usage_page().run()
    assert at.selectbox(key=widget_key("usage_by")).value == "task"
    assert not [
        b for b in at.button if b.label == "Measure accuracy on Evaluate"
    ]  # the demo is not from usage
    button(at, "Use as workload").click().run()
    assert not at.exception
    s = at.session_state[SCENARIO_KEY]
    assert s.name == "Usage of generic_requests.csv, 1–31 Oct 2026"
    assert sorted(t.name for t in s.tasks) == ["Contract review", "Email triage", "Intake classification"]
    said = f"“{md('Usage of generic_requests.csv, 1–31 Oct 2026')}”: 3 tasks, one per task"  # shown as text
    assert any(said in m.value for m in at.success)
    step = [i.value for i in at.info if i.value.startswith("Next step")]
    assert step and "placeholder" in step[0] and "Evaluate" in step[0]
    assert button(at, "Measure accuracy on Evaluate")


# ------------------------------------------------------------------ per-request logs on the engine


def test_a_litellm_log_is_checked_by_the_engine_imported_and_shown_by_hour_of_day():
    log = DATA / "litellm_spendlogs.csv"
    at = usage_page().run()
    upload(at, (log.name, log.read_bytes()))
    assert any("15 rows, one request each (read by DuckDB)" in e.label for e in at.expander)
    assert any("proxy cache" in w.value for w in at.warning)
    assert any("first 15 requests" in c.value for c in at.caption)
    button(at, "Import").click().run()
    assert not at.exception
    assert metrics(at)["Requests counted"] == "15"
    charts = [c for c in at.get("plotly_chart")]
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in charts]
    assert any("hour of the day" in t for t in titles), titles


def test_a_bad_litellm_log_is_refused_with_file_row_and_column_before_import():
    lines = (DATA / "litellm_spendlogs.csv").read_text().splitlines()
    cells = lines[6].split(",")
    cells[5] = "lots"  # prompt_tokens of file row 7
    lines[6] = ",".join(cells)
    at = usage_page().run()
    upload(at, ("spend.csv", ("\n".join(lines) + "\n").encode()))
    errors = [e.value for e in at.error]
    assert errors and "spend.csv, row 7, column “prompt_tokens”" in errors[0], errors
    assert not [b for b in at.button if b.label == "Import"]


@pytest.mark.postgres
def test_a_litellm_database_is_summed_where_it_lives_and_its_url_is_never_kept(pg_database_url):
    from sqlalchemy import create_engine, text

    with create_engine(pg_database_url).begin() as conn:
        conn.execute(
            text(
                'CREATE TABLE "LiteLLM_SpendLogs" (request_id TEXT, spend DOUBLE PRECISION, prompt_tokens INTEGER, '
                'completion_tokens INTEGER, "startTime" TIMESTAMP, "endTime" TIMESTAMP, model TEXT, metadata JSONB)'
            )
        )
        conn.execute(
            text(
                'INSERT INTO "LiteLLM_SpendLogs" VALUES '
                "('a', 0.01, 1000, 100, '2026-10-05 09:10', '2026-10-05 09:10:02', 'claude-haiku-4-5', '{}'),"
                "('b', 0.01, 3000, 200, '2026-10-05 14:10', '2026-10-05 14:10:04', 'claude-haiku-4-5', "
                '\'{"usage_object": {"cache_read_input_tokens": 1000}}\')'
            )
        )
    at = usage_page().run()
    at.text_input(key=widget_key("usage_db_url")).input(pg_database_url).run()
    button(at, "Show the query").click().run()
    assert any("GROUP BY" in c.value for c in at.code)
    button(at, "Import from the database").click().run()
    assert not at.exception
    assert metrics(at)["Requests counted"] == "2"
    from roi.ui.state import store
    from roi.usage import list_imports

    password = "roi_test"
    assert password in pg_database_url
    names = " ".join(list_imports(store())["file_name"])
    assert f":{password}@" not in names and f":{password}@" not in texts(at)
    from roi.store import app_home

    assert f":{password}@".encode() not in (app_home() / "roi.db").read_bytes()  # nowhere in the database


def test_an_opentelemetry_export_is_uploaded_and_imported_span_by_span():
    spans = REQUESTS.parent / "otel_spans.jsonl"
    at = usage_page().run()
    upload(at, (spans.name, spans.read_bytes()))
    button(at, "Import").click().run()
    assert not at.exception
    assert metrics(at)["Requests counted"] == "10"
    assert "skipped 2 span" in texts(at) and "that are not LLM calls" in texts(at)  # (escaped markdown)


@pytest.mark.usefixtures("no_proxies")
def test_a_live_pull_from_the_admin_api_with_a_session_only_key(monkeypatch):
    import sys
    from datetime import date

    sys.path.insert(0, str(ROOT / "tests"))
    from fakes.fake_admin import FakeAdmin

    from tests.roi.usage.test_live_pull import _rows

    with FakeAdmin(_rows("usage"), _rows("cost"), page_size=4) as fake:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
        at = usage_page().run()
        pull = button(at, "Pull")
        assert pull.disabled  # no key yet
        at.text_input(key=widget_key("usage_admin_key")).set_value(FakeAdmin.KEY)
        at.date_input(key=widget_key("usage_pull_since")).set_value(date(2026, 11, 1)).run()
        button(at, "Pull").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        assert "Pulled." in texts(at) and fake.count("ok") >= 4


def test_cloud_bills_are_uploaded_as_csv_and_parquet_and_reconciled():
    from tests.roi.usage.test_cloud import _gcp_parquet

    cur = REQUESTS.parent / "aws_cur_bedrock.csv"
    at = usage_page().run()
    upload(at, (cur.name, cur.read_bytes()), ("vertex.parquet", _gcp_parquet()))
    button(at, "Import").click().run()
    assert not at.exception
    words = texts(at).replace("\\", "")  # (escaped markdown)
    assert "aws_cur_bedrock.csv: left out 1 tax line(s), $0.93" in words
    assert "vertex.parquet: skipped 1 line(s) that are not Claude" in words
    assert "Compared: 2–3 Nov 2026" in words  # the bills reconcile against their own usage


def test_importing_the_same_file_again_says_nothing_new_was_imported():
    at = usage_page().run()
    upload(at, ("generic_requests.csv", REQUESTS.read_bytes()))
    button(at, "Import").click().run()
    assert any("Imported." in s.value for s in at.success)
    upload(at, ("generic_requests.csv", REQUESTS.read_bytes()))
    button(at, "Import").click().run()
    assert not at.exception
    assert not any("Imported." in s.value for s in at.success)
    assert any("Nothing new" in i.value and "already imported" in i.value for i in at.info)
