"""Stage 4, emitting: SymPy -> NumPy callables and Python source (NumPy, JAX, torch).

``lower`` makes vectorized callables (``lambdify`` with numerically stable rewrites) and
kernel modules for batch programs and cell tapes; ``_printers`` prints them for each backend.
"""

from __future__ import annotations

from ._safe import check_module, doc_text
from .lower import (
    BACKENDS,
    batch_functions,
    cell_functions,
    cell_module,
    expr_function,
    load_module,
    module_source,
    stabilize,
    stable_sigmoid,
    stable_softplus,
    to_numpy,
)

__all__ = [
    "BACKENDS", "batch_functions", "check_module", "doc_text", "cell_functions", "cell_module",
    "expr_function",
    "load_module", "module_source", "stabilize", "stable_sigmoid", "stable_softplus",
    "to_numpy",
]
