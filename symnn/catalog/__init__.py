"""Stage 1, the catalog: a formula file (TOML) -> a validated :class:`Formula`.

Takes the file's text; gives its id, titles, LaTeX, symbol table (kinds, domains, shapes),
definitions, checks, variants and erratum, or a :class:`CatalogError` naming the file and key.
Also holds the budgets (time and memory) every later stage runs under.
"""

from __future__ import annotations

from ._budget import (
    BUDGETS,
    BudgetExceeded,
    InternalError,
    run_isolated,
    run_isolated_many,
    time_limit,
    valid_points,
    valid_seconds,
    valid_seed,
)
from ._magnitude import too_large
from ._model import key_paths
from .formula import (
    CHECK_KINDS,
    BatchSpec,
    CatalogError,
    CellSpec,
    Check,
    Formula,
    Variant,
    catalog_dir,
    formula_files,
    formula_from_data,
    load_catalog,
    load_formula,
    slug,
    symbol_table,
)

__all__ = [
    "BUDGETS", "BatchSpec", "BudgetExceeded", "InternalError", "CHECK_KINDS", "CatalogError",
    "CellSpec",
    "Check", "Formula", "Variant", "catalog_dir", "formula_files", "formula_from_data", "key_paths",
    "load_catalog", "load_formula", "run_isolated", "run_isolated_many", "slug", "symbol_table",
    "time_limit", "too_large", "valid_points", "valid_seconds", "valid_seed",
]
