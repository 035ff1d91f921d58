"""A broken JSON document is refused with its line and column, whoever reads it."""

from __future__ import annotations

import pytest

from roi.errors import EvalSetError, ScenarioError, UsageFormatError
from roi.evals.sets import load_eval_set
from roi.jsondoc import loads_pages
from roi.scenario import load_scenario
from roi.usage import read_usage


def test_pages_one_after_another_and_line_numbers_from_the_top():
    def error(why: str) -> UsageFormatError:
        return UsageFormatError("f.json", why)

    assert loads_pages('\n\n{"a": 1}\n{"b": 2}\n', error) == [{"a": 1}, {"b": 2}]
    assert loads_pages('{"a": 1}', error) == {"a": 1}
    with pytest.raises(
        UsageFormatError, match=r"f\.json: not valid JSON \(line 5, column 1: Expecting value\)"
    ):
        loads_pages('\n\n{"a": 1}\n{"b":\n', error)


@pytest.mark.parametrize(
    ("read", "error", "where"),
    [
        (lambda data: read_usage(data, name="report.json"), UsageFormatError, "report.json"),
        (lambda data: load_scenario(data), ScenarioError, "scenario"),
        (lambda data: load_eval_set(data, name="set.json"), EvalSetError, "set.json"),
    ],
)
def test_every_reader_names_line_and_column(read, error, where):
    broken = b'{\n  "data": [\n    {"starting_at": "2026-10-01T00:00:00Z",, }\n  ]\n}\n'
    with pytest.raises(error, match=rf"{where}.*line 3, column 44"):
        read(broken)
