"""A pytest plugin: ``pytest formulas/`` collects each formula file as one test.

A formula that is not as its file expects (refuted, or an erratum that unexpectedly holds) fails
with the failing checks and their counterexamples as the message; a file that cannot be read
fails with the catalog error. TOML files that are not formula files (neither ``latex`` nor
``symbols``) are ignored. Registered through the ``pytest11`` entry point.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from .catalog import CatalogError, load_formula
from .check import verify_formula
from .report import formula_table

__all__ = ["pytest_collect_file", "FormulaFile", "FormulaItem", "FormulaFailure"]


class FormulaFailure(Exception):
    """A formula that did not verify as its file expects."""


def _is_formula_file(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return path.parent.name == "formulas"  # a broken file in a catalog folder still counts
    return "latex" in data or "symbols" in data


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".toml" and _is_formula_file(file_path):
        return FormulaFile.from_parent(parent, path=file_path)
    return None


class FormulaFile(pytest.File):
    def collect(self):
        yield FormulaItem.from_parent(self, name=self.path.stem)


class FormulaItem(pytest.Item):
    def runtest(self) -> None:
        try:
            formula = load_formula(self.path)
        except CatalogError as exc:
            raise FormulaFailure(str(exc)) from None
        result = verify_formula(formula, seed=int(self.config.getoption("symnn_seed")))
        if not result.as_expected:
            raise FormulaFailure(formula_table([result]))

    def repr_failure(self, excinfo: pytest.ExceptionInfo, style=None) -> str:
        if isinstance(excinfo.value, FormulaFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"formula {self.name}"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--symnn-seed", dest="symnn_seed", default="0",
                     help="seed of symnn's sampled points when collecting formula files")
