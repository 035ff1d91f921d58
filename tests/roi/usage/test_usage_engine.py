"""Per-request logs through the analytical engine (DuckDB): the same numbers as the reference pandas
reader from CSV, Parquet and JSON Lines, files, globs and hive folders; robust to real files; a bad
file stores nothing; a request is never counted twice; pricing the rollup equals pricing each request."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roi.errors import UsageFormatError
from roi.store import Store
from roi.usage import delete_import, ingest, lake, list_imports, priced_store, read_usage, summary
from roi.usage.pricing import price
from roi.usage.schema import TOKEN_COLUMNS

DATA = Path(__file__).resolve().parents[3] / "data" / "usage"
SPENDLOGS = DATA / "litellm_spendlogs.csv"
SUMS = ["requests", *TOKEN_COLUMNS, "reported_cost_usd"]


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.dispose()


def reference() -> dict[str, float]:
    f = read_usage(SPENDLOGS).frame
    return {c: float(f[c].sum()) for c in SUMS}


def stored(store: Store) -> dict[str, float]:
    doc = summary(priced_store(store))
    return {c: doc[c] for c in SUMS}


def raw_sample() -> pd.DataFrame:
    """The SpendLogs sample as the proxy's table holds it (typed), for Parquet and JSON Lines."""
    df = pd.read_csv(SPENDLOGS, dtype={"request_tags": str, "metadata": str, "cache_hit": str, "user": str})
    for c in ("startTime", "endTime", "completionStartTime"):
        df[c] = pd.to_datetime(df[c])
    return df


def test_engine_equals_the_reference_reader(store):
    r = ingest(store, [SPENDLOGS])
    assert stored(store) == pytest.approx(reference(), abs=1e-12)
    assert r.document["rows"] == 15 and r.document["requests"] == 15
    assert r.document["warnings"] == read_usage(SPENDLOGS).warnings  # the proxy cache hit
    rows = priced_store(store)
    ref = read_usage(SPENDLOGS).frame
    # latency and TTFT sums, tags and teams survive the rollup
    assert rows["latency_s_sum"].sum() == pytest.approx(ref["latency_s"].sum())
    assert rows["ttft_s_sum"].sum() == pytest.approx(ref["ttft_s"].sum())
    assert (
        rows.groupby("tag")["requests"].sum().to_dict() == ref["tag"].value_counts().astype(float).to_dict()
    )
    assert (
        rows.groupby("project")["requests"].sum().to_dict()
        == ref["project"].value_counts().astype(float).to_dict()
    )
    hist = json.loads(list_imports(store)["latency_histogram"].iloc[0])
    assert sum(hist["counts"]) == 15


def test_the_rollup_is_hourly_with_every_dimension(store):
    ingest(store, [SPENDLOGS])
    imp = int(list_imports(store)["id"].iloc[0])
    roll = pd.read_parquet(lake.import_dir(store, imp) / lake.ROLLUP)
    assert set(roll["hour"].dt.minute) == {0} and roll["hour"].nunique() == 1  # 09:00 to 09:57, one hour
    assert {"model_raw", "api_key", "project", "user", "tag", "context_window", "service_tier"} <= set(roll)
    assert roll["requests"].sum() == 15


@pytest.mark.parametrize("kind", ["parquet", "jsonl"])
def test_parquet_and_json_lines_with_the_same_columns(store, tmp_path, kind):
    df = raw_sample()
    path = tmp_path / f"spend.{kind}"
    if kind == "parquet":
        df.to_parquet(path)
    else:
        df.to_json(path, orient="records", lines=True, date_format="iso")
    ingest(store, [path])
    assert stored(store) == pytest.approx(reference(), abs=1e-12)


def test_a_hive_folder_and_a_glob(store, tmp_path):
    df = raw_sample()
    root = tmp_path / "logs"
    for i, part in enumerate(df.iloc[k::3] for k in range(3)):
        d = root / "year=2026" / f"month=1{i}"
        d.mkdir(parents=True)
        part.to_parquet(d / "part-0.parquet")
    ingest(store, [str(root)])
    assert stored(store) == pytest.approx(reference(), abs=1e-12)
    # the same requests through a glob: nothing new
    again = ingest(store, [str(root / "year=2026" / "**" / "*.parquet")])
    assert again.summaries[0].import_id is None and again.document["skipped_duplicates"] == 15


@pytest.mark.parametrize("layout", ["by time", "interleaved"])
def test_a_rollup_summed_a_part_of_the_files_at_a_time_equals_the_whole(store, tmp_path, monkeypatch, layout):
    """Files laid out by time are summed one part at a time and written one after the other; files
    whose hours overlap are summed again. Either way the rollup is the whole source's."""
    import roi.usage.engine.imports as imports

    df, root = raw_sample(), tmp_path / "logs"
    for k in range(3):
        if layout == "by time":  # day k: its own hours
            part = df.assign(request_id=df["request_id"] + f"-{k}")
            part[["startTime", "endTime"]] += pd.Timedelta(days=k)
            part["completionStartTime"] += pd.Timedelta(days=k)
        else:  # every third request: the same hour in every file
            part = df.iloc[k::3]
        (root / f"day={k}").mkdir(parents=True)
        part.to_parquet(root / f"day={k}" / "part-0.parquet")

    def rollup(s: Store) -> pd.DataFrame:
        (imp,) = list_imports(s)["id"]
        roll = pd.read_parquet(lake.import_dir(s, int(imp)) / lake.ROLLUP)
        keys = [c for c in roll.columns if not pd.api.types.is_float_dtype(roll[c])]
        return roll.sort_values(keys, na_position="first").reset_index(drop=True)

    whole = Store(f"sqlite:///{tmp_path / 'whole.db'}")
    ingest(whole, [str(root)])
    monkeypatch.setattr(imports, "PART_ROWS", 1)  # every file a part
    seen = []
    original = imports._rollup
    monkeypatch.setattr(
        imports,
        "_rollup",
        lambda con, f, parts, path: seen.append(len(parts)) or original(con, f, parts, path),
    )
    ingest(store, [str(root)])
    assert seen == [3]
    pd.testing.assert_frame_equal(rollup(store), rollup(whole), check_exact=False, rtol=1e-12)
    # requests imported before among new ones: summed whole (a part would rebuild the anti-join)
    more = tmp_path / "more"
    for k in range(2):
        (more / f"day={k}").mkdir(parents=True)
        old = pd.read_parquet(root / f"day={k}" / "part-0.parquet").iloc[:2]
        pd.concat([old, df.assign(request_id=df["request_id"] + f"-new{k}")]).to_parquet(
            more / f"day={k}" / "part-0.parquet"
        )
    r = ingest(store, [str(more)])
    assert seen == [3, 0] and r.document["skipped_duplicates"] == 4
    whole.dispose()


def test_european_excel_total_row_and_blank_rows_as_the_reference_reads_them(store, tmp_path):
    text = SPENDLOGS.read_text()
    df = pd.read_csv(SPENDLOGS, dtype=str, keep_default_na=False)
    df["spend"] = df["spend"].str.replace(".", ",", regex=False)
    body = df.to_csv(sep=";", index=False)
    lines = body.splitlines()
    lines.insert(5, ";" * (len(df.columns) - 1))  # a blank row
    lines.append("Total;" + ";" * (len(df.columns) - 2))
    path = tmp_path / "spend_eu.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ("\n".join(lines) + "\n").encode())
    assert text  # (the original stays untouched)
    r = ingest(store, [path])
    ref = read_usage(path)
    assert stored(store) == pytest.approx({c: float(ref.frame[c].sum()) for c in SUMS}, abs=1e-12)
    assert stored(store) == pytest.approx(reference(), abs=1e-12)
    assert any("blank row" in w for w in r.document["warnings"])
    assert any("total row" in w for w in r.document["warnings"])


def test_a_bad_cell_names_file_row_and_column_and_stores_nothing(store, tmp_path):
    lines = SPENDLOGS.read_text().splitlines()
    cells = lines[6].split(",")
    cells[5] = "lots"  # prompt_tokens of file row 7
    lines[6] = ",".join(cells)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(UsageFormatError, match=r"bad\.csv, row 7, column “prompt_tokens”"):
        ingest(store, [SPENDLOGS, bad])  # a batch: the good file is not stored either
    assert list_imports(store).empty
    assert not any(p.name.startswith(("import-", "staging-")) for p in lake.lake_dir(store).glob("*"))


def test_a_bad_parquet_value_names_the_file_row_and_column(store, tmp_path):
    df = raw_sample()
    df["spend"] = df["spend"].astype(str)
    df.loc[3, "spend"] = "n/a"
    path = tmp_path / "bad.parquet"
    df.to_parquet(path)
    with pytest.raises(UsageFormatError, match=r"bad\.parquet, row 4, column “spend”"):
        ingest(store, [path])


def test_a_missing_column_is_named(store, tmp_path):
    raw_sample().drop(columns=["spend"]).to_parquet(tmp_path / "x.parquet")
    with pytest.raises(UsageFormatError, match=r"column “spend”"):
        ingest(store, [tmp_path / "x.parquet"])


def test_overlapping_logs_count_each_request_once(store, tmp_path):
    df = pd.read_csv(SPENDLOGS, dtype=str, keep_default_na=False)
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    df.iloc[:10].to_csv(first, index=False)
    df.iloc[5:].to_csv(second, index=False)  # rows 5-9 in both
    ingest(store, [first])
    r = ingest(store, [second])
    assert r.document["skipped_duplicates"] == 5
    assert stored(store) == pytest.approx(reference(), abs=1e-12)


def test_overlapping_files_in_one_folder_and_one_batch(store, tmp_path):
    df = pd.read_csv(SPENDLOGS, dtype=str, keep_default_na=False)
    folder = tmp_path / "logs"
    folder.mkdir()
    df.iloc[:10].to_csv(folder / "a.csv", index=False)
    df.iloc[5:].to_csv(folder / "b.csv", index=False)
    ingest(store, [folder])
    assert stored(store) == pytest.approx(reference(), abs=1e-12)
    other = tmp_path / "c.csv"
    df.to_csv(other, index=False)
    single = tmp_path / "d.csv"
    df.iloc[:3].to_csv(single, index=False)
    r = ingest(store, [other, single])  # both already stored
    assert r.document["skipped_duplicates"] == 18
    assert stored(store) == pytest.approx(reference(), abs=1e-12)


def test_a_folder_imported_again_reads_only_its_new_or_changed_files(store, tmp_path):
    """A lake folder grows: files imported before, unchanged, are skipped by their SHA-256 and
    reported as the anti-join would report them; a new file and a changed one are read."""
    df = pd.read_csv(SPENDLOGS, dtype=str, keep_default_na=False)
    folder = tmp_path / "logs"
    folder.mkdir()
    df.iloc[:5].to_csv(folder / "a.csv", index=False)
    df.iloc[5:10].to_csv(folder / "b.csv", index=False)
    first = ingest(store, [folder])
    assert first.document["skipped_duplicates"] == 0
    (imp,) = [s.import_id for s in first.summaries]
    files = pd.read_parquet(lake.import_dir(store, imp) / lake.FILES)
    assert sorted(files["requests"]) == [5, 5] and set(files["bytes"]) == {
        (folder / n).stat().st_size for n in ("a.csv", "b.csv")
    }

    again = ingest(store, [folder])  # nothing read: both unchanged
    assert again.summaries[0].import_id is None
    assert again.document["skipped_duplicates"] == 10 and again.summaries[0].rows == 10
    assert again.document["unchanged_files"] == 2
    assert again.summaries[0].describe() == (
        "10 rows read, nothing new: all of it was already imported "
        "(2 file(s) imported before, unchanged: not read again)"
    )

    df.iloc[10:].to_csv(folder / "c.csv", index=False)  # a new file
    changed = df.iloc[5:10].copy()
    changed.loc[changed.index[0], "spend"] = "0.5"  # a changed file: its ids are still known
    changed.to_csv(folder / "b.csv", index=False)
    grown = ingest(store, [folder])
    assert grown.document["skipped_duplicates"] == 10  # a.csv unchanged (5), b.csv's ids (5)
    assert stored(store) == pytest.approx(reference(), abs=1e-12)  # b.csv's new spend not counted
    assert not (lake.import_dir(store, grown.summaries[0].import_id) / lake.FILES).exists()  # it skipped some


def test_an_unchanged_file_is_read_again_once_its_import_is_deleted(store, tmp_path):
    copy = tmp_path / "copy.csv"
    copy.write_bytes(SPENDLOGS.read_bytes())
    first = ingest(store, [SPENDLOGS])
    assert ingest(store, [copy]).document["skipped_duplicates"] == 15  # same bytes, other name
    delete_import(store, first.summaries[0].import_id)
    again = ingest(store, [copy])
    assert again.document["skipped_duplicates"] == 0
    assert stored(store) == pytest.approx(reference(), abs=1e-12)


def test_deleting_an_import_forgets_its_requests(store):
    ingest(store, [SPENDLOGS])
    imp = int(list_imports(store)["id"].iloc[0])
    delete_import(store, imp)
    assert not lake.import_dir(store, imp).exists()
    assert priced_store(store).empty
    ingest(store, [SPENDLOGS])  # uploaded again on purpose: counted again, once
    assert stored(store) == pytest.approx(reference(), abs=1e-12)


def test_an_uploaded_log_is_spooled_to_disk_and_read_by_the_engine(store):
    r = ingest(store, [(SPENDLOGS.name, SPENDLOGS.read_bytes(), None)])
    assert r.summaries[0].format == "litellm-spendlogs"
    assert lake.import_dir(store, r.summaries[0].import_id).exists()
    assert stored(store) == pytest.approx(reference(), abs=1e-12)


def test_ids_stored_by_an_earlier_version_are_respected(store):
    """Stores made before the lake kept request ids in the database."""
    from sqlalchemy import insert

    from roi.store.models import UsageImport, UsageRequestId

    ids = read_usage(SPENDLOGS).frame["request_id"].tolist()
    with store.engine.begin() as conn:
        imp = conn.execute(
            insert(UsageImport).values(format="litellm-spendlogs", file_name="old.csv", file_sha256="x")
        ).inserted_primary_key[0]
        conn.execute(insert(UsageRequestId), [{"request_id": i, "import_id": imp} for i in ids])
    r = ingest(store, [SPENDLOGS])
    assert r.document["skipped_duplicates"] == 15 and r.summaries[0].import_id is None


# ---------------------------------------------------------------- pricing the rollup = pricing each request

MODELS = ["claude-haiku-4-5", "claude-sonnet-4-5", "claude-haiku-5-5", "claude-opus-4-1"]
request = st.fixed_dictionaries(
    {
        "model": st.sampled_from(MODELS),
        "minute": st.integers(0, 3 * 24 * 60),
        "prompt": st.one_of(st.integers(0, 5_000), st.integers(95_000, 260_000)),  # around tier starts
        "read": st.integers(0, 50_000),
        "out": st.integers(0, 8_000),
        "user": st.sampled_from(["ana", "ben", ""]),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(request, min_size=1, max_size=40))
def test_pricing_the_rollup_equals_pricing_each_request(tmp_path_factory, reqs):
    tmp = tmp_path_factory.mktemp("prop")
    rows = []
    for i, r in enumerate(reqs):
        start = pd.Timestamp("2026-10-01") + pd.Timedelta(minutes=r["minute"])
        prompt = r["prompt"] + r["read"]
        meta = json.dumps({"usage_object": {"cache_read_input_tokens": r["read"]}})
        rows.append(
            {
                "request_id": f"r{i}",
                "startTime": start.isoformat(sep=" "),
                "endTime": (start + pd.Timedelta(seconds=1)).isoformat(sep=" "),
                "model": r["model"],
                "prompt_tokens": prompt,
                "completion_tokens": r["out"],
                "spend": 0.0,
                "user": r["user"],
                "metadata": meta,
                "cache_hit": "False",
                "request_tags": "[]",
                "team_id": "",
            }
        )
    path = tmp / "spend.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    per_request = price(_with_kind(read_usage(path).frame))
    s = Store(f"sqlite:///{tmp / 'roi.db'}")
    try:
        ingest(s, [path])
        rolled = priced_store(s)
    finally:
        s.dispose()
    assert rolled["cost_usd"].sum() == pytest.approx(per_request["cost_usd"].sum(), rel=1e-12, abs=1e-12)
    assert rolled["requests"].sum() == len(reqs)


dimensioned = st.fixed_dictionaries(
    {
        "model": st.sampled_from(["claude-opus-4-8", "claude-opus-4-6", "claude-haiku-4-5"]),
        "minute": st.integers(0, 2 * 24 * 60),
        "input": st.integers(0, 300_000),
        "out": st.integers(0, 8_000),
        "speed": st.sampled_from(["standard", "fast", ""]),
        "geo": st.sampled_from(["global", "us", ""]),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(dimensioned, min_size=1, max_size=40))
def test_where_and_how_fast_a_request_ran_are_rollup_keys(tmp_path_factory, reqs):
    """A per-request log that says each request's speed and inference_geo: the engine's rollup keeps
    them apart, so fast mode and US-only inference are priced as each request would be."""
    tmp = tmp_path_factory.mktemp("dims")
    rows = [
        {
            "request_id": f"r{i}",
            "timestamp": (pd.Timestamp("2026-11-01") + pd.Timedelta(minutes=r["minute"])).isoformat(),
            "model": r["model"],
            "input_tokens": r["input"],
            "output_tokens": r["out"],
            "speed": r["speed"],
            "inference_geo": r["geo"],
        }
        for i, r in enumerate(reqs)
    ]
    path = tmp / "requests.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    per_request = price(_with_kind(read_usage(path).frame))
    s = Store(f"sqlite:///{tmp / 'roi.db'}")
    try:
        assert ingest(s, [path]).summaries[0].format == "generic"
        rolled = priced_store(s)
        assert ingest(s, [path]).summaries[0].import_id is None  # and once only
    finally:
        s.dispose()
    assert rolled["cost_usd"].sum() == pytest.approx(per_request["cost_usd"].sum(), rel=1e-12, abs=1e-12)
    fast = rolled[rolled["speed"].eq("fast").fillna(False)]
    assert fast["requests"].sum() == sum(r["speed"] == "fast" for r in reqs)


def _with_kind(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["kind"] = "usage"
    return frame


def test_hour_of_day_from_the_hourly_rollups(store):
    from roi.usage import hourly_traffic

    assert hourly_traffic(store).empty
    ingest(store, [SPENDLOGS])
    by_hour = hourly_traffic(store)
    ref = read_usage(SPENDLOGS).frame
    assert by_hour["hour"].tolist() == [9] and by_hour["requests"].tolist() == [15.0]
    assert by_hour["mean_latency_s"].iloc[0] == pytest.approx(ref["latency_s"].mean())
