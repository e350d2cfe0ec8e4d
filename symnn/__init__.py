"""symnn: a symbolic verifier for deep-learning formulas."""

from .catalog import CatalogError, Formula, load_catalog, load_formula
from .check import CheckResult, FormulaResult, check_gradient, compare, prove_equal, verify_formula
from .derive import DeriveError, derivations, evaluate, read_definitions
from .read import ParseError, Statement, parse_expression, parse_statement
from .report import codegen_source

__version__ = "0.1.0"
__all__ = [
    "CatalogError", "CheckResult", "DeriveError", "Formula", "FormulaResult", "ParseError",
    "Statement", "__version__", "check_gradient", "codegen_source", "compare", "derivations",
    "evaluate",
    "load_catalog", "load_formula",
    "parse_expression", "parse_statement", "prove_equal", "read_definitions", "verify_formula",
]
