"""Honest ranges in a real browser: a partner opens a scenario whose accuracies were measured and whose
error cost is a range, and reads the payback with its P10–P90 and its odds; the consultant's deck,
downloaded from the Report page, says the same sentence."""

from __future__ import annotations

import io
import json
from pathlib import Path

from playwright.sync_api import expect
from pptx import Presentation

from roi import present, share
from roi.scenario import parse_scenario
from roi.uncertainty import simulate

REPO = Path(__file__).resolve().parents[2]


def _ranged():
    doc = json.loads((REPO / "tests" / "fixtures" / "scenarios" / "measured.json").read_text())
    doc["name"] = "Ranges e2e"
    doc["tasks"][0]["error_cost"] = {"low": 2.0, "likely": 5.0, "high": 20.0}
    return parse_scenario(doc)


def settled(page) -> None:
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def test_the_partner_reads_the_odds_and_the_deck_says_the_same(app_page, shot):
    s = _ranged()
    words = present.uncertainty_words(simulate(s))
    page = app_page
    page.goto(f"/?s={share.encode(s)}")
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    settled(page)
    expect(page.get_by_text(words, exact=True)).to_be_visible()
    expect(page.get_by_text("Ranges from 10,000 draws (seed 1)")).to_be_visible()
    payback = page.get_by_test_id("stMetric").filter(has_text="Payback")
    expect(payback).to_contain_text("P10–P90 month")
    expect(page.get_by_text("Cumulative net benefit, with its range")).to_be_visible()
    shot(page, "partner-ranges-overview")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Report", exact=True).click()
    expect(page.get_by_role("button", name="Slide deck (PPTX)")).to_be_visible()
    settled(page)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Slide deck (PPTX)").click()
    deck = Presentation(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(sh.text_frame.text for sl in deck.slides for sh in sl.shapes if sh.has_text_frame)
    assert words in " ".join(text.split())
    assert "10,000 draws (seed 1)" in text
    expect(page.get_by_test_id("stException")).to_have_count(0)
