"""The live pull from the Usage & Cost Analytics API (roi.usage.live), against a local fake of the
API (tests/fakes/fake_admin.py) that pages, rate-limits and fails once, through the real anthropic
SDK: every row read once, resumable after an interruption, incremental, and the key kept nowhere."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest

from roi.cli import main
from roi.errors import UsageFormatError
from roi.store import Store
from roi.usage import list_imports, priced_store
from roi.usage.live import pull, watermark

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/: `fakes` importable
from fakes.fake_admin import FakeAdmin  # noqa: E402

DATA = Path(__file__).resolve().parents[3] / "data" / "usage"


def _rows(kind: str) -> list[dict]:
    text = (DATA / f"anthropic_analytics_{kind}.json").read_text()
    return (
        [row for line in text.splitlines() if line.strip() for row in json.loads(line)["data"]]
        if kind == "usage"
        else json.loads(text)["data"]
    )


pytestmark = pytest.mark.usefixtures("no_proxies")  # traffic to the fake stays on 127.0.0.1


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    yield s
    s.dispose()


@pytest.fixture
def fake():
    with FakeAdmin(_rows("usage"), _rows("cost"), page_size=2) as f:
        yield f


def _totals(store):
    p = priced_store(store)
    usage = p[p["kind"] == "usage"]
    return (
        float(usage["requests"].sum()),
        float(usage["output_tokens"].sum()),
        round(float(p["reported_cost_usd"].sum()), 6),
    )


def _saved_report_totals(tmp_path):
    from roi.usage import ingest

    s = Store(f"sqlite:///{tmp_path / 'saved.db'}")
    ingest(s, [DATA / "anthropic_analytics_usage.json", DATA / "anthropic_analytics_cost.json"])
    out = _totals(s)
    s.dispose()
    return out


def test_a_pull_pages_through_retries_and_reads_what_the_saved_reports_hold(store, fake, tmp_path):
    fake.fail_next(429, retry_after=0)  # the SDK waits and asks again
    fake.fail_next(500)
    result = pull(
        store, api_key=FakeAdmin.KEY, since=date(2026, 11, 1), until=date(2026, 11, 4), base_url=fake.base_url
    )
    assert _totals(store) == _saved_report_totals(tmp_path)  # the same figures as the saved reports
    assert fake.count("429") == 1 and fake.count("500") == 1
    usage_pages = [r for r in fake.requests if r["path"].endswith("/usage") and r["outcome"] == "ok"]
    assert len(usage_pages) == 3  # 6 rows, 2 a page
    assert all("page" in r["query"] for r in usage_pages[1:])
    assert set(result.document["pulled"].values()) == {"2026-11-01", "2026-11-04"}
    assert watermark(store) == date(2026, 11, 4)
    assert sorted(list_imports(store)["format"]) == ["anthropic-analytics-cost", "anthropic-analytics-usage"]


def test_an_interrupted_pull_goes_on_from_the_page_it_had_not_read(store, fake, tmp_path):
    fake.fail_after = 2  # two pages, then the API is down for good (retries and all)
    with pytest.raises(UsageFormatError, match="run the same pull again"):
        pull(
            store,
            api_key=FakeAdmin.KEY,
            since=date(2026, 11, 1),
            until=date(2026, 11, 4),
            base_url=fake.base_url,
        )
    assert list_imports(store).empty and watermark(store) is None  # nothing stored half-way
    served = [r for r in fake.requests if r["outcome"] == "ok"]
    fake.fail_after = None
    fake.requests.clear()
    pull(
        store, api_key=FakeAdmin.KEY, since=date(2026, 11, 1), until=date(2026, 11, 4), base_url=fake.base_url
    )
    again = [r for r in fake.requests if r["outcome"] == "ok" and r["path"].endswith("/usage")]
    assert len(served) == 2 and "page" in again[0]["query"]  # it did not read the first pages again
    assert _totals(store) == _saved_report_totals(tmp_path)


def test_a_second_pull_fetches_only_what_is_new_and_counts_nothing_twice(store, fake, tmp_path):
    pull(
        store, api_key=FakeAdmin.KEY, since=date(2026, 11, 1), until=date(2026, 11, 3), base_url=fake.base_url
    )
    fake.requests.clear()
    pull(store, api_key=FakeAdmin.KEY, until=date(2026, 11, 4), base_url=fake.base_url)  # from the watermark
    starts = {r["query"]["starting_at"][0][:10] for r in fake.requests}
    assert starts == {"2026-11-02"}  # one day back (refreshed buckets), not from the beginning
    assert _totals(store) == _saved_report_totals(tmp_path)  # the re-read day replaced, not added


def test_the_key_is_needed_refused_clearly_and_never_kept(store, fake, tmp_path, capsys, monkeypatch):
    with pytest.raises(UsageFormatError, match="no Admin API key"):
        pull(store, api_key="", since=date(2026, 11, 1), until=date(2026, 11, 2), base_url=fake.base_url)
    with pytest.raises(UsageFormatError, match="refused the key"):
        pull(
            store,
            api_key="sk-ant-admin01-wrong",
            since=date(2026, 11, 1),
            until=date(2026, 11, 2),
            base_url=fake.base_url,
        )
    with pytest.raises(UsageFormatError, match="first pull: say from when"):
        pull(store, api_key=FakeAdmin.KEY, base_url=fake.base_url)
    monkeypatch.setenv("ANTHROPIC_ADMIN_API_KEY", FakeAdmin.KEY)
    monkeypatch.setenv("ROI_HOME", str(tmp_path / "home"))
    code = main(
        [
            "ingest",
            "anthropic-admin:",
            "--since",
            "2026-11-01",
            "--until",
            "2026-11-04",
            "--base-url",
            fake.base_url,
        ]
    )
    out = capsys.readouterr()
    assert code == 0 and "anthropic-analytics-usage" in out.out
    home = tmp_path / "home"
    stored = b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())
    assert FakeAdmin.KEY.encode() not in stored and FakeAdmin.KEY not in out.out + out.err
