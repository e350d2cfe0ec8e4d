"""The RNN cells' backward: the tape, the generated kernels, and the checks that refute planted
errors in the adjoint rules, the generated code and backpropagation through time."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from symnn.catalog import load_catalog, load_formula
from symnn.catalog._schema import CatalogError
from symnn.check._cellcheck import check_bptt, check_cell_step
from symnn.derive import DeriveError, cell_tape, read_definitions
from symnn.derive._tape import ADJOINTS, BatchSum, Block
from symnn.emit import cell_functions, load_module, module_source
from symnn.read import parse_statement
from symnn.read._notation import Concat, hadamard, sigmoid
from symnn.report import codegen_source

CATALOG = {f.id: f for f in load_catalog()}
CELLS = ("gru-cell", "lstm-cell")


def _module(tape, base: str, source_edit=None):
    source = module_source(cell_functions(tape, base, base), "test cell kernels")
    if source_edit is not None:
        edited = source_edit(source)
        assert edited != source, "the planted error did not change the code"
        source = edited
    return load_module(source, f"test_{base}")


def _checks(fid: str, rules=None, source_edit=None) -> tuple:
    formula = CATALOG[fid]
    tape = cell_tape(formula, rules=rules)
    base = fid.replace("-", "_")
    module = _module(tape, base, source_edit)
    return (check_cell_step(tape, module, base, formula.table),
            check_bptt(tape, module, base, formula.table))


@pytest.mark.parametrize("fid", CELLS)
def test_cell_backward_and_bptt_hold_for_the_shipped_cells(fid):
    """The derived backward of each cell passes both checks (the baseline of the mutants)."""
    step, bptt = _checks(fid)
    assert step.ok and bptt.ok, (step.detail, bptt.detail)


def _elementwise(head, derivative):
    def rule(node, i, g, y):
        return hadamard(g, derivative(sp.Symbol(y.name))) if isinstance(node, head) else \
            ADJOINTS[head](node, i, g, y)
    return rule


def _no_transpose(node, i, g, y):
    chain = [a for a in node.args if not a.is_commutative]
    k = chain.index(node.args[i])
    coeff = sp.Mul(*(a for a in node.args if a.is_commutative))
    return coeff * sp.Mul(*chain[:k], g, *chain[k + 1:])


#: Wrong adjoint rules, each a classic slip in a hand-written backward.
RULE_MUTANTS = {
    "sigmoid' = y": {sigmoid: _elementwise(sigmoid, lambda y: y)},
    "tanh' = 1 - y": {sp.tanh: _elementwise(sp.tanh, lambda y: 1 - y)},
    "W x: W g and g x, no transposes": {sp.Mul: _no_transpose},
    "u * v: g, the other factor forgotten": {hadamard: lambda node, i, g, y: g},
    "[u, v]: the blocks swapped": {
        Concat: lambda node, i, g, y: Block(g, sp.Integer(len(node.args) - 1 - i), *node.args)},
    "a sum passes g to its first term only": {
        sp.Add: lambda node, i, g, y: g if i == 0 or node.is_Atom else sp.S.Zero},
}


@pytest.mark.parametrize("fid", CELLS)
@pytest.mark.parametrize("name", RULE_MUTANTS)
def test_a_wrong_adjoint_rule_is_refuted(fid, name):
    """A planted error in one adjoint rule makes the one-step backward check fail."""
    step, _ = _checks(fid, rules={**ADJOINTS, **RULE_MUTANTS[name]})
    assert not step.ok
    assert step.counterexample is not None


def _drop_first_batch_sum(source: str) -> str:
    return re.sub(r"numpy\.sum\((\w+), axis=1, keepdims=True\)", r"\1", source, count=1)


@pytest.mark.parametrize("fid", CELLS)
def test_a_bias_gradient_not_summed_over_the_batch_is_refuted(fid):
    """A bias gradient left per column (no sum over the batch) is refuted by its shape."""
    step, _ = _checks(fid, source_edit=_drop_first_batch_sum)
    assert not step.ok
    assert "shape" in step.counterexample["case"]


#: Wrong backpropagation through time, planted in the generated ``_bptt``.
BPTT_MUTANTS = {
    "truncated: nothing carried back to earlier steps": lambda s: re.sub(
        r"carried = grads\[\d+:\d+\]", "carried = carried", s),
    "the parameters get the first step's contribution only": lambda s: s.replace(
        "total[i] += s", "total[i] += 0 * s"),
    "the steps walked forward": lambda s: s.replace(
        "for t in reversed(range(len(saves))):", "for t in range(len(saves)):"),
}


@pytest.mark.parametrize("fid", CELLS)
@pytest.mark.parametrize("name", BPTT_MUTANTS)
def test_a_wrong_bptt_is_refuted(fid, name):
    """A planted error in the generated BPTT makes the bptt check fail, the step check not."""
    step, bptt = _checks(fid, source_edit=BPTT_MUTANTS[name])
    assert step.ok
    assert not bptt.ok


def test_bptt_is_checked_for_one_to_five_steps():
    """The GRU's BPTT check compares, for each T = 1..5, every step's input gradient, the initial
    state's, and for each of the 8 weights its T contributions, its total and their sum."""
    _, bptt = _checks("gru-cell")
    assert bptt.points == sum(t + 1 + 8 * (t + 2) for t in range(1, 6))


def _line(tape, name: str) -> sp.Expr:
    return next(ln.expr for ln in tape.backward if ln.name.name == name)


def test_the_adjoint_of_a_weight_is_g_times_the_input_transposed():
    """d W_u = g x^T: a matrix product, which sums over the batch's columns by itself."""
    expr = _line(cell_tape(CATALOG["gru-cell"]), "d_W_u")
    assert isinstance(expr, sp.Mul) and expr.args[-1] == sp.transpose(
        sp.Symbol("x_t", commutative=False))


def test_the_adjoint_of_a_bias_is_summed_over_the_batch():
    """d b_u is a sum over the batch (a bias broadcast to every column)."""
    assert isinstance(_line(cell_tape(CATALOG["gru-cell"]), "d_b_u"), BatchSum)


def test_every_input_state_and_parameter_gets_a_gradient():
    """The LSTM backward returns one gradient per input, state, weight and bias, in order: the
    standard LSTM's 11 parameters (its candidate has no relevance gate)."""
    tape = cell_tape(CATALOG["lstm-cell"])
    names = [s.name for s in (*tape.inputs, *tape.parameters)]
    assert [g.name for g in tape.grads] == [f"d_{n}" for n in names]
    assert len(names) == 3 + 11 and "W_r" not in names


def test_the_printed_lstm_keeps_its_relevance_gate():
    """The printed LSTM (checked too) reads Gamma_r: its tape has the 14 printed parameters."""
    formula = CATALOG["lstm-cell"]
    printed = cell_tape(formula, parse_statement(formula.latex, formula.table),
                        defs=read_definitions(formula.definitions, formula.table))
    assert {"W_r", "U_r", "b_r"} <= {p.name for p in printed.parameters}
    assert len(printed.parameters) == 14


def _write(tmp_path, text: str):
    source = Path(CATALOG["gru-cell"].path).read_text(encoding="utf-8")
    path = tmp_path / "cell.toml"
    path.write_text(source.replace(
        "parameters = ['W_c', 'b_c', 'W_u', 'U_u', 'b_u', 'W_r', 'U_r', 'b_r']", text),
        encoding="utf-8")
    return path


def test_a_cell_parameter_that_is_not_declared_is_a_catalog_error(tmp_path):
    """[cell] naming an undeclared parameter is refused with the key."""
    path = _write(tmp_path, "parameters = ['W_c', 'b_c', 'W_u', 'U_u', 'b_u', 'W_r', 'U_r', 'Q']")
    with pytest.raises(CatalogError, match="cell.parameters"):
        load_formula(path)


def test_a_cell_parameter_the_step_never_reads_is_named(tmp_path):
    """[cell] naming a declared vector the step never reads is an error that names it."""
    path = _write(tmp_path, "parameters = ['W_c', 'b_c', 'W_u', 'U_u', 'b_u', 'W_r', 'U_r', "
                            "'b_r', 'z']")
    with pytest.raises(DeriveError, match="z: declared in \\[cell\\] but the step never"):
        cell_tape(load_formula(path))


def test_a_parameter_the_cell_reads_but_does_not_list_is_named(tmp_path):
    """A weight the step reads but [cell] does not list is an error that names it."""
    path = _write(tmp_path, "parameters = ['W_c', 'b_c', 'W_u', 'U_u', 'b_u', 'W_r', 'U_r']")
    with pytest.raises(DeriveError, match="b_r: neither defined nor an input"):
        cell_tape(load_formula(path))


def _sequence_data(rng, n_a=3, n_x=2, m=4, steps=4):
    xs = [rng.normal(size=(n_x, m)) for _ in range(steps)]
    a0, c0 = rng.normal(size=(n_a, m)), rng.normal(size=(n_a, m))
    weights = {}
    for g in "ucrfo":
        weights[f"W_{g}"] = rng.normal(size=(n_a, n_x)) * 0.5
        weights[f"U_{g}"] = rng.normal(size=(n_a, n_a)) * 0.5
        weights[f"b_{g}"] = rng.normal(size=(n_a, 1))
    weights["W_c"] = rng.normal(size=(n_a, n_a + n_x)) * 0.5
    return xs, a0, c0, weights


def test_generated_lstm_bptt_matches_a_hand_unrolled_finite_difference():
    """The codegen module's LSTM sequence and BPTT give dL/dW_o equal to a central finite
    difference of the unrolled loss (independent of complex step)."""
    module = load_module(codegen_source([CATALOG["lstm-cell"]]), "test_lstm_codegen")
    rng = np.random.default_rng(3)
    xs, a0, c0, w = _sequence_data(rng)
    order = ["W_c", "b_c", "W_u", "U_u", "b_u", "W_f", "U_f", "b_f", "W_o", "U_o", "b_o"]
    targets = [rng.normal(size=a0.shape) for _ in xs]

    def loss(weights):
        outputs, _ = module.lstm_cell_sequence(xs, a0, c0, *(weights[n] for n in order))
        return sum(np.sum(t * a) for t, (a, _) in zip(targets, outputs, strict=True))

    _, saves = module.lstm_cell_sequence(xs, a0, c0, *(w[n] for n in order))
    grads = module.lstm_cell_bptt(targets, [np.zeros_like(c0)] * len(xs), saves,
                                  *(w[n] for n in order))
    d_W_o = grads[3 + order.index("W_o")]
    fd = np.zeros_like(w["W_o"])
    for idx in np.ndindex(*w["W_o"].shape):
        h = 1e-6
        plus, minus = dict(w), dict(w)
        plus["W_o"], minus["W_o"] = w["W_o"].copy(), w["W_o"].copy()
        plus["W_o"][idx] += h
        minus["W_o"][idx] -= h
        fd[idx] = (loss(plus) - loss(minus)) / (2 * h)
    assert np.allclose(d_W_o, fd, rtol=1e-7, atol=1e-9)


def test_the_torch_autograd_agrees_with_the_generated_gru_backward():
    """torch.autograd through the torch-backend GRU step equals symnn's NumPy backward."""
    torch = pytest.importorskip("torch")
    numpy_mod = load_module(codegen_source([CATALOG["gru-cell"]]), "test_gru_np")
    torch_mod = load_module(codegen_source([CATALOG["gru-cell"]], backend="torch"), "test_gru_t")
    rng = np.random.default_rng(5)
    xs, _, c0, w = _sequence_data(rng, steps=1)
    order = ["W_c", "b_c", "W_u", "U_u", "b_u", "W_r", "U_r", "b_r"]
    upstream = rng.normal(size=c0.shape)
    c, saved = numpy_mod.gru_cell_forward(xs[0], c0, *(w[n] for n in order))
    ours = numpy_mod.gru_cell_backward(upstream, saved, *(w[n] for n in order))
    leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True)
              for v in (xs[0], c0, *(w[n] for n in order))]
    out, _ = torch_mod.gru_cell_forward(*leaves)
    (out * torch.tensor(upstream)).sum().backward()
    for mine, leaf in zip(ours, leaves, strict=True):
        assert np.allclose(mine, leaf.grad.numpy(), rtol=1e-12, atol=1e-14)


def test_a_backward_that_returns_nan_is_refuted():
    """A gradient that is NaN is never within tolerance (NaN compares false with everything)."""
    step, _ = _checks("gru-cell", source_edit=lambda s: s.replace(
        "    d_W_c = ", "    d_W_c = numpy.nan + "))
    assert not step.ok


def test_the_lstm_candidates_relevance_gate_is_reported_with_a_counterexample():
    """As printed, the LSTM candidate (with Gamma_r) is not the standard one: its claim is
    refuted with a counterexample; the corrected definitions satisfy it."""
    from symnn.check import verify_formula

    result = verify_formula(CATALOG["lstm-cell"])
    printed = next(c for c in result.checks if c.kind == "claim")
    corrected = next(c for c in result.corrected_checks if c.kind == "claim")
    assert not printed.ok and printed.counterexample is not None
    assert corrected.ok
    assert result.status == "erratum"
