"""Stage 6, reporting: results -> the table, JSON, derivation text, generated modules of
verified kernels (``codegen``) and documentation pages (``docs``, needs the docs extra)."""

from __future__ import annotations

from ._figures import error_text, margin_text
from .codegen import Generated, Unverified, codegen_source, generate, slug
from .text import (
    backward_text,
    cell_text,
    check_text,
    claim_json,
    formula_table,
    moment_latex,
    results_json,
    tape_lines,
)

__all__ = [
    "Generated", "Unverified", "backward_text", "cell_text", "check_text", "claim_json",
    "codegen_source", "error_text", "formula_table", "generate", "margin_text", "moment_latex",
    "results_json", "slug", "tape_lines",
]
