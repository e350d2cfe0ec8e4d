"""Stage 6, reporting: results -> the table, JSON, derivation text, generated modules of
verified kernels (``codegen``) and documentation pages (``docs``, needs the docs extra)."""

from __future__ import annotations

from ._figures import error_text, margin_text
from ._outdir import (
    OutputError,
    discard,
    keep_unchanged,
    move_into_place,
    new_output_folder,
    prune,
)
from .codegen import Generated, Unverified, codegen_source, generate, slug
from .text import (
    PrintableStream,
    backward_text,
    cell_text,
    check_text,
    claim_json,
    formula_table,
    moment_latex,
    printable,
    results_json,
    tape_lines,
)

__all__ = [
    "Generated", "OutputError", "PrintableStream", "Unverified", "backward_text", "cell_text",
    "check_text", "claim_json", "codegen_source", "discard", "error_text", "formula_table",
    "generate", "keep_unchanged", "prune", "margin_text", "moment_latex", "move_into_place",
    "new_output_folder", "printable",
    "results_json", "slug", "tape_lines",
]
