"""Honest ranges, speed (`make bench`): the simulation on the demo with every input carrying a range
and every accuracy measured, and on 500 tasks × 12 models; the optimizer holding floors with a
probability. Targets (issue "Honest ranges"): 10,000 draws of the demo < 300 ms; 1,000 draws of
500 tasks × 12 models < 2 s. (The slider with simulation on is measured in a real browser by
bench_browser.py.)

    python bench/bench_uncertainty.py
"""

from __future__ import annotations

import copy
import statistics
import time

import numpy as np

from roi.optimize import cheapest_routing
from roi.scenario import demo_scenario, parse_scenario
from roi.uncertainty import simulate


def _ranged(doc: dict) -> dict:
    """Every range the file allows, and every accuracy measured on 200 items."""
    doc = copy.deepcopy(doc)
    doc["volume_growth_per_month"] = {"low": 0.0, "likely": 0.02, "high": 0.05}
    doc["one_time_cost"] = {"low": 15_000.0, "likely": 25_000.0, "high": 60_000.0}
    doc["monthly_cost"] = {"low": 500.0, "likely": 800.0, "high": 1_500.0}
    prov = {}
    for t in doc["tasks"]:
        r, e = t["requests_per_month"], t["error_cost"]
        t["requests_per_month"] = {"low": 0.7 * r, "likely": r, "high": 1.5 * r}
        t["error_cost"] = {"low": 0.5 * e, "likely": e, "high": 3.0 * e}
        for m, a in t["accuracy"].items():
            correct = int(round(a * 200))
            t["accuracy"][m] = correct / 200
            prov[f"tasks.{t['name']}.accuracy.{m}"] = {"kind": "measured", "n": 200, "correct": correct}
    doc["provenance"] = prov
    return doc


def _big(tasks: int, models: int, rng: np.random.Generator) -> dict:
    ids = [f"model-{j:02d}" for j in range(models)]
    doc = {
        "name": "500 tasks",
        "horizon_months": 24,
        "one_time_cost": 50_000,
        "monthly_cost": 1_000,
        "volume_growth_per_month": 0.02,
        "models": {
            m: {
                "input": 0.5 * (j + 1),
                "output": 2.5 * (j + 1),
                "cache_write": 0,
                "cache_read": 0,
                "ttft_s": 0.3 + 0.1 * j,
                "output_tokens_per_s": 200 - 10 * j,
            }
            for j, m in enumerate(ids)
        },
        "baseline": {"model": ids[-1]},
        "tasks": [],
    }
    for i in range(tasks):
        shares = rng.dirichlet(np.ones(3))
        picks = rng.choice(models, 3, replace=False)
        doc["tasks"].append(
            {
                "name": f"task {i}",
                "requests_per_month": float(rng.integers(100, 20_000)),
                "input_tokens": float(rng.integers(200, 8_000)),
                "output_tokens": float(rng.integers(20, 800)),
                "error_cost": float(rng.uniform(0.5, 50)),
                "interactive": bool(rng.random() < 0.5),
                "accuracy": {
                    m: round(float(0.80 + 0.015 * j + rng.uniform(0, 0.02)), 3) for j, m in enumerate(ids)
                },
                "routing": {ids[p]: float(s) for p, s in zip(picks, shares / shares.sum(), strict=True)},
            }
        )
    for t in doc["tasks"]:  # shares summing to 1 exactly
        keys = list(t["routing"])
        t["routing"][keys[-1]] = 1.0 - sum(t["routing"][k] for k in keys[:-1])
    return _ranged(doc)


def _time(fn, repeat: int = 5) -> float:
    fn()  # warm
    return statistics.median(_timed(fn) for _ in range(repeat))


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    rng = np.random.default_rng(1)
    demo = demo_scenario()
    ranged = parse_scenario(_ranged(demo.to_dict()))
    big = parse_scenario(_big(500, 12, rng))
    plain_ms = 1000 * _time(lambda: simulate(demo, 10_000))
    ranged_ms = 1000 * _time(lambda: simulate(ranged, 10_000))
    inputs = len(simulate(ranged, 100).inputs)
    big_s = _time(lambda: simulate(big, 1_000), repeat=3)
    big_inputs = len(simulate(big, 10).inputs)
    opt_s = _time(lambda: cheapest_routing(ranged, confidence=0.95), repeat=3)
    big_opt_s = _timed(lambda: cheapest_routing(big, confidence=0.95))
    print("Honest ranges: the simulation (medians)")
    print(f"  {'demo, nothing uncertain, 10,000 draws':52} {plain_ms:8.1f} ms")
    print(f"  {f'demo, {inputs} uncertain inputs, 10,000 draws':52} {ranged_ms:8.1f} ms   (< 300 ms)")
    print(
        f"  {f'500 tasks x 12 models, {big_inputs:,} uncertain inputs, 1,000 draws':52} {big_s:8.2f} s    (< 2 s)"
    )
    print(f"  {'optimize, floors held with 95% probability (demo)':52} {1000 * opt_s:8.1f} ms")
    print(f"  {'optimize, floors held with 95% probability (500 x 12)':52} {big_opt_s:8.2f} s")


if __name__ == "__main__":
    main()
