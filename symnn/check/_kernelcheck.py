"""Checks of batch programs: the derived backward and a stated closed form, through the
generated NumPy kernels, against the complex-step derivative of the generated forward.

For L = sum dy * y(x, gamma, ...), a random direction v and h = 1e-30, Im L(x + i h v) / h is
the directional derivative to rounding (no subtraction, so no step-size trade-off); it must
match <grad, v> for every input and parameter. Data: mean 3 (so a formula that cancels raw
moments shows it) and three spreads: variance 1, tiny (1e-8) and huge (1e8).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy as sp

from ..derive import BatchDerivation, forward_program
from ..emit import batch_functions, load_module, module_source
from ._results import CheckResult
from .prove import prove_backward

__all__ = ["SHAPES", "SPREADS", "KERNEL_TOLERANCE", "kernel_module", "check_kernels",
           "check_backward"]

#: Shapes per layout: the statistics run over the layout's axes.
SHAPES = {"dense": [(2, 1), (8, 3), (64, 16)],
          "conv": [(2, 3, 2, 2), (4, 2, 3, 3), (8, 4, 5, 5)]}
#: Standard deviation of the batch around its mean (3): variance 1, 1e-8, 1e8.
SPREADS = {"variance 1": 1.0, "variance 1e-8": 1e-4, "variance 1e8": 1e4}
#: Relative error allowed between <grad, v> and the complex-step derivative (both are exact to
#: ~1e-13 here; a missing epsilon at variance 1 is ~1e-3 off).
KERNEL_TOLERANCE = 1e-8
DIRECTIONS = 3
#: A float64 kernel may differ from the exact value by this many times its own rounding
#: (measured as the gap between the same kernel run in float64 and in long double).
ROUNDING_FACTOR = 100
_H = 1e-30


def kernel_module(deriv: BatchDerivation,
                  stated: dict[str, tuple[sp.Symbol, sp.Expr]] | None = None):
    """Import the generated kernels (and a kernel per stated closed form, by name)."""
    ctx = deriv.ctx
    extra = {}
    for name, (wrt, expr) in (stated or {}).items():
        extra[name] = forward_program(expr, ctx.defs, sp.Symbol(f"grad_{wrt.name}"),
                                      ctx.inputs + (ctx.upstream,),
                                      ctx.parameters + ctx.constants, ctx.size)
    return load_module(module_source(batch_functions(deriv, extra), ctx.formula.title_en))


def _cases(deriv: BatchDerivation, layout: str, axes: tuple[int, ...], seed: int,
           along: list[str]):
    """(label, values by name, directions by name) at each shape and spread."""
    ctx = deriv.ctx
    rng = np.random.default_rng(seed)
    for shape in SHAPES.get(layout, SHAPES["dense"]):
        if len(shape) <= max(axes):
            continue
        feature = tuple(1 if a in axes else n for a, n in enumerate(shape))
        for spread_name, spread in SPREADS.items():
            values = {x.name: 3.0 + spread * rng.normal(size=shape) for x in ctx.inputs}
            values[ctx.upstream.name] = rng.normal(size=shape)
            for p in ctx.parameters:
                values[p.name] = rng.normal(size=feature).reshape(-1)
            for c in ctx.constants:
                values[c.name] = 1e-3  # epsilon-like constants: small and positive
            dirs = [{n: rng.normal(size=np.shape(values[n])) * (n in along)
                     for n in [*(x.name for x in ctx.inputs), *(p.name for p in ctx.parameters)]}
                    for _ in range(DIRECTIONS)]
            yield f"{layout} {shape}, {spread_name}", values, dirs


def _call(fn: Callable, values: dict, **fixed: object) -> tuple:
    """Call a generated function with the values its signature names."""
    names = fn.__code__.co_varnames[:fn.__code__.co_argcount]
    return fn(**{n: values[n] for n in names if n in values and n not in fixed}, **fixed)


def _directional(forward: Callable, values: dict, direction: dict,
                 axes: tuple[int, ...]) -> float:
    shifted = {k: (v + 1j * _H * direction[k] if k in direction else v)
               for k, v in values.items()}
    y, _ = _call(forward, shifted, axes=axes)
    return float(np.sum(values["__dy"] * y).imag / np.longdouble(_H))


def check_kernels(deriv: BatchDerivation, module, gradients: Callable | None = None,
                  seed: int = 0, kind: str = "kernel", along: list[str] | None = None
                  ) -> list[CheckResult]:
    """One result per layout: ``gradients(values, axes)`` (default: the generated backward)
    against the complex step of the generated forward, in random directions along the inputs
    and parameters named in ``along`` (default: all)."""
    ctx = deriv.ctx
    base = ctx.formula.slug
    forward = getattr(module, f"{base}_forward")
    backward = getattr(module, f"{base}_backward")
    wrt = [*(x.name for x in ctx.inputs), *(p.name for p in ctx.parameters)]

    def generated(values: dict, axes: tuple[int, ...]) -> list[np.ndarray]:
        _, saved = _call(forward, values, axes=axes)
        return list(_call(backward, values, saved=saved, axes=axes))

    gradients = gradients or generated
    along = wrt if along is None else along
    results = []
    for layout, axes in ctx.formula.program.layouts:
        worst, points, counterexample = 0.0, 0, None
        for label, values, dirs in _cases(deriv, layout, axes, seed, along):
            values["__dy"] = values[ctx.upstream.name]
            grads = dict(zip(wrt, gradients(values, axes), strict=True))
            wide = {k: np.asarray(v, dtype=np.longdouble) for k, v in values.items()}
            wide_grads = dict(zip(wrt, gradients(wide, axes), strict=True))
            for n_dir, d in enumerate(dirs, 1):
                cs = _directional(forward, wide, d, axes)
                dot = float(sum(np.sum(grads[n] * d[n]) for n in wrt))
                # the float64 kernel's own rounding, seen against the same kernel in long double
                rounding = abs(dot - float(sum(np.sum(wide_grads[n] * d[n]) for n in wrt)))
                err = abs(cs - dot) / max(abs(cs), abs(dot), 1e-300)
                err /= max(1.0, ROUNDING_FACTOR * rounding / max(abs(cs), abs(dot), 1e-300)
                           / KERNEL_TOLERANCE)
                points += 1
                err = err if np.isfinite(err) else np.inf  # a NaN is never within tolerance
                worst = max(worst, err)
                if err > KERNEL_TOLERANCE and counterexample is None:
                    counterexample = {"case": f"{label}, direction {n_dir}",
                                      "lhs": dot, "rhs": cs}  # <gradient, v> | complex step
        if points == 0:  # a layout with nothing to differentiate: never a pass
            results.append(CheckResult(f"{kind} [{layout}]", False, "undecided: 0 directional "
                                       f"derivatives (layout {layout} gives no shape to check)",
                                       "undecided", 0, seed=seed))
            continue
        ok = counterexample is None
        detail = (f"{points} directional derivatives at {len(SHAPES.get(layout, []))} shapes x "
                  f"{len(SPREADS)} spreads (axes {list(axes)})")
        results.append(CheckResult(f"{kind} [{layout}]", ok, detail, "complex step", points,
                                   max_rel_error=worst, counterexample=counterexample,
                                   seed=seed, margin=worst / KERNEL_TOLERANCE))
    return results


def check_backward(deriv: BatchDerivation, wrt: sp.Symbol, latex: str, stated: sp.Expr,
                   seed: int = 0) -> CheckResult:
    """A stated gradient: proved for symbolic m (indexed and program routes), for m = 2..6 by
    plain differentiation, and checked numerically through its own kernel."""
    ctx = deriv.ctx
    name = f"stated_grad_{wrt.name}"
    module = kernel_module(deriv, {name: (wrt, stated)})
    stated_fn = getattr(module, name)
    others = [x.name for x in ctx.inputs] + [p.name for p in ctx.parameters]

    def gradients(values: dict, axes: tuple[int, ...]) -> list[np.ndarray]:
        (g,) = _call(stated_fn, values, axes=axes)
        # only the stated component is tested: the directions run along wrt alone
        return [g if n == wrt.name else np.zeros_like(values[n]) for n in others]

    numeric = check_kernels(deriv, module, gradients, seed, kind=f"backward d/d{wrt.name}",
                            along=[wrt.name])[0]
    # numbers first: a refuted form only gets the quick proof attempt (cancel)
    proofs = prove_backward(deriv, wrt, stated, thorough=numeric.ok)
    proved = [r for r, (ok, _) in proofs.items() if ok]
    symbolic = [r for r in ("indexed", "program") if r in proved]
    sizes = [r[len("m = "):] for r in proved if r.startswith("m = ")]
    detail = (f"stated: {latex}; proved for symbolic m by the {' and '.join(symbolic) or 'no'} "
              f"route(s), by plain diff for m = {', '.join(sizes) or 'none'}; "
              + numeric.detail)
    numeric.detail = detail
    if numeric.ok and len(proved) == len(proofs):
        numeric.method = "proof + complex step"
    return numeric  # not proved is never refuted: the numbers decide
