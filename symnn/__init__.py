"""symnn: a symbolic verifier for deep-learning formulas."""

from ._budget import BudgetExceeded
from ._latex import ParseError
from .catalog import CatalogError, Formula, load_catalog, load_formula
from .check import CheckResult, FormulaResult, check_gradient, compare, verify_formula
from .cli import check_claim, verify_budgeted
from .codegen import codegen_source
from .derive import DeriveError, derivations, evaluate, prove_equal, read_definitions
from .parse import Statement, parse_expression, parse_statement

__version__ = "0.1.0"
__all__ = [
    "BudgetExceeded", "CatalogError", "CheckResult", "DeriveError", "Formula", "FormulaResult",
    "ParseError",
    "Statement", "__version__", "check_gradient", "codegen_source", "compare", "derivations",
    "evaluate", "check_claim", "verify_budgeted",
    "load_catalog", "load_formula",
    "parse_expression", "parse_statement", "prove_equal", "read_definitions", "verify_formula",
]
