"""OpenAI usage and cost CSV exports (see the usage-format notes, FORMATS.md, "OpenAI").

The cache trap: OpenAI's `input_tokens` already contains the cached tokens. The normalized record
is additive, so uncached input is `input_uncached_tokens` (or `input_tokens − input_cached_tokens`
when a file has no such column) and the cached tokens become cache reads. Reading `input_tokens`
as uncached input would price every cached token twice.
"""

from __future__ import annotations

import pandas as pd

from roi.errors import UsageFormatError
from roi.usage.csvio import (
    Dialect,
    cell_error,
    drop_blank_and_total_rows,
    numbers,
    read_text_table,
    require_columns,
    row_of,
    strings,
    timestamps,
)
from roi.usage.reader import Reader
from roi.usage.schema import ReadResult, normalized

USAGE_REQUIRED = ("start_time", "model", "num_model_requests", "input_tokens", "output_tokens")
# The count columns that are all empty on an empty time bucket.
_USAGE_COUNTS = (
    "num_model_requests",
    "input_tokens",
    "output_tokens",
    "input_cached_tokens",
    "input_uncached_tokens",
)
COST_REQUIRED = ("start_time", "amount_value")

_TRUE = {"true", "1", "yes", "t", "y"}
_FALSE = {"false", "0", "no", "f", "n", ""}
# OpenAI's names for the normal tier.
_TIER_ALIASES = {"default": "standard", "auto": "standard"}


def _unix_or_iso(df: pd.DataFrame, column: str, name: str) -> pd.Series:
    """Unix seconds as exported; ISO text if someone re-saved the file with dates."""
    raw = df[column].astype(str).str.strip().str.replace(",", "", regex=False)
    numeric = pd.to_numeric(raw, errors="coerce").notna().all()
    return timestamps(df, column, name, unit="s" if numeric else None)


def _booleans(df: pd.DataFrame, column: str, name: str) -> pd.Series:
    if column not in df:
        return pd.Series(False, index=df.index)
    raw = df[column].astype(str).str.strip()
    low = raw.str.lower()
    bad = ~low.isin(_TRUE | _FALSE)
    if bad.any():
        raise cell_error(df, raw, bad, name, column, "TRUE or FALSE")
    return low.isin(_TRUE)


def _empty(df: pd.DataFrame, columns: tuple[str, ...] | list[str]) -> pd.Series:
    """Rows where every one of these columns (those present) is empty."""
    present = [c for c in columns if c in df]
    if not present:
        return pd.Series(True, index=df.index)
    return (df[present].apply(lambda c: c.astype(str).str.strip()) == "").all(axis=1)


# ---------------------------------------------------------------- usage


def detect_usage(columns: set[str]) -> bool:
    return {"start_time", "num_model_requests", "input_tokens"} <= columns


def read_usage_csv(content: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    warnings: list[str] = []
    df, dialect = read_text_table(content, name)
    require_columns(df, USAGE_REQUIRED, name, "OpenAI usage")
    df = drop_blank_and_total_rows(df, warnings, name)
    model = strings(df, "model")
    bucket = model.isna() & _empty(df, _USAGE_COUNTS)
    if bucket.any():
        warnings.append(
            f"{name}: skipped {int(bucket.sum())} empty time bucket(s) (only the time columns filled)"
        )
        df, model = df[~bucket], model[~bucket]
    if model.isna().any():
        raise UsageFormatError(
            name,
            "model is empty on a row with usage; export the usage grouped by model",
            row=row_of(df, model.isna()),
            column="model",
        )
    return ReadResult("openai-usage", normalized(_usage_frame(df, model, name, dialect)), warnings)


def _usage_frame(df: pd.DataFrame, model: pd.Series, name: str, dialect: Dialect) -> pd.DataFrame:
    num = {c: numbers(df, c, name, dialect, required=c in USAGE_REQUIRED) for c in _USAGE_COUNTS}
    cached = num["input_cached_tokens"].fillna(0.0)
    inclusive = num["input_tokens"]
    # The cache trap: input_tokens includes the cached tokens.
    derived = inclusive - cached
    uncached = num["input_uncached_tokens"]
    over = uncached.isna() & (derived < 0)
    if over.any():
        raise UsageFormatError(
            name,
            f"input_cached_tokens ({cached[over].iloc[0]:.0f}) is larger than input_tokens "
            f"({inclusive[over].iloc[0]:.0f}); expected input_tokens to include the cached tokens",
            row=row_of(df, over),
            column="input_cached_tokens",
        )
    batch = _booleans(df, "batch", name)
    tier = strings(df, "service_tier").str.lower().replace(_TIER_ALIASES).fillna("standard")
    out = pd.DataFrame(
        {
            "start": _unix_or_iso(df, "start_time", name),
            "end": _unix_or_iso(df, "end_time", name) if "end_time" in df else pd.NaT,
            "model_raw": model,
            "project": strings(df, "project_id"),
            "user": strings(df, "user_id"),
            "api_key": strings(df, "api_key_id"),
            "requests": num["num_model_requests"],
            "input_tokens": uncached.where(uncached.notna(), derived),
            "cache_read_tokens": cached,
            "output_tokens": num["output_tokens"],
            "service_tier": tier.mask(batch, "batch"),
        },
        index=df.index,
    )
    return out


# ---------------------------------------------------------------- cost


def detect_cost(columns: set[str]) -> bool:
    return {"start_time", "amount_value"} <= columns and bool({"amount_currency", "line_item"} & columns)


def read_cost_csv(content: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    """One row per bucket × line item; the dollars to reconcile against (no token counts)."""
    warnings: list[str] = []
    df, dialect = read_text_table(content, name)
    require_columns(df, COST_REQUIRED, name, "OpenAI cost")
    df = drop_blank_and_total_rows(df, warnings, name)
    bucket = _empty(df, ["amount_value", "line_item"])
    if bucket.any():
        warnings.append(
            f"{name}: skipped {int(bucket.sum())} empty time bucket(s) (only the time columns filled)"
        )
        df = df[~bucket]
    currency = strings(df, "amount_currency")
    foreign = currency.notna() & (currency.str.lower() != "usd")
    if foreign.any():
        raise UsageFormatError(
            name,
            f"amount in “{currency[foreign].iloc[0]}”; only USD cost exports can be read",
            row=row_of(df, foreign),
            column="amount_currency",
        )
    amount = numbers(df, "amount_value", name, dialect, allow_negative=True)
    # "gpt-4o-2024-08-06, input": the model, then the billed token type after the last comma.
    item = strings(df, "line_item")
    has_model = item.str.contains(",", regex=False).fillna(False).astype(bool)
    parts = item.str.rpartition(",")
    model = parts[0].str.strip().where(has_model, pd.NA)
    token_type = parts[2].str.strip().str.lower().where(has_model, item.str.lower())
    batch = token_type.str.contains("batch", regex=False).fillna(False).astype(bool)
    out = pd.DataFrame(
        {
            "start": _unix_or_iso(df, "start_time", name),
            "end": _unix_or_iso(df, "end_time", name) if "end_time" in df else pd.NaT,
            "model_raw": model,
            "project": strings(df, "project_id"),
            "token_type": token_type,
            "reported_cost_usd": amount,
            "service_tier": pd.Series("batch", index=df.index, dtype="string").where(batch, pd.NA),
        },
        index=df.index,
    )
    return ReadResult("openai-cost", normalized(out), warnings)


READERS = (
    Reader("openai-usage", "OpenAI usage CSV (completions)", "csv", detect_usage, read_usage_csv),
    Reader("openai-cost", "OpenAI cost CSV", "csv", detect_cost, read_cost_csv),
)
