"""symnn: a symbolic verifier for deep-learning formulas."""

__version__ = "0.1.0"  # before the imports: cli and codegen read it

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

__all__ = [
    "BudgetExceeded", "CatalogError", "CheckResult", "DeriveError", "Formula", "FormulaResult",
    "ParseError",
    "Statement", "__version__", "check_gradient", "codegen_source", "compare", "derivations",
    "evaluate", "check_claim",
    "load_catalog", "load_formula",
    "parse_expression", "parse_statement", "prove_equal", "read_definitions", "verify_formula",
]
