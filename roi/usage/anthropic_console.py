"""Anthropic Console exports: the usage CSV and the cost CSV (see the usage-format notes, FORMATS.md, "Anthropic").

Anthropic token buckets are additive already (uncached input excludes cache reads and writes), so
nothing is subtracted here. Older usage exports have one cache-write column instead of 5m/1h.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from roi.errors import UsageFormatError
from roi.usage.csvio import (
    Dialect,
    drop_blank_and_total_rows,
    numbers,
    read_text_table,
    require_columns,
    row_of,
    strings,
    timestamps,
)
from roi.usage.reader import Reader
from roi.usage.schema import ReadResult, context_window_label, empty_frame, normalized

CONSOLE_USAGE = "anthropic-console-usage"
CONSOLE_COST = "anthropic-console-cost"

# Console usage CSV: file column -> normalized token column
_USAGE_TOKENS = {
    "usage_input_tokens_no_cache": "input_tokens",
    "usage_input_tokens_cache_write_5m": "cache_write_5m_tokens",
    "usage_input_tokens_cache_write_1h": "cache_write_1h_tokens",
    "usage_input_tokens_cache_read": "cache_read_tokens",
    "usage_output_tokens": "output_tokens",
}
_LEGACY_CACHE_WRITE = "usage_input_tokens_cache_write"
_DOT_DECIMAL = re.compile(r"\.\d{1,2}$|\.\d{4,}$")


def _service_tier(value: Any) -> Any:
    """Console `usage_type` -> service tier: batch when it says so, else standard (empty: unknown)."""
    v = "" if value is None or value is pd.NA else str(value).strip().lower()
    if not v:
        return pd.NA
    if "batch" in v:
        return "batch"
    if "priority" in v:
        return "priority"
    return "standard"


def _no_rows(fmt: str, name: str, warnings: list[str]) -> ReadResult:
    warnings.append(f"{name}: no data rows")
    return ReadResult(format=fmt, frame=normalized(empty_frame()), warnings=warnings, per_request=False)


def _require(df: pd.DataFrame, columns: list[str], name: str, label: str) -> None:
    message = f"required column is missing; expected the {label} export columns"
    require_columns(df, columns, name, label, message=message)


def _dialect_for(df: pd.DataFrame, columns: list[str], dialect: Dialect) -> Dialect:
    """csvio assumes `;` files use decimal commas; a `;` file whose numbers only ever show a dot
    followed by 1-2 or 4+ digits ('12.50', '59200.0') uses dot decimals (a thousands dot is always
    followed by exactly 3 digits), and reading it with decimal commas would scale values silently."""
    if dialect.decimal != ",":
        return dialect
    cells = pd.concat([df[c].astype(str).str.strip() for c in columns if c in df], ignore_index=True)
    if cells.empty or cells.str.contains(",", regex=False).any():
        return dialect
    if cells.str.contains(_DOT_DECIMAL).any():
        return Dialect(dialect.delimiter, ".")
    return dialect


def _bucket_times(df: pd.DataFrame, name: str) -> tuple[pd.Series, pd.Series]:
    """Start and end of each row's bucket: hourly when any time is not midnight, else daily."""
    start = timestamps(df, "usage_date_utc", name)
    hourly = bool((start != start.dt.floor("D")).any())
    return start, start + (pd.Timedelta(hours=1) if hourly else pd.Timedelta(days=1))


def _dimensions(df: pd.DataFrame) -> dict[str, pd.Series]:
    """The columns both Console exports share: workspace, API key, tier and context window."""
    return {
        "workspace": strings(df, "workspace"),
        "api_key": strings(df, "api_key"),
        "service_tier": strings(df, "usage_type").map(_service_tier, na_action=None).astype("string"),
        "context_window": strings(df, "context_window").map(context_window_label).astype("string"),
        "inference_geo": strings(df, "inference_geo").str.lower(),
        "speed": strings(df, "speed").str.lower(),
    }


# ---------------------------------------------------------------------------------------------
# Console usage CSV


def _detect_console_usage(columns: Any) -> bool:
    if not isinstance(columns, set | frozenset) or "usage_date_utc" not in columns:
        return False
    return (
        "model_version" in columns
        or any(c.startswith("usage_input_tokens") for c in columns)
        or ("usage_output_tokens" in columns)
    )


def read_console_usage(text: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    label = "Anthropic Console usage"
    warnings: list[str] = []
    df, dialect = read_text_table(text, name)
    new_writes = ("usage_input_tokens_cache_write_5m", "usage_input_tokens_cache_write_1h")
    legacy = _LEGACY_CACHE_WRITE in df.columns and not any(c in df.columns for c in new_writes)
    token_cols = dict(_USAGE_TOKENS)
    if legacy:
        del token_cols["usage_input_tokens_cache_write_5m"], token_cols["usage_input_tokens_cache_write_1h"]
        token_cols = {_LEGACY_CACHE_WRITE: "cache_write_5m_tokens", **token_cols}
    _require(df, ["usage_date_utc", "model_version", *token_cols], name, label)
    if legacy:
        warnings.append(
            f"{name}: older export with one cache-write column ({_LEGACY_CACHE_WRITE}); "
            "cache writes are counted as 5-minute writes (1-hour writes cost more and are not separated)"
        )
    elif _LEGACY_CACHE_WRITE in df.columns:
        warnings.append(
            f"{name}: ignored {_LEGACY_CACHE_WRITE}; the 5m/1h cache-write columns are used instead"
        )
    df = drop_blank_and_total_rows(df, warnings, name)
    if df.empty:
        return _no_rows(CONSOLE_USAGE, name, warnings)

    dialect = _dialect_for(df, list(token_cols), dialect)
    start, end = _bucket_times(df, name)
    model = strings(df, "model_version")
    if model.isna().any():
        raise UsageFormatError(
            name, "expected a model, got an empty cell", row=row_of(df, model.isna()), column="model_version"
        )
    out = pd.DataFrame(
        {
            "start": start,
            "end": end,
            "model_raw": model,
            "requests": np.nan,
            **{col: numbers(df, src, name, dialect) for src, col in token_cols.items()},
            **_dimensions(df),
        },
        index=df.index,
    )
    return ReadResult(format=CONSOLE_USAGE, frame=normalized(out), warnings=warnings, per_request=False)


# ---------------------------------------------------------------------------------------------
# Console cost CSV


def _detect_console_cost(columns: Any) -> bool:
    return isinstance(columns, set | frozenset) and {"usage_date_utc", "cost_usd"} <= columns


def read_console_cost(text: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    label = "Anthropic Console cost"
    warnings: list[str] = []
    df, dialect = read_text_table(text, name)
    _require(df, ["usage_date_utc", "model", "token_type", "cost_usd"], name, label)
    df = drop_blank_and_total_rows(df, warnings, name)
    if df.empty:
        return _no_rows(CONSOLE_COST, name, warnings)

    dialect = _dialect_for(df, ["cost_usd"], dialect)
    start, end = _bucket_times(df, name)
    # A cost row is recognized downstream by having a token_type: lines that are not per token
    # type (web search, credits) take their cost_type instead.
    token_type = strings(df, "token_type").str.lower()
    token_type = token_type.fillna(strings(df, "cost_type").str.lower()).fillna("other")
    out = pd.DataFrame(
        {
            "start": start,
            "end": end,
            "model_raw": strings(df, "model"),
            **_dimensions(df),
            "token_type": token_type,
            "reported_cost_usd": numbers(df, "cost_usd", name, dialect, allow_negative=True),
        },
        index=df.index,
    )
    for col in _USAGE_TOKENS.values():
        out[col] = 0.0
    return ReadResult(format=CONSOLE_COST, frame=normalized(out), warnings=warnings, per_request=False)


READERS = (
    Reader(CONSOLE_USAGE, "Anthropic Console usage CSV", "csv", _detect_console_usage, read_console_usage),
    Reader(CONSOLE_COST, "Anthropic Console cost CSV", "csv", _detect_console_cost, read_console_cost),
)
