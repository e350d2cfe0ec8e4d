"""Budgets: a slow or greedy formula ends in a named error, and the others still verify."""

from __future__ import annotations

import json
import time

import pytest

from symnn import compare, parse_statement
from symnn.catalog._budget import BUDGETS, BudgetExceeded, run_isolated
from symnn.check import try_prove
from symnn.cli import EXIT_UNREADABLE, main
from symnn.read.symbols import SymbolTable


def _sleep_then(value: int) -> int:
    time.sleep(5)
    return value


def _allocate(mb: int) -> int:
    return len(bytearray(mb * 1024 * 1024))


def _fail() -> None:
    raise KeyError("boom")


def test_isolated_run_returns_the_value():
    """A quick function's value comes back from the child process."""
    assert run_isolated(pow, 2, 10, seconds=30) == 1024


def test_isolated_run_past_its_deadline_is_a_named_budget_error():
    """A function sleeping past the deadline is stopped: 'verification exceeded 0.5 s'."""
    start = time.perf_counter()
    with pytest.raises(BudgetExceeded, match=r"verification exceeded 0\.5 s"):
        run_isolated(_sleep_then, 1, seconds=0.5)
    assert time.perf_counter() - start < 4


def test_isolated_run_over_its_memory_cap_is_a_named_budget_error():
    """Allocating past the child's address-space cap ends in 'ran out of memory'."""
    with pytest.raises(BudgetExceeded, match="memory"):
        run_isolated(_allocate, 4096, seconds=60, memory_mb=1024)


def test_internal_error_in_the_child_is_reported_not_raised_as_is():
    """An unexpected exception in the child becomes a BudgetExceeded naming it."""
    with pytest.raises(BudgetExceeded, match="internal error: KeyError"):
        run_isolated(_fail, seconds=30)


def test_simplify_past_its_budget_leaves_a_numeric_verdict(monkeypatch):
    """With a tiny simplify budget, a true identity is 'numeric only', saying why."""
    monkeypatch.setitem(BUDGETS, "simplify_seconds", 1e-4)
    try_prove.cache_clear()  # proofs are cached: another test may have proved this identity
    table = SymbolTable(auto=True)
    st = parse_statement(r"\frac{e^{z}-e^{-z}}{e^{z}+e^{-z}} = \tanh(z)", table)
    result = compare(st.lhs, st.rhs, table)
    assert result.ok and result.method == "numeric only" and "simplify exceeded" in result.detail


def test_slow_formula_is_an_error_and_the_others_still_verify(tmp_path, monkeypatch, capsys):
    """One formula past the time limit: exit 2, its error names the budget, the other verifies."""
    from symnn import cli

    real = cli.verify_formula

    def slow_for_one(formula, seed=0):
        if formula.id == "slow":
            time.sleep(30)
        return real(formula, seed)

    monkeypatch.setattr(cli, "verify_formula", slow_for_one)
    for fid in ("fast", "slow"):
        (tmp_path / f"{fid}.toml").write_text(
            f'id = "{fid}"\ntitle = {{ en = "x", fr = "x" }}\nlatex = \'y = 2x\'\n'
            'checks = [{ kind = "claim", latex = \'y - x = x\' }]\n'
            '[symbols]\nx = { kind = "scalar" }\ny = { kind = "scalar" }\n', encoding="utf-8")
    assert main(["verify", str(tmp_path), "--json", "--time-limit", "3"]) == EXIT_UNREADABLE
    results = {r["id"]: r for r in json.loads(capsys.readouterr().out)["results"]}
    assert results["fast"]["status"] == "verified"
    assert results["slow"]["status"] == "error" and "exceeded 3 s" in results["slow"]["error"]


def test_a_proof_cut_short_by_the_budget_is_not_remembered(monkeypatch):
    """After a run whose simplify budget ran out, a run with the normal budget proves."""
    table = SymbolTable(auto=True)
    st = parse_statement(r"\frac{e^{z}-e^{-z}}{e^{z}+e^{-z}} = \tanh(z)", table)
    try_prove.cache_clear()
    with monkeypatch.context() as m:
        m.setitem(BUDGETS, "simplify_seconds", 1e-4)
        assert compare(st.lhs, st.rhs, table).method == "numeric only"
    assert compare(st.lhs, st.rhs, table).method == "symbolic proof"


def _frozen_in_child() -> int:
    import gc

    return gc.get_freeze_count()


def test_children_start_with_the_parents_objects_frozen_and_the_parent_does_not():
    """A child's collector leaves the parent's objects alone (frozen at the fork); the
    parent's own objects stay collectable after the fork."""
    import gc

    assert run_isolated(_frozen_in_child, seconds=60) > 0
    assert gc.get_freeze_count() == 0
