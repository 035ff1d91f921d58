"""Budgets: spend so far and the forecast against each monthly budget (total, matter, team), the day
the forecast crosses it, `roi budgets check`'s exit codes, and webhook alerts posted once per
crossing to a local HTTP receiver."""

from __future__ import annotations

import json
import math
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from roi.cli import main
from roi.errors import UsageFormatError
from roi.store import Store
from roi.usage import ingest, priced_store
from roi.usage.allocation import Rule, allocate, save_rules
from roi.usage.budgets import (
    CROSSED,
    FINE,
    WILL_CROSS,
    Budget,
    budgets,
    check,
    read_budgets_csv,
    save_budgets,
)
from tests.roi.usage.month_end_data import three_months

PER_DAY_USD = 40 * (0.7 * (3000e-6 + 400 * 5e-6) + 0.3 * (3000 * 3e-6 + 400 * 15e-6))  # $0.32 routed


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    ingest(s, [three_months(tmp_path / "requests.csv", last_day="2026-10-20")])
    save_rules(
        s, [Rule("tag", "matter:2026-014", "M-014", "Acme"), Rule("tag", "matter:2026-020", "M-020", "Birch")]
    )
    try:
        yield s
    finally:
        s.dispose()


class Receiver:
    """A local webhook: records every JSON body; answers `status`."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.status = 200
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if outer.status == 200:
                    outer.bodies.append(json.loads(body))
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/services/T000/B000/secret-token"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


def test_spend_so_far_the_forecast_and_the_crossing_day(store):
    priced = priced_store(store)
    states = check(
        priced, [Budget("total", "", 8.0), Budget("total", "", 6.0), Budget("total", "", 50.0)], []
    )
    will, crossed, fine = states
    assert will.month == "2026-10"
    assert will.spent_usd == pytest.approx(20 * PER_DAY_USD)  # 1-20 October
    # under three complete months: the forecast is the month's daily rate, 30.4375 days a month
    assert will.forecast_usd == pytest.approx(PER_DAY_USD * 30.4375)
    assert will.status == WILL_CROSS and will.reached == [80]
    per_day_ahead = (will.forecast_usd - will.spent_usd) / 11
    assert will.crossing_day == date(2026, 10, 20 + math.ceil((8.0 - will.spent_usd) / per_day_ahead))
    assert crossed.status == CROSSED and crossed.crossing_day == date(2026, 10, 19)  # 19 x $0.32 >= $6
    assert crossed.reached == [80, 90, 100]
    assert fine.status == FINE and fine.crossing_day is None
    burn = will.days
    assert len(burn) == 31 and burn["forecast"].sum() == 11
    assert burn["cumulative_usd"].iloc[-1] == pytest.approx(will.forecast_usd)


def test_a_matter_budget_uses_the_chargeback_allocation(store):
    priced = priced_store(store)
    (state,) = check(priced, [Budget("matter", "M-014", 1000.0)], [*_rules(store)], "2026-09")
    chargeback = allocate(priced, "matter", month="2026-09", rule_list=_rules(store))
    line = chargeback.groups.set_index("key").loc["M-014", "cost_usd"]
    assert state.spent_usd == pytest.approx(line, abs=0.01)
    assert state.forecast_usd == state.spent_usd  # September is all in the data: nothing to forecast


def _rules(store):
    from roi.usage.allocation import rules

    return rules(store)


def test_budgets_are_stored_and_a_bad_file_names_row_and_column(store):
    save_budgets(store, read_budgets_csv('scope,key,monthly_usd\ntotal,,"$1,000"\nmatter,M-014,250\n'))
    assert budgets(store) == [Budget("matter", "M-014", 250.0), Budget("total", "", 1000.0)]
    with pytest.raises(UsageFormatError, match=r"budgets\.csv.*row 3.*monthly_usd"):
        read_budgets_csv("scope,key,monthly_usd\nteam,claims,10\nteam,intake,lots\n")
    with pytest.raises(UsageFormatError, match="scope"):
        read_budgets_csv("scope,key,monthly_usd\nproject,x,10\n")
    assert len(budgets(store)) == 2  # a refused file changes nothing


def test_cron_exit_codes_and_one_alert_per_crossing(store, tmp_path, receiver, capsys, monkeypatch):
    monkeypatch.setenv("ROI_DATABASE_URL", str(store.engine.url))
    (tmp_path / "b.csv").write_text("scope,key,monthly_usd\ntotal,,50\n", encoding="utf-8")
    assert main(["budgets", "load", str(tmp_path / "b.csv")]) == 0
    assert main(["budgets", "check", "--webhook", receiver.url]) == 0  # fine: nothing to post
    assert receiver.bodies == []
    (tmp_path / "b.csv").write_text("scope,key,monthly_usd\ntotal,,8\n", encoding="utf-8")
    assert main(["budgets", "load", str(tmp_path / "b.csv")]) == 0
    capsys.readouterr()
    assert main(["budgets", "check", "--webhook", receiver.url]) == 1  # the forecast will cross
    assert "WILL CROSS" in capsys.readouterr().out
    assert len(receiver.bodies) == 1 and "Budget 80% reached" in receiver.bodies[0]["text"]
    assert main(["budgets", "check", "--webhook", receiver.url]) == 1
    assert len(receiver.bodies) == 1  # the same crossing is never posted twice

    (tmp_path / "b.csv").write_text("scope,key,monthly_usd\ntotal,,6\n", encoding="utf-8")
    assert main(["budgets", "load", str(tmp_path / "b.csv")]) == 0
    receiver.status = 500
    capsys.readouterr()
    assert main(["budgets", "check", "--webhook", receiver.url]) == 2  # the post failed: the user acts
    err = capsys.readouterr().err
    assert "HTTP 500" in err and "secret-token" not in err  # the URL is a secret
    receiver.status = 200
    assert main(["budgets", "check", "--webhook", receiver.url, "--json"]) == 3  # crossed
    doc = json.loads(capsys.readouterr().out)
    assert doc[0]["status"] == "crossed" and doc[0]["thresholds_reached"] == [80, 90, 100]
    assert len(receiver.bodies) == 2 and "Budget 100% reached" in receiver.bodies[1]["text"]
    assert main(["budgets", "check", "--webhook", receiver.url]) == 3
    assert len(receiver.bodies) == 2  # retried once it worked, then never again

    assert main(["budgets", "check", "--month", "Oct"]) == 2
    assert main(["budgets", "check", "--webhook", "file:///etc/passwd"]) == 2


def test_a_webhook_url_never_reaches_the_crash_log():
    from roi.cli.crash import mask

    url = "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX"
    assert "XXXXsecretXXXX" not in mask(f"boom posting to {url}", ["budgets", "check", "--webhook", url])
    assert "XXXXsecretXXXX" not in mask(f"boom {url}", ["budgets", "check", f"--webhook={url}"])


def test_a_month_with_no_spend_yet_is_forecast_and_shared_as_the_latest_month(store):
    from roi.usage.forecast import forecast

    priced = priced_store(store)
    total, matter = check(
        priced, [Budget("total", "", 1e6), Budget("matter", "M-014", 1e6)], _rules(store), "2026-12"
    )
    expected = forecast(priced, 3).months.set_index("month").loc["2026-12", "cost_usd"]
    assert total.spent_usd == 0 and expected > 0 and total.forecast_usd == pytest.approx(expected)
    october = allocate(priced, "matter", month="2026-10", rule_list=_rules(store))
    share = october.groups.set_index("key").loc["M-014", "cost_usd"] / october.total_cost_usd
    assert matter.forecast_usd == pytest.approx(expected * share, rel=1e-3)


def test_a_budgets_file_that_is_not_a_csv_is_refused_with_its_line(tmp_path, capsys):
    with pytest.raises(UsageFormatError, match="not a CSV"):
        read_budgets_csv("")
    with pytest.raises(UsageFormatError, match=r"row 2.*needs the team"):
        read_budgets_csv("scope,key,monthly_usd\nteam,,10\n")
    (tmp_path / "latin1.csv").write_bytes("scope,key,monthly_usd\nmatter,Café,10\n".encode("latin-1"))
    assert main(["budgets", "load", str(tmp_path / "latin1.csv")]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_an_abbreviated_webhook_flag_is_masked_too():
    from roi.cli.crash import mask

    url = "https://hooks.example/services/T000/B000/XXXXsecretXXXX"
    assert "XXXXsecretXXXX" not in mask(f"boom {url}", ["budgets", "check", "--web", url])
