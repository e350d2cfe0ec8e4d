"""Moments over Bernoulli masks: the lowered kernel is confirmed by exact enumeration, never
contradicted by a degenerate Monte Carlo sample (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from symnn.catalog import load_formula
from symnn.check import verify_formula

FOUR_MASKS = """
id = "four-masks"
title = { en = "Four dropout masks", fr = "Quatre masques" }
source = "issue 14"
latex = 'y = a\\,m_1 m_2 m_3 m_4'
checks = [{ kind = "expectation", latex = '%s' }, { kind = "variance", latex = '%s' }]

[symbols]
y = { kind = "scalar", domain = "real" }
a = { kind = "scalar", domain = "real" }
p = { kind = "scalar", domain = "(0,1)" }
m_1 = { kind = "scalar", domain = "{0,1}", distribution = 'Bernoulli(1-p)' }
m_2 = { kind = "scalar", domain = "{0,1}", distribution = 'Bernoulli(1-p)' }
m_3 = { kind = "scalar", domain = "{0,1}", distribution = 'Bernoulli(1-p)' }
m_4 = { kind = "scalar", domain = "{0,1}", distribution = 'Bernoulli(1-p)' }
"""
TRUE_MEAN, TRUE_VAR = "a(1-p)^{4}", "a^{2}(1-p)^{4}(1 - (1-p)^{4})"


def _moments(tmp_path: Path, mean: str, var: str, seed: int):
    path = tmp_path / "masks.toml"
    path.write_text(FOUR_MASKS % (mean, var), encoding="utf-8")
    result = verify_formula(load_formula(path), seed=seed)
    return [c for c in result.checks if c.kind in ("expectation", "variance")]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_proved_moment_of_four_masks_is_confirmed_exactly_at_every_seed(tmp_path, seed):
    """E[a m1 m2 m3 m4] = a(1-p)^4 and its variance hold at seeds 0-3 by exact enumeration."""
    checks = _moments(tmp_path, TRUE_MEAN, TRUE_VAR, seed)
    assert all(c.ok and "exact enumeration" in c.detail for c in checks), checks


def test_a_moment_with_a_wrong_power_is_refuted_by_the_enumeration(tmp_path):
    """E[a m1 m2 m3 m4] = a(1-p)^3 (one mask forgotten) is refuted."""
    checks = _moments(tmp_path, "a(1-p)^{3}", TRUE_VAR, 2)
    assert checks[0].verdict == "refuted" and checks[1].ok


@pytest.mark.parametrize("seed", range(6))
def test_monte_carlo_never_refutes_a_proved_moment(tmp_path, monkeypatch, seed):
    """Monte Carlo only: true moments of four masks hold, seed 2 (all draws 0) included."""
    monkeypatch.setattr("symnn.check._enumerate.EXACT_MASKS", 0)
    checks = _moments(tmp_path, TRUE_MEAN, TRUE_VAR, seed)
    assert all(c.ok and "Monte Carlo" in c.detail for c in checks), [c.detail for c in checks]
