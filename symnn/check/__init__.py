"""Stage 5, checking: a formula -> :class:`CheckResult` s and a :class:`FormulaResult`.

``verify`` runs a formula's checks; ``prove`` holds the symbolic proofs; the numeric checks
sample points inside the declared domains (``_points``) and compare with complex-step or
Richardson derivatives (``_numdiff``, ``_gradcheck``), generated kernels (``_kernelcheck``,
``_cellcheck``), counts (``_enumerate``), matrices (``_matrices``) and MDPs (``_mdp``).
"""

from __future__ import annotations

from ._cache import ResultCache, cache_dir
from ._definedness import guard_of, guarded, written_guards
from ._derivclaim import check_derivative_claim, derivative_side
from ._numdiff import is_analytic
from ._pool import available_cores, verify_all
from ._propcheck import read_relations
from ._property import check_property
from ._results import VERDICTS, CheckResult, FormulaResult
from .prove import proof_form, prove_backward, prove_equal, try_prove
from .verify import (
    DEFAULT_POINTS,
    TOLERANCES,
    check_gradient,
    check_statement,
    compare,
    run_checks,
    verify_formula,
)

__all__ = [
    "CheckResult", "DEFAULT_POINTS", "FormulaResult", "TOLERANCES", "check_gradient",
    "check_statement", "compare", "is_analytic", "proof_form", "prove_backward", "prove_equal",
    "run_checks", "try_prove", "verify_formula", "ResultCache", "cache_dir", "verify_all",
    "available_cores", "VERDICTS", "check_property", "guard_of", "guarded", "written_guards",
    "check_derivative_claim", "derivative_side", "read_relations",
]
