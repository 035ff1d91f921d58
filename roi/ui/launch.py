"""Start the dashboard: `python -m roi.ui.launch [streamlit options]` (what `make run` does).

Streamlit runs app.py only when the first browser connects, so a plain `streamlit run` makes the
first visitor wait for pandas, plotly, SQLAlchemy, Alembic's migrations and the price catalog to
load (seconds on a small server). This does that work first, in the server's own process, so the
server answers /_stcore/health only once it can serve a page quickly. It also passes the firm's
accent colour (saved on the Report page) as Streamlit's theme colour, read when the server starts.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from pathlib import Path

from roi.report.branding import DEFAULT_ACCENT, theme_color

APP = Path(__file__).resolve().parents[2] / "app.py"
SERVER_APP = APP.with_name("serve_app.py")  # app.py inside an ASGI app with security headers
AS_SERVER = "--as-server"  # `roi serve` starts the launcher so


def warm() -> str:
    """Import what the pages use, open the store (migrations run here) and price the demo once
    (catalog caches, first plotly figure), then `settle`; returns the theme colour."""
    import roi.ui.eval_widgets  # noqa: F401 - imported for its side effect: loaded once, here
    import roi.ui.routing_controls  # noqa: F401
    import roi.ui.usage_widgets  # noqa: F401
    from roi import charts
    from roi.engine import compute
    from roi.report import content  # noqa: F401
    from roi.scenario import demo_scenario

    charts.monthly_spend(compute(demo_scenario()))
    color = _saved_color()
    settle()
    return color


def _saved_color() -> str:
    from roi.store import open_store

    try:
        store = open_store()
        try:
            return theme_color(store)
        finally:
            store.dispose()
    except Exception as exc:  # noqa: BLE001 - the app starts anyway; the page then shows the store error
        print(f"theme colour: using the default {DEFAULT_ACCENT} ({exc.__class__.__name__})", file=sys.stderr)
        return DEFAULT_ACCENT


def settle() -> None:
    """Pay here what Streamlit would otherwise charge the first visitor's run, or every run.

    - The first element a process draws calls `streamlit.env_util.is_repl()` to warn a REPL user
      once; it walks `inspect.stack()`, reading every frame's source: 0.2-0.4 s on a small server,
      inside the first visitor's run. A server started here is never a REPL: the warning is marked
      as given.
    - The first run's page icon and the first session's first message import a module each.
    - After every script run Streamlit calls `gc.collect(2)` (`runner.postScriptGC`), which walks
      the ~300k objects pandas, plotly, SQLAlchemy and the catalog leave: 0.15-0.2 s holding the
      GIL, while the server should be sending the run's end and the page's scripts. Those objects
      live as long as the process, so after one collection they are frozen out of the collector's
      sight (`gc.freeze()`); everything made later is collected as before.
    """
    import streamlit.delta_generator
    import streamlit.web.bootstrap  # noqa: F401 - the server's own modules, frozen with the rest

    for module in ("streamlit.material_icon_names", "streamlit.web.skills"):  # absent in some versions
        with contextlib.suppress(ImportError):
            __import__(module)
    streamlit.delta_generator._use_warning_has_been_displayed = True
    gc.collect()
    gc.freeze()


def _option(args: list[str], name: str) -> str | None:
    """The value of `--name=value` or `--name value` among Streamlit's options (the last one)."""
    found = None
    for i, arg in enumerate(args):
        if arg.startswith(f"--{name}="):
            found = arg.split("=", 1)[1]
        elif arg == f"--{name}" and i + 1 < len(args):
            found = args[i + 1]
    return found


def serving_flags(args: list[str]) -> list[str]:
    """Where to listen and which secrets to read: this machine only unless told otherwise, and
    never beyond it without sign-in (`roi.signin.refusal`); exits with the reason if refused."""
    from roi import signin
    from roi.store import app_home

    try:
        generated = signin.generated_secrets(app_home())
        s = signin.load()
    except signin.SignInError as exc:
        sys.exit(f"roi: error: {exc}")
    address = _option(args, "server.address") or os.environ.get("STREAMLIT_SERVER_ADDRESS") or "127.0.0.1"
    if why := signin.refusal(address, s, allow_anonymous=bool(os.environ.get(signin.ALLOW_ANONYMOUS_ENV))):
        sys.exit(f"roi: error: --server.address {address}: {why}")
    flags = [] if _option(args, "server.address") else [f"--server.address={address}"]
    files = [*signin.secrets_files(), *([generated] if generated else [])]
    return flags + [f"--secrets.files={p}" for p in files]


def main(argv: list[str] | None = None) -> None:
    args = list(argv or sys.argv[1:])
    script = SERVER_APP if AS_SERVER in args else APP
    args = [a for a in args if a != AS_SERVER]
    flags = serving_flags(args)
    color = warm()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(script), f"--theme.primaryColor={color}", *flags, *args]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
