"""OpenAI, LiteLLM SpendLogs and generic CSV readers: sample totals computed by hand, the cache
trap, column mapping, chunked reading and the broken-file corpus."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from roi.errors import UsageFormatError
from roi.usage.formats import read_usage
from roi.usage.generic import GENERIC_FIELDS
from roi.usage.litellm import read_spendlogs_chunks
from roi.usage.schema import COLUMNS

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data" / "usage"
BROKEN = Path(__file__).parent / "broken"

OPENAI_USAGE = DATA / "openai_completions_usage_2026-10-01_2026-11-01.csv"
OPENAI_COST = DATA / "openai_cost_2026-10-01_2026-11-01.csv"
SPENDLOGS = DATA / "litellm_spendlogs.csv"
GENERIC = DATA / "generic_usage.csv"


def totals(frame: pd.DataFrame) -> dict[str, float]:
    cols = [
        "requests",
        "input_tokens",
        "cache_write_5m_tokens",
        "cache_write_1h_tokens",
        "cache_read_tokens",
        "output_tokens",
    ]
    return {c: float(frame[c].sum()) for c in cols}


def check_schema(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == list(COLUMNS)
    assert {c: str(t) for c, t in frame.dtypes.items()} == COLUMNS


# ---------------------------------------------------------------- samples, totals by hand


def test_openai_usage_sample():
    r = read_usage(OPENAI_USAGE)
    assert r.format == "openai-usage"
    assert not r.per_request
    check_schema(r.frame)
    f = r.frame
    assert len(f) == 6  # 7 data rows, one empty time bucket skipped
    assert len(r.warnings) == 1 and "1 empty time bucket" in r.warnings[0]
    # requests 412 + 37 + 1000 + 380 + 52 + 25
    # uncached input 46400 + 47540 + 1250000 + 42580 + 65536 + 20000 (input_tokens minus cached)
    # cached 12800 + 40960 + 0 + 11520 + 65536 + 0; output 8240 + 15020 + 98000 + 7610 + 20480 + 3000
    assert totals(f) == {
        "requests": 1906.0,
        "input_tokens": 1472056.0,
        "cache_write_5m_tokens": 0.0,
        "cache_write_1h_tokens": 0.0,
        "cache_read_tokens": 130816.0,
        "output_tokens": 152350.0,
    }
    assert f["reported_cost_usd"].isna().all()
    assert set(f["model_raw"]) == {"gpt-4o-mini-2024-07-18", "gpt-4o-2024-08-06"}
    # batch TRUE/true -> batch; service_tier "default" -> standard; flex kept
    assert f["service_tier"].value_counts().to_dict() == {"standard": 4, "batch": 1, "flex": 1}
    assert f.loc[f["service_tier"] == "batch", "requests"].tolist() == [1000.0]
    assert f["start"].min() == pd.Timestamp("2026-10-01", tz="UTC")
    assert f["end"].max() == pd.Timestamp("2026-10-04", tz="UTC")
    assert set(f["project"]) == {"proj_Xq3intake9A", "proj_R2batchJob7"}
    assert set(f["api_key"]) == {"key_Pq81LmZ", "key_Bt55aWq"}
    assert set(f["user"]) == {"user-7Hb2kQ", "user-c4Nd0s"}


def test_openai_cost_sample():
    r = read_usage(OPENAI_COST)
    assert r.format == "openai-cost"
    check_schema(r.frame)
    f = r.frame
    assert len(f) == 12 and len(r.warnings) == 1  # one empty bucket skipped
    # 0.00696 + 0.00096 + 0.004944 + 0.11885 + 0.0512 + 0.1502 + 0.09375 + 0.0294
    # + 0.16384 + 0.2048 + 0.025 - 0.05 (a credit)
    assert f["reported_cost_usd"].sum() == pytest.approx(0.799904, abs=1e-12)
    assert totals(f)["input_tokens"] == 0.0 and totals(f)["output_tokens"] == 0.0
    first = f.iloc[0]
    assert (first["model_raw"], first["token_type"]) == ("gpt-4o-mini-2024-07-18", "input")
    assert f["token_type"].tolist()[:3] == ["input", "cached input", "output"]
    assert f.loc[f["token_type"] == "batch input", "service_tier"].tolist() == ["batch"]
    tool = f[f["token_type"] == "web search tool calls"]
    assert len(tool) == 1 and pd.isna(tool["model_raw"].iloc[0])
    assert f["reported_cost_usd"].min() == pytest.approx(-0.05)


def test_litellm_sample():
    r = read_usage(SPENDLOGS)
    assert r.format == "litellm-spendlogs"
    assert r.per_request
    check_schema(r.frame)
    f = r.frame
    assert len(f) == 15
    assert f["request_id"].is_unique
    # one proxy cache hit (its 3000 + 500 tokens count as 0)
    assert len(r.warnings) == 1 and "proxy cache" in r.warnings[0]
    # input = prompt - cache reads - cache writes per request:
    # 300 + 302 + 352 + 850 + 1104 + 30 + 476 + 640 + 3000 + 0 + 900 + 1000 + 1760 + 700 + 688
    # reads 1800 + 2048 + 4096 + 1024 + 8192 + 512; 5m writes 2048 + 4096; 1h writes 2048
    assert totals(f) == {
        "requests": 15.0,
        "input_tokens": 12102.0,
        "cache_write_5m_tokens": 6144.0,
        "cache_write_1h_tokens": 2048.0,
        "cache_read_tokens": 17672.0,
        "output_tokens": 3360.0,
    }
    # prompt tokens in the file (without the cache hit) = every bucket together
    assert 12102 + 6144 + 2048 + 17672 == 37966
    assert f["reported_cost_usd"].sum() == pytest.approx(0.090731, abs=1e-12)
    # latencies 0.9 1.4 1.1 0.6 4.2 3.8 1.5 0.7 5.3 0.1 0.8 0.9 7.5 0.5 1.0 -> 30.3 / 15
    assert f["latency_s"].mean() == pytest.approx(2.02)
    # TTFT only for the 4 streamed requests (0.35 0.9 0.4 1.25); non-streaming rows repeat endTime
    assert f["ttft_s"].notna().sum() == 4
    assert f["ttft_s"].mean() == pytest.approx(0.725)
    assert f["start"].min() == pd.Timestamp("2026-10-14 09:00:00", tz="UTC")
    assert f["model_raw"].iloc[0] == "anthropic/claude-3-5-haiku-20241022"
    assert f["tag"].value_counts().to_dict() == {
        "intake": 8,
        "summarize": 3,
        "draft": 2,
        "intake,priority": 1,
    }
    assert f["project"].value_counts().to_dict() == {"team_claims": 9, "team_support": 5}
    assert f["user"].isna().sum() == 1
    assert f["api_key"].nunique() == 2


def test_generic_sample_european_excel():
    r = read_usage(GENERIC)
    assert r.format == "generic"
    assert not r.per_request
    check_schema(r.frame)
    f = r.frame
    assert len(f) == 5
    assert len(r.warnings) == 2  # the blank row and the hand-added Total row
    assert totals(f) == {
        "requests": 113730.0,  # 41200 + 15800 + 39870 + 16020 + 840
        "input_tokens": 795700000.0,  # 312.4M + 88M + 298.75M + 91.3M + 5.25M
        "cache_write_5m_tokens": 0.0,
        "cache_write_1h_tokens": 0.0,
        "cache_read_tokens": 221300000.0,  # 96M + 12M + 101.5M + 11.8M + 0
        "output_tokens": 10894500.0,  # 4.15M + 1.2M + 3.9805M + 1.254M + 0.31M
    }
    # $1.028,25 + $95,20 + $986,41 + $98,75 + $102,00
    assert f["reported_cost_usd"].sum() == pytest.approx(2310.61)
    assert f["latency_s"].tolist() == [4.25, 1.10, 4.05, 1.15, 9.80]
    # 13.10.2026 is the 13th of October: dates are day-first
    assert f["start"].tolist()[-1] == pd.Timestamp("2026-10-13", tz="UTC")
    assert f["project"].tolist() == ["claims", "intake", "claims", "intake", "legal"]


# ---------------------------------------------------------------- the cache trap


def test_openai_input_tokens_include_cached():
    csv = (
        "start_time,end_time,project_id,num_model_requests,model,batch,input_tokens,output_tokens,"
        "input_cached_tokens\n"
        "1790812800,1790899200,proj_a,10.0,gpt-4o-2024-08-06,FALSE,1000.0,50.0,400.0\n"
    )
    f = read_usage(csv.encode(), name="completions_usage.csv").frame
    assert f["input_tokens"].tolist() == [600.0]  # 1000 inclusive - 400 cached
    assert f["cache_read_tokens"].tolist() == [400.0]
    # the sample's first row: input_tokens 59200 of which 12800 cached
    row = read_usage(OPENAI_USAGE).frame.iloc[0]
    assert (row["input_tokens"], row["cache_read_tokens"]) == (46400.0, 12800.0)


def test_openai_cached_larger_than_input_is_refused():
    csv = (
        "start_time,num_model_requests,model,input_tokens,output_tokens,input_cached_tokens\n"
        "1790812800,1.0,gpt-4o,100.0,5.0,10.0\n"
        "1790812800,1.0,gpt-4o,100.0,5.0,400.0\n"
    )
    with pytest.raises(UsageFormatError, match=r"x\.csv, row 3, column “input_cached_tokens”"):
        read_usage(csv.encode(), name="x.csv")


def _spendlog(prompt: int, metadata: str, cache_hit: str = "False") -> bytes:
    meta = '"' + metadata.replace('"', '""') + '"'
    return (
        "request_id,api_key,spend,prompt_tokens,completion_tokens,startTime,endTime,completionStartTime,"
        "model,user,metadata,cache_hit,request_tags,team_id\n"
        f"req-1,hash1,0.01,{prompt},50,2026-10-14 09:00:00,2026-10-14 09:00:02,2026-10-14 09:00:00.5,"
        f'anthropic/claude-3-5-haiku-20241022,ana,{meta},{cache_hit},"[""a"", ""b""]",team1\n'
    ).encode()


def test_litellm_prompt_tokens_include_cache_reads():
    meta = '{"usage_object": {"prompt_tokens": 2100, "cache_read_input_tokens": 1800}}'
    row = read_usage(_spendlog(2100, meta), name="spend.csv").frame.iloc[0]
    assert (row["input_tokens"], row["cache_read_tokens"], row["output_tokens"]) == (300.0, 1800.0, 50.0)
    assert row["ttft_s"] == 0.5 and row["latency_s"] == 2.0
    assert row["tag"] == "a,b" and row["project"] == "team1" and row["user"] == "ana"


def test_litellm_openai_style_cached_tokens():
    meta = '{"usage_object": {"prompt_tokens_details": {"cached_tokens": 1024}}}'
    row = read_usage(_spendlog(1500, meta), name="spend.csv").frame.iloc[0]
    assert (row["input_tokens"], row["cache_read_tokens"]) == (476.0, 1024.0)


def test_litellm_cache_writes_in_or_out_of_prompt_tokens():
    meta = '{"usage_object": {"cache_creation_input_tokens": 4096, "cache_read_input_tokens": 0}}'
    # writes included in prompt_tokens (30 uncached + 4096 written)
    row = read_usage(_spendlog(4126, meta), name="spend.csv").frame.iloc[0]
    assert (row["input_tokens"], row["cache_write_5m_tokens"]) == (30.0, 4096.0)
    # an older LiteLLM left them out: prompt 1130 < 4096 written, so only reads are subtracted
    row = read_usage(_spendlog(1130, meta), name="spend.csv").frame.iloc[0]
    assert (row["input_tokens"], row["cache_write_5m_tokens"]) == (1130.0, 4096.0)


def test_litellm_unreadable_metadata_is_a_warning():
    r = read_usage(_spendlog(900, '{"usage_object": {"cache_read_input_tokens": 1'), name="spend.csv")
    assert r.frame["input_tokens"].tolist() == [900.0]
    assert any("not valid JSON" in w for w in r.warnings)


def test_litellm_proxy_cache_hit_counts_no_tokens():
    r = read_usage(_spendlog(900, "{}", cache_hit="True"), name="spend.csv")
    assert r.frame[["input_tokens", "output_tokens"]].to_numpy().tolist() == [[0.0, 0.0]]
    assert r.frame["requests"].tolist() == [1.0]


# ---------------------------------------------------------------- chunked SpendLogs


def test_spendlogs_chunks_equal_whole_file():
    whole = read_usage(SPENDLOGS).frame
    warnings: list[str] = []
    chunks = list(read_spendlogs_chunks(SPENDLOGS, "litellm_spendlogs.csv", chunksize=4, warnings=warnings))
    assert [len(c) for c in chunks] == [4, 4, 4, 3]
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), whole)
    assert len(warnings) == 1  # the cache hit, in the third chunk


def test_spendlogs_chunks_report_the_file_row(tmp_path):
    lines = SPENDLOGS.read_text().splitlines()
    cells = lines[6].split(",")
    cells[5] = "lots"  # prompt_tokens of file row 7
    lines[6] = ",".join(cells)
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(UsageFormatError, match=r"big\.csv, row 7, column “prompt_tokens”"):
        list(read_spendlogs_chunks(path, chunksize=4))


# ---------------------------------------------------------------- generic mapping


ODD = (
    b"when,engine_used,tok_in,tok_out,req_id,secs\n"
    b"2026-10-05T08:00:00Z,claude-haiku-4-5,1200,80,r-1,0.8\n"
    b"2026-10-05T08:01:00Z,claude-haiku-4-5,1500,95,r-2,1.2\n"
    b"2026-10-05T09:30:00Z,claude-sonnet-4-5,5000,400,r-3,4.0\n"
)
ODD_MAP = {
    "timestamp": "when",
    "model": "engine_used",
    "input_tokens": "tok_in",
    "output_tokens": "tok_out",
    "request_id": "req_id",
    "latency_s": "secs",
}


def test_generic_mapping_reads_odd_headers():
    with pytest.raises(UsageFormatError, match="could not recognize the columns"):
        read_usage(ODD, name="odd.csv")
    r = read_usage(ODD, name="odd.csv", mapping=ODD_MAP)
    assert r.format == "generic" and r.per_request
    f = r.frame
    assert f["requests"].tolist() == [1.0, 1.0, 1.0]  # one request per row when request ids are mapped
    assert totals(f)["input_tokens"] == 7700.0 and totals(f)["output_tokens"] == 575.0
    assert f["latency_s"].mean() == pytest.approx(2.0)
    assert f["request_id"].tolist() == ["r-1", "r-2", "r-3"]
    # upper case in the mapping (the CLI lower-cases, the UI may not) is fine
    upper = read_usage(ODD, name="odd.csv", mapping={k.upper(): v.upper() for k, v in ODD_MAP.items()})
    pd.testing.assert_frame_equal(upper.frame, f)


def test_generic_buckets_without_a_count_have_no_request_count():
    """No count, no request ids, no latencies and times on the hour: buckets, requests unknown
    (tests/roi/usage/test_per_request.py has the rows that are read as requests)."""
    hourly = b"when,engine_used,tok_in,tok_out\n2026-10-05T08:00:00Z,claude-haiku-4-5,1200,80\n"
    r = read_usage(
        hourly,
        name="odd.csv",
        mapping={
            k: v for k, v in ODD_MAP.items() if k in {"timestamp", "model", "input_tokens", "output_tokens"}
        },
    )
    assert not r.per_request
    assert r.frame["requests"].isna().all()


def test_generic_mapping_overrides_aliases():
    csv = b"date,model,input_tokens,uncached,output_tokens\n2026-10-01,gpt-4o,1000,600,50\n"
    f = read_usage(csv, name="m.csv", mapping={"input_tokens": "uncached"}).frame
    assert f["input_tokens"].tolist() == [600.0]


def test_generic_mapping_to_a_missing_column():
    with pytest.raises(UsageFormatError, match="odd.csv, column “tokens_input”") as exc:
        read_usage(ODD, name="odd.csv", mapping={**ODD_MAP, "input_tokens": "tokens_input"})
    assert "tok_in" in str(exc.value)  # lists the columns the file has


def test_generic_mapping_unknown_field():
    with pytest.raises(UsageFormatError, match="unknown field “tokens”") as exc:
        read_usage(ODD, name="odd.csv", mapping={**ODD_MAP, "tokens": "tok_in"})
    for field in ("timestamp", "model", "input_tokens", "cache_read_tokens", "reported_cost_usd"):
        assert field in GENERIC_FIELDS and field in str(exc.value)


def test_generic_mapping_without_tokens():
    with pytest.raises(UsageFormatError, match="no token columns"):
        read_usage(
            b"when,engine\n2026-10-01,gpt-4o\n",
            name="t.csv",
            mapping={"timestamp": "when", "model": "engine"},
        )


@pytest.mark.parametrize(
    ("cell", "sep", "expected"),
    [
        ("2026-10-13", ",", "2026-10-13"),
        ("13/10/2026", ",", "2026-10-13"),  # a day above 12 settles it
        ("10/13/2026", ",", "2026-10-13"),  # US
        ("01/10/2026", ";", "2026-10-01"),  # European Excel writes day first
        ("1791849600", ",", "2026-10-13"),  # Unix seconds
    ],
)
def test_generic_dates(cell, sep, expected):
    csv = f"date{sep}model{sep}input_tokens\n{cell}{sep}gpt-4o{sep}10\n".encode()
    f = read_usage(csv, name="d.csv").frame
    assert f["start"].iloc[0] == pd.Timestamp(expected, tz="UTC")


# ---------------------------------------------------------------- broken corpus


@pytest.mark.parametrize(
    ("file", "where", "what"),
    [
        ("openai_usage_bad_number.csv", "row 4, column “output_tokens”", "expected a number, got “n/a”"),
        ("openai_cost_eur.csv", "row 3, column “amount_currency”", "only USD"),
        ("litellm_missing_model.csv", "column “model”", "required column is missing"),
        ("litellm_bad_time.csv", "row 4, column “starttime”", "expected a date/time, got “pending”"),
        ("generic_negative_tokens.csv", "row 3, column “input_tokens”", "non-negative"),
        ("generic_missing_model.csv", "row 4, column “model”", "model is empty"),
        ("unknown_columns.csv", "row 1", "could not recognize the columns"),
        ("not_a_csv.bin", "", "not a text file"),
        ("latin1.csv", "row 3", "expected UTF-8"),
    ],
)
def test_broken_files_are_refused_whole(file, where, what):
    with pytest.raises(UsageFormatError) as exc:
        read_usage(BROKEN / file)
    message = str(exc.value)
    assert message.startswith(f"{file}{', ' + where if where else ''}: "), message
    assert what in message


def test_every_sample_is_small():
    for p in (OPENAI_USAGE, OPENAI_COST, SPENDLOGS, GENERIC):
        assert p.stat().st_size < 8192, p
