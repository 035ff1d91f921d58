"""The normalized usage record every reader produces (see the usage-format notes, FORMATS.md).

One row per (time bucket or request) × model × group, token buckets additive (input excludes
cache reads and writes). Readers return a pandas DataFrame with exactly COLUMNS, in these dtypes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from roi.catalog.prices import has_fast_price
from roi.tokens import BUCKETS, total_input

TOKEN_COLUMNS = BUCKETS  # one column per token bucket, additive (roi.tokens)
GROUP_COLUMNS = ("workspace", "api_key", "project", "user", "tag", "task")

# column -> dtype. Text columns use pandas' "string" dtype (missing = <NA>); numbers are float64
# (missing = NaN) because exports write counts as floats and some values are unknown.
COLUMNS: dict[str, str] = {
    "start": "datetime64[ns, UTC]",  # bucket start or request time
    "end": "datetime64[ns, UTC]",  # bucket end (NaT for per-request rows or unknown)
    "model_raw": "string",  # model as written in the file
    **{g: "string" for g in GROUP_COLUMNS},
    "requests": "float64",  # NaN when the file has no request count
    **{t: "float64" for t in TOKEN_COLUMNS},
    "service_tier": "string",  # standard / batch / priority / flex
    "context_window": "string",  # long-context band: "0-200k", ">200k" (roi.catalog.cost.context_band)
    "inference_geo": "string",  # where it ran: "global", "us" (Anthropic), a cloud region ("us-east5")
    "speed": "string",  # "standard" or "fast" (Anthropic's fast mode)
    "reported_cost_usd": "float64",  # cost as the file states it, in USD dollars
    "latency_s": "float64",
    "ttft_s": "float64",
    "request_id": "string",  # per-request logs only
    "token_type": "string",  # cost exports: which bucket the cost line is for
}


@dataclass
class ReadResult:
    format: str  # reader name, e.g. "anthropic-console-usage"
    frame: pd.DataFrame  # exactly COLUMNS
    warnings: list[str] = field(default_factory=list)  # skipped blank rows, total rows, empty buckets
    per_request: bool = False  # one row per request (dedup by request_id) vs time buckets
    notes: list[str] = field(default_factory=list)  # how the file was read (rows = requests? units)


MAX_KEY_CHARS = 300  # a model, workspace, key, project, user, tag or task name (the store keeps 300)
KEY_COLUMNS = ("model_raw", *GROUP_COLUMNS)
# the keys of a rollup row: the model, the allocation keys and every price-determining dimension
ROLLUP_KEYS = ("model_raw", *GROUP_COLUMNS, "service_tier", "context_window", "inference_geo", "speed")
# where a request ran and at what speed: short words ("us", "fast", a cloud region); the store keeps these
DIMENSION_CHARS = {"inference_geo": 64, "speed": 32}
KEY_LIMITS = {**dict.fromkeys(KEY_COLUMNS, MAX_KEY_CHARS), **DIMENSION_CHARS}  # column -> most characters


def refuse_long_keys(frame: pd.DataFrame, name: str) -> None:
    """A model or allocation key longer than any provider writes is refused (a hostile or broken
    file), naming the column and the start of the value."""
    from roi.errors import UsageFormatError, clip

    for column, most in KEY_LIMITS.items():
        if column not in frame:
            continue
        values = frame[column].dropna().astype(str)
        long = values[values.str.len() > most]
        if len(long):
            raise UsageFormatError(
                name, f"expected at most {most} characters, got “{clip(long.iloc[0], 40)}”", column=column
            )


def empty_frame(n: int = 0) -> pd.DataFrame:
    """A frame with every normalized column, n rows of missing values, in the right dtypes."""
    data = {}
    for col, dtype in COLUMNS.items():
        if dtype.startswith("datetime"):
            data[col] = pd.Series(pd.NaT, index=range(n), dtype=dtype)
        elif dtype == "string":
            data[col] = pd.Series(pd.NA, index=range(n), dtype="string")
        else:
            data[col] = pd.Series(np.nan, index=range(n), dtype="float64")
    return pd.DataFrame(data)


def with_context_band(frame: pd.DataFrame) -> pd.DataFrame:
    """Per-request rows: each request's long-context band, from its own total input, unless the file
    says (`roi.catalog.cost.context_band`). Done as the rows are read, so every later sum keeps it."""
    from roi.catalog.cost import context_band

    if frame.empty:
        return frame
    band = context_band(total_input(frame[list(TOKEN_COLUMNS)].to_numpy(dtype=float)))
    frame["context_window"] = frame["context_window"].fillna(
        pd.Series(band, index=frame.index, dtype="string")
    )
    return frame


_CTX_BOUND = re.compile(r"^(?P<op>.*?)\s*(?P<n>\d+(?:\.\d+)?\s*[km]?)$")
_CTX_RANGE = re.compile(r"^(?P<lo>\d+(?:\.\d+)?\s*[km]?)\s*[-–]\s*(?P<hi>\d+(?:\.\d+)?\s*[km]?)$")


def context_window_label(value: Any) -> Any:
    """A file's context-window text in the `context_window` vocabulary (Console CSVs and Admin API
    reports): '≤ 200k' (or Excel's 'â‰¤ 200k') -> '0-200k'; '> 200k' and '200k-1M' -> '>200k'."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return pd.NA
    v = str(value).strip()
    if not v:
        return pd.NA
    low = v.lower().replace(" ", "")
    m = _CTX_RANGE.match(low)
    if m:
        lo, hi = m.group("lo"), m.group("hi")
        return f"0-{hi}" if float(re.sub(r"[km]", "", lo) or 0) == 0 else f">{lo}"
    m = _CTX_BOUND.match(low)
    if m:
        op, n = m.group("op"), m.group("n")
        if op in (">", ">=", "≥", "over", "above") or op.startswith("â‰¥"):
            return f">{n}"
        # '≤', '<=', '<', and the mojibake of '≤' (UTF-8 E2 89 A4 read as cp1252 / latin-1)
        if op in ("≤", "<=", "<", "up-to", "upto") or op.startswith(("â‰", "â\x89", "&le")):
            return f"0-{n}"
    return v


STANDARD_GEO = ("global", "not_available")
STANDARD_SPEED = ("standard",)


def unpriced_dimensions(frame: pd.DataFrame, name: str) -> list[str]:
    """A warning when rows ran somewhere or at a speed with a price the catalog does not list (a
    cloud region's premium, fast mode on a model without a fast price): they are priced at the
    standard price, and the bill has what was charged. US-only inference ("us") has its price."""
    odd = []
    geo = frame["inference_geo"].dropna().str.lower()
    if seen := sorted(set(geo[~geo.isin((*STANDARD_GEO, "us"))])):
        odd.append(f"inference_geo {', '.join(seen)}")
    fast = frame.loc[frame["speed"].fillna("").str.lower().eq("fast"), "model_raw"].dropna()
    if seen := sorted(m for m in set(fast) if not has_fast_price(m)):
        odd.append(f"speed fast on {', '.join(seen)}")
    if not odd:
        return []
    return [
        f"{name}: rows with {'; '.join(odd)}, which the catalog has no price for: they are priced at the "
        "standard price (a bill or cost report has what was charged)"
    ]


def normalized(frame: pd.DataFrame) -> pd.DataFrame:
    """Add missing columns, drop unknown ones, coerce dtypes, reset the index."""
    out = empty_frame(len(frame))
    frame = frame.reset_index(drop=True)
    for col, dtype in COLUMNS.items():
        if col in frame:
            out[col] = frame[col].astype(dtype) if str(frame[col].dtype) != dtype else frame[col]
    for col in TOKEN_COLUMNS:
        out[col] = out[col].fillna(0.0)
    return out
