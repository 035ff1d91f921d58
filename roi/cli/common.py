"""Files and the store as the commands meet them: an OS or connection problem the user can fix
becomes a RoiError naming the path or database, so it is reported in one line, never as a bug."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from roi.cli.crash import mask
from roi.errors import RoiError, StoreError
from roi.store import Store, app_home, default_url
from roi.store.access import PermissionDenied

WORKSPACE_ENV = "ROI_WORKSPACE"


def read_text_file(path: str | Path, *, error: type[RoiError] = RoiError) -> str:
    """A small UTF-8 text file the user names (rules, budgets); unreadable or not UTF-8 is theirs to fix."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise error(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte {exc.start}); save it as CSV UTF-8") from None


def write_file(path: str | Path, data: str | bytes, *, error: type[RoiError] = RoiError) -> None:
    """Write `data` to `path` (an --out option); a missing folder or no permission is the user's to fix."""
    out = Path(path)
    try:
        if isinstance(data, bytes):
            out.write_bytes(data)
        else:
            out.write_text(data, encoding="utf-8")
    except OSError as exc:
        raise error(f"{out}: cannot write the file ({exc.strerror or exc})") from None


@contextmanager
def _store_errors() -> Iterator[str]:
    """The database URL; an unreachable or unparseable database, or an unwritable home, becomes a
    StoreError naming it (password masked)."""
    from sqlalchemy.exc import ArgumentError, OperationalError

    try:
        url = default_url()
    except OSError as exc:
        raise StoreError(f"{app_home()}: cannot create the folder ({exc.strerror or exc})") from None
    try:
        yield url
    except (OperationalError, ArgumentError) as exc:
        lines = str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__]
        raise StoreError(f"cannot open the database {mask(url)}: {mask(lines[0], [url])}") from None


def open_main_store() -> Store:
    """The main database: the default workspace and the registry of workspaces."""
    with _store_errors() as url:
        return Store(url)


def open_store() -> Store:
    """The user's store, in the workspace `roi --workspace` (or ROI_WORKSPACE) names, else the
    default one; an unknown workspace is a StoreError."""
    from roi.store.workspaces import DEFAULT, enter

    with _store_errors() as url:
        main = Store(url)
        slug = os.environ.get(WORKSPACE_ENV) or DEFAULT
        if slug == DEFAULT:
            return main
        try:
            return enter(main, slug)
        except PermissionDenied:  # the command line is the local admin: only a missing one lands here
            raise StoreError(
                f"no workspace “{slug[:60]}” (--workspace or {WORKSPACE_ENV}); `roi workspaces` lists them"
            ) from None
