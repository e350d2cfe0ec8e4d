"""Printing SymPy as source code: one function per kernel, for NumPy, JAX or PyTorch.

Expressions go through SymPy's own printers (NumPyPrinter, JaxPrinter, TorchPrinter) in strict
mode, so a node a backend cannot print is an error, never a guess; symnn's nodes (sigmoid,
softplus) have ``_print_`` methods. Batch programs print each step as a statement, sums over the
batch as the backend's ``sum(..., axes, keepdims)``. A backend is a row of :data:`BACKENDS`.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np
import sympy as sp
from sympy.printing.numpy import JaxPrinter, NumPyPrinter

from ..derive import Program
from ..read import check_pyname
from ._fuse import FUSED_HELPERS, fused_body
from ._safe import check_module, doc_text

__all__ = ["Backend", "BACKENDS", "program_function", "expr_function", "module_source",
           "stable_sigmoid", "stable_softplus"]


def stable_sigmoid(x: np.ndarray) -> np.ndarray:
    """Real x: 1 / (1 + exp(-x)), one exp: for x < 0 exp(-x) is large and nothing cancels, so
    the tail keeps full relative accuracy (the form (1 + tanh(x/2))/2 loses it: 2e-4 relative
    at x = -30); below x = -709 exp overflows and the result is 0 (the value is subnormal).
    Complex x: the branch of each sign (1 / (1 + exp(-x)) and exp(x) / (1 + exp(x))), so it
    stays analytic near the real axis and never overflows (complex step)."""
    x = np.asarray(x)
    if not np.iscomplexobj(x):
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-x))
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


def _printer(base: type, sigmoid: str, softplus: str, concat: str, transpose: str,
             columns: str) -> type:
    """A strict printer of ``base`` that also prints symnn's own nodes, and products of
    matrices and vectors (non-commuting factors) as ``@`` in the written order."""
    class Printer(base):
        def __init__(self) -> None:
            super().__init__({"fully_qualified_modules": True, "strict": True})

        def _print(self, e: object, **kwargs: object) -> str:
            if (isinstance(e, sp.Expr) and e.is_number and e.is_real and not e.is_Rational
                    and not e.is_Float):  # log(2), sqrt(2), pi: a Python float, which is
                return repr(float(e))  # weak, so float32 arrays stay float32
            return super()._print(e, **kwargs)

        def _print_sigmoid(self, e: sp.Expr) -> str:
            return f"{sigmoid}({self._print(e.args[0])})"

        def _print_softplus(self, e: sp.Expr) -> str:
            return f"{softplus}({self._print(e.args[0])})"

        def _print_hadamard(self, e: sp.Expr) -> str:
            return "*".join(f"({self._print(a)})" for a in e.args)

        def _print_transpose(self, e: sp.Expr) -> str:
            return transpose.format(self._print(e.args[0]))

        def _print_Concat(self, e: sp.Expr) -> str:
            return concat.format(", ".join(self._print(a) for a in e.args))

        def _print_BatchSum(self, e: sp.Expr) -> str:
            return columns.format(self._print(e.args[0]))

        def _print_Block(self, e: sp.Expr) -> str:
            return f"_block({', '.join(self._print(a) for a in e.args)})"

        def _print_Mul(self, e: sp.Expr) -> str:
            if e.is_commutative:
                return super()._print_Mul(e)
            scalars = [a for a in e.args if a.is_commutative]
            chain = " @ ".join(self.parenthesize(a, 60) for a in e.args if not a.is_commutative)
            coeff = sp.Mul(*scalars)
            if coeff in (1, -1):
                return chain if coeff == 1 else f"-{chain}"
            return f"{self._print(coeff)}*({chain})"

    if issubclass(base, NumPyPrinter):  # numpy.select([...], [0, 1/2, 1]) makes float64
        def _print_Heaviside(self, e: sp.Expr) -> str:
            h0 = e.args[1] if len(e.args) > 1 else sp.S.Half
            fn = self._module_format(self._module + ".heaviside")
            return f"{fn}({self._print(e.args[0])}, {self._print(h0)})"

        Printer._print_Heaviside = _print_Heaviside
    if base.__name__ == "TorchPrinter":  # torch.max(0, z) is not elementwise: torch.maximum is
        def _print_Max(self, e: sp.Expr) -> str:
            return self._extreme("torch.maximum", e)

        def _print_Min(self, e: sp.Expr) -> str:
            return self._extreme("torch.minimum", e)

        def _extreme(self, fn: str, e: sp.Expr) -> str:
            args = ", ".join(f"torch.as_tensor({self._print(a)})" for a in e.args)
            return f"functools.reduce({fn}, [{args}])"

        Printer._print_Max, Printer._print_Min = _print_Max, _print_Min
        Printer._extreme = _extreme
    Printer.__name__ = f"Symnn{base.__name__}"
    return Printer


def _torch_printer() -> type:
    # sympy.printing.pytorch imports torch when it is imported (4 s on the 2-core machines,
    # 40 % of `import symnn`): only a torch codegen pays for it
    from sympy.printing.pytorch import TorchPrinter

    return TorchPrinter


class _LazyPrinter:
    """A printer class built on first use; calling it makes a printer as the class would."""

    def __init__(self, build) -> None:
        self._build, self._cls = build, None

    def __call__(self, *args, **kwargs):
        if self._cls is None:
            self._cls = self._build()
        return self._cls(*args, **kwargs)


@dataclass(frozen=True)
class Backend:
    """How one backend spells what the printer does not: imports, sums over axes, shapes."""

    name: str
    imports: tuple[str, ...]  # modules, imported when the code names them
    printer: type | _LazyPrinter  # called to make a printer
    array: str  # the array type in hints
    module: str  # what the helpers call (numpy, jax.numpy, torch)
    sum_axes: str  # {0}: the body
    shape: str  # {0}: the array
    asarray: str
    size: str = "{0}"  # the batch size from math.prod(...): {0}; the first array: {1}
    fused: bool = False  # batch steps printed without full-size temporaries (see _fuse)


BACKENDS = {
    "numpy": Backend(
        "numpy", ("numpy",),
        _printer(NumPyPrinter, "_sigmoid", "_softplus", "numpy.concatenate([{}], axis=0)",
                 "numpy.transpose({})", "numpy.sum({}, axis=1, keepdims=True)"),
        "numpy.ndarray", "numpy", "numpy.sum({0}, axis=axes, keepdims=True)", "numpy.shape({0})",
        "numpy.asarray", fused=True),
    "jax": Backend(
        "jax", ("jax.nn", "jax.numpy"),
        _printer(JaxPrinter, "jax.nn.sigmoid", "jax.nn.softplus",
                 "jax.numpy.concatenate([{}], axis=0)", "jax.numpy.transpose({})",
                 "jax.numpy.sum({}, axis=1, keepdims=True)"),
        "jax.Array", "jax.numpy", "jax.numpy.sum({0}, axis=axes, keepdims=True)",
        "jax.numpy.shape({0})", "jax.numpy.asarray"),
    "torch": Backend(
        "torch", ("torch", "torch.nn.functional"),
        _LazyPrinter(lambda: _printer(
            _torch_printer(), "torch.sigmoid", "torch.nn.functional.softplus",
            "torch.cat([{}], dim=0)", "torch.transpose({}, 0, 1)",
            "torch.sum({}, dim=1, keepdim=True)")),
        "torch.Tensor", "torch", "torch.sum({0}, dim=axes, keepdim=True)",
        "tuple(torch.as_tensor({0}).shape)", "torch.as_tensor",
        "torch.as_tensor({0}, dtype={1}.dtype)"),
}


def _helpers(backend: Backend) -> dict[str, str]:
    """Helpers a generated module defines when its code calls them (name -> source)."""
    m = backend.module
    out = {
        "_per_feature": f'''def _per_feature(v, shape):
    """A per-feature input (one value per feature, or a scalar) shaped to broadcast; a Python
    number stays one, so it does not change the arrays' dtype."""
    if isinstance(v, (int, float, complex)):
        return v
    v = {backend.asarray}(v)
    return v if v.ndim == 0 else {m}.reshape(v, shape)
''',
        "_block": '''def _block(g, k, *parts):
    """The rows of g that the k-th of the stacked parts came from."""
    start = sum(p.shape[0] for p in parts[:k])
    return g[start:start + parts[k].shape[0]]
''',
        "_like": f'''def _like(g, v):
    """A per-feature result in the shape of its input (summed when the input is a scalar)."""
    v = {backend.asarray}(v)
    return {m}.sum(g) if v.ndim == 0 else {m}.reshape(g, v.shape)
''',
    }
    if backend.name == "numpy":
        for name, fn in (("_sigmoid", stable_sigmoid), ("_softplus", stable_softplus)):
            out[name] = inspect.getsource(fn).replace(fn.__name__, name).replace("np.", "numpy.")
    if backend.fused:
        out.update(FUSED_HELPERS)
        out["_keep_dtype"] = '''def _keep_dtype(value, *args):
    """A float result in its float inputs' dtype (numpy.select's constants make float64)."""
    want, got = numpy.result_type(*args), numpy.asarray(value)
    same = want.kind != "f" or got.dtype.kind != "f" or got.dtype == want
    return value if same else got.astype(want)
'''
    return out


def program_function(prog: Program, name: str, doc: str, per_sample: tuple[str, ...],
                     per_feature: tuple[str, ...], saved: tuple[str, ...] = (),
                     returns_saved: tuple[str, ...] = (), backend: str = "numpy") -> str:
    """The source of one function running ``prog`` over arrays whose statistics are taken
    over ``axes``: per-sample arguments are arrays, per-feature ones are reshaped to broadcast,
    ``saved`` names come in a tuple from the forward function (which returns them)."""
    b = BACKENDS[backend]
    printer = b.printer()
    for n in (name, *per_sample, *per_feature, *saved, *(s.name.name for s in prog.steps)):
        check_pyname(n)
    first = per_sample[0]
    read = {n.name for n in prog.reads()}
    grads = {o.name[len("grad_"):] for o in prog.outputs if o.name.startswith("grad_")}
    per_feature = tuple(a for a in per_feature if a in read or a in grads)
    params = [f"{a}: {b.array}" for a in per_sample] + (["saved: tuple"] if saved else [])
    params += [f"{a}: {b.array} | float" for a in per_feature]
    params.append("axes: tuple[int, ...] = (0,)")
    shape = b.shape.format(first)
    lines = [f"def {name}(", *[f"    {p}," for p in params], ") -> tuple:",
             f'    r"""{doc_text(doc)}"""',
             f"    shape = tuple(1 if a in axes else n for a, n in enumerate({shape}))"]
    if any(prog.size in s.expr.free_symbols for s in prog.steps):
        size = b.size.format(f"math.prod({shape}[a] for a in axes)", first)
        lines.append(f"    {prog.size.name} = {size}")
    if saved:
        lines.append(f"    {', '.join(saved)}, = saved")
    lines += [f"    {a}_ = _per_feature({a}, shape)" for a in per_feature if a in read]
    rename = {s: sp.Symbol(f"{s.name}_") for s in prog.reads() if s.name in per_feature}
    elem = prog.elem()
    for st in prog.steps:
        expr = st.expr.xreplace(rename)
        body = fused_body(expr, st.kind, elem, printer.doprint) if b.fused else None
        if body is None:
            body = printer.doprint(expr)
            body = b.sum_axes.format(body) if st.kind == "sum" else body
        lines.append(f"    {st.name.name} = {body}")
    outs = []
    for o in prog.outputs:
        param = next((a for a in per_feature if f"grad_{a}" == o.name), None)
        if param is not None:
            outs.append(f"_like({o.name}, {param})")
        elif prog.step(o).kind != "elem":
            outs.append(f"{b.module}.broadcast_to({o.name}, {shape})")
        else:
            outs.append(o.name)
    if returns_saved:
        outs = [outs[0], "(" + ", ".join(returns_saved) + ",)"]
    lines.append(f"    return {', '.join(outs)}" + ("," if len(outs) == 1 else ""))
    return "\n".join(lines) + "\n"


def expr_function(expr: sp.Expr, args: list[sp.Symbol], name: str, doc: str,
                  backend: str = "numpy") -> str:
    """The source of one elementwise function of ``args`` computing ``expr`` (common
    subexpressions as local variables)."""
    b = BACKENDS[backend]
    printer = b.printer()
    for n in (name, *(a.name for a in args)):
        check_pyname(n)
    temps, (body,) = sp.cse([expr], symbols=sp.numbered_symbols("_t"), optimizations="basic")
    params = [f"{a.name}: {b.array} | float" for a in args]
    head = f"def {name}({', '.join(params)}) -> {b.array}:"
    if len(head) > 100:
        head = "\n".join([f"def {name}(", *[f"    {p}," for p in params], f") -> {b.array}:"])
    lines = [head, f'    r"""{doc_text(doc)}"""']
    lines += [f"    {t} = {printer.doprint(e)}" for t, e in temps]
    ret = printer.doprint(body)
    if b.name == "numpy" and "numpy.select(" in "\n".join(lines) + ret:  # its constants
        ret = f"_keep_dtype({ret}, {', '.join(a.name for a in args)})"  # are float64
    lines.append(f"    return {ret}")
    return "\n".join(lines) + "\n"


def module_source(functions: list[str], doc: str, backend: str = "numpy") -> str:
    """A standalone module: the functions and the helpers they call; it imports only its
    backend (and math)."""
    b = BACKENDS[backend]
    body = "\n\n".join(functions)
    helpers = [src for h, src in _helpers(b).items() if f"{h}(" in body]
    code = "\n\n".join([*helpers, *functions])
    std = "".join(f"import {m}\n" for m in ("functools", "math") if f"{m}." in code)
    std += "\n" if std else ""
    imports = std + "\n".join(f"import {m}" for m in b.imports if f"{m}." in code)
    lines = [wrapped for line in f'r"""{doc_text(doc)}"""\n\n{imports}\n\n\n{code}'.split("\n")
             for wrapped in _wrap(line)]
    return check_module("\n".join(lines), b.imports)


#: Longest line of a generated module (the project's ruff line length).
LINE = 100


def _chunks(words: list[str], width: int, sep: str = " ") -> list[str]:
    out: list[str] = []
    for w in words:
        if out and len(out[-1]) + len(sep) + len(w) <= width:
            out[-1] += sep + w
        else:
            out.append(w)
    return out


def _wrap(line: str) -> list[str]:
    """A line split to at most LINE characters: code inside parentheses at spaces, docstring
    text at spaces and, inside long LaTeX, before a backslash (a line break is a space)."""
    if len(line) <= LINE:
        return [line]
    indent = line[: len(line) - len(line.lstrip())]
    body = line.strip()
    head, sep, expr = body.partition(" = ")
    code = (sep and head.isidentifier()) or body.startswith("return ")
    if code:
        target = f"{head} = " if sep else "return "
        expr = expr if sep else body[len("return "):]
        inner = _chunks(expr.split(" "), LINE - len(indent) - 4)
        return [f"{indent}{target}(", *[f"{indent}    {c}" for c in inner], f"{indent})"]
    words = []
    for w in body.split(" "):
        pieces = w.replace("\\", "\n\\").split("\n") if len(w) > LINE - len(indent) else [w]
        words += [p for p in pieces if p]
    return [f"{indent}{c}" for c in _chunks(words, LINE - len(indent))]

