"""The fused batch helper ``_fused``: the sum of products written into one output buffer in
blocks of rows. The kernel check draws batches too small for a second block, so the blocks are
checked here, at batches of several blocks."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from symnn.catalog import load_catalog
from symnn.check._kernelcheck import kernel_module
from symnn.derive import batch_derivation
from symnn.emit import load_module
from symnn.emit._fuse import FUSED_HELPERS

HEAD = "import functools\nimport math\n\nimport numpy\n\n\n"
FUSED = load_module(HEAD + FUSED_HELPERS["_fused"], "test_fused_helper")
BN = kernel_module(batch_derivation(next(f for f in load_catalog()
                                         if f.id == "batch-normalization")))


def _plain(*terms):
    return sum(functools.reduce(np.multiply, t) if isinstance(t, tuple) else t for t in terms)


def _cases(rng, m: int, dtype) -> dict:
    """Term lists of every form the generated kernels pass, at a batch of m rows."""
    full = [rng.normal(size=(m, 7)).astype(dtype) for _ in range(3)]
    feat = [rng.normal(size=(1, 7)).astype(dtype) for _ in range(2)]
    per_sample = rng.normal(size=(m, 1)).astype(dtype)
    conv = rng.normal(size=(m, 3, 4, 5)).astype(dtype)
    chan = rng.normal(size=(1, 3, 1, 1)).astype(dtype)
    return {
        "batch-norm backward: const + c0 t1 + c1 dy": (feat[0], (feat[1], full[0]),
                                                       (feat[0], full[1])),
        "batch-norm forward: beta + c0 t1": (feat[0], (feat[1], full[0])),
        "a full array alone, a Python float": (full[0], 0.5, (2.0, full[1])),
        "two full factors and a per-feature one": ((full[0], full[1], feat[0]), full[2]),
        "a per-sample column": ((per_sample, feat[0]), (full[0], per_sample)),
        "constants only": (feat[0], (feat[1], 3.0)),
        "conv layout": (chan, (chan, conv), (conv, conv)),
    }


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
@pytest.mark.parametrize("m", [1, 5, 40_000])
def test_fused_equals_the_plain_sum_of_products(m, dtype):
    """Every form, one row, a few rows and many blocks of rows: the plain sum to rounding,
    in the inputs' dtype."""
    for name, terms in _cases(np.random.default_rng(m), m, dtype).items():
        got, want = FUSED._fused(*terms), _plain(*terms)
        assert got.dtype == np.dtype(dtype), name
        assert got.shape == np.shape(want), name
        tol = 1e-5 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol, err_msg=name)


def _hand_backward(dy, x, gamma, eps=1e-5):
    xc = x - x.mean(axis=0)
    inv_std = 1.0 / np.sqrt((xc * xc).mean(axis=0) + eps)
    xhat = xc * inv_std
    m = dy.shape[0]
    dbeta, dgamma = dy.sum(axis=0), (dy * xhat).sum(axis=0)
    return (gamma * inv_std / m) * (m * dy - dbeta - xhat * dgamma), dgamma, dbeta


def _many_blocks(module) -> float:
    """The largest error of the backward at m = 5000, relative to each gradient's largest."""
    rng = np.random.default_rng(0)
    x, dy = rng.normal(3.0, 2.0, size=(5000, 64)), rng.normal(size=(5000, 64))
    gamma, beta = rng.normal(size=64), rng.normal(size=64)
    _, saved = module.batch_normalization_forward(x, gamma, beta, 1e-5)
    ours = module.batch_normalization_backward(dy, saved, gamma, beta)
    return max(float(np.max(np.abs(a - b)) / np.max(np.abs(b)))
               for a, b in zip(ours, _hand_backward(dy, x, gamma), strict=True))


def test_generated_backward_over_many_blocks_matches_the_closed_form():
    """At m = 5000 (several row blocks) the generated backward is the closed form to 1e-12
    relative to each gradient's largest element."""
    assert _many_blocks(BN) < 1e-12


def test_a_block_left_unwritten_is_caught_over_many_blocks():
    """A planted error that adds the constant to the first block only is caught at m = 5000
    (the kernel check's small batches have one block and would not see it)."""
    source = HEAD + FUSED_HELPERS["_fused"]
    planted = source.replace("        if const is not None:\n",
                             "        if const is not None and start == 0:\n")
    assert planted != source
    broken = load_module(planted, "test_fused_planted")

    class Module:  # the generated kernels with the broken helper
        def __getattr__(self, name):
            fn = getattr(BN, name)
            return lambda *a, **k: _with(fn, broken._fused, *a, **k)

    assert _many_blocks(Module()) > 1e-3


def _with(fn, fused, *args, **kwargs):
    saved = fn.__globals__["_fused"]
    fn.__globals__["_fused"] = fused
    try:
        return fn(*args, **kwargs)
    finally:
        fn.__globals__["_fused"] = saved
