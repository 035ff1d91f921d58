"""Eval sets: the firm's own labelled examples, per task, with a prompt template and a grader.

Items live in the set file or in a JSONL/CSV file it names (relative to the set file).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roi import DATA_DIR
from roi.errors import EvalSetError
from roi.jsondoc import loads

GRADERS = ("label", "contains", "regex", "number", "judge")


@dataclass(frozen=True)
class EvalTask:
    name: str
    prompt: str  # contains "{input}"
    system: str = ""
    max_tokens: int = 256
    grader: dict[str, Any] = field(default_factory=lambda: {"type": "label"})


@dataclass(frozen=True)
class EvalItem:
    id: str
    task: str
    input: str
    expected: str


@dataclass(frozen=True)
class EvalSet:
    name: str
    tasks: dict[str, EvalTask]
    items: tuple[EvalItem, ...]

    @property
    def fingerprint(self) -> str:
        """Changes when the items or prompts change: a resumed run must be on the same set."""
        h = hashlib.sha256()
        for t in sorted(self.tasks.values(), key=lambda t: t.name):
            h.update(
                json.dumps([t.name, t.prompt, t.system, t.max_tokens, t.grader], sort_keys=True).encode()
            )
        for i in self.items:
            h.update(json.dumps([i.id, i.task, i.input, i.expected]).encode())
        return h.hexdigest()[:16]

    def counts(self) -> dict[str, int]:
        """Items per task, in the set's task order."""
        return {t: sum(1 for i in self.items if i.task == t) for t in self.tasks}

    def render(self, item: EvalItem) -> tuple[str, str]:
        """(system, user message) for one item."""
        t = self.tasks[item.task]
        return t.system, t.prompt.replace("{input}", item.input)


def _task(name: str, d: Any, where: str) -> EvalTask:
    if not isinstance(d, dict):
        raise EvalSetError(f'{where}: task "{name}": expected an object')
    prompt = d.get("prompt")
    if not isinstance(prompt, str) or "{input}" not in prompt:
        raise EvalSetError(f'{where}: task "{name}": prompt: expected a text containing {{input}}')
    grader = d.get("grader", {"type": "label"})
    if not isinstance(grader, dict) or grader.get("type") not in GRADERS:
        raise EvalSetError(f'{where}: task "{name}": grader.type: expected one of {", ".join(GRADERS)}')
    if grader["type"] == "regex" and not isinstance(grader.get("pattern"), str):
        raise EvalSetError(f'{where}: task "{name}": grader.pattern: expected a regular expression')
    if grader["type"] == "judge" and not isinstance(grader.get("model"), str):
        raise EvalSetError(f'{where}: task "{name}": grader.model: expected the judge model id')
    max_tokens = d.get("max_tokens", 256)
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or not 1 <= max_tokens <= 64000:
        raise EvalSetError(f'{where}: task "{name}": max_tokens: expected a whole number 1..64000')
    return EvalTask(name, prompt, str(d.get("system", "")), max_tokens, grader)


def _items_from_text(text: str, fmt: str, where: str) -> list[dict]:
    if fmt == "jsonl":
        out = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            out.append(loads(line, lambda why, n=n: EvalSetError(f"{where}, line {n}: {why}")))
        return out
    return list(csv.DictReader(io.StringIO(text)))


def parse_eval_set(doc: Any, *, where: str = "eval set", base: Path | None = None) -> EvalSet:
    if not isinstance(doc, dict):
        raise EvalSetError(f"{where}: expected a JSON object with name, tasks and items")
    tasks_raw = doc.get("tasks")
    if not isinstance(tasks_raw, dict) or not tasks_raw:
        raise EvalSetError(f"{where}: tasks: expected at least one task")
    tasks = {name: _task(name, d, where) for name, d in tasks_raw.items()}
    raw_items = doc.get("items", [])
    items_where = where
    if doc.get("items_file"):
        path = (base or Path(".")) / str(doc["items_file"])
        items_where = path.name
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise EvalSetError(f"{where}: items_file: cannot read {path.name} ({exc.strerror})") from None
        raw_items = list(raw_items) + _items_from_text(
            text, "csv" if path.suffix.lower() == ".csv" else "jsonl", path.name
        )
    if not isinstance(raw_items, list) or not raw_items:
        raise EvalSetError(f"{where}: items: expected at least one item")
    items, seen = [], set()
    for n, r in enumerate(raw_items, 1):
        if not isinstance(r, dict):
            raise EvalSetError(f"{items_where}, item {n}: expected an object")
        missing = [k for k in ("id", "task", "input", "expected") if not str(r.get(k, "")).strip()]
        if missing:
            raise EvalSetError(f"{items_where}, item {n}: {missing[0]}: required")
        iid = str(r["id"])
        if iid in seen:
            raise EvalSetError(f'{items_where}, item {n}: id "{iid}" is used twice')
        seen.add(iid)
        if r["task"] not in tasks:
            raise EvalSetError(
                f'{items_where}, item {n} ("{iid}"): task "{r["task"]}" is not defined in the set'
            )
        items.append(EvalItem(iid, str(r["task"]), str(r["input"]), str(r["expected"])))
    return EvalSet(str(doc.get("name", "eval set")), tasks, tuple(items))


def load_eval_set(source: str | Path | bytes, *, name: str | None = None) -> EvalSet:
    """An eval set from a file, or from an upload's bytes (its items inline: no items_file)."""
    if isinstance(source, bytes):
        where, base = name or "upload", None
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise EvalSetError(f"{where}: not UTF-8 text; expected an eval set JSON file") from None
    else:
        path = Path(source)
        where, base = path.name, path.parent
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise EvalSetError(f"{where}: cannot read the file ({exc})") from None
    doc = loads(text, lambda why: EvalSetError(f"{where}: {why}"))
    if base is None and isinstance(doc, dict) and doc.get("items_file"):
        raise EvalSetError(f"{where}: items_file: an uploaded eval set carries its items inline (items)")
    return parse_eval_set(doc, where=where, base=base)


def bundled_eval_sets() -> dict[str, Path]:
    """The eval sets shipped in data/evals, by file name."""
    return {p.name: p for p in sorted(DATA_DIR.glob("evals/*.json"))}
