"""A generic CSV with one row per request: when rows are read as requests, latency units, the
override, and what the import then knows (requests, mean latency, a workload without typed counts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from roi.errors import UsageFormatError
from roi.store import Store
from roi.usage import ingest, priced_store, read_usage, summary
from roi.usage.traffic import mean_latency, traffic

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "usage" / "generic_requests.csv"
HEAD = "timestamp,model,input_tokens,output_tokens,cost_usd"


def csv(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


@pytest.mark.parametrize(
    ("data", "per_request", "why"),
    [
        # a latency per row belongs to one request
        (csv(HEAD + ",latency_ms", "2026-10-01,claude-haiku-4-5,100,10,0.1,800"), True, "own latency"),
        (csv(HEAD + ",ttft_ms", "2026-10-01,claude-haiku-4-5,100,10,0.1,300"), True, "own latency"),
        # requests arrive at any second; providers' buckets start on the hour or the day
        (csv(HEAD, "2026-10-01T09:14:03Z,claude-haiku-4-5,100,10,0.1"), True, "to the minute or second"),
        (csv(HEAD + ",request_id", "2026-10-01,claude-haiku-4-5,100,10,0.1,r1"), True, "request ids"),
        # daily or hourly rows with nothing per-request about them are buckets, requests unknown
        (csv(HEAD, "2026-10-01,claude-haiku-4-5,100,10,0.1"), False, "time buckets with no request count"),
        (csv(HEAD, "2026-10-01T09:00:00Z,claude-haiku-4-5,100,10,0.1"), False, "whole days, hours"),
        # daily buckets in a time zone half an hour off UTC (India): still a grid, not requests
        (
            csv(HEAD, "2026-10-01T00:00:00+05:30,claude-haiku-4-5,100,10,0.1"),
            False,
            "quarter hours",
        ),
        (csv(HEAD, "2026-10-01T09:14,claude-haiku-4-5,100,10,0.1"), True, "to the minute or second"),
        # a count column says the rows are buckets, whatever else they carry
        (
            csv(HEAD + ",requests,latency_ms", "2026-10-01T09:14:03Z,claude-haiku-4-5,100,10,0.1,5,800"),
            False,
            "request count in “requests”",
        ),
    ],
)
def test_rows_are_requests_when_there_is_no_count_and_the_file_looks_per_request(data, per_request, why):
    r = read_usage(data, name="f.csv")
    assert r.format == "generic" and r.per_request is per_request
    assert any(why in n for n in r.notes), r.notes  # the decision is stated, with its reason
    if per_request:
        assert r.frame["requests"].tolist() == [1.0]
    elif "requests" not in data.decode().split("\n", 1)[0]:
        assert r.frame["requests"].isna().all()


@pytest.mark.parametrize(
    ("column", "cell", "seconds"),
    [
        ("latency_ms", "820", 0.82),
        ("duration_ms", "1500", 1.5),
        ("latency_s", "0.82", 0.82),
        ("latency", "2.5", 2.5),
        ("duration_s", "3", 3.0),
    ],
)
def test_latency_is_read_with_its_unit(column, cell, seconds):
    r = read_usage(csv(f"{HEAD},{column}", f"2026-10-01,claude-haiku-4-5,100,10,0.1,{cell}"), name="f.csv")
    assert r.frame["latency_s"].tolist() == [pytest.approx(seconds)]
    unit = "milliseconds" if column.endswith("_ms") else "seconds"
    assert any(f"“{column}” read in {unit}" in n for n in r.notes), r.notes


def test_ttft_in_milliseconds():
    r = read_usage(csv(f"{HEAD},ttft_ms", "2026-10-01,claude-haiku-4-5,100,10,0.1,250"), name="f.csv")
    assert r.frame["ttft_s"].tolist() == [pytest.approx(0.25)]


def test_a_mapped_latency_column_keeps_its_unit():
    data = csv("when,engine,in,out,elapsed_ms", "2026-10-01,claude-haiku-4-5,100,10,640")
    mapping = {
        "timestamp": "when",
        "model": "engine",
        "input_tokens": "in",
        "output_tokens": "out",
        "latency_s": "elapsed_ms",
    }
    assert read_usage(data, name="f.csv", mapping=mapping).frame["latency_s"].tolist() == [
        pytest.approx(0.64)
    ]


def test_the_mapping_overrides_the_decision_both_ways():
    per_request = csv(HEAD + ",latency_ms", "2026-10-01T09:14:03Z,claude-haiku-4-5,100,10,0.1,800")
    r = read_usage(per_request, name="f.csv", mapping={"rows": "buckets"})
    assert not r.per_request and r.frame["requests"].isna().all()
    assert any("as chosen" in n for n in r.notes)
    daily = csv(HEAD, "2026-10-01,claude-haiku-4-5,100,10,0.1", "2026-10-01,claude-haiku-4-5,50,5,0.1")
    r = read_usage(daily, name="f.csv", mapping={"rows": "requests"})
    assert r.per_request and r.frame["requests"].tolist() == [1.0, 1.0]
    with pytest.raises(UsageFormatError, match="rows=requests .* or rows=buckets"):
        read_usage(daily, name="f.csv", mapping={"rows": "lines"})


def test_a_task_column_is_the_task_not_a_tag():
    r = read_usage(SAMPLE)
    assert set(r.frame["task"]) == {"Intake classification", "Email triage", "Contract review"}
    assert r.frame["tag"].isna().all()


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    yield s
    s.dispose()


def test_the_per_request_sample_knows_its_requests_latency_and_needs_no_typed_counts(store):
    """The issue's file: requests and mean latency known; "Use as workload" asks for nothing."""
    rows = SAMPLE.read_text(encoding="utf-8").splitlines()[1:]
    latencies = [float(r.split(",")[5]) / 1000 for r in rows]
    doc = ingest(store, [SAMPLE]).document
    assert doc["requests"] == len(rows) == 41
    assert any("one request" in n for n in doc["notes"])
    priced = priced_store(store)
    assert mean_latency(priced) == pytest.approx(sum(latencies) / len(latencies))
    assert summary(priced)["requests"] == 41
    groups = traffic(priced, "task")
    assert all(g.requests is not None for g in groups)
    assert sum(g.requests for g in groups) == 41


def test_the_same_per_request_file_twice_is_not_counted_twice(store):
    ingest(store, [SAMPLE])
    again = ingest(store, [SAMPLE]).summaries[0]
    assert again.import_id is None and again.stored == 0
    assert summary(priced_store(store))["requests"] == 41


def test_each_uploaded_file_can_carry_its_own_mapping(store):
    """The Usage page sends (name, bytes, mapping) per file: one file's override is not another's."""
    daily = csv(HEAD, "2026-10-01,claude-haiku-4-5,100,10,0.1", "2026-10-02,claude-haiku-4-5,50,5,0.1")
    result = ingest(
        store, [("daily.csv", daily, {"rows": "requests"}), ("sample.csv", SAMPLE.read_bytes(), None)]
    )
    assert [s.format for s in result.summaries] == ["generic", "generic"]
    assert result.document["requests"] == 2 + 41


def test_the_sample_is_small():
    assert SAMPLE.stat().st_size < 8192
