"""A live pull from Anthropic's Usage & Cost Analytics API (`roi ingest anthropic-admin:`).

The pull reads `/v1/organizations/analytics/usage` and `/cost` (beta
`analytics-usage-cost-2026-08-24`) through the anthropic SDK itself, with an Admin API key from
the environment (ANTHROPIC_ADMIN_API_KEY) or the session: day buckets grouped by the dimensions the
store keeps, 31 days a request (the API's limit), page after page. The SDK retries what the API
asks it to (429 with retry-after, 5xx, 529) with backoff.

Resumable: every page is written to a spool beside the store as it arrives, with the cursor of the
next one; a pull that was interrupted (a network failure, Ctrl-C, a crash) starts again from the
page it had not read. Incremental: the store remembers the day the last complete pull reached, and
the next pull starts one day before it (the API refreshes recent buckets; a re-exported bucket
replaces the old one, so nothing is counted twice). Only complete days are pulled.

The key is never stored, logged or shown: it lives in the SDK client for the pull's duration.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert, select

from roi.errors import UsageFormatError
from roi.store import Store
from roi.store.models import SettingRow
from roi.usage.anthropic_admin import ANALYTICS_BETA

SOURCE = "anthropic-admin:"
KEY_ENV = "ANTHROPIC_ADMIN_API_KEY"
WINDOW_DAYS = 31  # the API's longest range per request
GROUPS = {
    "usage": ["model", "workspace_id", "api_key_id", "service_tier", "context_window", "actor"],
    "cost": ["model", "cost_type", "token_type"],
}
WATERMARK = "pull.anthropic-analytics.until"  # a setting of the workspace: the last day pulled, exclusive


@dataclass(frozen=True)
class Window:
    kind: str  # usage / cost
    starting_at: datetime
    ending_at: datetime

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.starting_at:%Y%m%d}-{self.ending_at:%Y%m%d}"


def windows(since: date, until: date) -> list[Window]:
    """The requests a pull makes: usage and cost, in WINDOW_DAYS-day ranges from since to until."""
    out = []
    start = since
    while start < until:
        end = min(start + timedelta(days=WINDOW_DAYS), until)
        a, b = (datetime(d.year, d.month, d.day, tzinfo=UTC) for d in (start, end))
        out += [Window(kind, a, b) for kind in ("usage", "cost")]
        start = end
    return out


def _spool(store: Store) -> Path:
    from roi.usage import lake

    return lake.lake_dir(store) / "pull"


def watermark(store: Store) -> date | None:
    """The day the last complete pull reached (exclusive), or None before the first pull."""
    with store.engine.connect() as conn:
        v = conn.execute(select(SettingRow.value).where(SettingRow.key == WATERMARK)).scalar()
    return date.fromisoformat(v) if v else None


def _set_watermark(store: Store, day: date) -> None:
    with store.engine.begin() as conn:
        conn.execute(delete(SettingRow).where(SettingRow.key == WATERMARK))
        conn.execute(insert(SettingRow).values(key=WATERMARK, value=day.isoformat()))


def plan(
    store: Store, since: date | None, until: date | None, today: date | None = None
) -> tuple[date, date]:
    """The days a pull covers: from `since` (else the day before the last pull's end), up to
    `until` (else today: only complete days)."""
    end = until or (today or datetime.now(UTC).date())
    start = since
    if start is None:
        last = watermark(store)
        if last is None:
            raise UsageFormatError(SOURCE, "first pull: say from when, e.g. --since 2026-10-01")
        start = last - timedelta(days=1)
    if start >= end:
        raise UsageFormatError(
            SOURCE, f"nothing to pull: {start.isoformat()} is not before {end.isoformat()}"
        )
    return start, end


def fetch(
    store: Store,
    since: date,
    until: date,
    *,
    api_key: str,
    base_url: str | None = None,
    progress: Callable[[str], None] | None = None,
    max_retries: int = 4,
) -> list[tuple[str, bytes]]:
    """Every page of every window, as (file name, JSON lines of pages) to import: from the spool
    where a window was read before, else from the API (each page spooled as it arrives)."""
    import anthropic

    if not api_key:
        raise UsageFormatError(SOURCE, f"no Admin API key: set {KEY_ENV} (an sk-ant-admin… key)")
    say = progress or (lambda _m: None)
    spool = _spool(store)
    spool.mkdir(parents=True, exist_ok=True)
    client = anthropic.Anthropic(api_key=api_key, base_url=base_url, max_retries=max_retries)
    try:
        files = []
        for w in windows(since, until):
            pages = _window(client, w, spool, say)
            if any(json.loads(line)["data"] for line in pages.decode().splitlines() if line.strip()):
                files.append((f"{w.key}.json", pages))  # a window without rows has nothing to import
        return files
    except anthropic.AuthenticationError:
        raise UsageFormatError(
            SOURCE, "the Admin API refused the key (401): check it is an Admin API key"
        ) from None
    except anthropic.PermissionDeniedError:
        raise UsageFormatError(SOURCE, "the Admin API key may not read usage and cost (403)") from None
    except (anthropic.APIConnectionError, anthropic.APIStatusError) as exc:
        raise UsageFormatError(
            SOURCE,
            f"the Admin API did not answer ({type(exc).__name__}); what was read is kept: run the same "
            "pull again to go on from where it stopped",
        ) from None
    finally:
        client.close()


def _spooled(pages_file: Path) -> tuple[list[str], str | None, bool]:
    """The pages a window's spool holds (whole lines only: a line cut off by a crash is dropped),
    the cursor of the page after them, and whether the window is complete."""
    lines = []
    if pages_file.exists():
        for line in pages_file.read_text(encoding="utf-8").splitlines():
            try:
                json.loads(line)
            except json.JSONDecodeError:
                break
            lines.append(line)
    if not lines:
        return [], None, False
    last = json.loads(lines[-1])
    more = bool(last.get("has_more")) and bool(last.get("next_page"))
    return lines, last.get("next_page") if more else None, not more


def _window(client, w: Window, spool: Path, say: Callable[[str], None]) -> bytes:
    """One window's pages (JSON lines), resuming after the last page the spool holds."""
    pages_file = spool / f"{w.key}.jsonl"
    lines, cursor, complete = _spooled(pages_file)
    if not complete:
        pages_file.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        resource = getattr(client.beta.organization.analytics, w.kind)
        while not complete:
            say(f"{w.kind} {w.starting_at:%Y-%m-%d}–{w.ending_at:%Y-%m-%d}" + (" (more)" if cursor else ""))
            page = resource.list(
                starting_at=w.starting_at,
                ending_at=w.ending_at,
                time_bucket_width="1d",
                group_by=GROUPS[w.kind],
                limit=1000,
                **({"page": cursor} if cursor else {}),
                extra_headers={"anthropic-beta": ANALYTICS_BETA},
            )
            doc = page.model_dump(mode="json")
            cursor = page.next_page if page.has_next_page() else None
            line = json.dumps(
                {"data": doc.get("data", []), "has_more": cursor is not None, "next_page": cursor}
            )
            with pages_file.open("a", encoding="utf-8") as fh:  # the page and the cursor after it, at once
                fh.write(line + "\n")
            complete = cursor is None
    return pages_file.read_bytes()


def finish(store: Store, until: date) -> None:
    """After the pulled pages are stored: remember how far the pull reached, forget the spool."""
    _set_watermark(store, until)
    shutil.rmtree(_spool(store), ignore_errors=True)


def pull(
    store: Store,
    *,
    api_key: str,
    since: date | None = None,
    until: date | None = None,
    base_url: str | None = None,
    progress: Callable[[str], None] | None = None,
):
    """Fetch (or resume), import through the same path as a saved report, then remember the end.
    Returns the import's `Ingested` (its summaries, the `roi ingest --json` document)."""
    from roi.store.access import check
    from roi.usage import ingest

    check(store.actor, "import")
    start, end = plan(store, since, until)
    files = fetch(store, start, end, api_key=api_key, base_url=base_url, progress=progress)
    result = ingest(store, files)
    finish(store, end)
    result.document["pulled"] = {"since": start.isoformat(), "until": end.isoformat()}
    return result
