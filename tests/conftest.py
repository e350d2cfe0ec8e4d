"""Shared helpers: symbol tables from TOML-like dicts, and the shipped catalog."""

from __future__ import annotations

import pytest

from symnn.catalog import symbol_table
from symnn.read.symbols import SymbolTable


def make_table(spec: dict) -> SymbolTable:
    """A table from a ``[symbols]``-like dict; a bare string is the kind."""
    return symbol_table({k: ({"kind": v} if isinstance(v, str) else v) for k, v in spec.items()})


@pytest.fixture
def table():
    return make_table
