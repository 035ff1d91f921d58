"""Set-up a user never has to think about: `make run` starts headless without usage statistics
(.streamlit/config.toml), secrets stay out of git, and the app's theme colour is the firm's accent."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from roi.report.branding import DEFAULT_ACCENT, Branding, save_branding, theme_color
from roi.store import Store, open_store

ROOT = Path(__file__).resolve().parents[2]


def test_streamlit_config_is_headless_without_usage_statistics():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["headless"] is True
    assert config["browser"]["gatherUsageStats"] is False
    assert "primaryColor" not in config.get("theme", {})  # it comes from the store at start (make run)


def test_streamlit_secrets_are_ignored_by_git():
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_theme_color_is_the_saved_accent(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    try:
        assert theme_color(store) == DEFAULT_ACCENT
        save_branding(store, Branding(firm_name="Example LLP", accent="#0a7f5c"))
        assert theme_color(store) == "#0A7F5C"
    finally:
        store.dispose()


def _warm(env: dict[str, str]) -> subprocess.CompletedProcess:
    """What the launcher (`make run`) does before it starts Streamlit, in a process of its own."""
    return subprocess.run(
        [sys.executable, "-c", "from roi.ui.launch import warm; print(warm())"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_make_run_starts_through_the_launcher_with_the_saved_accent():
    store = open_store()  # ROI_HOME is per test
    save_branding(store, Branding(accent="#123ABC"))
    store.dispose()
    done = _warm(dict(os.environ))
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "#123ABC"), done.stderr
    recipe = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "run", "PORT=8999"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert "-m roi.ui.launch --server.port=8999" in recipe, recipe


def test_the_launcher_settles_what_streamlit_would_charge_the_first_visitor():
    """After `warm`, the heap it loaded is out of the collector's sight (the collection Streamlit runs
    after every script run walks only what the runs make) and the first element skips the REPL check."""
    code = (
        "import gc; from roi.ui.launch import warm; warm(); import streamlit.delta_generator as dg; "
        "print(gc.get_freeze_count(), dg._use_warning_has_been_displayed)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    frozen, warned = done.stdout.split()
    assert int(frozen) > 100_000 and warned == "True", done.stderr


def test_the_launcher_passes_the_colour_to_streamlit(monkeypatch):
    from streamlit.web import cli

    from roi.ui import launch

    seen = {}
    monkeypatch.setattr(launch, "warm", lambda: "#0A7F5C")
    monkeypatch.setattr(cli, "main", lambda **kw: seen.setdefault("argv", list(sys.argv)))
    launch.main(["--server.port=8999"])
    assert seen["argv"][:2] == ["streamlit", "run"] and seen["argv"][2].endswith("app.py")
    assert seen["argv"][3:5] == ["--theme.primaryColor=#0A7F5C", "--server.address=127.0.0.1"]
    assert seen["argv"][-1] == "--server.port=8999"
    # the secrets files Streamlit reads (the user's and the project's) hold [auth] when set
    assert all(a.startswith("--secrets.files=") for a in seen["argv"][5:-1])


def test_make_run_listens_on_this_machine_only_unless_told_otherwise(monkeypatch):
    from roi.ui import launch

    monkeypatch.delenv("STREAMLIT_SERVER_ADDRESS", raising=False)
    assert "--server.address=127.0.0.1" in launch.serving_flags(["--server.port=1"])
    assert not any(
        f.startswith("--server.address") for f in launch.serving_flags(["--server.address", "::1"])
    )


def test_an_unreachable_store_still_starts_with_the_default_colour():
    env = dict(os.environ, ROI_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    done = _warm(env)
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, DEFAULT_ACCENT)
    assert "default" in done.stderr  # says why, where the person running make sees it
