"""Which eval tasks measure which scenario tasks.

A workload typed in from the demo shares the eval set's task names, but one built from usage logs
names its tasks after workspaces, tags or API keys ("intake-prod"). The Evaluate page starts from
a guess by name, lets the user correct it, runs only the eval tasks that measure something in the
scenario, and writes the results into the scenario tasks they were chosen for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from roi.evals.sets import EvalSet


def _words(name: str) -> frozenset[str]:
    """Its words, cut to five letters: "summarize" and "summaries", "classify" and "classification"."""
    return frozenset(w[:5] for w in re.findall(r"[0-9a-z]+", name.casefold()))


def _key(name: str) -> str:
    """The name without case, spaces, hyphens, underscores or punctuation."""
    return "".join(re.findall(r"[0-9a-z]+", name.casefold()))


def match_tasks(scenario_tasks: Sequence[str], eval_tasks: Sequence[str]) -> dict[str, str | None]:
    """For each scenario task, the eval task that measures it by name, or None.

    The same name (ignoring case, spaces, `-`, `_` and punctuation) first; otherwise the one eval
    task whose words all appear in the scenario task's name, or that has all of the scenario task's
    words ("intake" → "Intake classification", "summarize" → "Basic summaries"; words compared by
    their first five letters); no guess when more than one would do.
    """
    by_key = {_key(e): e for e in eval_tasks}
    out: dict[str, str | None] = {}
    for task in scenario_tasks:
        if (exact := by_key.get(_key(task))) is not None and _key(task):
            out[task] = exact
            continue
        words = _words(task)
        near = [e for e in eval_tasks if words and (_words(e) <= words or words <= _words(e))]
        out[task] = near[0] if len(near) == 1 else None
    return out


def eval_tasks_to_run(mapping: Mapping[str, str | None], eval_tasks: Sequence[str]) -> list[str]:
    """The eval tasks some scenario task is mapped to, in the set's order; all of them when none is
    (nothing to go on: an engineer comparing models runs the whole set)."""
    chosen = set(mapping.values())
    return [e for e in eval_tasks if e in chosen] or list(eval_tasks)


def unmeasured(mapping: Mapping[str, str | None]) -> list[str]:
    """Scenario tasks no eval task measures (their accuracies stay assumed), in scenario order."""
    return [task for task, e in mapping.items() if e is None]


def subset(eval_set: EvalSet, tasks: Sequence[str]) -> EvalSet:
    """The set with only these tasks and their items. It names itself after them, so a run of the
    subset is offered for resuming only with the same subset (its fingerprint differs)."""
    keep = [t for t in eval_set.tasks if t in set(tasks)]
    if keep == list(eval_set.tasks):
        return eval_set
    return replace(
        eval_set,
        name=f"{eval_set.name} · {', '.join(keep)}",
        tasks={t: eval_set.tasks[t] for t in keep},
        items=tuple(i for i in eval_set.items if i.task in keep),
    )
