"""Sample-run results: per task × model accuracy with its Wilson interval, latency, tokens and cost;
the cascade view; the same tables for people (plain names, rounded); run status in words; CSV
export/import and the bundled sample; and writing measured numbers into a scenario.

Just over 300 lines: the result tables, their CSV form and their write-back into a scenario use
the same column rules; kept together so a column is renamed in one place.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd
from sqlalchemy import select

from roi import DATA_DIR
from roi.cells import neutral_text
from roi.errors import ResultsError
from roi.evals.stats import wilson
from roi.numbers import share
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


# Invented per-item results of two models on the bundled law-firm set (data/evals/README.md): an
# engineer without an API key can try import → scenario → Task mix → Overview with them.
SAMPLE_RESULTS = DATA_DIR / "evals" / "law_firm_sample_results.csv"
SAMPLE_LABEL = f"imported {SAMPLE_RESULTS.name} (illustrative sample, not measured by you)"


def sample_results() -> pd.DataFrame:
    """The bundled illustrative results, read like any imported results CSV."""
    return from_csv(SAMPLE_RESULTS.read_bytes(), SAMPLE_RESULTS.name)


def runs(store: Store) -> pd.DataFrame:
    with store.engine.connect() as conn:
        return pd.read_sql(select(EvalRun.__table__).order_by(EvalRun.id.desc()), conn)


INTERRUPTED = "interrupted (resumable)"


def run_status(status: str, *, running: bool) -> str:
    """A stored run status in words. A run whose process died still says "running" in the store:
    only a run this process is running (`roi.evals.jobs.Jobs.running`) is called running."""
    if running:
        return "running"
    return INTERRUPTED if status == "running" else status


def run_labels(all_runs: pd.DataFrame, *, busy: list[int] | tuple[int, ...] = ()) -> dict[int, str]:
    """'#3 · set name · status' for each run (in the frame's order), `busy` ones running."""
    return {
        int(
            r["id"]
        ): f"#{int(r['id'])} · {r['set_name']} · {run_status(r['status'], running=r['id'] in busy)}"
        for r in all_runs.to_dict("records")
    }


def resumable(store: Store, set_name: str, *, busy: list[int] | tuple[int, ...] = ()) -> list[int]:
    """Runs of this eval set that did not finish (capped, cancelled, interrupted, or finished with
    failed items to retry), newest first, leaving out the `busy` ones still running in this process."""
    r = runs(store)
    status = r["status"].astype(str)
    unfinished = ~status.str.startswith("finished") | status.str.contains("resume", regex=False)
    left = r[(r["set_name"] == set_name) & unfinished & ~r["id"].isin(busy)]
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


def _rounded(values: pd.Series, digits: int, scale: float = 1.0) -> pd.Series:
    """Numbers as a table shows them: rounded, so 1e-17 reads 0 (and never -0); blanks stay blank."""
    return (pd.to_numeric(values, errors="coerce").astype(float) * scale).round(digits) + 0.0


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """`summarize` for people: plain column names, percentages, rounded seconds, tokens and dollars."""
    s = summary.reset_index(drop=True)
    interval = [
        f"{share(lo)} – {share(hi)}" if pd.notna(lo) and pd.notna(hi) else "—"
        for lo, hi in zip(s["ci_low"], s["ci_high"], strict=True)
    ]
    return pd.DataFrame(
        {
            "Task": s["task"],
            "Model": s["model"],
            "Items graded": s["n"].astype(int),
            "Right": s["correct"].astype(int),
            "Accuracy (%)": _rounded(s["accuracy"], 1, 100),
            "95% interval": interval,
            "Median latency (s)": _rounded(s["latency_p50_s"], 2),
            "95th percentile latency (s)": _rounded(s["latency_p95_s"], 2),
            "Median time to first token (s)": _rounded(s["ttft_p50_s"], 2),
            "Input tokens per request": _rounded(s["input_tokens_mean"], 0),
            "Output tokens per request": _rounded(s["output_tokens_mean"], 0),
            "Cost (USD)": _rounded(s["cost_usd"], 4),
            "Cost per right answer (USD)": _rounded(s["cost_per_correct_usd"], 5),
            "Failed": s["failed"].astype(int),
        }
    )


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


def cascade_table(table: pd.DataFrame) -> pd.DataFrame:
    """`cascade` for people: plain column names and percentages rounded to one decimal."""
    return pd.DataFrame(
        {
            "Escalate below confidence (%)": table["threshold"].astype(int),
            "Escalated (%)": _rounded(table["escalation_rate"], 1, 100),
            "Accuracy (%)": _rounded(table["accuracy"], 1, 100),
            "Items": table["n"].astype(int),
        }
    )


def to_csv(df: pd.DataFrame) -> str:
    """Results as CSV; a model's answer (or an item id) never runs as a formula in a spreadsheet."""
    safe = df.copy()
    for c in ("answer", "error", "item_id", "task", "model"):
        text = safe[c].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
        safe[c] = text.map(neutral_text)
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
    s: Scenario,
    summary: pd.DataFrame,
    *,
    run: str,
    tokens: bool = False,
    mapping: Mapping[str, str | None] | None = None,
    illustrative: bool = False,
) -> tuple[Scenario, list[str]]:
    """Write measured accuracy (and latency, optionally tokens) into the scenario's tasks.

    Each scenario task takes the results of the eval task `mapping` names for it (None: none), or
    without a mapping entry, of the eval task with its own name. Marked `measured` with n, the right
    answers and the 95% interval; returns the new scenario and the eval tasks no scenario task took.
    `illustrative` results (the bundled sample) keep n and the interval but are marked assumed, and
    the scenario becomes illustrative: nothing invented is ever called measured.
    """
    kind, note = (
        ("assumed", "illustrative sample results, not a measurement") if illustrative else ("measured", "")
    )
    mapping = mapping or {}
    source = {t.name: mapping.get(t.name) if t.name in mapping else t.name for t in s.tasks}
    unmatched = sorted(set(summary["task"]) - set(source.values()))
    tasks = []
    for t in s.tasks:
        rows = summary[(summary["task"] == source[t.name]) & summary["accuracy"].notna()]
        if rows.empty:
            tasks.append(t)
            continue
        acc, lat, prov = dict(t.accuracy), dict(t.latency_s), t.provenance
        for r in rows.to_dict("records"):
            model, n = r["model"], int(r["n"])
            acc[model] = float(r["accuracy"])
            interval = (float(r["ci_low"]), float(r["ci_high"]))
            prov = prov.with_accuracy(
                model, Provenance(kind, n=n, correct=int(r["correct"]), interval=interval, run=run, note=note)
            )
            if r.get("latency_mean_s") is not None and not pd.isna(r["latency_mean_s"]):
                lat[model] = float(r["latency_mean_s"])
                prov = prov.with_latency(model, Provenance(kind, n=n, run=run, note=note))
        new = replace(t, accuracy=acc, latency_s=lat, provenance=prov)
        if tokens:
            first = rows.iloc[0]
            new = replace(
                new,
                input_tokens=float(first["input_tokens_mean"]),
                output_tokens=float(first["output_tokens_mean"]),
                provenance=replace(new.provenance, tokens=Provenance(kind, run=run, note=note)),
            )
        tasks.append(new)
    out = s.with_tasks(tasks)
    return (replace(out, illustrative=True) if illustrative else out), unmatched


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
