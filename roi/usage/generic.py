"""Any other CSV: a timestamp, a model and token columns, found by common names or mapped by hand.

Token columns are taken as additive, like the normalized record: input tokens exclude cache reads
(and cache writes). If your tool counts input inclusive of cached tokens (as OpenAI and LiteLLM
do), map only the uncached input to `input_tokens`, or the cached tokens are priced twice.

`mapping` (normalized field -> file column, from the upload page or `roi ingest --map
field=column`) overrides the aliases below.

Requests or buckets? A file with a request-count column has buckets with that count (unless it
also has request ids: then each row is a request). Without a count column, rows are read as one
request each when the file looks per-request: it has a request id, or a latency / time-to-first-
token column (a latency belongs to one request), or timestamps with seconds, or minutes off the
quarter hour (providers' buckets start on the day, the hour or a quarter of it, also in time zones
half an hour off UTC; requests arrive at any second). Otherwise rows are time buckets whose request
count is unknown. `rows=requests` or `rows=buckets` in the mapping
overrides the decision, which the result states in its notes.

Latency and TTFT columns are read with their unit: a name ending in `_ms` (`latency_ms`,
`duration_ms`, `ttft_ms`) is milliseconds, anything else seconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from roi.errors import UsageFormatError
from roi.usage.csvio import (
    Dialect,
    cell_error,
    drop_blank_and_total_rows,
    numbers,
    read_text_table,
    row_of,
    strings,
    timestamps,
)
from roi.usage.reader import Reader, UnrecognizedColumns
from roi.usage.schema import ReadResult, normalized

FORMAT = "generic"

# field -> column names recognized without a mapping (after csvio lower-cases the header), by priority
ALIASES: dict[str, tuple[str, ...]] = {
    "timestamp": (
        "timestamp",
        "time",
        "date",
        "datetime",
        "created_at",
        "start_time",
        "start",
        "usage_date",
        "day",
    ),
    "model": ("model", "model_name", "model_id", "engine"),
    "input_tokens": ("input_tokens", "prompt_tokens", "tokens_in", "input"),
    "output_tokens": ("output_tokens", "completion_tokens", "tokens_out", "output"),
    "cache_read_tokens": ("cache_read_tokens", "cache_read_input_tokens", "cached_tokens"),
    "cache_write_5m_tokens": ("cache_write_tokens", "cache_creation_input_tokens", "cache_write_5m_tokens"),
    "cache_write_1h_tokens": ("cache_write_1h_tokens",),
    "requests": ("requests", "request_count", "num_requests", "count"),
    "reported_cost_usd": ("cost", "cost_usd", "spend", "amount"),
    "latency_s": ("latency", "latency_s", "latency_ms", "duration_s", "duration_ms"),
    "ttft_s": ("ttft", "ttft_s", "ttft_ms"),
    "request_id": ("request_id",),
    "task": ("task", "task_name"),
    "tag": ("tag", "tags", "label"),
    "workspace": ("workspace", "workspace_id"),
    "api_key": ("api_key", "api_key_id", "api_key_name"),
    "project": ("project", "project_id"),
    "user": ("user", "user_id"),
    "service_tier": ("service_tier",),
    "inference_geo": ("inference_geo",),
    "speed": ("speed",),
}
GENERIC_FIELDS: tuple[str, ...] = tuple(ALIASES)
# the fields the Usage page's mapping step offers, most needed first
MAPPING_FIELDS = (
    "timestamp",
    "model",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_5m_tokens",
    "requests",
    "reported_cost_usd",
    "latency_s",
    "ttft_s",
    "request_id",
    "task",
)
TOKEN_FIELDS = (
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_5m_tokens",
    "cache_write_1h_tokens",
)
_TEXT_FIELDS = (
    "model",
    "request_id",
    "task",
    "tag",
    "workspace",
    "api_key",
    "project",
    "user",
    "service_tier",
    "inference_geo",
    "speed",
)
_NUMBER_FIELDS = ("requests", *TOKEN_FIELDS, "reported_cost_usd", "latency_s", "ttft_s")
_NEGATIVE_OK = ("reported_cost_usd",)  # credits
_DMY = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2\d{2,4}\b")
_MILLISECONDS = re.compile(r"(^|_)(ms|msec|millis|milliseconds)$")
TIMINGS = ("latency_s", "ttft_s")
# `rows` in a mapping is no column: it says what a row is ("requests" or "buckets")
ROWS = "rows"
ROWS_CHOICES = ("requests", "buckets")


def _first(columns: set[str] | list[str], field: str, taken: set[str] = frozenset()) -> str | None:
    return next((a for a in ALIASES[field] if a in columns and a not in taken), None)


def detect(columns: set[str]) -> bool:
    return (
        _first(columns, "timestamp") is not None
        and _first(columns, "model") is not None
        and any(_first(columns, f) is not None for f in TOKEN_FIELDS)
    )


def resolve_columns(columns: list[str], name: str, mapping: dict[str, str] | None) -> dict[str, str]:
    """field -> file column: the mapping first, then the aliases among the columns not yet used."""
    present = set(columns)
    chosen: dict[str, str] = {}
    for field, column in (mapping or {}).items():
        key = str(field).strip().lower()
        if key == ROWS:
            continue  # not a column (see rows_choice)
        if key not in ALIASES:
            raise UsageFormatError(
                name,
                f"unknown field “{field}” in the column mapping; known fields: "
                f"{', '.join(GENERIC_FIELDS)}, {ROWS} (requests or buckets)",
            )
        if column is None or not str(column).strip():
            continue
        col = str(column).strip().lower()
        if col not in present:
            raise UsageFormatError(
                name,
                f"the mapping sends {key} to a column the file does not have; columns: {', '.join(columns)[:300]}",
                column=str(column).strip(),
            )
        chosen[key] = col
    taken = set(chosen.values())
    for field in GENERIC_FIELDS:
        if field not in chosen and (col := _first(present, field, taken)) is not None:
            chosen[field] = col
            taken.add(col)
    if "timestamp" not in chosen:
        raise UnrecognizedColumns(name, "no timestamp column found; map one (timestamp=<column>)", row=1)
    if "model" not in chosen:
        raise UnrecognizedColumns(name, "no model column found; map one (model=<column>)", row=1)
    if not any(f in chosen for f in TOKEN_FIELDS):
        raise UnrecognizedColumns(
            name,
            "no token columns found; map at least one (input_tokens=<column>, output_tokens=<column>)",
            row=1,
        )
    return chosen


def rows_choice(name: str, mapping: dict[str, str] | None) -> str | None:
    """The mapping's `rows=requests` / `rows=buckets`, if it says; None lets the file decide."""
    for field, value in (mapping or {}).items():
        if str(field).strip().lower() == ROWS and value is not None and str(value).strip():
            choice = str(value).strip().lower()
            if choice not in ROWS_CHOICES:
                raise UsageFormatError(
                    name, f"rows={value}: expected rows=requests (one request per row) or rows=buckets"
                )
            return choice
    return None


def rows_are_requests(
    cols: dict[str, str], off_quarter: Callable[[], bool], choice: str | None
) -> tuple[bool, str]:
    """Whether each row is one request, and why, in words (see the module docstring).
    `off_quarter` says whether any time is off the quarter hour (asked only when it decides)."""
    if choice == "requests":
        return True, "each row is read as one request, as chosen"
    if choice == "buckets":
        return False, "each row is read as a time bucket with no request count, as chosen"
    if "requests" in cols:
        if "request_id" in cols:
            return True, f"each row is one request (request ids in “{cols['request_id']}”)"
        return False, f"rows are time buckets with their request count in “{cols['requests']}”"
    if "request_id" in cols:
        return (
            True,
            f"each row is one request: no request-count column, request ids in “{cols['request_id']}”",
        )
    timed = [cols[f] for f in TIMINGS if f in cols]
    if timed:
        return True, (
            "each row is one request: no request-count column, and each row has its own latency "
            f"(“{timed[0]}”)"
        )
    if off_quarter():
        return True, (
            "each row is one request: no request-count column, and times to the minute or second "
            "(providers' buckets start on the day, the hour or a quarter of it)"
        )
    return False, (
        "rows are time buckets with no request count: no request-count column, no request ids or "
        "latencies, and times on whole days, hours or quarter hours"
    )


def seconds_per_unit(column: str) -> float:
    """Latency columns in milliseconds say so in their name (`latency_ms`); others are seconds."""
    return 0.001 if _MILLISECONDS.search(column) else 1.0


def read(content: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    warnings: list[str] = []
    df, dialect = read_text_table(content, name)
    choice = rows_choice(name, mapping)
    cols = resolve_columns(list(df.columns), name, mapping)
    df = drop_blank_and_total_rows(df, warnings, name)

    out = pd.DataFrame(index=df.index)
    out["start"] = _times(df, cols["timestamp"], name, dialect)
    start = out["start"]
    per_request, why = rows_are_requests(
        cols,
        lambda: bool(((start != start.dt.floor("min")) | (start.dt.minute % 15 != 0)).any()),
        choice,
    )
    notes = [f"{name}: {why}"]
    for field in _TEXT_FIELDS:
        if field in cols:
            out[field] = strings(df, cols[field])
    missing = out["model"].isna()
    if missing.any():
        raise UsageFormatError(
            name,
            "model is empty; every row needs a model",
            row=row_of(df, missing),
            column=cols["model"],
        )
    for field in _NUMBER_FIELDS:
        if field in cols:
            out[field] = numbers(
                df, cols[field], name, dialect, allow_negative=field in _NEGATIVE_OK, required=True
            )
    for field in TIMINGS:
        if field in cols:
            unit = seconds_per_unit(cols[field])
            out[field] = out[field] * unit
            notes.append(f"{name}: “{cols[field]}” read in {'milliseconds' if unit < 1 else 'seconds'}")
    if "requests" not in cols:
        out["requests"] = 1.0 if per_request else np.nan
    else:
        out["requests"] = out["requests"].fillna(1.0) if per_request else out["requests"]
    out = out.rename(columns={"model": "model_raw"})
    return ReadResult(FORMAT, normalized(out), warnings, per_request=per_request, notes=notes)


def _times(df: pd.DataFrame, column: str, name: str, dialect: Dialect) -> pd.Series:
    """ISO, Unix seconds/milliseconds, or day-first dates (`01.10.2026`; `01/10/2026` in `;` files)."""
    raw = df[column].astype(str).str.strip()
    nums = pd.to_numeric(raw, errors="coerce")
    if len(raw) and nums.notna().all() and (nums > 1e8).all():
        return timestamps(df, column, name, unit="ms" if (nums > 1e11).all() else "s")
    dmy = raw.str.extract(_DMY)
    if len(raw) and dmy[0].notna().all():
        first, sep, second = dmy[0].astype(int), dmy[1], dmy[2].astype(int)
        # dots are day-first everywhere; slashes are day-first in Europe (`;` files) or when a day > 12
        dayfirst = bool((sep == ".").all() or dialect.delimiter == ";" or (first > 12).any())
        if dayfirst and (second > 12).any():
            dayfirst = False
        out = pd.to_datetime(raw, utc=True, errors="coerce", format="mixed", dayfirst=dayfirst)
        bad = out.isna()
        if bad.any():
            raise cell_error(df, raw, bad, name, column, "a date/time")
        return out.astype("datetime64[ns, UTC]")
    return timestamps(df, column, name)


READERS = (Reader(FORMAT, "Other CSV (timestamp, model, token columns)", "csv", detect, read),)
