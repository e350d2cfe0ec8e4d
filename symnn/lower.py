"""SymPy -> vectorized NumPy functions through ``lambdify``, with stable forms of symnn's nodes.

Before lowering, exact rewrites (a table: pattern -> stable form) replace the textbook forms
that overflow or cancel in float64: log(sigmoid(x)) -> -softplus(-x), log(1 - sigmoid(x)) ->
-softplus(x), log(1 + exp(x)) -> softplus(x), 1 - sigmoid(x) -> sigmoid(-x). The kernels accept
complex input, so the complex-step derivative runs through the same code.
"""

from __future__ import annotations

import importlib.util
import inspect
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from ._backward import BatchDerivation
from ._notation import sigmoid, softplus
from ._program import Program
from ._symbols import check_pyname

__all__ = ["KERNELS", "STABLE_REWRITES", "stabilize", "to_numpy", "stable_sigmoid",
           "stable_softplus", "program_function", "module_source", "load_module",
           "batch_functions"]


def stable_sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) for x >= 0 and exp(x) / (1 + exp(x)) below: exp never overflows in
    the branch used and nothing cancels, so the tails keep full relative accuracy (the form
    (1 + tanh(x/2))/2 loses it for x < 0: 2e-4 relative at x = -30). Written per branch so it
    stays analytic for complex x near the real axis (complex step)."""
    x = np.asarray(x)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        positive = 1.0 / (1.0 + np.exp(-x))
        e = np.exp(x)
        negative = e / (1.0 + e)
    return np.where(np.real(x) >= 0, positive, negative)


def stable_softplus(x: np.ndarray) -> np.ndarray:
    """log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)), written per branch so it stays analytic
    for complex x near the real axis (complex step)."""
    x = np.asarray(x)
    with np.errstate(over="ignore", invalid="ignore"):
        positive = x + np.log1p(np.exp(-x))
        negative = np.log1p(np.exp(x))
    return np.where(np.real(x) > 0, positive, negative)


#: Implementations of symnn's own function nodes, by the name lambdify prints.
KERNELS: dict[str, Callable[..., np.ndarray]] = {
    "sigmoid": stable_sigmoid,
    "softplus": stable_softplus,
}


def _is_one_minus_sigmoid(e: sp.Basic) -> bool:
    return (isinstance(e, sp.Add) and len(e.args) == 2 and sp.S.One in e.args
            and any(isinstance(-t, sigmoid) for t in e.args))


def _sigmoid_arg(e: sp.Add) -> sp.Expr:
    return next((-t).args[0] for t in e.args if isinstance(-t, sigmoid))


def _is_log_one_plus_exp(e: sp.Basic) -> bool:
    inner = e.args[0] if isinstance(e, sp.log) else None
    return (isinstance(inner, sp.Add) and len(inner.args) == 2 and sp.S.One in inner.args
            and any(isinstance(t, sp.exp) for t in inner.args))


#: Exact rewrites to stable forms: (name, matches, replacement), applied in order.
STABLE_REWRITES = (
    ("log(sigmoid(x)) -> -softplus(-x)",
     lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sigmoid),
     lambda e: -softplus(-e.args[0].args[0])),
    ("log(1 - sigmoid(x)) -> -softplus(x)",
     lambda e: isinstance(e, sp.log) and _is_one_minus_sigmoid(e.args[0]),
     lambda e: -softplus(_sigmoid_arg(e.args[0]))),
    ("log(1 + exp(x)) -> softplus(x)", _is_log_one_plus_exp,
     lambda e: softplus(next(t for t in e.args[0].args if isinstance(t, sp.exp)).args[0])),
    ("1 - sigmoid(x) -> sigmoid(-x)", _is_one_minus_sigmoid,
     lambda e: sigmoid(-_sigmoid_arg(e))),
)


def stabilize(expr: sp.Expr) -> sp.Expr:
    """Apply the stable rewrites (each an identity) wherever they match."""
    for _, matches, replace in STABLE_REWRITES:
        expr = expr.replace(matches, replace)
    return expr


def to_numpy(expr: sp.Expr, symbols: list[sp.Symbol], stable: bool = True
             ) -> Callable[..., np.ndarray]:
    """A NumPy function of ``symbols`` (positional, broadcasting) computing ``expr``.

    Symbol names reach generated code, so each must be a safe identifier.
    """
    for s in symbols:
        check_pyname(s.name)
    if expr.has(sp.zoo, sp.nan):
        raise ValueError(f"cannot evaluate {expr}: it is undefined (complex infinity or nan)")
    undefined = expr.atoms(sp.core.function.AppliedUndef)
    if undefined:
        names = ", ".join(sorted(str(f.func) for f in undefined))
        raise ValueError(f"cannot evaluate undefined function(s) {names}: give a definition")
    return sp.lambdify(symbols, stabilize(expr) if stable else expr,
                       modules=[KERNELS, "numpy"], cse=True)


class _Printer(NumPyPrinter):
    """SymPy's NumPy printer, strict (an unknown node is an error, never a guess), with
    symnn's own nodes printed as calls to the module's helpers."""

    def __init__(self) -> None:
        super().__init__({"fully_qualified_modules": True, "strict": True})

    def _print_sigmoid(self, e: sp.Expr) -> str:
        return f"_sigmoid({self._print(e.args[0])})"

    def _print_softplus(self, e: sp.Expr) -> str:
        return f"_softplus({self._print(e.args[0])})"


#: Helpers a generated module defines when its code uses them (name -> source).
_HELPERS = {
    "_sigmoid": inspect.getsource(stable_sigmoid).replace("stable_sigmoid", "_sigmoid")
    .replace("np.", "numpy."),
    "_softplus": inspect.getsource(stable_softplus).replace("stable_softplus", "_softplus")
    .replace("np.", "numpy."),
    "_per_feature": '''def _per_feature(v, shape):
    """A per-feature input (one value per feature, or a scalar) shaped to broadcast."""
    v = numpy.asarray(v)
    return v if v.ndim == 0 else numpy.reshape(v, shape)
''',
    "_like": '''def _like(g, v):
    """A per-feature result in the shape of its input (summed when the input is a scalar)."""
    return numpy.sum(g) if numpy.ndim(v) == 0 else numpy.reshape(g, numpy.shape(v))
''',
}


def program_function(prog: Program, name: str, doc: str, per_sample: tuple[str, ...],
                     per_feature: tuple[str, ...], saved: tuple[str, ...] = (),
                     returns_saved: tuple[str, ...] = ()) -> str:
    """The source of one NumPy function running ``prog`` over arrays whose statistics are taken
    over ``axes``: per-sample arguments are arrays, per-feature ones are reshaped to broadcast,
    ``saved`` names come in a tuple from the forward function (which returns them)."""
    printer = _Printer()
    for n in (*per_sample, *per_feature, *saved, *(s.name.name for s in prog.steps)):
        check_pyname(n)
    first = per_sample[0]
    read = {n.name for n in prog.reads()}
    grads = {o.name[len("grad_"):] for o in prog.outputs if o.name.startswith("grad_")}
    per_feature = tuple(a for a in per_feature if a in read or a in grads)
    params = [f"{a}: numpy.ndarray" for a in per_sample] + (["saved: tuple"] if saved else [])
    params += [f"{a}: numpy.ndarray | float" for a in per_feature]
    params.append("axes: tuple[int, ...] = (0,)")
    lines = [f"def {name}(", *[f"    {p}," for p in params], ") -> tuple:",
             f'    """{doc}"""',
             f"    shape = tuple(1 if a in axes else n"
             f" for a, n in enumerate(numpy.shape({first})))",
             f"    {prog.size.name} = math.prod(numpy.shape({first})[a] for a in axes)"]
    if saved:
        lines.append(f"    {', '.join(saved)}, = saved")
    lines += [f"    {a}_ = _per_feature({a}, shape)" for a in per_feature if a in read]
    rename = {s: sp.Symbol(f"{s.name}_") for s in prog.reads() if s.name in per_feature}
    for st in prog.steps:
        body = printer.doprint(st.expr.xreplace(rename))
        if st.kind == "sum":
            body = f"numpy.sum({body}, axis=axes, keepdims=True)"
        lines.append(f"    {st.name.name} = {body}")
    outs = []
    for o in prog.outputs:
        step = prog.step(o)
        param = next((a for a in per_feature if f"grad_{a}" == o.name), None)
        if param is not None:
            outs.append(f"_like({o.name}, {param})")
        elif step.kind != "elem":
            outs.append(f"numpy.broadcast_to({o.name}, numpy.shape({first}))")
        else:
            outs.append(o.name)
    if returns_saved:
        outs = [outs[0], "(" + ", ".join(returns_saved) + ",)"]
    lines.append(f"    return {', '.join(outs)}" + ("," if len(outs) == 1 else ""))
    return "\n".join(lines) + "\n"


def module_source(functions: list[str], doc: str) -> str:
    """A standalone module: the functions and the helpers they call, depending on NumPy only."""
    body = "\n\n".join(functions)
    helpers = [src for h, src in _HELPERS.items() if f"{h}(" in body]
    return (f'"""{doc}"""\n\nimport math\n\nimport numpy\n\n\n'
            + "\n\n".join([*helpers, *functions]))


def load_module(source: str, name: str = "symnn_kernels") -> ModuleType:
    """Import generated source (written to a private temporary file, imported by path)."""
    folder = Path(tempfile.mkdtemp(prefix="symnn-"))
    try:
        path = folder / f"{name}.py"
        path.write_text(source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return module


def batch_functions(deriv: BatchDerivation, extra: dict[str, Program] | None = None
                    ) -> list[str]:
    """Forward and backward NumPy functions of a batch derivation (``<id>_forward`` returns
    (y, saved); ``<id>_backward`` takes (dy, saved, ...)), and one function per ``extra``
    program (a stated closed form, by name)."""
    ctx, base = deriv.ctx, deriv.ctx.formula.id.replace("-", "_")
    title = ctx.formula.title_en
    per_feature = tuple(s.name for s in ctx.parameters + ctx.constants)
    per_sample = tuple(s.name for s in ctx.inputs)
    grads = ", ".join(o.name for o in deriv.backward.outputs)
    out = [program_function(deriv.forward, f"{base}_forward",
                            f"{title}: the forward pass; returns (y, saved).",
                            per_sample, per_feature, returns_saved=deriv.saved),
           program_function(deriv.backward, f"{base}_backward",
                            f"{title}: the backward pass; returns ({grads}).",
                            (ctx.upstream.name,), per_feature, saved=deriv.saved)]
    for name, prog in (extra or {}).items():
        out.append(program_function(prog, name, f"{title}: {name}, as stated.",
                                    (*per_sample, ctx.upstream.name), per_feature))
    return out
