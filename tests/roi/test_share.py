"""Share links: short enough for an e-mail, opening on the app's first page, hostile input refused."""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from roi import share
from roi.engine import compute
from roi.errors import ScenarioError
from roi.scenario import demo_scenario, load_scenario
from roi.store import Store

FIXTURES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "scenarios").glob("*.json"))
DEMO_LINK_BEFORE = 871  # characters of the demo's token as version 1 encoded it (zlib + base64 of the JSON)


def version_1(doc: dict) -> str:
    """How links were made before the compact encoding (links already sent must keep opening)."""
    raw = json.dumps(doc, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def deflated(raw: bytes, *, dictionary: bytes = share._DICTIONARY) -> str:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zdict=dictionary)
    return share.VERSION + base64.urlsafe_b64encode(packer.compress(raw) + packer.flush()).decode().rstrip(
        "="
    )


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    yield s
    s.dispose()


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_every_fixture_scenario_survives_the_compact_token(path):
    s = load_scenario(path)
    token = share.encode(s)
    assert token.startswith(share.VERSION)
    assert share.decode(token) == s
    assert len(token) < len(version_1(s.to_dict()))


def test_the_demo_link_is_much_shorter_than_before():
    s = demo_scenario()
    assert len(version_1(s.to_dict())) == DEMO_LINK_BEFORE
    token = share.encode(s)
    assert share.decode(token) == s
    assert len(token) <= 520, len(token)  # 513 when written; 871 before


def test_links_made_before_still_open():
    s = demo_scenario()
    assert share.decode(version_1(s.to_dict())) == s


def test_the_compact_document_leaves_out_only_what_parsing_assumes():
    doc = share.compact(demo_scenario().to_dict())
    intake = doc["t"][0]
    assert intake["r"] == 10000 and isinstance(intake["r"], int)  # 10000.0 written as 10000
    assert "w" not in intake and "I" not in intake and "x" not in intake  # 0, false, "routine"
    assert doc["t"][1]["I"] is True and doc["t"][3]["x"] == "medium"
    assert doc["M"] == {"claude-haiku-4-5": {}, "claude-sonnet-4-5": {}, "claude-opus-4-1": {}}
    assert "h" not in doc  # 24 months, the default
    longer = replace(demo_scenario(), horizon_months=36, one_time_cost=0.0)
    assert share.compact(longer.to_dict())["h"] == 36 and "o" not in share.compact(longer.to_dict())
    assert share.decode(share.encode(longer)) == longer


def test_a_bad_link_is_refused_with_a_share_link_message():
    token = share.encode(demo_scenario())
    bad = [
        "not-base64!!",
        token[:-10],  # cut short
        "eJwrzs9LycxLBwAJ3AK0",  # a version-1 token of something that is not JSON
        "A" * 70_000,
        "x" + token[1:],  # an unknown version
        share.VERSION + "@@@@",
        deflated(b"[1, 2, 3]"),  # JSON, but not a scenario
        deflated(token.encode(), dictionary=b"another dictionary"),
    ]
    for param in bad:
        with pytest.raises(ScenarioError, match="share link"):
            share.decode(param)


def test_decompression_is_bounded():
    for bomb in (
        base64.urlsafe_b64encode(zlib.compress(b" " * 10_000_000)).decode(),
        deflated(b" " * 10_000_000),
    ):
        assert len(bomb) < share.MAX_PARAM_CHARS
        with pytest.raises(ScenarioError, match="too large"):
            share.decode(bomb)


def test_a_link_decodes_to_a_scenario_the_engine_then_checks():
    wrong = base64.urlsafe_b64encode(zlib.compress(b'{"name": "x", "baseline": {"model": "nope"}}')).decode()
    with pytest.raises(ScenarioError):
        compute(share.decode(wrong))


@pytest.mark.parametrize(
    ("page_url", "expected"),
    [
        ("http://127.0.0.1:8501/scenarios", "http://127.0.0.1:8501/?s=T"),
        ("http://127.0.0.1:8501/scenarios/", "http://127.0.0.1:8501/?s=T"),
        ("https://roi.example.com/team/scenarios", "https://roi.example.com/team/?s=T"),
        ("http://host/other", "http://host/other/?s=T"),  # not the page named: nothing to cut
        (None, "/?s=T"),
    ],
)
def test_links_open_on_the_first_page(page_url, expected):
    assert share.link(page_url, "scenarios", {"s": "T"}) == expected


def test_a_saved_revision_gets_a_short_link_that_opens_it(store):
    s = demo_scenario().with_name("Q4 plan: Haiku for routine work")
    rev = store.save_scenario(s, expected_revision=None)
    params = share.query(s, saved=(s.name, rev))
    url = share.link("http://127.0.0.1:8501/scenarios", "scenarios", params)
    assert len(url) < 100, url
    opened = share.open_link(dict(parse_qsl(urlsplit(url).query)), store.open_revision)
    assert opened == (s, (s.name, rev))  # a later save builds on that revision


def test_a_saved_revision_link_is_refused_when_the_revision_is_gone_or_replaced(store):
    s = demo_scenario().with_name("Plan A")
    params = share.query(s, saved=("Plan A", 1))
    with pytest.raises(ScenarioError, match='share link: no saved scenario named "Plan A"'):
        share.open_link(params, store.open_revision)
    other = replace(s, one_time_cost=1.0)  # deleted, then another "Plan A" saved as revision 1
    store.save_scenario(other, expected_revision=None)
    with pytest.raises(ScenarioError, match="no longer the scenario the link was made for"):
        share.open_link(params, store.open_revision)
    with pytest.raises(ScenarioError, match="has no revision 7"):
        share.open_link({**params, share.REVISION_PARAM: "7"}, store.open_revision)


@pytest.mark.parametrize(
    "params",
    [
        {"scenario": "Plan A", "rev": "one", "sum": "0123abcd"},
        {"scenario": "Plan A", "rev": "0", "sum": "0123abcd"},
        {"scenario": "Plan A", "rev": "1"},
        {"scenario": "Plan A", "rev": "1", "sum": "<script>"},
        {"scenario": " ", "rev": "1", "sum": "0123abcd"},
        {"scenario": "x" * 500, "rev": "1", "sum": "0123abcd"},
    ],
)
def test_a_malformed_saved_revision_link_is_refused(params, store):
    with pytest.raises(ScenarioError, match="share link"):
        share.open_link(params, store.open_revision)


def test_no_link_in_the_url_opens_nothing(store):
    assert share.open_link({}, store.open_revision) is None
    assert share.open_link({"rev": "3"}, store.open_revision) is None
