"""Numeric checks of a recurrent cell's generated kernels: one step's backward, and BPTT.

The reference is the complex-step derivative of the generated *forward* kernel (which the
``reference`` checks tie to the printed formula): for an argument A and a random direction V,
``Im L(A + i h V) / h`` with h = 1e-30 is the exact directional derivative of the loss
``L = sum_k <G_k, output_k>`` (G drawn at random) up to rounding, with no step-size error. The
backward must give ``sum(dA * V)``, in A's shape, for every input, carried state, weight and
bias, at random sizes (1..4) and batches (1..4 columns), values drawn in the declared domains.
Within 1e-10 relative, or 100 times the backward's own rounding (the same kernels run in long
double): where a gate saturates, 1 - tanh^2 and 1 - sigma cancel in float64, as in every
framework's backward, while the complex step stays exact. A directional derivative below the
loss's own rounding (2.2e-16 sum |G_k output_k|) is an error allowed: there sigma (1 - sigma)
underflows to 0 in both precisions.

BPTT over T = 1..5 steps: the generated ``_bptt`` kernel's gradient of each shared parameter is
the derivative of the unrolled sequence; each step's contribution (the step's backward, fed the
gradient carried back from the later steps) is the derivative through that step's copy of the
parameter alone; the contributions add up to the total.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import numpy as np

from ..derive import Tape
from ..read import SymbolTable
from ._matrices import array_shape, size_names
from ._results import CheckResult

__all__ = ["check_cell_step", "check_bptt", "CELL_TRIALS", "BPTT_STEPS", "CELL_TOLERANCE"]

#: Size draws for one step's backward.
CELL_TRIALS = 6
#: Sequence lengths BPTT is checked at.
BPTT_STEPS = (1, 2, 3, 4, 5)
#: Relative error allowed (to the sum of |dA V|: the scale of the terms that may cancel).
CELL_TOLERANCE = 1e-10
_H = 1e-30


class _Draw:
    """Sizes, values and upstream gradients for one trial."""

    def __init__(self, tape: Tape, table: SymbolTable, rng: np.random.Generator,
                 steps: int = 1) -> None:
        self.decls = {d.pyname: d for d in table.decls.values()}
        names = size_names(self.decls[s.name] for s in (*tape.inputs, *tape.parameters))
        self.sizes = {n: int(rng.integers(1, 5)) for n in names}
        self.sizes["batch"] = int(rng.integers(1, 5))
        self.rng = rng
        per_step = tape.inputs[: tape.per_step]
        self.steps = [{s.name: self.value(s.name, True) for s in per_step} for _ in range(steps)]
        self.state = {s.name: self.value(s.name, True) for s in tape.inputs[tape.per_step:]}
        self.params = {s.name: self.value(s.name, False) for s in tape.parameters}
        self.upstream = [[rng.normal(size=self.shape(o.name, True)) for o in tape.outputs]
                         for _ in range(steps)]

    def shape(self, name: str, batched: bool) -> tuple[int, ...]:
        return array_shape(self.decls[name], self.sizes, self.sizes["batch"] if batched else 1)

    def value(self, name: str, batched: bool) -> np.ndarray:
        shape = self.shape(name, batched)
        return self.decls[name].domain.sample(self.rng, int(np.prod(shape))).reshape(shape)

    def direction(self, like: np.ndarray) -> np.ndarray:
        return self.rng.normal(size=np.shape(like))


class _Tally:
    """The worst error and the first counterexample over many comparisons."""

    def __init__(self) -> None:
        self.worst, self.counterexample, self.count = 0.0, None, 0
        self.floor = 0.0  # derivatives below this are below the loss's rounding

    def compare(self, what: str, grad: np.ndarray, like: np.ndarray, direction: np.ndarray,
                exact: float, sizes: dict, precise: np.ndarray | None = None) -> None:
        """grad . direction against exact; precise is grad from the long-double run."""
        self.count += 1
        if np.shape(grad) != np.shape(like):
            self.worst = np.inf
            self.counterexample = self.counterexample or {
                "point": dict(sizes), "lhs": float("nan"), "rhs": exact,
                "case": f"{what}: shape {np.shape(grad)}, the argument's is {np.shape(like)}"}
            return
        got = float(np.sum(np.real(grad) * direction))
        scale = max(float(np.sum(np.abs(grad * direction))), abs(exact), 1e-300)
        rounding = 0.0 if precise is None else abs(got - float(np.sum(precise * direction)))
        err = abs(got - exact) / max(scale, (100 * rounding + self.floor) / CELL_TOLERANCE)
        err = err if np.isfinite(err) else np.inf  # a NaN is never within tolerance
        self.worst = max(self.worst, err)
        if err > CELL_TOLERANCE and self.counterexample is None:
            self.counterexample = {"point": dict(sizes), "lhs": got, "rhs": exact,
                                   "case": f"{what} at sizes {sizes}"}

    def fail(self, what: str, exc: Exception, sizes: dict) -> None:
        """A kernel that raised (shapes that do not fit): a counterexample, not a crash."""
        self.count += 1
        self.worst = np.inf
        self.counterexample = self.counterexample or {
            "point": dict(sizes), "lhs": float("nan"), "rhs": float("nan"),
            "case": f"{what} raises {type(exc).__name__}: {exc}"}

    def result(self, kind: str, seed: int, what: str) -> CheckResult:
        ok = self.counterexample is None
        detail = (f"{what}; worst relative error {self.worst:.1e}" if ok else
                  f"refuted: {self.counterexample['case']} "
                  f"(backward {self.counterexample['lhs']:.6g}, complex step "
                  f"{self.counterexample['rhs']:.6g})")
        return CheckResult(kind, ok, detail, "complex step (kernels)", self.count,
                           max_rel_error=self.worst, counterexample=self.counterexample,
                           seed=seed, margin=self.worst / CELL_TOLERANCE)


def _long(values: dict | list | tuple) -> dict | list:
    """The arrays in long double (nested lists for the per-step values)."""
    if isinstance(values, dict):
        return {k: np.asarray(v, dtype=np.longdouble) for k, v in values.items()}
    return [_long(v) if isinstance(v, list | tuple) else np.asarray(v, dtype=np.longdouble)
            for v in values]


def _loss(outputs: tuple, upstream: list[np.ndarray]) -> complex:
    return sum(np.sum(g * o) for g, o in zip(upstream, outputs, strict=True))


def _rounding(outputs: list[tuple], upstream: list[list[np.ndarray]]) -> float:
    """The loss's own rounding: 2.2e-16 sum |G| |output| over the steps."""
    return 2.2e-16 * sum(float(np.sum(np.abs(g * o))) for outs, ups in zip(outputs, upstream,
                                                                        strict=True)
                         for g, o in zip(ups, outs, strict=True))


def _directional(loss: Callable[[dict], complex], values: dict, name: str,
                 direction: np.ndarray) -> float:
    """The derivative of loss at values along direction in values[name] (complex step)."""
    moved = dict(values)
    moved[name] = values[name] + 1j * _H * direction
    with np.errstate(all="ignore"):
        return float(np.imag(loss(moved))) / _H


def check_cell_step(tape: Tape, module: ModuleType, base: str, table: SymbolTable,
                    seed: int = 0) -> CheckResult:
    """``<base>_backward`` against complex-step derivatives of ``<base>_forward``."""
    rng = np.random.default_rng(seed)
    forward, backward = getattr(module, f"{base}_forward"), getattr(module, f"{base}_backward")
    order = [s.name for s in (*tape.inputs, *tape.parameters)]
    n_in = len(tape.inputs)
    tally = _Tally()
    for _ in range(CELL_TRIALS):
        draw = _Draw(tape, table, rng)
        values = {**draw.steps[0], **draw.state, **draw.params}
        upstream = draw.upstream[0]

        def loss(v: dict, upstream: list = upstream) -> complex:
            *outs, _ = forward(*(v[n] for n in order))
            return _loss(tuple(outs), upstream)

        *outs, saved = forward(*(values[n] for n in order))
        tally.floor = _rounding([outs], [upstream])
        precise = _long(values)
        try:
            grads = backward(*upstream, saved, *(values[n] for n in order[n_in:]))
            *_, saved = forward(*(precise[n] for n in order))
            precise = backward(*_long(upstream), saved, *(precise[n] for n in order[n_in:]))
        except (ValueError, IndexError) as exc:
            tally.fail("the backward", exc, draw.sizes)
            continue
        for name, grad, exact in zip(order, grads, precise, strict=True):
            v = draw.direction(values[name])
            tally.compare(f"d {name}", grad, values[name], v,
                          _directional(loss, values, name, v), draw.sizes, exact)
    sizes = "sizes and batches 1..4"
    return tally.result("cell-backward", seed, f"{CELL_TRIALS} draws ({sizes}), "
                        f"{len(order)} gradients each")


def _unrolled(module: ModuleType, base: str, tape: Tape, steps: int, ups: list,
              v: dict, copies: dict | None = None) -> complex:
    """The loss over the sequence through the step kernel; copies[t] replaces parameters at
    step t only."""
    forward = getattr(module, f"{base}_forward")
    state, total = [v[s.name] for s in tape.inputs[tape.per_step:]], 0.0
    for t in range(steps):
        p = {**v, **(copies or {}).get(t, {})}
        *outs, _ = forward(*(v[f"{s.name}@{t}"] for s in tape.inputs[: tape.per_step]), *state,
                           *(p[s.name] for s in tape.parameters))
        total = total + _loss(tuple(outs), ups[t])
        state = outs
    return total


def _through(module: ModuleType, base: str, tape: Tape, steps: int, ups: list,
             v: dict) -> tuple[tuple, list, list]:
    """The generated BPTT's gradients, each step's contribution to the parameters' (its
    backward, fed what comes back from the later steps), and the outputs."""
    backward, sequence = getattr(module, f"{base}_backward"), getattr(module, f"{base}_sequence")
    n_step, n_carry = tape.per_step, len(tape.inputs) - tape.per_step
    pv = [v[s.name] for s in tape.parameters]
    outputs, saves = sequence(*([v[f"{s.name}@{t}"] for t in range(steps)]
                                for s in tape.inputs[:n_step]),
                              *(v[s.name] for s in tape.inputs[n_step:]), *pv)
    got = getattr(module, f"{base}_bptt")(
        *([ups[t][k] for t in range(steps)] for k in range(len(tape.outputs))), saves, *pv)
    contributions: list[tuple] = [()] * steps
    back = [0.0] * n_carry
    for t in reversed(range(steps)):
        grads = backward(*(u + b for u, b in zip(ups[t], back, strict=True)), saves[t], *pv)
        back = list(grads[n_step:n_step + n_carry])
        contributions[t] = grads[n_step + n_carry:]
    return got, contributions, outputs


def _bptt_trial(tape: Tape, module: ModuleType, base: str, draw: _Draw, steps: int,
                tally: _Tally) -> None:
    per_step = [s.name for s in tape.inputs[: tape.per_step]]
    carried = [s.name for s in tape.inputs[tape.per_step:]]
    params = [s.name for s in tape.parameters]
    n_carry, ups = len(carried), draw.upstream
    values = {**draw.state, **draw.params,
              **{f"{n}@{t}": draw.steps[t][n] for t in range(steps) for n in per_step}}

    def unrolled(v: dict, copies: dict | None = None) -> complex:
        return _unrolled(module, base, tape, steps, ups, v, copies)

    try:
        got, contributions, outputs = _through(module, base, tape, steps, ups, values)
        exact_got, exact_contributions, _ = _through(module, base, tape, steps, _long(ups),
                                                     _long(values))
    except (ValueError, IndexError) as exc:
        tally.fail(f"T={steps}: the backward through time", exc, draw.sizes)
        return
    tally.floor = _rounding(outputs, ups)

    def step_input(got: tuple, t: int, k: int) -> np.ndarray:
        return got[0][t] if len(per_step) == 1 else got[0][t][k]

    for t in range(steps):
        for k, n in enumerate(per_step):
            v = draw.direction(values[f"{n}@{t}"])
            tally.compare(f"T={steps}: d {n} at step {t + 1}", step_input(got, t, k),
                          values[f"{n}@{t}"], v, _directional(unrolled, values, f"{n}@{t}", v),
                          draw.sizes, step_input(exact_got, t, k))
    for i, c in enumerate(carried):
        v = draw.direction(values[c])
        tally.compare(f"T={steps}: d {c} (initial state)", got[1 + i], values[c], v,
                      _directional(unrolled, values, c, v), draw.sizes, exact_got[1 + i])
    for j, n in enumerate(params):
        v = draw.direction(values[n])
        for t in range(steps):
            def copy_loss(w: dict, t: int = t, n: str = n) -> complex:
                return unrolled(values, {t: {n: w[n]}})
            tally.compare(f"T={steps}: step {t + 1}'s contribution to d {n}",
                          contributions[t][j], values[n], v,
                          _directional(copy_loss, values, n, v), draw.sizes,
                          exact_contributions[t][j])
        total, exact = got[1 + n_carry + j], exact_got[1 + n_carry + j]
        tally.compare(f"T={steps}: d {n} (the sum over the steps)", total, values[n], v,
                      _directional(unrolled, values, n, v), draw.sizes, exact)
        summed = sum(np.asarray(contributions[t][j]) for t in range(steps))
        tally.compare(f"T={steps}: d {n} against the sum of the contributions", total,
                      values[n], v, float(np.sum(summed * v)), draw.sizes, exact)


def check_bptt(tape: Tape, module: ModuleType, base: str, table: SymbolTable,
               seed: int = 0) -> CheckResult:
    """``<base>_bptt`` (and the per-step contributions) against the unrolled sequence."""
    rng = np.random.default_rng(seed)
    tally = _Tally()
    for steps in BPTT_STEPS:
        _bptt_trial(tape, module, base, _Draw(tape, table, rng, steps), steps, tally)
    return tally.result("bptt", seed, f"T = {', '.join(map(str, BPTT_STEPS))}: every step's "
                        "input, the initial state, each parameter's per-step contributions "
                        "and their sum")
