"""`roi serve`: it will not serve beyond this machine without sign-in unless told so, and a
server it starts answers its health check and the app with XSRF protection on."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from roi.cli import main


def test_a_public_address_without_sign_in_is_refused(capsys):
    assert main(["serve", "--address", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "refusing to serve beyond this machine without sign-in" in err and "--allow-anonymous" in err
    assert main(["serve", "--port", "0"]) == 2


def test_the_launcher_refuses_too_so_make_run_cannot_skip_the_rule(tmp_path):
    """`make run` starts the launcher directly: beyond this machine it wants sign-in as well."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ROI_AUTH_", "ROI_ALLOW"))}
    run = subprocess.run(
        [sys.executable, "-m", "roi.ui.launch", "--server.address=0.0.0.0", "--server.port=1"],
        env=env | {"ROI_HOME": str(tmp_path)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert "--server.address 0.0.0.0: refusing to serve beyond this machine without sign-in" in run.stderr
    half = subprocess.run(
        [sys.executable, "-m", "roi.ui.launch", "--server.port=1"],
        env=env | {"ROI_HOME": str(tmp_path), "ROI_AUTH_CLIENT_ID": "roi"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert half.returncode == 1 and "configured only in part" in half.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_server_answers_its_health_check_and_the_app(tmp_path):
    port = _free_port()
    env = dict(os.environ, ROI_HOME=str(tmp_path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "roi.cli", "serve", "--port", str(port), "--max-upload-mb", "50"],
        env=env,
        cwd=tmp_path,  # no .streamlit/config.toml here: every setting comes from `roi serve`
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    assert r.status == 200 and r.read() == b"ok"
                    break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    pytest.fail(
                        f"roi serve did not become healthy: {proc.stderr.read() if proc.poll() is not None else 'timeout'}"
                    )
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert r.status == 200 and b"<html" in r.read().lower()
            # the server sends the security headers itself (no proxy needed for them)
            assert r.headers["X-Frame-Options"] == "SAMEORIGIN"
            assert r.headers["X-Content-Type-Options"] == "nosniff"
            assert r.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
            assert r.headers["Referrer-Policy"] == "same-origin"
            assert "Strict-Transport-Security" not in r.headers  # the TLS end (a proxy) sends it
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/host-config", timeout=5) as r:
            assert r.status == 200
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert "no ROI_DATABASE_URL" in err  # it says the store is the local SQLite one
