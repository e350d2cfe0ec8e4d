"""The notation layer's tables: which LaTeX means what. Data, not if-chains.

Adding a construct is adding a row here; :mod:`symnn.parse` only walks tokens and looks up.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.logic import fuzzy_and

__all__ = [
    "sigmoid", "softplus", "hadamard", "Expectation", "Etc", "Count", "Concat", "Norm", "Row",
    "SetSum", "SetMax", "ArgMax", "Gradient",
    "BUILTIN_FUNCTIONS", "CASE_RELATIONS", "RELATIONS", "DROPPED", "GREEK", "ACCENTS", "FONTS",
    "FRAC_ALIASES",
    "HADAMARD_OPS", "NAME_COMMANDS", "TRANSPOSE_MARKS", "PASSTHROUGH", "DERIVATIVE_RULES",
    "PROOF_FORMS", "BINDERS", "INDEX_BINDERS", "IndexMax", "IndexMin", "IndexArgMax",
    "IndexArgMin", "CONSTANTS", "ELLIPSES",
]


class sigmoid(sp.Function):
    """The logistic function 1 / (1 + exp(-x)), one node so kernels can use a stable form."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return DERIVATIVE_RULES[sigmoid](self.args[0])

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-x))

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_real else None


class softplus(sp.Function):
    """log(1 + exp(x)), one node so kernels can evaluate it without overflow or cancellation."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return DERIVATIVE_RULES[softplus](self.args[0])

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real


class hadamard(sp.Function):
    """Elementwise product (``\\odot``, ``\\star``); of scalars it is the ordinary product."""

    @classmethod
    def eval(cls, *args: sp.Expr) -> sp.Expr | None:
        if all(a.is_commutative for a in args):
            return sp.Mul(*args)
        return None


class Expectation(sp.Function):
    """``E[X]`` / ``E[X | conditions]``: kept abstract; symnn does not evaluate expectations here.

    The second argument, when present, is the tuple of conditions after the bar.
    """

    nargs = (1, 2)


class Etc(sp.Function):
    """``...`` / ``\\dots``: the written-out pattern continues; an abstract rest of a series."""

    nargs = 0


class Concat(sp.Function):
    """``[u, v]``: u stacked on v (vertical concatenation, as in W_c[a, x]); not commutative
    when its parts are vectors."""

    def _eval_is_commutative(self) -> bool | None:
        return fuzzy_and(a.is_commutative for a in self.args)


class Count(sp.Function):
    """``\\#\\textrm{times ...}``: a count described in words; first argument the words (Str),
    then the mathematical names mentioned in them."""


class Norm(sp.Function):
    """``\\|x\\|_p``: the p-norm of x (p = 2 when no subscript is written). Of a matrix, a
    third argument says what was written: ``NORM_ENTRYWISE`` for ``\\|A\\|_F`` (the 2-norm
    of the entries), ``NORM_OPERATOR`` for ``\\|A\\|_p`` with p a number (the operator norm:
    ``\\|A\\|_2`` is the largest singular value); without it (no subscript written) the norm
    of a matrix is ambiguous, refused where it is evaluated."""

    nargs = (2, 3)

    def _eval_is_real(self) -> bool:
        return True

    def _eval_is_nonnegative(self) -> bool:
        return True

    def _eval_is_commutative(self) -> bool:
        return True  # a number, even of a vector or matrix


#: the third argument of :class:`Norm`: what a norm of a matrix means
NORM_OPERATOR, NORM_ENTRYWISE = sp.Integer(0), sp.Integer(1)


class Gradient(sp.Function):
    """``\\nabla_w L``, ``\\frac{\\partial L}{\\partial w}`` for a declared vector or matrix w:
    the array of dL/dw_ij, the shape of w (computed at the sizes a check draws)."""

    nargs = 2

    def _eval_is_commutative(self) -> bool:
        return False  # an array, like w

    def doit(self, **hints):  # nothing to carry out before sizes are drawn
        return self.func(*(a.doit(**hints) for a in self.args))


class Row(sp.Function):
    """``W_i`` of a declared matrix W where a vector is expected: row i of W (numbered from 1
    as printed) as a column vector, the ML convention (design-matrix rows are data points,
    embedding-matrix rows are word vectors)."""

    nargs = 2

    def _eval_is_commutative(self) -> bool:
        return False  # a vector

    def _eval_transpose(self) -> None:
        return None  # kept as transpose(Row(W, i)): a row vector


class SetSum(sp.Function):
    """``\\sum_{s \\in S} body``: a sum over the elements of a set, kept abstract."""

    nargs = (2, 3)


class SetMax(sp.Function):
    """``\\max_{a \\in A} body``: the maximum of body over a, kept abstract."""

    nargs = (2, 3)


class _IndexExtremum(sp.Function):
    """``\\max_i body`` over i = lo..hi: written out as Max/Min once the bounds are numbers."""

    nargs = 4
    _op: object = None

    @classmethod
    def eval(cls, body, var, lo, hi):
        if any(s.name.startswith("omicron_") for s in body.free_symbols):
            return None  # still being read: its placeholders are filled in later
        if not body.is_commutative:
            return None  # u^T v: compared as numbers only when evaluated
        if lo.is_Integer and hi.is_Integer and int(hi) - int(lo) < 10_000:
            if hi < lo:
                raise ValueError(f"{cls.__name__} over an empty range {lo}..{hi}")
            return cls._op(*[body.xreplace({var: sp.Integer(k)})
                             for k in range(int(lo), int(hi) + 1)])
        return None

    @property
    def free_symbols(self) -> set:
        body, var, lo, hi = self.args
        return (body.free_symbols - {var}) | lo.free_symbols | hi.free_symbols


class IndexMax(_IndexExtremum):
    """``\\max_i x_i``: the largest of body over i = lo..hi."""

    _op = sp.Max


class IndexMin(_IndexExtremum):
    """``\\min_i x_i``: the smallest of body over i = lo..hi."""

    _op = sp.Min


def _first_extremum(better, ties):
    """values -> the 1-based index of the best value (the first among ties), as a Piecewise."""
    def index(*values):
        pieces = [(sp.Integer(k + 1), sp.And(*(better(v, w) for w in values[:k]),
                                             *(ties(v, w) for w in values[k + 1:])))
                  for k, v in enumerate(values[:-1])]
        return sp.Piecewise(*pieces, (sp.Integer(len(values)), True))
    return staticmethod(index)


class IndexArgMax(_IndexExtremum):
    """``\\arg\\max_i x_i``: the index i = lo..hi of the largest body (the first among ties)."""

    _op = _first_extremum(sp.Gt, sp.Ge)


class IndexArgMin(_IndexExtremum):
    """``\\arg\\min_i x_i``: the index i = lo..hi of the smallest body (the first among ties)."""

    _op = _first_extremum(sp.Lt, sp.Le)


class ArgMax(sp.Function):
    """``\\underset{a \\in A}{argmax}\\, body``: the maximiser, kept abstract."""

    nargs = (2, 3)


#: Derivative rules of symnn's own function nodes (sympy's own functions carry theirs).
DERIVATIVE_RULES = {
    sigmoid: lambda x: sigmoid(x) * (1 - sigmoid(x)),
    softplus: lambda x: sigmoid(x),
}

#: How each of symnn's nodes is written with sympy's elementary functions, for proofs.
PROOF_FORMS = {
    sigmoid: lambda x: 1 / (1 + sp.exp(-x)),
    softplus: lambda x: sp.log(1 + sp.exp(x)),
}


def _relu(x: sp.Expr) -> sp.Expr:
    return sp.Max(0, x)


#: Functions symnn knows when written applied to an argument. Key: the LaTeX name
#: (command, or text of \textrm / \operatorname / \mathrm). Value: (sympy callable, arity).
BUILTIN_FUNCTIONS: dict[str, tuple[object, tuple[int, ...]]] = {
    r"\sigma": (sigmoid, (1,)),
    "sigmoid": (sigmoid, (1,)),
    r"\tanh": (sp.tanh, (1,)),
    "tanh": (sp.tanh, (1,)),
    r"\exp": (sp.exp, (1,)),
    "exp": (sp.exp, (1,)),
    r"\log": (sp.log, (1,)),  # natural log: the ML convention
    "log": (sp.log, (1,)),
    r"\ln": (sp.log, (1,)),
    r"\sin": (sp.sin, (1,)),
    r"\cos": (sp.cos, (1,)),
    r"\max": (sp.Max, (2, 3, 4)),
    "max": (sp.Max, (2, 3, 4)),
    r"\min": (sp.Min, (2, 3, 4)),
    "min": (sp.Min, (2, 3, 4)),
    "ReLU": (_relu, (1,)),
    "relu": (_relu, (1,)),
    **{name: (func, (1,)) for names, func in (
        ((r"\tan", "tan"), sp.tan), ((r"\sinh", "sinh"), sp.sinh), ((r"\cosh", "cosh"), sp.cosh),
        ((r"\arcsin", "arcsin"), sp.asin), ((r"\arccos", "arccos"), sp.acos),
        ((r"\arctan", "arctan"), sp.atan), (("sech",), sp.sech), ((r"\sec", "sec"), sp.sec),
        (("erf",), sp.erf), (("erfc",), sp.erfc), (("sgn", "sign"), sp.sign),
        (("softplus",), softplus), (("sin",), sp.sin), (("cos",), sp.cos), ((r"\Gamma",), sp.gamma),
    ) for name in names},
}

#: Names that take a subscript binding a variable (``\max_{a}``) rather than an argument list.
BINDERS = {r"\max": SetMax, "max": SetMax, "argmax": ArgMax, r"\min": None, "min": None,
           "argmin": None}

#: ``\max_i x_i`` over an index (the declared size it picks, or ``1 \le i \le n``).
INDEX_BINDERS = {r"\max": IndexMax, "max": IndexMax, r"\min": IndexMin, "min": IndexMin,
                 "argmax": IndexArgMax, "argmin": IndexArgMin}

#: Top-level relations, split by symnn itself; the value is the relation's kind.
RELATIONS = {
    "=": "eq",
    r"\leftarrow": "assign",
    r"\longleftarrow": "assign",
    r"\gets": "assign",
    ":=": "assign",
    r"\coloneqq": "assign",
}

#: Comparisons in a case condition or a constraint, as texts print them.
CASE_RELATIONS = {"<": sp.Lt, ">": sp.Gt, r"\lt": sp.Lt, r"\gt": sp.Gt, r"\le": sp.Le,
                  r"\leq": sp.Le, r"\leqslant": sp.Le, r"\ge": sp.Ge, r"\geq": sp.Ge,
                  r"\geqslant": sp.Ge, r"\neq": sp.Ne, r"\ne": sp.Ne, "=": sp.Eq}

#: Commands that carry no meaning for the value: spacing, sizing, style.
DROPPED = frozenset({
    r"\displaystyle", r"\textstyle", r"\limits", r"\nolimits", r"\,", r"\;", r"\:", r"\!",
    r"\ ", r"\quad", r"\qquad", r"\left", r"\right", r"\big", r"\Big", r"\bigg", r"\Bigg",
    r"\bigl", r"\bigr", r"\Bigl", r"\Bigr", r"\biggl", r"\biggr", r"\middle",
})

#: Commands passed to the grammar unchanged (it reads them correctly once identifiers are masked).
PASSTHROUGH = {
    r"\cdot": r"\cdot", r"\times": r"\times", r"\div": r"\div", r"\sqrt": r"\sqrt",
    r"\lfloor": r"\lfloor", r"\rfloor": r"\rfloor", r"\lceil": r"\lceil", r"\rceil": r"\rceil",
    r"\infty": r"\infty", r"\{": "(", r"\}": ")", r"\lbrack": "[", r"\rbrack": "]",
}

ELLIPSES = frozenset({"...", r"\dots", r"\ldots", r"\cdots"})

HADAMARD_OPS = frozenset({r"\odot", r"\star", r"\circ", "*"})

FRAC_ALIASES = frozenset({r"\frac", r"\dfrac", r"\tfrac", r"\cfrac"})

#: Commands whose braced argument is read as a name (``\textrm{max}``, ``\operatorname{ReLU}``).
NAME_COMMANDS = frozenset({r"\textrm", r"\text", r"\mathrm", r"\operatorname", r"\textit",
                           r"\mathit"})

#: Decorations that make a new identifier from a base: ``\hat{y}`` is not ``y``.
ACCENTS = frozenset({r"\hat", r"\widehat", r"\tilde", r"\widetilde", r"\bar", r"\overline",
                     r"\vec", r"\dot", r"\ddot", r"\check"})

#: Font commands: ``\mathbf{x}`` is its own identifier, distinct from ``x``.
FONTS = frozenset({r"\mathbf", r"\boldsymbol", r"\bm", r"\mathcal", r"\mathbb", r"\mathscr",
                   r"\mathfrak"})

#: Transpose superscripts: ``x^T``, ``x^\top``, ``x^{\mathsf{T}}``, Bishop's ``x^{\mathrm{T}}``.
TRANSPOSE_MARKS = frozenset({"T", r"\top", r"\intercal", r"\mathsf{T}", r"\mathrm{T}",
                             r"\textrm{T}", r"\text{T}", r"\rm T"})

GREEK = frozenset({
    r"\alpha", r"\beta", r"\gamma", r"\delta", r"\epsilon", r"\varepsilon", r"\zeta", r"\eta",
    r"\theta", r"\vartheta", r"\iota", r"\kappa", r"\lambda", r"\mu", r"\nu", r"\xi",
    r"\omicron", r"\pi", r"\varpi", r"\rho", r"\varrho", r"\sigma", r"\varsigma", r"\tau",
    r"\upsilon", r"\phi", r"\varphi", r"\chi", r"\psi", r"\omega", r"\Gamma", r"\Delta",
    r"\Theta", r"\Lambda", r"\Xi", r"\Pi", r"\Sigma", r"\Upsilon", r"\Phi", r"\Psi", r"\Omega",
    r"\ell",
})

#: Identifiers that mean a constant unless the formula declares them as its own symbols.
CONSTANTS = {"e": sp.E, r"\pi": sp.pi}
