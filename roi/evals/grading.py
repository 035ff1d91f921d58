"""Graders: is a model's answer right? (The judge grader asks a model; see runner.)"""

from __future__ import annotations

import re
import string

from roi.evals.sets import EvalTask

_PUNCT = string.punctuation + "“”‘’«»…–—"
_CONF = re.compile(r"confidence\s*[:=]?\s*(\d{1,3})\s*%?", re.I)


def normalize_label(text: str) -> str:
    """First non-empty line, trimmed, case-folded, surrounding punctuation removed; inner spaces and
    hyphens count as underscores ("Real estate" = "real_estate")."""
    first = next((line for line in text.strip().splitlines() if line.strip()), "")
    label = first.strip().strip(_PUNCT + " ").casefold()
    return re.sub(r"[\s\-_]+", "_", label)


def parse_confidence(text: str) -> float | None:
    """The 0–100 confidence the model was asked to add on a later line, as 0..1."""
    m = _CONF.search(text)
    return None if not m else min(int(m.group(1)), 100) / 100


def _number(text: str) -> float | None:
    m = re.search(r"-?\d[\d,]*(?:\.\d+)?", text)
    return None if not m else float(m.group(0).replace(",", ""))


def grade(task: EvalTask, answer: str, expected: str) -> bool | None:
    """True/False for every grader but "judge" (None: the runner asks the judge model)."""
    kind = task.grader["type"]
    if kind == "label":
        return normalize_label(answer) == normalize_label(expected)
    if kind == "contains":
        return expected.strip().casefold() in answer.casefold()
    if kind == "regex":
        return re.search(task.grader["pattern"], answer, re.I | re.S) is not None
    if kind == "number":
        got, want = _number(answer), _number(expected)
        return (
            got is not None and want is not None and abs(got - want) <= float(task.grader.get("tolerance", 0))
        )
    return None


JUDGE_SYSTEM = (
    "You grade answers strictly against a rubric and a reference. Reply with PASS or FAIL on the first line."
)


def judge_prompt(task: EvalTask, item_input: str, expected: str, answer: str) -> str:
    return (
        f"Rubric:\n{task.grader.get('rubric', 'The answer must agree with the reference.')}\n\n"
        f"Source document:\n{item_input}\n\nReference:\n{expected}\n\nAnswer to grade:\n{answer}\n\n"
        "Reply PASS or FAIL on the first line."
    )


def judge_verdict(text: str) -> bool:
    return normalize_label(text).startswith("pass")


CONFIDENCE_SUFFIX = (
    "\n\nAfter your answer, on a new last line, write: confidence: N (0-100) that your answer is right."
)
