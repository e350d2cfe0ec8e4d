"""Shared helpers: symbol tables from TOML-like dicts, and the shipped catalog."""

from __future__ import annotations

import pytest

from symnn.catalog import symbol_table
from symnn.read.symbols import SymbolTable

#: the hostile formula files of test_sound_files.py are data, not formula tests of their own
#: (half of them are false on purpose)
collect_ignore_glob = ["corpus/sound_files/*.toml"]


def make_table(spec: dict) -> SymbolTable:
    """A table from a ``[symbols]``-like dict; a bare string is the kind."""
    return symbol_table({k: ({"kind": v} if isinstance(v, str) else v) for k, v in spec.items()})


@pytest.fixture
def table():
    return make_table


def pytest_configure(config: pytest.Config) -> None:
    """One verification cache per test session, shared by the xdist workers (they inherit the
    controller's environment): the catalog is verified once, never from the user's cache."""
    import os
    import tempfile

    if not os.environ.get("SYMNN_CACHE_DIR"):
        os.environ["SYMNN_CACHE_DIR"] = config._symnn_cache = tempfile.mkdtemp(
            prefix="symnn-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    import os
    import shutil

    made = getattr(config, "_symnn_cache", None)
    if made:
        shutil.rmtree(made, ignore_errors=True)
        os.environ.pop("SYMNN_CACHE_DIR", None)


@pytest.fixture(scope="session")
def catalog_results() -> dict:
    """The shipped catalog verified once per session (per xdist worker; the workers share the
    session's disk cache, so it is verified once in all), by formula id."""
    from symnn.catalog import load_catalog
    from symnn.check import ResultCache, verify_all

    formulas = [f for f in load_catalog() if not isinstance(f, Exception)]
    return {r.id: r for r in verify_all(formulas, cache=ResultCache())}
