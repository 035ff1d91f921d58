"""Summing normalized rows into the buckets the store keeps (no database here).

Per-request rows become daily buckets with latency sums; bucketed rows are summed per key. A
bucket's key (KEY_COLUMNS) is also what de-duplication compares, so it lives next to the summing.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from roi.usage.schema import GROUP_COLUMNS, STANDARD_GEO, STANDARD_SPEED, TOKEN_COLUMNS

KEY_COLUMNS = (
    "kind",
    "start",
    "end",
    "model_raw",
    *GROUP_COLUMNS,
    "service_tier",
    "context_window",
    "token_type",
    "inference_geo",
    "speed",
)
# Keys added after rows were stored: part of a row's de-duplication key only when set to something
# other than the standard, so every row stored before them (and a file imported again) keeps its key.
LATER_KEYS = {"inference_geo": STANDARD_GEO, "speed": STANDARD_SPEED}
VALUE_COLUMNS = (
    "requests",
    *TOKEN_COLUMNS,
    "reported_cost_usd",
    "latency_s_sum",
    "ttft_s_sum",
    "timed_requests",
)
HIST_EDGES = np.geomspace(0.05, 600, 41)
NO_MODEL = "(no model)"


def row_kind(df: pd.DataFrame) -> pd.Series:
    """'cost' for a bill line (a token type and no tokens), else 'usage'."""
    tokens = df[list(TOKEN_COLUMNS)].sum(axis=1)
    return np.where(df["token_type"].notna() & (tokens == 0), "cost", "usage")


def buckets(df: pd.DataFrame, per_request: bool) -> pd.DataFrame:
    """Sum rows sharing a key; per-request rows go into daily buckets with latency sums."""
    df = df.copy()
    df["kind"] = row_kind(df)
    df["model_raw"] = df["model_raw"].fillna(NO_MODEL)  # e.g. a credit line on the bill
    if per_request:
        df["start"] = df["start"].dt.floor("D")  # daily, like the providers' own exports
        df["end"] = df["start"] + pd.Timedelta(days=1)
        timed = df["latency_s"].notna()
        df["latency_s_sum"] = df["latency_s"].where(timed, 0.0)
        df["ttft_s_sum"] = df["ttft_s"].fillna(0.0)
        df["timed_requests"] = timed.astype(float)
        df["requests"] = df["requests"].fillna(1.0)
    else:
        # bucketed rows may carry a mean latency (e.g. a gateway database): keep it as sums
        timed = df["latency_s"].notna() & df["requests"].notna()
        df["latency_s_sum"] = (df["latency_s"] * df["requests"]).where(timed)
        df["ttft_s_sum"] = (df["ttft_s"] * df["requests"]).where(timed & df["ttft_s"].notna())
        df["timed_requests"] = df["requests"].where(timed)
    return regroup(df)


def regroup(df: pd.DataFrame) -> pd.DataFrame:
    """One row per key with the values summed (also merges the buckets of successive chunks)."""
    keys = list(KEY_COLUMNS)
    df = df.copy()
    df[keys] = df[keys].astype(object).where(df[keys].notna(), None)
    out = df.groupby(keys, dropna=False, sort=False)[list(VALUE_COLUMNS)].sum(min_count=1).reset_index()
    for c in TOKEN_COLUMNS:
        out[c] = out[c].fillna(0.0)
    return out


def latency_counts(df: pd.DataFrame) -> np.ndarray:
    """Requests per latency bin (HIST_EDGES; out-of-range latencies go to the end bins)."""
    lat = df["latency_s"].dropna().to_numpy()
    if lat.size == 0:
        return np.zeros(len(HIST_EDGES) - 1, dtype=np.int64)
    return np.histogram(np.clip(lat, HIST_EDGES[0], HIST_EDGES[-1]), bins=HIST_EDGES)[0]


def histogram_json(counts: np.ndarray) -> str:
    """The latency histogram as the store keeps it; "" when no request had a latency."""
    if not counts.any():
        return ""
    return json.dumps({"edges": HIST_EDGES.round(4).tolist(), "counts": counts.tolist()})
