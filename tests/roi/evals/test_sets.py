"""Eval sets: an upload is refused with where it breaks; the bundled set loads with its items file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roi.errors import EvalSetError
from roi.evals.sets import bundled_eval_sets, load_eval_set

ROOT = Path(__file__).resolve().parents[3]
LAW_FIRM = ROOT / "data" / "evals" / "law_firm.json"


def upload_doc(**over) -> dict:
    doc = {
        "name": "uploaded",
        "tasks": {
            "Triage": {"prompt": "Label:\n{input}", "grader": {"type": "label"}},
            "Summaries": {"prompt": "Summarize:\n{input}", "grader": {"type": "contains"}},
            "Unused": {"prompt": "{input}"},
        },
        "items": [
            {"id": "a", "task": "Triage", "input": "x", "expected": "tax"},
            {"id": "b", "task": "Summaries", "input": "y", "expected": "memo"},
            {"id": "c", "task": "Triage", "input": "z", "expected": "litigation"},
        ],
    }
    return doc | over


def test_an_upload_with_inline_items_loads():
    data = json.dumps(upload_doc()).encode()
    s = load_eval_set(b"\xef\xbb\xbf" + data, name="mine.json")  # a BOM (Windows editors) is fine
    assert s.name == "uploaded"
    assert [i.id for i in s.items] == ["a", "b", "c"]


def test_counts_are_items_per_task_in_the_sets_task_order():
    """Zero for a task without items, so a page can say which tasks have nothing to run."""
    s = load_eval_set(json.dumps(upload_doc()).encode(), name="mine.json")
    assert list(s.counts().items()) == [("Triage", 2), ("Summaries", 1), ("Unused", 0)]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\xff\xfe{\x00}\x00", "mine.json", "mine.json: not UTF-8 text; expected an eval set JSON file"),
        # Latin-1, and no name given: the message says "upload"
        (b'{"name": "caf\xe9"}', None, "upload: not UTF-8 text; expected an eval set JSON file"),
        (  # a comma missing at the end of line 2: the error points at where line 3 starts
            b'{\n  "name": "x"\n  "tasks": {}\n}',
            "mine.json",
            "mine.json: not valid JSON (line 3, column 3: Expecting ',' delimiter)",
        ),
        (b"", "empty.json", "empty.json: not valid JSON (line 1, column 1: Expecting value)"),
    ],
    ids=["utf16", "latin1", "missing-comma", "empty"],
)
def test_an_unreadable_upload_is_refused_naming_the_file(data, name, message):
    with pytest.raises(EvalSetError) as err:
        load_eval_set(data, name=name)
    assert str(err.value) == message


def test_an_upload_cannot_name_an_items_file():
    """An upload has no folder to read the items file from (and must not read the server's files)."""
    data = json.dumps(upload_doc(items=[], items_file="law_firm_items.jsonl")).encode()
    with pytest.raises(
        EvalSetError, match=r"^mine.json: items_file: an uploaded eval set carries its items inline"
    ):
        load_eval_set(data, name="mine.json")


def test_an_upload_error_in_the_set_names_the_upload():
    data = json.dumps(upload_doc(items=[{"id": "a", "task": "Nope", "input": "x", "expected": "y"}])).encode()
    with pytest.raises(EvalSetError, match=r'^mine.json, item 1 \("a"\): task "Nope" is not defined'):
        load_eval_set(data, name="mine.json")


def test_the_bundled_set_is_listed_and_reads_its_items_file():
    sets = bundled_eval_sets()
    assert sets["law_firm.json"] == LAW_FIRM
    s = load_eval_set(sets["law_firm.json"])
    # items come from law_firm_items.jsonl beside it (see data/evals/README.md)
    assert s.counts() == {"Intake classification": 64, "Basic summaries": 14}
    assert len(s.items) == 78
