"""docs/ARCHITECTURE.md stays true: each layer imports only layers below it (or its own package),
and only roi/ui/ (and the pages) know about Streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The layers of docs/ARCHITECTURE.md, bottom first.
LAYERS = [
    {"roi", "errors", "tokens", "numbers", "jsondoc", "cells"},
    {"provenance", "catalog", "finance", "ranges"},
    {"scenario"},
    {"store", "engine", "share"},
    {
        "routing",
        "optimize",
        "sensitivity",
        "modelset",
        "task_table",
        "compare",
        "usage",
        "evals",
        "signin",
        "uncertainty",
    },
    {"present", "charts"},
    {"slides"},
    {"report"},
    {"cli", "ui"},
]
RANK = {part: i for i, layer in enumerate(LAYERS) for part in layer}


def _part(module: str) -> str:
    """`roi.usage.ingest` -> `usage`; `roi` and names imported from it (`roi.DATA_DIR`) -> `roi`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in RANK else "roi"


def _imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "roi":
            if node.module == "roi":
                out |= {f"roi.{a.name}" for a in node.names}
            else:
                out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "roi"}
    return out


MODULES = sorted(p for p in (ROOT / "roi").rglob("*.py") if "migrations" not in p.parts)


def test_every_part_of_roi_has_a_layer():
    parts = {p.relative_to(ROOT / "roi").parts[0].removesuffix(".py") for p in MODULES}
    assert parts - {"__init__"} <= set(RANK), parts - set(RANK)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down(path):
    rel = path.relative_to(ROOT / "roi").parts
    own = "roi" if rel == ("__init__.py",) else rel[0].removesuffix(".py")
    for target in _imports(path):
        part = _part(target)
        assert part == own or RANK[part] < RANK[own], f"{own} (layer {RANK[own]}) imports {target}"


@pytest.mark.parametrize(
    "path", sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"], ids=lambda p: p.name
)
def test_pages_use_roi_but_not_the_command_line(path):
    assert not any(_part(t) == "cli" for t in _imports(path))
