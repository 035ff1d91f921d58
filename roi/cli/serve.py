"""`roi serve`: the dashboard as a server for a firm, with the settings a server needs.

On a laptop `make run` is enough. A server differs in what it must refuse: it binds to an address
other people reach, so it will not start there without sign-in (`roi.signin`: the firm's identity
provider through `st.login`) unless told so explicitly (`--allow-anonymous`: everyone who reaches
the port may do everything). The README's production section says what to put in front (a reverse
proxy with TLS, security headers and sticky sessions). XSRF protection stays on, uploads and
messages are capped, errors reach the browser without tracebacks, and the store is PostgreSQL via
ROI_DATABASE_URL. The launcher checks the same rule again, so `make run` cannot skip it.
"""

from __future__ import annotations

import argparse
import os
import sys

from roi import signin
from roi.errors import CommandLineError
from roi.signin import is_local


def streamlit_flags(a: argparse.Namespace) -> list[str]:
    return [
        f"--server.address={a.address}",
        f"--server.port={a.port}",
        "--server.headless=true",
        "--server.enableXsrfProtection=true",
        "--server.enableCORS=true",
        f"--server.maxUploadSize={a.max_upload_mb}",
        "--server.maxMessageSize=200",
        "--server.fileWatcherType=none",
        "--server.runOnSave=false",
        "--client.showErrorDetails=none",
        "--client.toolbarMode=minimal",
        "--browser.gatherUsageStats=false",
        "--server.enableAgentApi=false",  # no HTTP or MCP API drives the app (Streamlit's default too)
        *[f"--server.allowedHosts={h}" for h in a.allowed_host or ()],
    ]


def cmd_serve(a: argparse.Namespace) -> int:
    if not 1 <= a.port <= 65535:
        raise CommandLineError(f"--port {a.port}: expected 1 to 65535")
    if not 1 <= a.max_upload_mb <= 10_000:
        raise CommandLineError(f"--max-upload-mb {a.max_upload_mb}: expected 1 to 10000")
    s = signin.load()
    if why := signin.refusal(a.address, s, allow_anonymous=a.allow_anonymous):
        raise CommandLineError(f"--address {a.address}: {why}")
    if s.configured:
        print(f"roi serve: people sign in through {s.provider_label} (OpenID Connect)", file=sys.stderr)
    elif not is_local(a.address):
        print(
            f"roi serve: anyone who reaches {a.address}:{a.port} may import, delete and export (no sign-in)",
            file=sys.stderr,
        )
        os.environ[signin.ALLOW_ANONYMOUS_ENV] = "1"  # the launcher checks again
    if not os.environ.get("ROI_DATABASE_URL"):
        print(
            "roi serve: no ROI_DATABASE_URL: using the local SQLite store (a server wants PostgreSQL)",
            file=sys.stderr,
        )
    sys.stdout.flush()
    sys.stderr.flush()
    # the launcher (roi.ui.launch, what `make run` starts) takes over this process: the command
    # line sits above the UI and does not import it
    os.execv(sys.executable, [sys.executable, "-m", "roi.ui.launch", "--as-server", *streamlit_flags(a)])
    return 0  # not reached


def add_serve_command(sub: argparse._SubParsersAction) -> None:
    """Add `serve` to the `roi` subcommands."""
    s = sub.add_parser("serve", help="run the dashboard as a server (health at /_stcore/health)")
    s.add_argument(
        "--address", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    s.add_argument("--port", type=int, default=8501)
    s.add_argument("--max-upload-mb", type=int, default=2048, help="largest upload, MB (default 2048)")
    s.add_argument(
        "--allowed-host",
        action="append",
        help="a host name browsers use to reach it (repeat; guards against DNS rebinding)",
    )
    s.add_argument(
        "--allow-anonymous",
        action="store_true",
        help="serve beyond this machine without sign-in (behind a proxy that signs users in)",
    )
    s.set_defaults(func=cmd_serve)
