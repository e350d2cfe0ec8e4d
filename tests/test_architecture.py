"""The package shows the pipeline: stage subpackages whose imports point one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import symnn

ROOT = Path(symnn.__file__).parent
#: The stages in pipeline order: a stage may import only from the stages before it.
STAGES = ["read", "catalog", "derive", "emit", "check", "report"]
TOP_MODULES = {"__init__.py", "__main__.py", "cli.py", "pytest_plugin.py", "sphinx.py",
               "mkdocs.py"}


def _imported_stages(path: Path) -> set[str]:
    """The symnn stages a module imports (relative or absolute)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    stage = path.parent.name
    out = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level == 0 and (node.module or "").startswith("symnn."):
            out.add(node.module.split(".")[1])
        elif node.level == 2 and node.module:
            out.add(node.module.split(".")[0])
        elif node.level == 2:
            out.update(a.name for a in node.names)
        elif node.level == 1:
            out.add(stage)
    return out & set(STAGES)


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_imports_only_from_the_stages_before_it(stage):
    """No module of a stage imports a later stage."""
    later = set(STAGES[STAGES.index(stage) + 1:])
    bad = {p.name: _imported_stages(p) & later for p in (ROOT / stage).glob("*.py")}
    assert not {k: v for k, v in bad.items() if v}


def test_the_top_level_holds_only_the_face_and_the_integrations():
    """`ls symnn/` shows the stages; the top keeps the package face, cli and plugins."""
    modules = {p.name for p in ROOT.glob("*.py")}
    stages = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert modules <= TOP_MODULES
    assert stages == set(STAGES)


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_says_what_it_takes_and_gives(stage):
    """Each stage's __init__ has a docstring and an explicit __all__."""
    module = __import__(f"symnn.{stage}", fromlist=["__all__"])
    assert module.__doc__ and len(module.__doc__.split()) > 15
    assert all(hasattr(module, name) for name in module.__all__)
