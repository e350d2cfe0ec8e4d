"""Symbol declarations and their domains: what a name in a formula is and where it lives."""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

__all__ = ["Domain", "Decl", "SymbolTable", "parse_domain", "DOMAIN_NAMES", "KINDS", "pyname_of"]

Sampler = Callable[[np.random.Generator, int], np.ndarray]


@dataclass(frozen=True)
class Domain:
    """A set of values: its sympy assumptions, a sampler for numeric checks, and bounds."""

    name: str
    assumptions: dict[str, bool]
    sample: Sampler = field(compare=False, repr=False)
    integer: bool = False
    low: int | None = None  # the least value of an integer domain


def _real(rng: np.random.Generator, n: int) -> np.ndarray:
    # mostly moderate values, some small and some large magnitudes, both signs
    mag = np.where(rng.random(n) < 0.75, rng.normal(0.0, 2.0, n),
                   np.exp(rng.uniform(np.log(1e-3), np.log(50.0), n)))
    return mag * np.where(rng.random(n) < 0.5, -1.0, 1.0)


def _positive(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.exp(rng.uniform(np.log(1e-3), np.log(50.0), n))


def _unit_open(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.uniform(1e-3, 1 - 1e-3, n)


def _binary(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.integers(0, 2, n).astype(float)


def _fixed(name: str, assumptions: dict[str, bool], sampler: Sampler, integer: bool = False):
    return Domain(name, assumptions, sampler, integer)


#: The named domains a formula file may use.
DOMAINS: dict[str, Domain] = {
    d.name: d for d in (
        _fixed("real", {"real": True}, _real),
        _fixed("positive", {"positive": True}, _positive),
        _fixed("nonnegative", {"nonnegative": True},
               lambda rng, n: np.where(rng.random(n) < 0.1, 0.0, _positive(rng, n))),
        _fixed("negative", {"negative": True}, lambda rng, n: -_positive(rng, n)),
        _fixed("nonzero", {"real": True, "nonzero": True},
               lambda rng, n: _positive(rng, n) * np.where(rng.random(n) < 0.5, -1, 1)),
        _fixed("(0,1)", {"positive": True}, _unit_open),
        _fixed("[0,1]", {"nonnegative": True}, lambda rng, n: rng.uniform(0.0, 1.0, n)),
        _fixed("{0,1}", {"integer": True, "nonnegative": True}, _binary, integer=True),
    )
}

_INTEGER = re.compile(r"^integer\s*(?:>=\s*(-?\d+))?$")

DOMAIN_NAMES = (*DOMAINS, "integer", "integer >= k")

KINDS = ("scalar", "vector", "matrix", "index", "function", "constant")


def parse_domain(text: str) -> Domain:
    """Read a domain such as ``positive``, ``(0,1)`` or ``integer >= 1``; ValueError if unknown."""
    key = re.sub(r"\s+", "", text) if text.strip().startswith(("(", "[", "{")) else text.strip()
    if key in DOMAINS:
        return DOMAINS[key]
    m = _INTEGER.match(key)
    if m:
        bound = int(m.group(1)) if m.group(1) is not None else None
        low = -5 if bound is None else bound  # an unbounded integer is drawn from -5 up
        assumptions = {"integer": True}
        if low >= 1:
            assumptions["positive"] = True
        elif low >= 0:
            assumptions["nonnegative"] = True
        return Domain("integer" if bound is None else f"integer >= {low}", assumptions,
                      lambda rng, n: rng.integers(low, low + 6, n).astype(float), integer=True,
                      low=bound)
    raise ValueError(f"unknown domain {text!r}; expected one of {', '.join(DOMAIN_NAMES)}")


#: The builtins module's names, and the modules a generated kernel imports.
_BUILTIN_NAMES = frozenset(dir(builtins)) | {"numpy", "jax", "torch", "math", "functools"}


def pyname_of(latex_name: str) -> str:
    """A Python identifier for a LaTeX name: ``\\sigma_B`` -> ``sigma_B``, ``x^{<t>}`` -> x_t."""
    text = latex_name.replace("'", "_prime")
    text = re.sub(r"\\([A-Za-z]+)", r"\1", text)
    text = re.sub(r"[^A-Za-z0-9_]+", "_", text)
    text = re.sub(r"_+", "_", text).strip("_")
    if not text or text[0].isdigit():
        text = "v_" + text
    if keyword.iskeyword(text) or text in _BUILTIN_NAMES:
        text += "_"
    return text


def check_pyname(name: str) -> str:
    """Return ``name`` if it is a safe identifier for generated code, else raise ValueError."""
    if (not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or keyword.iskeyword(name)
            or name in _BUILTIN_NAMES or (name.startswith("__") and name.endswith("__"))):
        raise ValueError(f"{name!r} is not a safe identifier (letters, digits, _; "
                         "not a keyword, builtin or dunder)")
    return name


@dataclass(frozen=True)
class Decl:
    """One declared name: its LaTeX spelling, kind, domain and, for functions, its arguments."""

    latex: str
    kind: str
    domain: Domain
    pyname: str
    shape: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    distribution: str = ""  # a random variable: e.g. 'Bernoulli(1-p)' (see _stochastic)

    def sympy(self) -> sp.Basic:
        """The sympy object that stands for this name."""
        if self.kind == "function":
            return sp.Function(self.pyname)
        if self.kind == "matrix" or (self.kind == "vector" and self.shape):
            return sp.Symbol(self.pyname, commutative=False)
        if self.kind == "index":
            return sp.Symbol(self.pyname, integer=True, **{k: v for k, v in
                             self.domain.assumptions.items() if k != "integer"})
        return sp.Symbol(self.pyname, **self.domain.assumptions)


@dataclass
class SymbolTable:
    """Declared names by canonical LaTeX spelling. ``auto`` declares unknown names as reals."""

    decls: dict[str, Decl] = field(default_factory=dict)
    auto: bool = False
    #: pyname -> LaTeX of ``decls``, kept up to date so that declaring is O(1), not O(n)
    _pynames: dict[str, str] = field(default_factory=dict, init=False, repr=False,
                                     compare=False)
    #: names ``auto`` declared, and function names (\\sigma) applied as functions: one name is
    #: never both (``\\sigma x = \\sigma(x)`` is refused, not read two ways)
    auto_names: set[str] = field(default_factory=set, init=False, repr=False, compare=False)
    applied: set[str] = field(default_factory=set, init=False, repr=False, compare=False)

    def get(self, latex: str) -> Decl | None:
        return self.decls.get(latex)

    def declare(self, decl: Decl) -> Decl:
        taken = self._pynames
        if len(taken) != len(self.decls):  # decls was changed directly: index it again
            taken.clear()
            taken.update((d.pyname, d.latex) for d in self.decls.values())
        if decl.pyname in taken and taken[decl.pyname] != decl.latex:
            decl = Decl(decl.latex, decl.kind, decl.domain, decl.pyname + f"_{len(taken)}",
                        decl.shape, decl.args, decl.distribution)
        old = self.decls.get(decl.latex)
        if old is not None and taken.get(old.pyname) == old.latex:
            del taken[old.pyname]
        self.decls[decl.latex] = decl
        taken[decl.pyname] = decl.latex
        return decl

    def auto_declare(self, latex: str, kind: str = "scalar") -> Decl:
        self.auto_names.add(latex)
        return self.declare(Decl(latex, kind, DOMAINS["real"], pyname_of(latex)))
