"""Stage 3, deriving: a statement + definitions -> derivatives, batch programs, tapes.

Definitions give names their meaning (``definitions``); derivatives are taken through them
(the chain rule with intermediate names), the batch-norm backward pass is derived for a
symbolic batch size (``_backward``, ``_program``, ``_moments``) and a recurrent cell gets its
forward and backward tapes (``_tape``). Nothing here decides whether a formula is right: that
is :mod:`symnn.check`.
"""

from __future__ import annotations

from ._backward import CONCRETE_SIZES, BatchDerivation, concrete_gradient
from ._moments import Moment
from ._program import Program, forward_program
from ._tape import Tape
from .definitions import (
    Definitions,
    DeriveError,
    evaluate,
    expand,
    fold,
    read_definitions,
    with_statement,
)
from .derivations import (
    PROOF_BUDGET_OPS,
    Derivation,
    batch_derivation,
    cell_tape,
    corrected_definitions,
    definition_groups,
    derivations,
    gradient_checks,
    gradient_parts,
    simplified,
)

__all__ = [
    "BatchDerivation", "CONCRETE_SIZES", "Definitions", "Derivation", "DeriveError", "Moment",
    "PROOF_BUDGET_OPS", "Program", "Tape", "batch_derivation", "cell_tape",
    "concrete_gradient", "corrected_definitions", "definition_groups", "derivations",
    "evaluate", "expand", "fold", "forward_program", "gradient_checks", "gradient_parts",
    "read_definitions", "simplified", "with_statement",
]
