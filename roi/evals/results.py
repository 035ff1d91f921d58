"""Sample-run results: per task × model accuracy with its Wilson interval, latency, tokens and cost;
the cascade view; CSV export/import; and writing measured numbers into a scenario."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pandas as pd
from sqlalchemy import select

from roi.errors import ResultsError
from roi.evals.stats import wilson
from roi.provenance import Provenance
from roi.scenario import Scenario
from roi.store import Store
from roi.store.models import EvalResult, EvalRun

RESULT_COLUMNS = [
    "item_id",
    "task",
    "model",
    "status",
    "answer",
    "correct",
    "confidence",
    "latency_s",
    "ttft_s",
    "input_tokens",
    "cache_write_tokens",
    "cache_read_tokens",
    "output_tokens",
    "cost_usd",
    "error",
]
SUMMARY_KEYS = [
    "n",
    "correct",
    "accuracy",
    "ci_low",
    "ci_high",
    "latency_p50_s",
    "latency_p95_s",
    "ttft_p50_s",
    "input_tokens_mean",
    "output_tokens_mean",
    "cost_usd",
    "failed",
]


def runs(store: Store) -> pd.DataFrame:
    with store.engine.connect() as conn:
        return pd.read_sql(select(EvalRun.__table__).order_by(EvalRun.id.desc()), conn)


def resumable(store: Store, set_name: str, *, busy: list[int] | tuple[int, ...] = ()) -> list[int]:
    """Runs of this eval set that did not finish (capped, cancelled, interrupted), newest first,
    leaving out the `busy` ones still running in this process."""
    r = runs(store)
    left = r[(r["set_name"] == set_name) & ~r["status"].str.startswith("finished") & ~r["id"].isin(busy)]
    return left["id"].astype(int).tolist()


def results(store: Store, run_id: int) -> pd.DataFrame:
    with store.engine.connect() as conn:
        df = pd.read_sql(select(EvalResult.__table__).where(EvalResult.run_id == run_id), conn)
    return df[RESULT_COLUMNS]


def _pct(s: pd.Series, q: float) -> float | None:
    s = s.dropna()
    return None if s.empty else float(np.percentile(s, q))


def summarize(df: pd.DataFrame) -> pd.DataFrame:
    """One row per task × model with SUMMARY_KEYS (accuracy over graded items only)."""
    rows = []
    for (task, model), g in df.groupby(["task", "model"], sort=True):
        ok = g[g["status"] == "ok"]
        graded = ok[ok["correct"].notna()]
        n, k = len(graded), int(graded["correct"].astype(bool).sum())
        lo, hi = wilson(k, n)
        rows.append(
            {
                "task": task,
                "model": model,
                "n": n,
                "correct": k,
                "accuracy": k / n if n else None,
                "ci_low": lo if n else None,
                "ci_high": hi if n else None,
                "latency_p50_s": _pct(ok["latency_s"], 50),
                "latency_p95_s": _pct(ok["latency_s"], 95),
                "latency_mean_s": None if ok["latency_s"].dropna().empty else float(ok["latency_s"].mean()),
                "ttft_p50_s": _pct(ok["ttft_s"], 50),
                "input_tokens_mean": float(ok["input_tokens"].mean()) if len(ok) else None,
                "output_tokens_mean": float(ok["output_tokens"].mean()) if len(ok) else None,
                "cost_usd": float(g["cost_usd"].fillna(0).sum()),
                "cost_per_correct_usd": float(g["cost_usd"].fillna(0).sum()) / k if k else None,
                "failed": int((g["status"] != "ok").sum()),
            }
        )
    return pd.DataFrame(rows)


def summary_json(df: pd.DataFrame) -> dict:
    """The `roi evaluate --json` document: {model: {task: {n, correct, accuracy, ...}}}."""
    out: dict = {}
    for r in summarize(df).to_dict("records"):
        out.setdefault(r["model"], {})[r["task"]] = {k: r[k] for k in SUMMARY_KEYS}
    return out


def cascade(df: pd.DataFrame, task: str, small: str, large: str, step: int = 5) -> pd.DataFrame:
    """For each confidence threshold: escalate the small model's answers below it to the large model.

    Computed on the items both models answered, from their per-item results.
    """
    ok = df[(df["task"] == task) & (df["status"] == "ok") & df["correct"].notna()]
    a = ok[ok["model"] == small].set_index("item_id")
    b = ok[ok["model"] == large].set_index("item_id")
    both = a.index.intersection(b.index)
    if both.empty:
        return pd.DataFrame(columns=["threshold", "escalation_rate", "accuracy", "n"])
    conf = a.loc[both, "confidence"].fillna(0.0).to_numpy()
    ca = a.loc[both, "correct"].astype(bool).to_numpy()
    cb = b.loc[both, "correct"].astype(bool).to_numpy()
    rows = []
    for t in range(0, 101, step):
        esc = conf < t / 100
        rows.append(
            {
                "threshold": t,
                "escalation_rate": float(esc.mean()),
                "accuracy": float(np.where(esc, cb, ca).mean()),
                "n": len(both),
            }
        )
    return pd.DataFrame(rows)


def to_csv(df: pd.DataFrame) -> str:
    safe = df.copy()
    for c in ("answer", "error", "item_id", "task", "model"):
        text = safe[c].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
        safe[c] = text.map(lambda v: "'" + v if v[:1] in ("=", "+", "-", "@") else v)
    return safe[RESULT_COLUMNS].to_csv(index=False)


def from_csv(data: bytes, name: str = "results.csv") -> pd.DataFrame:
    """Per-item results exported by another team (no API key needed to use measured numbers)."""
    try:
        df = pd.read_csv(io.BytesIO(data), dtype={"item_id": str, "task": str, "model": str, "answer": str})
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ResultsError(f"{name}: not a results CSV ({exc})") from None
    missing = [c for c in ("item_id", "task", "model", "status", "correct") if c not in df.columns]
    if missing:
        raise ResultsError(
            f"{name}: column “{missing[0]}” is missing; expected a CSV exported from a sample run"
        )
    for c in RESULT_COLUMNS:
        if c not in df.columns:
            df[c] = np.nan
    for c in ("answer", "error"):
        df[c] = df[c].astype(object).where(df[c].notna(), "").astype(str)
    truth = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
    words = df["correct"].map(lambda v: "" if pd.isna(v) else str(v).strip().lower())
    unknown = (words != "") & ~words.isin(list(truth))
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise ResultsError(
            f"{name}, row {i + 2}, column “correct”: expected true or false, got “{df['correct'].iloc[i]}”"
        )
    df["correct"] = words.map(lambda v: truth.get(v))
    for c in (
        "latency_s",
        "ttft_s",
        "confidence",
        "input_tokens",
        "cache_write_tokens",
        "cache_read_tokens",
        "output_tokens",
        "cost_usd",
    ):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    bad = df["status"].isin(["ok", "failed"])
    if not bad.all():
        row = int(np.flatnonzero(~bad.to_numpy())[0]) + 2
        raise ResultsError(f"{name}, row {row}, column “status”: expected ok or failed")
    for c in ("input_tokens", "cache_write_tokens", "cache_read_tokens", "output_tokens", "cost_usd"):
        df[c] = df[c].fillna(0.0)
    return df[RESULT_COLUMNS]


def apply_to_scenario(
    s: Scenario, summary: pd.DataFrame, *, run: str, tokens: bool = False
) -> tuple[Scenario, list[str]]:
    """Write measured accuracy (and latency, optionally tokens) into tasks with the same name.

    Marked `measured` with n, the right answers and the 95% interval; returns the new scenario and
    the eval tasks that matched no scenario task.
    """
    by_task = {t.name: t for t in s.tasks}
    unmatched = sorted(set(summary["task"]) - set(by_task))
    tasks = []
    for t in s.tasks:
        rows = summary[(summary["task"] == t.name) & summary["accuracy"].notna()]
        if rows.empty:
            tasks.append(t)
            continue
        acc, lat, prov = dict(t.accuracy), dict(t.latency_s), t.provenance
        for r in rows.to_dict("records"):
            model, n = r["model"], int(r["n"])
            acc[model] = float(r["accuracy"])
            interval = (float(r["ci_low"]), float(r["ci_high"]))
            prov = prov.with_accuracy(
                model, Provenance("measured", n=n, correct=int(r["correct"]), interval=interval, run=run)
            )
            if r.get("latency_mean_s") is not None and not pd.isna(r["latency_mean_s"]):
                lat[model] = float(r["latency_mean_s"])
                prov = prov.with_latency(model, Provenance("measured", n=n, run=run))
        new = replace(t, accuracy=acc, latency_s=lat, provenance=prov)
        if tokens:
            first = rows.iloc[0]
            new = replace(
                new,
                input_tokens=float(first["input_tokens_mean"]),
                output_tokens=float(first["output_tokens_mean"]),
                provenance=replace(new.provenance, tokens=Provenance("measured", run=run)),
            )
        tasks.append(new)
    return s.with_tasks(tasks), unmatched


def payback_at_interval_ends(s: Scenario) -> dict[str, int | None] | None:
    """Payback month with every measured accuracy at the low and the high end of its interval."""
    from roi.engine import compute

    if not s.measured_accuracies():
        return None
    out = {}
    for end, pick in (("low", 0), ("high", 1)):
        tasks = []
        for t in s.tasks:
            acc = dict(t.accuracy)
            for m, p in t.provenance.accuracy_by_model.items():
                if p.measured and p.interval is not None and m in acc:
                    acc[m] = p.interval[pick]
            tasks.append(replace(t, accuracy=acc))
        out[end] = compute(s.with_tasks(tasks)).projection.payback_month
    return out
