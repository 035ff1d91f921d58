"""LiteLLM proxy `LiteLLM_SpendLogs` CSV exports (see the usage-format notes, FORMATS.md, "LiteLLM proxy").

One row per request. The cache trap: `prompt_tokens` includes cache reads (and, in some LiteLLM
versions, cache writes) for Anthropic traffic; the split is only in the usage object inside the
`metadata` JSON. Input stays additive: input = prompt − cache reads − cache writes. When that goes
negative while prompt − reads does not, this LiteLLM version did not count the writes in
`prompt_tokens`, and only the reads are subtracted.

Two more things the proxy writes that would mislead a pricing model:
- a proxy cache hit (`cache_hit` = True) answered from LiteLLM's own cache: no model call, spend 0,
  but the tokens of the cached answer are logged. Its tokens are counted as 0.
- for non-streaming calls LiteLLM sets `completionStartTime` = `endTime`, which is no time to
  first token; TTFT is unknown (NaN) there.

Imports go through the analytical engine (`roi.usage.engine`, the same rules in SQL); this reader
stays the reference its tests compare with, and `read_spendlogs_chunks` finds the row of a bad cell.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from roi.errors import UsageFormatError
from roi.usage.csvio import (
    Dialect,
    cell_error,
    drop_blank_and_total_rows,
    iter_text_chunks,
    numbers,
    read_text_table,
    require_columns,
    row_of,
    strings,
    timestamps,
)
from roi.usage.reader import Reader
from roi.usage.schema import ReadResult, normalized, with_context_band

FORMAT = "litellm-spendlogs"
REQUIRED = ("request_id", "starttime", "model", "prompt_tokens", "completion_tokens", "spend")
# Cheap to scan for blank and total rows (metadata cells can be kilobytes each).
_KEY_COLUMNS = ("request_id", "starttime", "model", "prompt_tokens", "completion_tokens", "spend")
_TAG = r'"((?:[^"\\]|\\.)*)"'


def detect(columns: set[str]) -> bool:
    return {"request_id", "spend", "starttime", "prompt_tokens"} <= columns


def read(content: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    warnings: list[str] = []
    df, dialect = read_text_table(content, name)
    frame = _convert(df, dialect, name, warnings)
    return ReadResult(FORMAT, frame, warnings, per_request=True)


def read_spendlogs_chunks(
    path: str | Path,
    name: str | None = None,
    chunksize: int = 200_000,
    *,
    warnings: list[str] | None = None,
) -> Iterator[pd.DataFrame]:
    """Stream a big SpendLogs CSV: one normalized frame per chunk of rows (bounded memory).

    Warnings (skipped rows, proxy cache hits) are appended to `warnings` when given.
    """
    path = Path(path)
    name = name or path.name
    sink: list[str] = warnings if warnings is not None else []
    for chunk, dialect in iter_text_chunks(str(path), name, chunksize):
        frame = _convert(chunk, dialect, name, sink)
        if len(frame):
            yield with_context_band(frame)


def _convert(df: pd.DataFrame, dialect: Dialect, name: str, warnings: list[str]) -> pd.DataFrame:
    """Text cells of one SpendLogs table (or chunk) -> normalized rows, column at a time."""
    require_columns(df, REQUIRED, name, "LiteLLM SpendLogs")
    keys = [c for c in _KEY_COLUMNS if c in df]
    kept = drop_blank_and_total_rows(df[keys], warnings, name).index
    if len(kept) < len(df):
        df = df.loc[kept]
    if df.empty:
        return normalized(pd.DataFrame())

    start = _start_times(df, name)
    prompt = _numbers(df, "prompt_tokens", name, dialect).fillna(0.0)
    completion = _numbers(df, "completion_tokens", name, dialect).fillna(0.0)
    spend = _numbers(df, "spend", name, dialect)

    read_, write_5m, write_1h = _cache_split(df, name, warnings)
    write = write_5m + write_1h
    uncached = prompt - read_ - write
    # this LiteLLM version left cache writes out of prompt_tokens
    writes_apart = (uncached < 0) & (prompt - read_ >= 0)
    uncached = uncached.where(~writes_apart, prompt - read_).clip(lower=0.0)

    hit = strings(df, "cache_hit").str.lower().eq("true").fillna(False).to_numpy(dtype=bool)
    if hit.any():
        warnings.append(
            f"{name}: {int(hit.sum())} request(s) answered from the LiteLLM proxy cache "
            "(no model call): their tokens are counted as 0"
        )

    model = strings(df, "model").fillna(strings(df, "model_group"))
    no_model = model.isna().to_numpy()
    if no_model.any():
        has_tokens = ((prompt + completion) > 0).to_numpy() & ~hit
        if (no_model & has_tokens).any():
            raise UsageFormatError(
                name,
                "model is empty on a request with tokens",
                row=row_of(df, no_model & has_tokens),
                column="model",
            )
        warnings.append(
            f"{name}: skipped {int(no_model.sum())} request(s) without a model and without tokens"
        )

    end = _optional_times(df, "endtime", name)
    first = _optional_times(df, "completionstarttime", name)
    # LiteLLM writes endTime as completionStartTime for non-streaming calls: no TTFT there
    first = first.where(first != end)
    billed = np.where(hit, 0.0, 1.0)  # a proxy cache hit called no model
    out = pd.DataFrame(
        {
            "start": start,
            "model_raw": model,
            "api_key": strings(df, "api_key"),
            "project": strings(df, "team_id"),
            "user": strings(df, "user"),
            "tag": _tags(df),
            "requests": 1.0,
            "input_tokens": uncached * billed,
            "cache_write_5m_tokens": write_5m * billed,
            "cache_write_1h_tokens": write_1h * billed,
            "cache_read_tokens": read_ * billed,
            "output_tokens": completion * billed,
            "reported_cost_usd": spend,
            "latency_s": (end - start).dt.total_seconds(),
            "ttft_s": (first - start).dt.total_seconds(),
            "request_id": strings(df, "request_id"),
        },
        index=df.index,
    )
    return normalized(out[~no_model])


def _numbers(df: pd.DataFrame, column: str, name: str, dialect: Dialect) -> pd.Series:
    """A database export writes plain numbers: parse them directly, and let csvio handle (and
    report, with the row) anything else."""
    raw = df[column]
    out = pd.to_numeric(raw, errors="coerce")
    if ((out.isna() == (raw == "")) & ~(out < 0)).all():
        return out.astype("float64")
    return numbers(df, column, name, dialect)


def _start_times(df: pd.DataFrame, name: str) -> pd.Series:
    """Fast ISO parse (naive = UTC); anything odd goes through csvio for a row-precise error."""
    out = pd.to_datetime(df["starttime"], utc=True, format="ISO8601", errors="coerce")
    if out.isna().any():
        return timestamps(df, "starttime", name)
    return out.astype("datetime64[ns, UTC]")


def _optional_times(df: pd.DataFrame, column: str, name: str) -> pd.Series:
    if column not in df:
        return pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]")
    raw = df[column].astype(str).str.strip()
    out = pd.to_datetime(raw, utc=True, format="ISO8601", errors="coerce")
    odd = out.isna() & (raw != "")
    if odd.any():
        out = out.where(~odd, pd.to_datetime(raw.where(odd), utc=True, format="mixed", errors="coerce"))
        bad = out.isna() & (raw != "")
        if bad.any():
            raise cell_error(df, raw, bad, name, column, "a date/time")
    return out.astype("datetime64[ns, UTC]")


def _tags(df: pd.DataFrame) -> pd.Series:
    """request_tags is a JSON array: '["intake", "priority"]' -> "intake,priority"."""
    raw = strings(df, "request_tags")
    joined = raw.str.findall(_TAG).str.join(",").astype("string")
    plain = ~raw.str.startswith("[").fillna(True)  # not JSON: keep the text as written
    out = joined.where(~plain, raw.str.strip("{}"))
    return out.mask(out.isin(["", "null"]))


def _cache_split(df: pd.DataFrame, name: str, warnings: list[str]) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Cache reads, 5-minute and 1-hour writes from the usage object in `metadata`.

    Only cells that mention "cache" are parsed: most requests carry no cache usage.
    """
    n = len(df)
    read_, w5, w1h = np.zeros(n), np.zeros(n), np.zeros(n)
    if "metadata" in df:
        meta = df["metadata"]
        hits = np.flatnonzero(meta.str.contains("cache", regex=False).fillna(False).to_numpy(dtype=bool))
        unreadable = 0
        for i, cell in zip(hits, meta.iloc[hits].tolist(), strict=True):
            try:
                split = _usage_cache(json.loads(cell))
            except (ValueError, TypeError, AttributeError):
                unreadable += 1
                continue
            read_[i], w5[i], w1h[i] = split
        if unreadable:
            warnings.append(
                f"{name}: {unreadable} metadata cell(s) are not valid JSON; their cache reads and "
                "writes are unknown and counted as uncached input"
            )
    idx = df.index
    return pd.Series(read_, index=idx), pd.Series(w5, index=idx), pd.Series(w1h, index=idx)


def _num(v: object) -> float:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return f if f > 0 else 0.0


def _usage_cache(meta: object) -> tuple[float, float, float]:
    if not isinstance(meta, dict):
        return 0.0, 0.0, 0.0
    usage = meta.get("usage_object") or meta.get("usage")
    if not isinstance(usage, dict):
        usage = meta
    details = usage.get("prompt_tokens_details")
    details = details if isinstance(details, dict) else {}
    # Anthropic traffic carries cache_read_input_tokens (and the same number as cached_tokens)
    read_ = usage.get("cache_read_input_tokens")
    read_ = _num(read_ if read_ is not None else details.get("cached_tokens"))
    write = usage.get("cache_creation_input_tokens")
    write = _num(write if write is not None else details.get("cache_creation_tokens"))
    by_ttl = usage.get("cache_creation_token_details") or usage.get("cache_creation")
    w1h = 0.0
    if isinstance(by_ttl, dict):
        w1h = min(_num(by_ttl.get("ephemeral_1h_input_tokens")), write)
    return read_, write - w1h, w1h


READERS = (Reader(FORMAT, "LiteLLM proxy SpendLogs CSV", "csv", detect, read),)
