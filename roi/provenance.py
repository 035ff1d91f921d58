"""Where an input number comes from: assumed (typed), measured (sample runs, with n and a 95%
interval), imported (usage logs) or catalog (the price database).

A `Provenance` value is attached to what it describes (a task's volume, tokens, error cost, its
accuracy on a model), so renaming a task carries it along. The scenario file keeps its dotted keys
(`tasks.<task>.accuracy.<model>`); `split_keys` and `dotted_keys` are the only code that reads or
writes them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from roi.errors import ScenarioError
from roi.numbers import share

_KNOWN = ("kind", "n", "correct", "ci", "run", "files", "source", "note")


@dataclass(frozen=True)
class Provenance:
    kind: str  # assumed / measured / imported / catalog (another word in a file is shown as written)
    n: int | None = None  # sample size, for measured numbers
    correct: int | None = None  # right answers among n, for measured accuracy
    interval: tuple[float, float] | None = None  # 95% interval of a measured share
    run: str = ""  # the sample run it was measured in
    files: tuple[str, ...] = ()  # the usage files it was imported from
    source: str = ""  # where else it comes from, in words
    note: str = ""  # free words: "placeholder: measure with sample runs"
    extra: Mapping[str, Any] = field(default_factory=dict)  # keys this version does not know, kept

    @property
    def measured(self) -> bool:
        return self.kind == "measured"

    def sample(self, accuracy: float) -> tuple[int, int] | None:
        """(correct, n) of a measured accuracy, for its Beta(correct + 1, n − correct + 1)
        posterior; a measurement that states n but not its correct count is taken as
        round(accuracy × n) right. None when it is not a measurement with a sample."""
        if not self.measured or not self.n:
            return None
        correct = self.correct if self.correct is not None else int(round(accuracy * self.n))
        return min(max(correct, 0), self.n), self.n

    def detail(self) -> str:
        """'n=40; 95% interval 91.0%–98.2%; run 3', 'from a.csv', the note; '' when there is none."""
        parts: list[str] = []
        if self.n is not None:
            parts.append(f"n={self.n}")
        if self.interval is not None:
            parts.append(f"95% interval {share(self.interval[0])}–{share(self.interval[1])}")
        if self.run:
            parts.append(f"run {self.run}" if not self.run.startswith(("run ", "imported ")) else self.run)
        if self.files:
            parts.append("from " + ", ".join(self.files))
        parts += [str(v) for v in (self.extra.get("file"), self.source, self.note) if v]
        return "; ".join(parts)

    def describe(self) -> str:
        """'measured (n=40; 95% interval 91.0%–98.2%; run 3)', 'imported (from a.csv)', 'assumed'."""
        detail = self.detail()
        return f"{self.kind} ({detail})" if detail else self.kind

    @classmethod
    def from_dict(cls, d: Any, where: str) -> Provenance:
        """From the scenario file's object; a value of the wrong type is a ScenarioError."""
        if not isinstance(d, dict) or not isinstance(d.get("kind"), str) or not d["kind"].strip():
            raise ScenarioError(f'provenance["{where}"]: expected an object with a "kind"')

        def whole(key: str) -> int | None:
            v = d.get(key)
            if v is None:
                return None
            if isinstance(v, bool) or not isinstance(v, int | float) or v < 0 or v != int(v):
                raise ScenarioError(f'provenance["{where}"].{key}: expected a whole number, got {v!r}')
            return int(v)

        interval = None
        if d.get("ci") is not None:
            ci = d["ci"]
            ok = isinstance(ci, list | tuple) and len(ci) == 2
            ok = ok and all(isinstance(x, int | float) and not isinstance(x, bool) for x in ci)
            if not ok or not all(math.isfinite(x) for x in ci):
                raise ScenarioError(f'provenance["{where}"].ci: expected [low, high], got {ci!r}')
            interval = (float(ci[0]), float(ci[1]))
        files = d.get("files") or ()
        files = (files,) if isinstance(files, str) else tuple(str(f) for f in files)
        return cls(
            kind=d["kind"].strip(),
            n=whole("n"),
            correct=whole("correct"),
            interval=interval,
            run=str(d.get("run") or ""),
            files=files,
            source=str(d.get("source") or ""),
            note=str(d.get("note") or ""),
            extra={k: v for k, v in d.items() if k not in _KNOWN},
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind}
        if self.n is not None:
            d["n"] = self.n
        if self.correct is not None:
            d["correct"] = self.correct
        if self.interval is not None:
            d["ci"] = list(self.interval)
        if self.run:
            d["run"] = self.run
        if self.files:
            d["files"] = list(self.files)
        if self.source:
            d["source"] = self.source
        if self.note:
            d["note"] = self.note
        return d | dict(self.extra)


@dataclass(frozen=True)
class TaskProvenance:
    """Where each input of one task comes from (None: assumed, typed in the scenario)."""

    volume: Provenance | None = None
    tokens: Provenance | None = None
    error_cost: Provenance | None = None
    accuracy: Provenance | None = None  # every model's accuracy, unless the model has its own
    accuracy_by_model: Mapping[str, Provenance] = field(default_factory=dict)  # also "a>b" cascades
    latency_by_model: Mapping[str, Provenance] = field(default_factory=dict)

    def of_accuracy(self, model: str) -> Provenance | None:
        return self.accuracy_by_model.get(model) or self.accuracy

    def with_accuracy(self, model: str, p: Provenance) -> TaskProvenance:
        return replace(self, accuracy_by_model={**self.accuracy_by_model, model: p})

    def with_latency(self, model: str, p: Provenance) -> TaskProvenance:
        return replace(self, latency_by_model={**self.latency_by_model, model: p})


_FIELDS = ("volume", "tokens", "error_cost", "accuracy")
_BY_MODEL = {"accuracy": "accuracy_by_model", "latency": "latency_by_model"}


def split_keys(
    doc: Mapping[str, Any], task_names: Iterable[str]
) -> tuple[dict[str, TaskProvenance], Provenance | None, dict[str, Any]]:
    """The file's dotted keys as typed values: per task, the baseline's, and the keys that name
    no task or field of this scenario (kept as written, so nothing is lost)."""
    names = sorted(task_names, key=len, reverse=True)  # "a.b" before "a" when names contain dots
    per_task: dict[str, dict[str, Any]] = {}
    baseline = None
    unknown: dict[str, Any] = {}
    for key, value in doc.items():
        if key == "baseline":
            baseline = Provenance.from_dict(value, key)
            continue
        name = next((n for n in names if str(key).startswith(f"tasks.{n}.")), None)
        rest = str(key)[len(f"tasks.{name}.") :] if name is not None else ""
        field_, _, model = rest.partition(".")
        if (
            name is None
            or (field_ not in _FIELDS and field_ not in _BY_MODEL)
            or (field_ not in _FIELDS and not model)
        ):
            unknown[key] = value
            continue
        slot = per_task.setdefault(name, {})
        p = Provenance.from_dict(value, key)
        if model and field_ in _BY_MODEL:
            slot.setdefault(_BY_MODEL[field_], {})[model] = p
        elif not model:
            slot[field_] = p
        else:
            unknown[key] = value
    return {n: TaskProvenance(**kw) for n, kw in per_task.items()}, baseline, unknown


def dotted_keys(
    tasks: Iterable[tuple[str, TaskProvenance]], baseline: Provenance | None, unknown: Mapping[str, Any]
) -> dict[str, Any]:
    """The scenario file's `provenance` object, from the typed values."""
    doc: dict[str, Any] = {}
    if baseline is not None:
        doc["baseline"] = baseline.to_dict()
    for name, tp in tasks:
        for f in _FIELDS:
            if (p := getattr(tp, f)) is not None:
                doc[f"tasks.{name}.{f}"] = p.to_dict()
        for f, attr in _BY_MODEL.items():
            for model, p in getattr(tp, attr).items():
                doc[f"tasks.{name}.{f}.{model}"] = p.to_dict()
    return doc | dict(unknown)
