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
from .claim import check_claim
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
    "CheckResult", "DEFAULT_POINTS", "FormulaResult", "ResultCache", "TOLERANCES", "VERDICTS",
    "available_cores", "cache_dir", "check_claim", "check_derivative_claim", "check_gradient",
    "check_property", "check_statement", "compare", "derivative_side", "guard_of", "guarded",
    "is_analytic", "proof_form", "prove_backward", "prove_equal", "read_relations",
    "run_checks", "try_prove", "verify_all", "verify_formula",
    "written_guards",
]
