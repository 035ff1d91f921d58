"""Any other CSV: a timestamp, a model and token columns, found by common names or mapped by hand.

Token columns are taken as additive, like the normalized record: input tokens exclude cache reads
(and cache writes). If your tool counts input inclusive of cached tokens (as OpenAI and LiteLLM
do), map only the uncached input to `input_tokens`, or the cached tokens are priced twice.

`mapping` (normalized field -> file column, from the upload page or `roi ingest --map
field=column`) overrides the aliases below.
"""

from __future__ import annotations

import re

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
from roi.usage.reader import Reader
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
    "latency_s": ("latency", "latency_s", "duration_s"),
    "ttft_s": ("ttft", "ttft_s"),
    "request_id": ("request_id",),
    "tag": ("tag", "tags", "task", "label"),
    "workspace": ("workspace", "workspace_id"),
    "api_key": ("api_key", "api_key_id", "api_key_name"),
    "project": ("project", "project_id"),
    "user": ("user", "user_id"),
    "service_tier": ("service_tier",),
}
GENERIC_FIELDS: tuple[str, ...] = tuple(ALIASES)
TOKEN_FIELDS = (
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_5m_tokens",
    "cache_write_1h_tokens",
)
_TEXT_FIELDS = ("model", "request_id", "tag", "workspace", "api_key", "project", "user", "service_tier")
_NUMBER_FIELDS = ("requests", *TOKEN_FIELDS, "reported_cost_usd", "latency_s", "ttft_s")
_NEGATIVE_OK = ("reported_cost_usd",)  # credits
_DMY = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2\d{2,4}\b")


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
        if key not in ALIASES:
            raise UsageFormatError(
                name,
                f"unknown field “{field}” in the column mapping; known fields: {', '.join(GENERIC_FIELDS)}",
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
        raise UsageFormatError(name, "no timestamp column found; map one (timestamp=<column>)", row=1)
    if "model" not in chosen:
        raise UsageFormatError(name, "no model column found; map one (model=<column>)", row=1)
    if not any(f in chosen for f in TOKEN_FIELDS):
        raise UsageFormatError(
            name,
            "no token columns found; map at least one (input_tokens=<column>, output_tokens=<column>)",
            row=1,
        )
    return chosen


def read(content: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    warnings: list[str] = []
    df, dialect = read_text_table(content, name)
    cols = resolve_columns(list(df.columns), name, mapping)
    df = drop_blank_and_total_rows(df, warnings, name)
    per_request = "request_id" in cols

    out = pd.DataFrame(index=df.index)
    out["start"] = _times(df, cols["timestamp"], name, dialect)
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
    if "requests" not in cols:
        out["requests"] = 1.0 if per_request else np.nan
    else:
        out["requests"] = out["requests"].fillna(1.0) if per_request else out["requests"]
    out = out.rename(columns={"model": "model_raw"})
    return ReadResult(FORMAT, normalized(out), warnings, per_request=per_request)


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
