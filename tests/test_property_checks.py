"""The ``property`` check kind of formula files: inequalities, ranges, positive
semidefiniteness, and the declared domain of a defined symbol (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from symnn.catalog import catalog_dir, load_formula
from symnn.check import verify_formula

SIGMOID = (catalog_dir() / "11-sigmoid.toml").read_text(encoding="utf-8")
GATE = (catalog_dir() / "06-rnn-gate.toml").read_text(encoding="utf-8")


def _verify(tmp_path: Path, text: str, name: str = "f.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return verify_formula(load_formula(path), seed=0)


def _with_property(latex: str) -> str:
    return SIGMOID.replace("checks = [\n", "checks = [\n    { kind = \"property\", latex = '"
                           + latex + "' },\n", 1)


def _property(result):
    return next(c for c in result.checks if c.kind == "property")


def test_the_rnn_gate_is_verified_by_its_declared_domain():
    """formulas/06-rnn-gate.toml is verified: every component of sigma(...) lies in (0,1)."""
    result = verify_formula(load_formula(catalog_dir() / "06-rnn-gate.toml"), seed=0)
    assert result.status == "verified" and _property(result).verdict == "holds numerically"


def test_a_gate_computed_by_tanh_is_refuted_by_its_declared_domain(tmp_path):
    """The same gate with tanh instead of sigma leaves (0,1): refuted."""
    result = _verify(tmp_path, GATE.replace(r"\sigma(Wx", r"\tanh(Wx"))
    assert _property(result).verdict == "refuted"


def test_a_true_range_in_a_formula_file_holds(tmp_path):
    """g(z) in (0, 1) for the sigmoid file's g holds numerically."""
    assert _property(_verify(tmp_path, _with_property(r"g(z) \in (0, 1)"))).verdict == \
        "holds numerically"


def test_a_false_range_in_a_formula_file_is_refuted(tmp_path):
    """g(z) in (0, 1/2) is refuted (g(z) > 1/2 for z > 0)."""
    assert _property(_verify(tmp_path, _with_property(r"g(z) \in (0, \frac{1}{2})"))).verdict \
        == "refuted"


def test_an_inequality_in_a_formula_file_off_by_a_little_is_refuted(tmp_path):
    """g(z) >= 10^{-30} fails far in the left tail (g(-100) ~ 4e-44)."""
    assert _property(_verify(tmp_path, _with_property(r"g(z) \ge 10^{-30}"))).verdict == \
        "refuted"


#: a statement that defines a matrix from W (the property is about what it defines)
_GRAM = """id = "gram"
title = { en = "Gram matrix", fr = "Matrice de Gram" }
latex = 'G = %s'
checks = [{ kind = "property", latex = 'G \\succeq 0' }]
[symbols]
G = { kind = "matrix", shape = ["n", "n"] }
W = { kind = "matrix", shape = ["m", "n"] }
U = { kind = "matrix", shape = ["n", "n"] }
"""


def test_a_gram_matrix_is_positive_semidefinite(tmp_path):
    """G = W^T W is positive semidefinite (holds numerically)."""
    assert _property(_verify(tmp_path, _GRAM % "W^{T} W")).verdict == "holds numerically"


def test_a_plain_square_matrix_is_not_positive_semidefinite(tmp_path):
    """G = U (a random square matrix) is not positive semidefinite: refuted."""
    assert _property(_verify(tmp_path, _GRAM % "U")).verdict == "refuted"


_XY = ("--assume", r"x \in \mathbb{R}^n", "--assume", r"y \in \mathbb{R}^n")


@pytest.mark.parametrize("claim, code", [
    (r"\|x + y\| \le \|x\| + \|y\|", 0), (r"\|x + y\| \le \|x\|", 1),
    (r"\|x\|_2 \le \|x\|_1", 0), (r"\|x\|_1 \le \|x\|_2", 1),
])
def test_norm_inequalities_of_vectors_are_checked_at_drawn_vectors(claim, code):
    """The triangle and norm-order inequalities hold; each planted reversal is refuted (they
    were undecided: 'Norm cannot be evaluated numerically')."""
    from symnn.cli import main

    assert main(["check", claim, *_XY]) == code
