"""Every generated kernel keeps its input's dtype: float32 in, float32 out, a Python float
parameter (epsilon=1e-5) does not upcast."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symnn.catalog import load_catalog
from symnn.check._kernelcheck import kernel_module
from symnn.derive import batch_derivation, cell_tape
from symnn.emit import (
    cell_functions,
    expr_function,
    load_module,
    module_source,
    stable_sigmoid,
)
from symnn.emit._printers import stable_softplus

CATALOG = {f.id: f for f in load_catalog()}
N_A, N_X, M, T = 3, 2, 4, 3


def _dtypes(values) -> set:
    """The dtypes of every array in a nested result (a Python number has none: it is weak)."""
    if isinstance(values, (int, float)):
        return set()
    if isinstance(values, (tuple, list)):
        return set().union(*(_dtypes(v) for v in values))
    return {np.asarray(values).dtype}


@pytest.fixture(scope="module")
def batchnorm():
    return kernel_module(batch_derivation(CATALOG["batch-normalization"]))


def _batchnorm_dtypes(module, dtype) -> set:
    rng = np.random.default_rng(0)
    x, dy = (rng.normal(size=(8, 3)).astype(dtype) for _ in range(2))
    gamma, beta = np.ones(3, dtype), np.zeros(3, dtype)
    y, saved = module.batch_normalization_forward(x, gamma, beta, 1e-5)
    grads = module.batch_normalization_backward(dy, saved, gamma, beta)
    return _dtypes((y, saved, grads))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batchnorm_kernels_keep_the_dtype_with_a_python_epsilon(batchnorm, dtype):
    """Batch-norm forward and backward in dtype with epsilon=1e-5 return only dtype arrays."""
    assert _batchnorm_dtypes(batchnorm, dtype) == {np.dtype(dtype)}


def test_an_upcasting_per_feature_helper_is_caught(batchnorm):
    """Planted: the old helper turning epsilon into a float64 array makes float32 float64."""
    deriv = batch_derivation(CATALOG["batch-normalization"])
    from symnn.emit import batch_functions

    source = module_source(batch_functions(deriv), "planted")
    planted = source.replace("    if isinstance(v, (int, float, complex)):\n        return v\n",
                             "")
    assert planted != source
    assert np.dtype(np.float64) in _batchnorm_dtypes(load_module(planted, "planted_bn"),
                                                    np.float32)


def _cell_values(tape, dtype) -> dict:
    rng = np.random.default_rng(1)
    out = {}
    for s in tape.parameters:
        n = s.name
        cols = 1 if n.startswith("b") else N_A if n.startswith("U") else N_X
        out[n] = rng.normal(size=(N_A, cols)).astype(dtype) * 0.5
    return out


@pytest.mark.parametrize("fid", ["gru-cell", "lstm-cell"])
def test_cell_kernels_keep_float32(fid):
    """Each cell's forward, backward, sequence and BPTT kernels return float32 for float32."""
    tape = cell_tape(CATALOG[fid])
    base = fid.replace("-", "_")
    module = load_module(module_source(cell_functions(tape, base, base), "t"), f"dt_{base}")
    rng = np.random.default_rng(2)
    params = _cell_values(tape, np.float32)
    inputs = tape.inputs
    per_step, carried = inputs[: tape.per_step], inputs[tape.per_step:]
    xs = {s.name: [rng.normal(size=(N_X, M)).astype(np.float32) for _ in range(T)]
          for s in per_step}
    state = {s.name: rng.normal(size=(N_A, M)).astype(np.float32) for s in carried}
    pv = [params[s.name] for s in tape.parameters]
    seq = getattr(module, f"{base}_sequence")
    try:
        outputs, saves = seq(*xs.values(), *state.values(), *pv)
    except ValueError:  # the candidate's weight reads [a; x]
        params["W_c"] = rng.normal(size=(N_A, N_A + N_X)).astype(np.float32)
        pv = [params[s.name] for s in tape.parameters]
        outputs, saves = seq(*xs.values(), *state.values(), *pv)
    ups = [[rng.normal(size=(N_A, M)).astype(np.float32) for _ in range(T)]
           for _ in tape.upstream]
    grads = getattr(module, f"{base}_bptt")(*ups, saves, *pv)
    assert _dtypes((outputs, saves, grads)) == {np.dtype(np.float32)}


@pytest.mark.parametrize("kernel", [stable_sigmoid, stable_softplus])
def test_elementwise_kernels_keep_float32(kernel):
    """sigmoid and softplus map float32 to float32, scalars and arrays, far out too."""
    x = np.array([-800.0, -3.0, 0.0, 3.0, 800.0], np.float32)
    with np.errstate(over="ignore"):
        assert kernel(x).dtype == np.float32 and kernel(np.float32(-3.0)).dtype == np.float32


def widened_kernels(module) -> list[str]:
    """The elementwise kernels of a generated module that return float64 for float32 input
    (kernels whose matrices do not fit 2 x 2 inputs are skipped; the cell tests cover them)."""
    rng = np.random.default_rng(3)
    widened = []
    for name, fn in list(vars(module).items()):
        if not callable(fn) or name.startswith("_") or not hasattr(fn, "__code__") or \
                name.endswith(("_forward", "_backward", "_sequence", "_bptt")):
            continue
        args = [rng.uniform(0.2, 0.9, size=(2, 2)).astype(np.float32)
                for _ in range(fn.__code__.co_argcount)]
        try:
            with np.errstate(all="ignore"):
                out = fn(*args)
        except ValueError:  # a matrix product of mismatched shapes
            continue
        if np.asarray(out).dtype != np.float32:
            widened.append(name)
    return widened


def test_a_kernel_with_a_numpy_constant_is_caught_widening():
    """Planted: log(2) printed as numpy.log(2) (a float64 scalar) widens float32: named."""
    x = sp.Symbol("x")
    source = module_source([expr_function(sp.log(2) * x + sp.Heaviside(x), [x], "k", "d")],
                           "t")
    assert widened_kernels(load_module(source, "dt_ok")) == []
    planted = source.replace(repr(float(sp.log(2))), "numpy.log(2)")
    assert planted != source
    assert widened_kernels(load_module(planted, "dt_planted")) == ["k"]
