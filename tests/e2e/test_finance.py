"""Month-end on the Usage page in a real browser: upload exports, import, delete, reconcile, reuse.

The server (and its store) is shared by the whole browser suite, so each test starts by deleting
every import through the page (which is itself the confirmation flow under test) and leaves none.
Every wait is on something visible.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data" / "usage"
CENTS = re.compile(r"^-?\$[0-9][0-9,]*\.[0-9]{2}$")


def settled(page: Page) -> None:
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def no_errors(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Traceback")).to_have_count(0)


def metric(page: Page, label: str):
    tile = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=label)
    )
    return tile.first.get_by_test_id("stMetricValue")


def open_usage(page: Page) -> None:
    page.goto("/usage")
    expect(page.get_by_role("heading", name="Usage", level=1)).to_be_visible()
    settled(page)


def import_button(page: Page):
    return page.get_by_role("button", name="Import", exact=True)


def delete_every_import(page: Page) -> None:
    """Through the page: "Delete this import", then "Delete" in the confirmation dialog."""
    delete = page.get_by_role("button", name="Delete this import")
    empty = page.get_by_text("No usage imported yet.")
    picker = page.get_by_role("combobox", name="Import", exact=True)
    expect(empty.or_(delete)).to_be_visible()  # the page has drawn what the store holds
    while delete.count():
        chosen = picker.input_value()  # "#3 generic_requests.csv"
        delete.click()
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_text("Delete this import?")).to_be_visible()
        expect(dialog.get_by_text(chosen)).to_be_visible()  # it names the import it deletes
        dialog.get_by_role("button", name="Delete", exact=True).click()
        expect(dialog).to_have_count(0)
        number, name = chosen.split(" ", 1)
        expect(page.get_by_text(f"Deleted import {number} ({name}).")).to_be_visible()
        settled(page)
    expect(empty).to_be_visible()


def upload_and_import(page: Page, *files: Path) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(f) for f in files])
    expect(import_button(page)).to_be_visible()
    settled(page)
    import_button(page).click()
    expect(page.get_by_text("Imported.")).to_be_visible()
    settled(page)


def test_imported_files_leave_the_box_and_a_deleted_import_stays_deleted(app_page, shot, tmp_path):
    """The box used to keep every file after Import, so the next Import (or a rerun after a delete)
    read them all again and a deleted import came back. Delete now asks first."""
    open_usage(app_page)
    delete_every_import(app_page)
    upload_and_import(app_page, DATA / "generic_requests.csv")
    expect(app_page.get_by_text("generic_requests.csv: 41 rows read, 41 stored")).to_be_visible()
    # the box is empty again, and there is nothing to import twice
    expect(app_page.get_by_test_id("stFileChip")).to_have_count(0)
    expect(import_button(app_page)).to_have_count(0)
    expect(metric(app_page, "Requests")).to_have_text("41")
    shot(app_page, "finance-after-import")

    # delete asks first; Cancel keeps the import
    app_page.get_by_role("button", name="Delete this import").click()
    dialog = app_page.get_by_role("dialog")
    expect(dialog.get_by_text("generic_requests.csv")).to_be_visible()
    expect(dialog.get_by_text("It comes back only if you upload the file again.")).to_be_visible()
    shot(app_page, "finance-delete-dialog")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    settled(app_page)
    expect(metric(app_page, "Requests")).to_have_text("41")

    app_page.get_by_role("button", name="Delete this import").click()
    app_page.get_by_role("dialog").get_by_role("button", name="Delete", exact=True).click()
    expect(app_page.get_by_text("Deleted import #")).to_be_visible()
    expect(app_page.get_by_text("No usage imported yet.")).to_be_visible()
    settled(app_page)
    # nothing left in the box to bring it back: no Import button, and another page visit changes nothing
    expect(import_button(app_page)).to_have_count(0)
    app_page.get_by_test_id("stSidebarNav").get_by_role("link", name="Overview", exact=True).click()
    expect(app_page.get_by_role("heading", name="Usage", level=1)).to_have_count(0)
    settled(app_page)
    app_page.get_by_test_id("stSidebarNav").get_by_role("link", name="Usage", exact=True).click()
    expect(app_page.get_by_role("heading", name="Usage", level=1)).to_be_visible()
    settled(app_page)
    expect(app_page.get_by_text("No usage imported yet.")).to_be_visible()
    expect(import_button(app_page)).to_have_count(0)
    no_errors(app_page)

    # on purpose, the same file comes back
    upload_and_import(app_page, DATA / "generic_requests.csv")
    expect(metric(app_page, "Requests")).to_have_text("41")
    delete_every_import(app_page)


def test_a_per_request_csv_becomes_a_workload_that_points_to_evaluate(app_page, shot):
    open_usage(app_page)
    delete_every_import(app_page)
    upload_and_import(app_page, DATA / "generic_requests.csv")
    expect(metric(app_page, "Requests")).to_have_text("41")
    expect(metric(app_page, "Mean latency")).to_have_text(re.compile(r"^\d+\.\d s$"))
    expect(metric(app_page, "Spend, priced with the catalog")).to_have_text(CENTS)
    expect(app_page.get_by_text(re.compile(r"^Period 1–31 Oct 2026"))).to_be_visible()
    # one task per the file's own task column, no request counts to type
    by = app_page.get_by_test_id("stSelectbox").filter(has_text="One task per")
    expect(by).to_contain_text("task")
    expect(app_page.get_by_text("These files have no request counts.")).to_have_count(0)
    app_page.get_by_role("button", name="Use as workload").click()
    expect(
        app_page.get_by_text("The task mix is now “Usage of generic_requests.csv, 1–31 Oct 2026”")
    ).to_be_visible()
    settled(app_page)
    step = app_page.get_by_text(re.compile(r"^Next step: the accuracy of 3 tasks"))
    expect(step).to_be_visible()
    step.scroll_into_view_if_needed()
    shot(app_page, "finance-next-step")
    app_page.get_by_role("button", name="Measure accuracy on Evaluate").click()
    expect(app_page.get_by_role("heading", name="Evaluate", level=1)).to_be_visible()
    settled(app_page)
    no_errors(app_page)
    open_usage(app_page)
    delete_every_import(app_page)


def test_the_sample_exports_reconcile_over_the_days_both_cover(app_page, shot):
    open_usage(app_page)
    delete_every_import(app_page)
    upload_and_import(app_page, DATA / "anthropic_console_usage.csv", DATA / "anthropic_console_cost.csv")
    expect(metric(app_page, "Spend, priced with the catalog")).to_have_text(CENTS)
    expect(metric(app_page, "Billed / reported")).to_have_text(CENTS)
    expect(app_page.get_by_text(re.compile(r"^Period 3 Nov – 22 Dec 2025"))).to_be_visible()
    words = app_page.get_by_test_id("stMarkdown").filter(has_text="The usage files cover")
    expect(words).to_contain_text("The usage files cover 3 Nov – 22 Dec 2025; the bill covers 3–30 Nov 2025.")
    expect(words).to_contain_text("Compared: 3–30 Nov 2025, the days both cover.")
    expect(words).to_contain_text("Not compared: usage for 1–22 Dec 2025")
    expect(words).to_contain_text("Bill lines not tied to a model (credits, fees): -$1.00.")
    expect(words).to_contain_text("Beyond the 1% tolerance:")
    words.scroll_into_view_if_needed()
    shot(app_page, "finance-reconciliation")
    # the tolerance is the user's: at 50% only the one-sided credit line is left to check
    tolerance = app_page.get_by_label("Flag differences beyond (% of the bill)")
    tolerance.fill("50")
    tolerance.press("Enter")
    # while the page reruns, the old sentences may still be shown beside the new ones: count them
    expect(app_page.get_by_test_id("stMarkdown").filter(has_text="Beyond the")).to_have_count(0)
    settled(app_page)
    expect(words).to_have_count(1)
    expect(words).to_contain_text("Compared: 3–30 Nov 2025")
    no_errors(app_page)
    delete_every_import(app_page)


def test_chargeback_per_tag_and_the_billing_file_add_up_to_the_spend(app_page, shot, tmp_path):
    """Finance imports a LiteLLM log, sees its spend per tag (a request with two tags split between
    them) and downloads the chargeback file, whose lines add up to the spend on screen."""
    import csv

    open_usage(app_page)
    delete_every_import(app_page)
    upload_and_import(app_page, DATA / "litellm_spendlogs.csv")
    app_page.goto("/chargeback")
    expect(app_page.get_by_role("heading", name="Chargeback", level=1)).to_be_visible()
    settled(app_page)
    no_errors(app_page)
    total = metric(app_page, "Spend, priced with the catalog")
    expect(total).to_have_text(CENTS)
    # no rules yet: all of it is unallocated
    expect(metric(app_page, "Unallocated")).to_have_text(total.inner_text())
    app_page.get_by_role("combobox", name="Spend by").click()
    app_page.get_by_role("option", name="Tag", exact=True).click()
    settled(app_page)
    grid = app_page.get_by_test_id("stDataFrame").first
    expect(grid).to_contain_text("priority")
    shot(app_page, "finance-chargeback")
    with app_page.expect_download() as download:
        app_page.get_by_role("button", name="Chargeback CSV").click()
    path = tmp_path / "chargeback.csv"
    download.value.save_as(path)
    lines = list(csv.DictReader(path.open(encoding="utf-8")))
    assert lines and {"matter", "client", "model", "cost_usd", "shared_cost_usd"} <= set(lines[0])
    cents = sum(round(float(r["total_usd"]) * 100) for r in lines)
    assert f"${cents / 100:,.2f}" == total.inner_text()
    # one day of history: the forecast says it grows the assumption, with no interval
    app_page.goto("/forecast")
    expect(app_page.get_by_role("heading", name="Forecast & budgets", level=1)).to_be_visible()
    settled(app_page)
    no_errors(app_page)
    expect(app_page.get_by_text(re.compile("growth assumption"))).to_be_visible()
    expect(metric(app_page, "80% interval")).to_have_text("—")
    shot(app_page, "finance-forecast")
    open_usage(app_page)
    delete_every_import(app_page)


def test_month_end_savings_against_the_plan_and_the_finance_pack(app_page, shot, tmp_path):
    """Finance imports three months of gateway logs, sets the day routing went live, sees the
    savings achieved against the plan, and downloads the month's finance pack from the Report page."""
    from openpyxl import load_workbook

    from tests.roi.usage.month_end_data import three_months

    open_usage(app_page)
    delete_every_import(app_page)
    upload_and_import(app_page, three_months(tmp_path / "gateway-requests.csv"))
    app_page.goto("/savings")
    expect(app_page.get_by_role("heading", name="Savings achieved", level=1)).to_be_visible()
    settled(app_page)
    expect(app_page.get_by_text("Set the day routing went live")).to_be_visible()
    # a react-aria date field: year, month and day are spin buttons, typed in turn as a person does
    app_page.get_by_role("spinbutton", name="year, Routing went live on").click()
    app_page.keyboard.type("20260901")
    app_page.get_by_role("button", name="Tuesday, September 1, 2026").click()  # the calendar confirms it
    settled(app_page)
    no_errors(app_page)
    expect(metric(app_page, "Achieved saving to date (computed)")).to_have_text(CENTS)
    expect(app_page.get_by_text(re.compile("model mix before go-live"))).to_be_visible()
    expect(app_page.locator(".js-plotly-plot")).to_have_count(1)
    shot(app_page, "finance-savings")

    # through the menu, as a person goes (a new address would be a new session, without the date)
    app_page.get_by_test_id("stSidebarNav").get_by_role("link", name="Report", exact=True).click()
    expect(app_page.get_by_role("heading", name="Report", level=1)).to_be_visible()
    settled(app_page)
    expect(app_page.get_by_text(re.compile("savings against"))).to_be_visible()  # the go-live date stayed
    with app_page.expect_download() as download:
        app_page.get_by_role("button", name="Finance pack (XLSX)").click()
    path = tmp_path / "pack.xlsx"
    download.value.save_as(path)
    assert download.value.suggested_filename == "finance-pack-2026-10.xlsx"
    wb = load_workbook(path)
    assert {"Spend by model", "By matter", "Savings", "Forecast", "Budgets"} <= set(wb.sheetnames)
    months = [r[0] for r in wb["Savings"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert months == ["2026-09", "2026-10"]
    open_usage(app_page)
    delete_every_import(app_page)
