"""Hostile input at the edges, a test per case: JSON bombs (deep nesting), documents of absurd size,
CSV bombs (giant cells), keys longer than the store keeps, Parquet "bombs" (a tiny file claiming
hundreds of millions of rows), compressed uploads, and formulas in every text that reaches a
spreadsheet. Each is refused with a message that names the file (and row and column where it has
them), quotes at most a little of the offending value, and stores nothing."""

from __future__ import annotations

import base64
import csv
import io
import json
import zlib
from pathlib import Path

import pytest

from roi.errors import ScenarioError, UsageFormatError, clip
from roi.scenario import demo_scenario, load_scenario
from roi.share import decode
from roi.store import Store
from roi.usage import ingest, list_imports

DATA = Path(__file__).resolve().parents[2] / "data"
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    yield s
    s.dispose()


# --- JSON bombs and absurd sizes ---------------------------------------------------------------


def test_a_deeply_nested_scenario_file_is_refused_not_a_crash(tmp_path):
    f = tmp_path / "deep.json"
    f.write_text('{"name": ' + DEEP + "}")
    with pytest.raises(ScenarioError, match="nested more deeply"):
        load_scenario(f)
    with pytest.raises(ScenarioError, match="nested more deeply"):
        load_scenario(('{"tasks": ' + DEEP + "}").encode())


def test_a_deeply_nested_share_link_is_refused():
    deflate = zlib.compressobj(9, zlib.DEFLATED, 15)
    token = "e" + base64.urlsafe_b64encode(deflate.compress(DEEP.encode()) + deflate.flush()).decode()[1:]
    for param in (token, "e" + "A" * 59_000):
        with pytest.raises(ScenarioError, match="share link"):
            decode(param)


def test_a_deeply_nested_usage_export_is_refused_and_nothing_is_stored(store, tmp_path):
    f = tmp_path / "usage.json"
    f.write_text('{"data": ' + DEEP + "}")
    with pytest.raises(UsageFormatError, match="usage.json: JSON nested more deeply"):
        ingest(store, [f])
    assert list_imports(store).empty


def test_a_scenario_of_absurd_size_or_with_absurd_names_is_refused(tmp_path):
    doc = demo_scenario().to_dict()
    with pytest.raises(ScenarioError, match="a scenario is a few kilobytes"):
        load_scenario(json.dumps(doc | {"padding": "x" * 3_000_000}).encode())
    with pytest.raises(ScenarioError, match=r"name: expected at most 200 characters, got 5,000"):
        load_scenario(json.dumps(doc | {"name": "x" * 5_000}))
    task = doc["tasks"][0] | {"name": "t" * 1_000}
    with pytest.raises(ScenarioError, match="at most 200 characters"):
        load_scenario(json.dumps(doc | {"tasks": [task]}))
    many = [doc["tasks"][0] | {"name": f"task {i}"} for i in range(2_001)]
    with pytest.raises(ScenarioError, match="at most 2,000 tasks"):
        load_scenario(json.dumps(doc | {"tasks": many}))
    with pytest.raises(ScenarioError, match="expected an object, got a list"):
        load_scenario(json.dumps(doc | {"baseline": [[[[1]]]] * 10_000}))  # quoted short, not whole


# --- CSV bombs and overlong keys ---------------------------------------------------------------


def _csv(tmp_path: Path, name: str, rows: list[list[str]]) -> Path:
    f = tmp_path / name
    with f.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return f


def test_a_giant_cell_is_refused_with_its_row_and_column(store, tmp_path):
    f = _csv(
        tmp_path,
        "bucket.csv",
        [
            ["date", "model", "input_tokens", "output_tokens", "requests"],
            ["2026-10-01", "claude-haiku-4-5", "10", "5", "1"],
            ["2026-10-02", "claude-haiku-4-5", "1" * 2_000_000, "5", "1"],
        ],
    )
    with pytest.raises(UsageFormatError) as info:
        ingest(store, [f])
    assert str(info.value).startswith("bucket.csv, row 3, column “input_tokens”: a cell of 2,000,000")
    assert len(str(info.value)) < 300 and list_imports(store).empty


def test_a_bad_cell_is_quoted_short_however_long_it_is(store, tmp_path):
    f = _csv(
        tmp_path,
        "bucket.csv",
        [
            ["date", "model", "input_tokens", "output_tokens", "requests"],
            ["2026-10-01", "claude-haiku-4-5", "x" * 50_000, "5", "1"],
        ],
    )
    with pytest.raises(UsageFormatError, match=r"expected a number, got “x+… \(50,000 characters\)”") as info:
        ingest(store, [f])
    assert len(str(info.value)) < 300
    assert clip("short") == "short"


@pytest.mark.parametrize("as_parquet", [False, True])
def test_a_key_longer_than_the_store_keeps_is_refused(store, tmp_path, as_parquet):
    rows = [["timestamp", "model", "input_tokens", "output_tokens", "tag", "request_id"]]
    rows += [[f"2026-10-01T00:{i:02d}:00Z", "claude-haiku-4-5", "10", "5", "ok", f"r{i}"] for i in range(40)]
    rows[25][4] = "t" * 301
    f = _csv(tmp_path, "requests.csv", rows)
    if as_parquet:
        import duckdb

        duckdb.sql(f"COPY (FROM read_csv('{f}')) TO '{tmp_path / 'requests.parquet'}'")
        f = tmp_path / "requests.parquet"
    with pytest.raises(UsageFormatError, match=r"column “tag”: expected at most 300 characters"):
        ingest(store, [f])
    assert list_imports(store).empty


def test_an_overlong_model_in_a_bucketed_export_is_refused(store, tmp_path):
    f = _csv(
        tmp_path,
        "bucket.csv",
        [
            ["date", "model", "input_tokens", "output_tokens", "requests"],
            ["2026-10-01", "m" * 400, "10", "5", "1"],
        ],
    )
    with pytest.raises(UsageFormatError, match=r"bucket.csv, column “model_raw”: expected at most 300"):
        ingest(store, [f])


# --- compressed input ----------------------------------------------------------------------------


def test_a_parquet_bomb_is_refused_from_its_footer(store, tmp_path):
    import duckdb

    bomb = tmp_path / "bomb.parquet"
    duckdb.sql(
        "COPY (SELECT 'r' AS request_id, TIMESTAMP '2026-10-01' AS startTime, 'claude-haiku-4-5' AS model, "
        "1 AS prompt_tokens, 1 AS completion_tokens, 0.0 AS spend FROM range(20000000)) "
        f"TO '{bomb}' (COMPRESSION zstd, ROW_GROUP_SIZE 5000000)"
    )
    assert bomb.stat().st_size < 200_000
    with pytest.raises(UsageFormatError, match=r"claims 20,000,000 rows in [\d,]+ bytes"):
        ingest(store, [bomb])
    assert list_imports(store).empty


def test_the_usage_page_accepts_no_compressed_or_archive_upload():
    """A zip or gzip bomb cannot arrive through the browser: the upload box takes plain files only
    (the command line reads .gz and .zst from the operator's own disk)."""
    from roi.ui.usage_widgets import UPLOAD_TYPES

    assert not {"gz", "zip", "zst", "bz2", "xz", "7z", "tar", "tgz"} & set(UPLOAD_TYPES)


# --- formulas in every spreadsheet export --------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\uff1d1+1"]


def test_sample_run_results_csv_never_carries_a_formula():
    import pandas as pd

    from roi.evals.results import RESULT_COLUMNS, to_csv

    df = pd.DataFrame({c: [None] * len(FORMULAS) for c in RESULT_COLUMNS})
    df["answer"], df["item_id"], df["task"], df["model"] = FORMULAS, FORMULAS, "t", "claude-haiku-4-5"
    df["error"], df["status"] = "", "ok"
    rows = list(csv.DictReader(io.StringIO(to_csv(df))))
    for row in rows:
        for c in ("answer", "item_id"):
            assert row[c].startswith("'"), row[c]


def test_the_audit_log_csv_never_carries_a_formula(store):
    import pandas as pd

    from roi.report.chargeback import table_csv
    from roi.store.access import audit_log

    for f in FORMULAS:
        store.save_scenario(demo_scenario().with_name(f), expected_revision=None)
    entries = pd.DataFrame([e.__dict__ for e in audit_log(store)])
    for row in csv.reader(io.StringIO(table_csv(entries).decode())):
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\uff1d")) for cell in row), row
