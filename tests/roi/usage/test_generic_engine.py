"""Any other per-request log on the engine: the same numbers as the CSV reader (roi.usage.generic),
as CSV, JSON Lines and Parquet with the same column names; Unix and zoned times; bad cells named;
time buckets left to the CSV reader; a log without request ids is not counted twice."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from roi.errors import UsageFormatError
from roi.store import Store
from roi.usage import engine_source, ingest, lake, list_imports, priced_store, read_usage, summary
from roi.usage.schema import TOKEN_COLUMNS

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "usage" / "generic_requests.csv"
SUMS = ["requests", *TOKEN_COLUMNS, "reported_cost_usd", "latency_s_sum"]


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.dispose()


def totals(store: Store) -> dict[str, float]:
    rows = priced_store(store)
    return {c: float(rows[c].sum()) for c in SUMS}


def reference() -> dict[str, float]:
    """The CSV reader's numbers for the sample (per-request rows, latency in seconds)."""
    f = read_usage(SAMPLE).frame
    out = {c: float(f[c].sum()) for c in SUMS if c != "latency_s_sum"}
    return out | {"latency_s_sum": float(f["latency_s"].sum())}


def sample_frame() -> pd.DataFrame:
    df = pd.read_csv(SAMPLE)
    df["timestamp"] = pd.to_datetime(df["timestamp"])
    return df


def test_the_engine_reads_a_per_request_csv_as_the_csv_reader_does(store):
    assert engine_source(SAMPLE, None)
    doc = ingest(store, [SAMPLE]).document
    assert totals(store) == pytest.approx(reference())
    assert doc["format"] == "generic" and doc["requests"] == 41
    assert any("one request" in n for n in doc["notes"]) and any("milliseconds" in n for n in doc["notes"])
    assert lake.files(store, [int(i) for i in list_imports(store)["id"]], lake.ROLLUP)  # hourly, in the lake
    # the task column is an allocation key of the rollup
    assert set(priced_store(store)["task"].dropna()) == set(pd.read_csv(SAMPLE)["task"])


@pytest.mark.parametrize("kind", ["parquet", "jsonl"])
def test_parquet_and_json_lines_with_the_same_columns_read_the_same(store, tmp_path, kind):
    path = tmp_path / f"calls.{kind}"
    df = sample_frame()
    if kind == "parquet":
        df.to_parquet(path)
    else:
        df.to_json(path, orient="records", lines=True, date_format="iso")
    ingest(store, [path])
    assert totals(store) == pytest.approx(reference())


def test_unix_times_in_seconds_or_milliseconds_and_zoned_times(store, tmp_path):
    path = tmp_path / "unix.csv"
    path.write_text(
        "request_id,created,model,prompt_tokens,completion_tokens\n"
        "a,1790000000,claude-haiku-4-5,10,1\n"  # 2026-09-21T14:13:20Z
        "b,1790003600000,claude-haiku-4-5,10,1\n"  # an hour later, in milliseconds
        "c,2026-09-21T17:13:20+02:00,claude-haiku-4-5,10,1\n",  # 15:13:20 UTC
        encoding="utf-8",
    )
    ingest(store, [path], mapping={"timestamp": "created"})
    rows = priced_store(store)
    assert sorted(rows["start"].dt.strftime("%Y-%m-%d").unique()) == ["2026-09-21"]
    assert summary(rows)["requests"] == 3
    hours = lake.hour_of_day(store, [int(i) for i in list_imports(store)["id"]])
    assert dict(zip(hours["hour"], hours["requests"], strict=True)) == {14: 1, 15: 2}


def test_a_bad_cell_is_named_by_file_row_and_column_and_nothing_is_stored(store, tmp_path):
    path = tmp_path / "calls.csv"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    cells = lines[5].split(",")
    cells[2] = "lots"
    lines[5] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(UsageFormatError) as err:
        ingest(store, [path])
    assert (err.value.file, err.value.row, err.value.column) == ("calls.csv", 6, "input_tokens")
    assert list_imports(store).empty
    parquet = tmp_path / "calls.parquet"
    df = sample_frame()
    df.loc[4, "latency_ms"] = -5
    df.to_parquet(parquet)
    with pytest.raises(UsageFormatError) as err:
        ingest(store, [parquet])
    assert (err.value.row, err.value.column) == (5, "latency_ms")
    assert list_imports(store).empty


def test_time_buckets_and_day_first_dates_stay_with_the_csv_reader(store, tmp_path):
    buckets = b"timestamp,model,input_tokens,output_tokens,requests\n2026-10-01,claude-haiku-4-5,100,10,4\n"
    day_first = b"request_id,date,model,input_tokens\nr1,01.10.2026 09:14,claude-haiku-4-5,100\n"
    hourly = b"timestamp,model,input_tokens\n2026-10-01T09:00:00Z,claude-haiku-4-5,100\n"
    for data in (buckets, day_first, hourly):
        assert not engine_source(("f.csv", data), None)
    assert engine_source(("f.csv", hourly), None, {"rows": "requests"})
    # the same time buckets as Parquet: refused with what to do, nothing stored
    path = tmp_path / "hourly.parquet"
    pd.DataFrame(
        {"timestamp": pd.to_datetime(["2026-10-01T09:00:00"]), "model": ["m"], "input_tokens": [1]}
    ).to_parquet(path)
    with pytest.raises(UsageFormatError, match="time buckets"):
        ingest(store, [path])
    assert list_imports(store).empty


def test_a_log_without_request_ids_is_not_counted_twice_but_identical_rows_both_count(store, tmp_path):
    path = tmp_path / "calls.csv"
    row = "2026-10-01T09:14:03Z,claude-haiku-4-5,100,10,0.1,800"
    path.write_text(
        "timestamp,model,input_tokens,output_tokens,cost_usd,latency_ms\n" + f"{row}\n{row}\n",
        encoding="utf-8",
    )
    assert ingest(store, [path]).document["requests"] == 2  # two identical requests: both count
    again = ingest(store, [path]).summaries[0]
    assert again.import_id is None and again.skipped_duplicates == 2
    assert summary(priced_store(store))["requests"] == 2
