"""The reader registry: built from the reader modules' READERS, with no import circle or side effects."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from roi.usage import anthropic_admin, anthropic_console, cloud, generic, litellm, openai, otel
from roi.usage.reader import Reader
from roi.usage.registry import READERS, reader_names

USAGE = Path(__file__).resolve().parents[3] / "roi" / "usage"
READER_MODULES = (anthropic_console, anthropic_admin, generic, litellm, openai, otel, cloud)
# Detection tries the readers in this order (generic CSV last, whatever its place here).
ORDER = [
    "anthropic-console-usage",
    "anthropic-console-cost",
    "anthropic-admin-usage",
    "anthropic-admin-cost",
    "anthropic-analytics-usage",
    "anthropic-analytics-cost",
    "generic",
    "litellm-spendlogs",
    "openai-usage",
    "openai-cost",
    "otel-genai-spans",
    "aws-cur-bedrock",
    "gcp-billing-vertex",
]


def test_registry_lists_every_reader_module_in_detection_order():
    assert list(READERS) == ORDER
    assert reader_names() == sorted(ORDER)
    declared = [r for m in READER_MODULES for r in m.READERS]
    assert all(isinstance(r, Reader) for r in declared)
    assert [r.name for r in declared] == ORDER
    assert all(READERS[r.name] is r for r in declared)


def test_registry_is_read_only():
    with pytest.raises(TypeError):
        READERS["mine"] = READERS["generic"]  # type: ignore[index]


@pytest.mark.parametrize("module", [m.__name__.rsplit(".", 1)[1] for m in READER_MODULES])
def test_reader_modules_do_not_import_the_registry(module):
    tree = ast.parse((USAGE / f"{module}.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not imported & {"roi.usage", "roi.usage.formats", "roi.usage.registry"}
    assert "register" not in (USAGE / f"{module}.py").read_text(encoding="utf-8")


def test_readers_are_complete_whichever_module_is_imported_first():
    # a fresh interpreter: importing one reader module (or formats) first gives the same registry
    code = (
        "import roi.usage.litellm, roi.usage.anthropic_admin\n"
        "from roi.usage.formats import READERS\n"
        "print(','.join(READERS))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=USAGE.parents[1]
    )
    assert out.stdout.strip().split(",") == ORDER


def test_the_cli_names_every_format():
    from roi.cli.usage import FORMATS_HELP

    assert [n for n in reader_names() if n not in FORMATS_HELP] == []
