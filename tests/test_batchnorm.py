"""Batch normalization: the backward pass for any m, its three derivations and its kernels."""

from __future__ import annotations

import dataclasses
import tracemalloc

import numpy as np
import pytest
import sympy as sp

from symnn.catalog import load_catalog
from symnn.check import prove_backward
from symnn.check._kernelcheck import check_kernels, kernel_module
from symnn.derive import batch_derivation
from symnn.derive._moments import Moment
from symnn.derive._program import Step
from symnn.read import parse_expression

FORMULA = next(f for f in load_catalog() if f.id == "batch-normalization")
DERIV = batch_derivation(FORMULA)
MODULE = kernel_module(DERIV)
STATED = {c.wrt: c.latex for c in FORMULA.checks if c.kind == "backward"}


def _routes(wrt: str) -> dict:
    ctx = DERIV.ctx
    return prove_backward(DERIV, ctx.symbol(wrt), ctx.read(parse_expression(STATED[wrt],
                                                                            FORMULA.table)))


@pytest.mark.parametrize("wrt", ["x", r"\gamma", r"\beta"])
def test_every_route_proves_the_stated_closed_form(wrt):
    """Indexed (Kronecker deltas, symbolic m), program (symbolic m) and m = 2..6 all agree."""
    routes = _routes(wrt)
    assert set(routes) == {"indexed", "program", *(f"m = {n}" for n in range(2, 7))}
    assert all(ok for ok, _ in routes.values()), routes


def test_sympy_indexed_derivative_holds_kronecker_deltas():
    """The indexed route starts from SymPy's own derivative, deltas and nested sums included."""
    raw = DERIV.raw[DERIV.ctx.symbol("x")]
    assert raw.has(sp.KroneckerDelta) and raw.has(sp.Sum)


def test_backward_program_adds_two_sums_and_drops_the_centred_one():
    """Reverse mode creates sum(dy) and sum(dy (x - mu)) only; sum(x - mu) is proved 0."""
    sums = [s.expr for s in DERIV.backward.steps if s.kind == "sum"]
    assert len(sums) == 2
    assert len(DERIV.backward.dropped) == 1
    (dropped,) = DERIV.backward.dropped
    centred = next(s for s in DERIV.forward.steps if s.kind == "elem" and s.expr.has(
        sp.Symbol("mu_B", real=True)))
    assert dropped == Moment(centred.name)


def test_every_step_is_per_sample_per_feature_or_a_batch_sum():
    """No step of either program has an m x m shape: the kinds are the only three."""
    assert {s.kind for s in DERIV.forward.steps + DERIV.backward.steps} <= {"elem", "inv", "sum"}
    assert not any(s.expr.has(Moment) for s in DERIV.backward.steps)


def test_backward_memory_is_linear_in_the_batch():
    """At m = 4096 the backward allocates a few (m, d) arrays, never an m x m one."""
    rng = np.random.default_rng(0)
    m, d = 4096, 2
    x, dy = rng.normal(size=(m, d)), rng.normal(size=(m, d))
    gamma, beta = np.ones(d), np.zeros(d)
    _, saved = MODULE.batch_normalization_forward(x, gamma, beta, 1e-5)
    tracemalloc.start()
    MODULE.batch_normalization_backward(dy, saved, gamma, beta)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 16 * m * d * 8, peak  # an m x m float64 array alone is 128 MiB


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_kernels_match_the_complex_step_in_both_layouts(seed):
    """Backward vs complex step of the forward: (m, d) and (m, c, h, w), three spreads."""
    results = check_kernels(DERIV, MODULE, seed=seed)
    assert [r.kind for r in results] == ["kernel [dense]", "kernel [conv]"]
    assert all(r.ok for r in results), [r.counterexample for r in results]


def test_conv_layout_takes_per_channel_parameters():
    """In (m, c, h, w) the statistics run over (0, 2, 3); gamma, beta and their gradients
    have shape (c,), and each channel of the output has mean beta."""
    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 3.0, size=(4, 3, 5, 5))
    gamma, beta = rng.normal(size=3), rng.normal(size=3)
    y, saved = MODULE.batch_normalization_forward(x, gamma, beta, 1e-5, axes=(0, 2, 3))
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), beta, atol=1e-12)
    gx, gg, gb = MODULE.batch_normalization_backward(np.ones_like(x), saved, gamma, beta,
                                                     axes=(0, 2, 3))
    assert gx.shape == x.shape and gg.shape == (3,) and gb.shape == (3,)
    np.testing.assert_allclose(gb, np.full(3, 100.0))


def test_a_planted_error_in_the_generated_backward_is_refuted():
    """Dropping one term of the input gradient's step makes the kernel check fail."""
    steps = []
    for s in DERIV.backward.steps:
        if s.name == sp.Symbol("grad_x"):
            s = Step(s.name, s.kind, s.expr - s.expr.args[-1])
        steps.append(s)
    broken = dataclasses.replace(DERIV, backward=dataclasses.replace(DERIV.backward,
                                                                      steps=steps))
    results = check_kernels(broken, kernel_module(broken))
    assert not any(r.ok for r in results)
    assert results[0].counterexample["case"].startswith("dense (2, 1)")


def test_a_backward_that_returns_nan_is_refuted():
    """A NaN in the generated input gradient is a refutation, never 'within tolerance'."""
    steps = [Step(s.name, s.kind, s.expr + sp.nan) if s.name == sp.Symbol("grad_x") else s
             for s in DERIV.backward.steps]
    broken = dataclasses.replace(DERIV, backward=dataclasses.replace(DERIV.backward,
                                                                      steps=steps))
    assert not any(r.ok for r in check_kernels(broken, kernel_module(broken)))


def test_generated_backward_matches_torch_autograd():
    """Optional: torch's batch_norm backward (training mode) gives the same gradients."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x, dy = rng.normal(1.0, 2.0, size=(8, 3)), rng.normal(size=(8, 3))
    gamma, beta = rng.normal(size=3), rng.normal(size=3)
    _, saved = MODULE.batch_normalization_forward(x, gamma, beta, 1e-5)
    ours = MODULE.batch_normalization_backward(dy, saved, gamma, beta)
    tx, tg, tb = (torch.tensor(v, requires_grad=True) for v in (x, gamma, beta))
    y = torch.nn.functional.batch_norm(tx, None, None, tg, tb, training=True, eps=1e-5)
    y.backward(torch.tensor(dy))
    for a, b in zip(ours, (tx.grad, tg.grad, tb.grad), strict=True):
        np.testing.assert_allclose(a, b.numpy(), rtol=1e-10, atol=1e-12)
