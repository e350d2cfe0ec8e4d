"""The cells' packed kernels: weights that share an operand stacked into one matrix product per
step, forward and backward; the same numbers as the unpacked kernels, and the same checks catch a
planted error in the packed code."""

from __future__ import annotations

import re

import numpy as np
import pytest

from symnn.catalog import load_catalog
from symnn.check._cellcheck import check_bptt, check_cell_step
from symnn.derive import cell_tape
from symnn.emit import cell_functions, load_module, module_source

CATALOG = {f.id: f for f in load_catalog()}
CELLS = ("gru-cell", "lstm-cell")


def _module(fid: str, pack: bool = True, edit=None):
    tape = cell_tape(CATALOG[fid])
    base = fid.replace("-", "_")
    source = module_source(cell_functions(tape, base, base, pack=pack), "test cell kernels")
    if edit is not None:
        edited = edit(source)
        assert edited != source, "the planted error did not change the code"
        source = edited
    return tape, base, load_module(source, f"test_packed_{base}_{pack}")


def _function(fid: str, name: str, pack: bool) -> str:
    tape = cell_tape(CATALOG[fid])
    base = fid.replace("-", "_")
    return next(f for f in cell_functions(tape, base, base, pack=pack)
                if f.startswith(f"def {name.format(base)}("))


def _shape(name: str) -> tuple[int, int]:
    """n_a = 5, n_x = 3, a batch of 4: x_t (3, 4), states (5, 4), W_c (5, 8), W_ (5, 3),
    U_ (5, 5), b_ (5, 1)."""
    if name == "W_c":
        return (5, 8)
    return {"x": (3, 4), "W": (5, 3), "U": (5, 5), "b": (5, 1)}.get(name[0], (5, 4))


def _values(tape, rng, dtype=np.float64) -> dict:
    return {s.name: rng.normal(size=_shape(s.name)).astype(dtype)
            for s in (*tape.inputs, *tape.parameters)}


@pytest.mark.parametrize("fid", CELLS)
def test_packed_backward_equals_the_unpacked_one_to_rounding(fid):
    """Every gradient of the packed one-step backward equals the unpacked one's to 1e-13."""
    tape, base, packed = _module(fid)
    _, _, plain = _module(fid, pack=False)
    rng = np.random.default_rng(7)
    v = _values(tape, rng)
    args = [v[s.name] for s in tape.inputs]
    params = [v[s.name] for s in tape.parameters]
    *outs, saved = getattr(plain, f"{base}_forward")(*args, *params)
    ups = [rng.normal(size=o.shape) for o in outs]
    ours = getattr(packed, f"{base}_backward")(*ups, saved, *params)
    theirs = getattr(plain, f"{base}_backward")(*ups, saved, *params)
    for g, a, b in zip(tape.grads, ours, theirs, strict=True):
        assert a.shape == b.shape, g
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-13, err_msg=g.name)


@pytest.mark.parametrize("fid", CELLS)
def test_packed_backward_makes_one_product_per_operand(fid):
    """The packed backward step has 2 products per shared operand plus the unshared ones: the
    LSTM's 14 products per step become 6, the GRU's 10 become 6."""
    packed = _function(fid, "_{}_backward_step", True).count(" @ ")
    plain = _function(fid, "{}_backward", False).count(" @ ")
    assert (packed, plain) == {"lstm-cell": (6, 14), "gru-cell": (6, 10)}[fid]


#: Planted errors in the packed backward, each a slip in hand-packed code.
PACKED_MUTANTS = {
    "two gates' weight-gradient rows swapped": lambda s: re.sub(
        r"(_block\(_dW_x_t, )0(, )", r"\g<1>1\2", s, count=1),
    "the gate adjoints stacked in the wrong order": lambda s: re.sub(
        r"_dz0 = numpy\.concatenate\(\[(\w+), (\w+)", r"_dz0 = numpy.concatenate([\2, \1", s),
    "the biases' sums taken from the next gate": lambda s: re.sub(
        r"(_block\(_db_dz0, )0(, )", r"\g<1>1\2", s, count=1),
    "the packed weights off by one row": lambda s: s.replace(
        "numpy.transpose(_W_a_t_1) @ _dz0",
        "numpy.transpose(numpy.roll(_W_a_t_1, 1, axis=0)) @ _dz0"),
}


@pytest.mark.parametrize("fid", CELLS)
@pytest.mark.parametrize("name", PACKED_MUTANTS)
def test_a_planted_error_in_the_packed_backward_is_refuted(fid, name):
    """The one-step gradient check refutes each planted error of the packed backward."""
    tape, base, module = _module(fid, edit=PACKED_MUTANTS[name])
    step = check_cell_step(tape, module, base, CATALOG[fid].table)
    assert not step.ok


@pytest.mark.parametrize("fid", CELLS)
def test_packed_bptt_passes_both_checks(fid):
    """The packed kernels pass the one-step and the BPTT checks (the mutants' baseline)."""
    tape, base, module = _module(fid)
    table = CATALOG[fid].table
    step, bptt = check_cell_step(tape, module, base, table), check_bptt(tape, module, base, table)
    assert step.ok and bptt.ok, (step.detail, bptt.detail)


@pytest.mark.parametrize("fid", CELLS)
def test_packed_bptt_keeps_float32(fid):
    """float32 in, float32 out, through the packed forward and BPTT."""
    tape, base, module = _module(fid)
    v = _values(tape, np.random.default_rng(3), np.float32)
    per_step, carried = tape.inputs[: tape.per_step], tape.inputs[tape.per_step:]
    params = [v[s.name] for s in tape.parameters]
    xs = [[v[s.name]] * 3 for s in per_step]
    outputs, saves = getattr(module, f"{base}_sequence")(*xs, *(v[s.name] for s in carried),
                                                         *params)
    ups = [[np.ones_like(out[k]) for out in outputs] for k in range(len(tape.outputs))]
    grads = getattr(module, f"{base}_bptt")(*ups, saves, *params)
    flat = [g for item in grads for g in (item if isinstance(item, list) else [item])]
    assert {np.asarray(g).dtype for g in flat} == {np.dtype(np.float32)}


def _forward_difference(fid: str, edit=None) -> float:
    tape, base, packed = _module(fid, edit=edit)
    _, _, plain = _module(fid, pack=False)
    v = _values(tape, np.random.default_rng(11))
    args = [v[s.name] for s in (*tape.inputs, *tape.parameters)]
    ours = getattr(packed, f"{base}_forward")(*args)
    theirs = getattr(plain, f"{base}_forward")(*args)
    return max(float(np.max(np.abs(a - b))) for a, b in zip(ours[:-1], theirs[:-1], strict=True))


@pytest.mark.parametrize("fid", CELLS)
def test_stacked_gates_forward_equals_the_unpacked_one(fid):
    """The gates computed together (one sigmoid over the stacked pre-activations) give the
    unpacked forward's outputs to 1e-14, with one sigmoid call per step."""
    assert _forward_difference(fid) < 1e-14
    assert _function(fid, "_{}_step", True).count("_sigmoid(") == 1


@pytest.mark.parametrize("fid", CELLS)
def test_stacked_gates_taken_in_the_wrong_rows_are_caught(fid):
    """A planted error, the first gate read from the second gate's rows, changes the outputs."""
    def swap(s: str) -> str:
        return s.replace("_block(_gates, 0,", "_block(_gates, 1,", 1)

    assert _forward_difference(fid, swap) > 1e-3
