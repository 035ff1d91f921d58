"""What a reader module offers the registry: a name, a label, and how to detect and read a file.

Kept apart from the readers and the registry so that reader modules can describe themselves
without importing the registry that imports them (no import circle).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from roi.errors import UsageFormatError
from roi.usage.schema import ReadResult


class UnrecognizedColumns(UsageFormatError):
    """A CSV whose header no reader recognizes (no timestamp, model or token columns found): the one
    refusal that saying which column is which (the generic reader's mapping) can fix. A file whose
    columns were recognized but whose values are bad, or broken JSON, is refused otherwise."""


@dataclass(frozen=True)
class Reader:
    name: str  # e.g. "anthropic-console-usage" (the --format value)
    label: str  # shown to people: "Anthropic Console usage CSV"
    kind: str  # "csv" or "json"
    # detect(columns or parsed JSON) -> True when this reader recognizes the file
    detect: Callable[[Any], bool]
    # read(text, file name, mapping) -> ReadResult; mapping: normalized field -> file column (generic CSV)
    read: Callable[[str, str, dict[str, str] | None], ReadResult]
