"""One error hierarchy for every failure a user can act on.

A `RoiError` is expected: a bad file, an unknown model, a save conflict. Its message names the
file, row, task or field and what was expected, and the CLI and the pages show it and carry on.
Anything that is not a `RoiError` is a bug: the CLI logs its traceback and exits 1.
"""

from __future__ import annotations


class RoiError(Exception):
    """An expected failure; the message says what is wrong and where."""


def clip(value: object, limit: int = 80) -> str:
    """A user's value as a message quotes it: whole when short, else its start and its length (a
    5 MB cell must not become a 5 MB message on the page)."""
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


class ScenarioError(RoiError):
    """A scenario that cannot be computed; the message names the task and field."""


class CatalogError(RoiError):
    """A price or latency question the catalog cannot answer."""


class UnknownModelError(CatalogError):
    """The model id is neither in the price database nor defined by the user."""


class UsageFormatError(RoiError):
    """A usage file refused whole. The message names the file, row and column and what was expected."""

    def __init__(self, file: str, message: str, *, row: int | None = None, column: str | None = None) -> None:
        where = file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column “{column}”"
        super().__init__(f"{where}: {message}")
        self.file, self.row, self.column = file, row, column


class EvalError(RoiError):
    """Sample runs: a bad eval set, results file or run."""


class EvalSetError(EvalError):
    """An eval set that cannot be used; the message names the file, item and field."""


class ResultsError(EvalError):
    """A results file that cannot be read back."""


class EvalRunError(EvalError):
    """A run that cannot start or resume; the message says why (never contains the key)."""


class StoreError(RoiError):
    """A store operation the user asked for cannot be done; the message says why."""


class ConflictError(StoreError):
    """Saving on top of a revision someone else has already replaced."""


class SettingsError(RoiError):
    """A setting (firm name, accent colour, logo) that cannot be saved."""


class ReportError(RoiError):
    """An export that cannot be built: an unknown format, or no browser to render charts and PDF."""


class CommandLineError(RoiError):
    """Command-line arguments that do not make sense together; the message says how to fix them."""
