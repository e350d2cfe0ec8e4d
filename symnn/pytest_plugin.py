"""A pytest plugin: ``pytest formulas/`` collects each formula file as one test.

A formula that is not as its file expects (refuted, undecided, or an erratum that unexpectedly
holds) fails; the message opens with the formula's status and each check's verdict (proved,
holds numerically, refuted: a counterexample that reproduces at high precision, undecided: it
could not be decided, with the reason), then the failing checks and their counterexamples. Every
``*.toml`` pytest is pointed at is collected, so a file with a TOML syntax error, invalid UTF-8
or no read permission is a failing item with a one-line reason, never silently skipped; inside
folders, TOML files that parse and are plainly not formula files (``pyproject.toml``: neither
``latex`` nor ``symbols``) are ignored. Each verification runs under the same budget as
``symnn verify`` (a forked child with a deadline and a memory cap). Registered through the
``pytest11`` entry point; it imports SymPy only when a formula file is run, so a project that
merely has symnn installed does not pay for it at every pytest start.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # the plugin loads in every pytest run: SymPy only once a formula runs
    from .check import FormulaResult

__all__ = ["pytest_collect_file", "FormulaFile", "FormulaItem", "FormulaFailure", "verdict_line"]


class FormulaFailure(Exception):
    """A formula that did not verify as its file expects."""


#: what each verdict of a check means, for the failure message
MEANING = {"proved": "proved symbolically", "holds numerically": "no proof; agreement "
           "confirmed at high precision", "refuted": "a counterexample that reproduces at high "
           "precision", "undecided": "neither proved nor refuted (cannot evaluate, no admissible "
           "point, or budget)"}


def verdict_line(result: FormulaResult) -> str:
    """The formula's status and each check's verdict, in one line."""
    checks = ", ".join(f"{c.kind}: {c.verdict}" for c in result.checks if c.kind != "parse")
    seen = dict.fromkeys(c.verdict for c in result.checks if c.kind != "parse")
    means = "; ".join(f"{v} = {MEANING[v]}" for v in seen if v in MEANING)
    return (f"{result.id}: {result.status} (verdicts: {checks or 'none'})"
            + (f" [{means}]" if means else ""))


def _is_formula_file(path: Path) -> bool:
    """False only for a readable TOML file that is plainly something else; a file that cannot
    be read or parsed counts (it then fails with the reason)."""
    try:
        if not path.is_file() or path.stat().st_size > 1 << 20:
            return True
        data = tomllib.loads(path.read_text(encoding="utf-8").removeprefix("\ufeff"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return True
    return "latex" in data or "symbols" in data or "id" in data


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix != ".toml":
        return None
    named = any(file_path == Path(a).absolute() for a in parent.config.invocation_params.args)
    if named or _is_formula_file(file_path):  # a file named on the command line always counts
        return FormulaFile.from_parent(parent, path=file_path)
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())


class FormulaFile(pytest.File):
    def collect(self):
        yield FormulaItem.from_parent(self, name=self.path.stem)


class FormulaItem(pytest.Item):
    def runtest(self) -> None:
        from .catalog import BUDGETS, BudgetExceeded, CatalogError, load_formula, run_isolated
        from .check import verify_formula
        from .report import formula_table

        try:
            formula = load_formula(self.path)
        except CatalogError as exc:
            raise FormulaFailure(_one_line(str(exc))) from None
        try:
            result = run_isolated(verify_formula, formula,
                                  int(self.config.getoption("symnn_seed")),
                                  seconds=BUDGETS["formula_seconds"],
                                  what=f"verification of {formula.id}")
        except BudgetExceeded as exc:
            raise FormulaFailure(_one_line(str(exc))) from None
        if not result.as_expected:
            raise FormulaFailure(f"{verdict_line(result)}\n{formula_table([result])}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo, style=None) -> str:
        if isinstance(excinfo.value, FormulaFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"formula {self.name}"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--symnn-seed", dest="symnn_seed", default="0",
                     help="seed of symnn's sampled points when collecting formula files")
