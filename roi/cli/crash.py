"""What the CLI does with a bug: a short line for the user, the full traceback in a log file.

A user who hits a bug needs to know it is one and where the details are, not a screen of
traceback; whoever fixes it needs the traceback, the time and the command line. Secrets (the API
key, database passwords) must reach neither, so everything written goes through `mask`.
"""

from __future__ import annotations

import os
import re
import shlex
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from roi import __version__
from roi.store import app_home

LOG_NAME = "roi-cli.log"
MAX_LOG_BYTES = 1_000_000  # beyond this the log is moved to roi-cli.log.1 and started afresh
SECRET_ENV = ("ANTHROPIC_API_KEY", "ROI_BUDGET_WEBHOOK")  # values masked wherever they appear
SECRET_FLAGS = ("--webhook",)  # a webhook URL is its own secret (Slack's carry the token in the path)
URL_ENV = ("ROI_DATABASE_URL", "ANTHROPIC_BASE_URL")  # passwords inside these URLs masked too

# scheme://user:PASSWORD@host; greedy up to the last "@" of the word, so a password holding "@" is
# masked whole (over-masking an odd URL is harmless; leaking part of a password is not).
_URL_USERINFO = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@'\"]*:)\S*@")


def _url_password(url: str) -> str | None:
    m = re.match(r"[A-Za-z][A-Za-z0-9+.\-]*://[^:/@]*:(\S*)@", url)
    return m.group(1) if m else None


def _secrets(argv: Sequence[str]) -> list[str]:
    """Literal values to mask: the API key, and passwords of URLs in the environment or on the command line."""
    found = [os.environ.get(name, "") for name in SECRET_ENV]
    found += [_url_password(u) or "" for u in [*(os.environ.get(n, "") for n in URL_ENV), *argv]]
    argv = list(argv)
    for i, arg in enumerate(argv):
        flag, _, value = arg.partition("=")
        if len(flag) > 4 and any(f.startswith(flag) for f in SECRET_FLAGS):  # argparse takes "--web"
            found.append(value or (argv[i + 1] if i + 1 < len(argv) else ""))
    # very short values would blank out ordinary words; inside a URL the pattern still masks them
    return sorted({s for s in found if len(s) >= 4}, key=len, reverse=True)


def mask(text: str, argv: Sequence[str] = ()) -> str:
    """`text` with URL passwords shown as *** and the API key's value replaced.

    A password also shows up outside its URL (a driver's connect arguments in a traceback), so the
    passwords of the URLs we know of are masked wherever they appear, not only after "user:".
    """
    text = _URL_USERINFO.sub(lambda m: m.group("head") + "***@", text)
    for secret in _secrets(argv):
        text = text.replace(secret, "***")
    return text


def log_path() -> Path:
    """Where bug reports go: <ROI_HOME or ~/.routing-roi>/logs/roi-cli.log."""
    return app_home() / "logs" / LOG_NAME


def _append(path: Path, entry: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.stat().st_size > MAX_LOG_BYTES:
            path.replace(path.with_name(path.name + ".1"))
    except FileNotFoundError:
        pass
    # owner-only: a traceback can quote the user's data
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(entry)


def report_bug(exc: BaseException, argv: Sequence[str]) -> str:
    """Log `exc` with its traceback; return the short message for stderr (type, gist, log file)."""
    when = datetime.now(UTC).isoformat(timespec="seconds")
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    entry = mask(
        f"=== {when} roi {__version__} (pid {os.getpid()})\n$ {shlex.join(['roi', *argv])}\n{tb}\n", argv
    )
    name = type(exc).__qualname__
    what = next((line.strip() for line in mask(str(exc), argv).splitlines() if line.strip()), "")[:200]
    headline = f"roi: internal error: {name}" + (f": {what}" if what else "")
    path = log_path()
    try:
        _append(path, entry)
    except OSError as log_exc:
        # the traceback must not be lost: with no log to hold it, show it here instead
        return (
            f"{headline}\n{entry}roi: this is a bug; the traceback could not be written to {path} "
            f"({log_exc.strerror or log_exc}), so it is shown above"
        )
    return f"{headline}\nroi: this is a bug, not a problem with your input; the full traceback is in {path}"
