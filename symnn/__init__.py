"""symnn: a symbolic verifier for deep-learning formulas.

The public names below are loaded on first use (PEP 562), so that ``import symnn`` -- and the
pytest plugin, which pytest loads in every run of a project where symnn is installed -- does
not import SymPy until something needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"  # cli and codegen read it

#: public name -> the stage that defines it
_PUBLIC = {
    "BudgetExceeded": "catalog", "CatalogError": "catalog", "Formula": "catalog",
    "load_catalog": "catalog", "load_formula": "catalog",
    "CheckResult": "check", "FormulaResult": "check", "check_claim": "check",
    "check_gradient": "check", "compare": "check", "prove_equal": "check",
    "verify_formula": "check",
    "DeriveError": "derive", "derivations": "derive", "evaluate": "derive",
    "read_definitions": "derive",
    "ParseError": "read", "Statement": "read", "parse_expression": "read",
    "parse_statement": "read",
    "codegen_source": "report",
}
_STAGES = ("read", "catalog", "derive", "emit", "check", "report", "cli")

__all__ = [
    "BudgetExceeded", "CatalogError", "CheckResult", "DeriveError", "Formula", "FormulaResult",
    "ParseError", "Statement", "__version__", "check_claim", "check_gradient", "codegen_source",
    "compare", "derivations", "evaluate", "load_catalog", "load_formula", "parse_expression",
    "parse_statement", "prove_equal", "read_definitions", "verify_formula",
]
assert set(__all__) == {"__version__", *_PUBLIC}

if TYPE_CHECKING:
    from .catalog import BudgetExceeded, CatalogError, Formula, load_catalog, load_formula
    from .check import (
        CheckResult,
        FormulaResult,
        check_claim,
        check_gradient,
        compare,
        prove_equal,
        verify_formula,
    )
    from .derive import DeriveError, derivations, evaluate, read_definitions
    from .read import ParseError, Statement, parse_expression, parse_statement
    from .report import codegen_source


def __getattr__(name: str) -> object:
    if name in _PUBLIC:
        value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
        globals()[name] = value  # later lookups skip this function
        return value
    if name in _STAGES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'symnn' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC, *_STAGES})
