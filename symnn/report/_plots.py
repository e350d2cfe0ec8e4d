"""Plots for the documentation pages (matplotlib, Agg, PNG): pictures of what was checked.

* an activation with its derivative (gradient checks of a one-variable function);
* the error of finite differences against the step size, the truncation / round-off "V", with
  the complex-step line beside it (the first gradient check of a formula);
* a map of where a printed statement holds over two integer variables (``[[plots]]`` with
  ``kind = "holds"`` in the formula file: the convolution output size).

Each function writes one file and returns its name, or "" when the formula has nothing to plot.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import sympy as sp

from ..catalog import Formula
from ..check import is_analytic
from ..derive import gradient_checks
from ..emit import to_numpy
from ..read import parse_condition, parse_statement

__all__ = ["activation_plot", "step_error_plot", "holds_map", "LABELS"]

#: Axis labels and legends per language.
LABELS = {
    "en": {"derivative": "derivative", "step": "step h", "error": "absolute error",
           "central": "central difference", "forward": "forward difference",
           "complex": "complex step", "holds": "printed formula holds",
           "fails": "printed formula is wrong", "excluded": "excluded by the constraints"},
    "fr": {"derivative": "dérivée", "step": "pas h", "error": "erreur absolue",
           "central": "différence centrée", "forward": "différence avant",
           "complex": "pas complexe", "holds": "la formule imprimée est juste",
           "fails": "la formule imprimée est fausse", "excluded": "exclu par les contraintes"},
}
#: Values for the other parameters of an activation (leaky ReLU's epsilon).
_FIXED = {"(0,1)": 0.1, "positive": 1.0, "nonnegative": 1.0}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.hashsalt": "symnn", "figure.dpi": 96})
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> str:
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    _pyplot().close(fig)
    return path.name


def _gradient_checks(formula: Formula):
    for _, _, check, of, wrt, grad, _ in gradient_checks(formula, base_only=True):
        yield check, of, wrt, grad


def activation_plot(formula: Formula, path: Path, lang: str) -> str:
    """g and g' on [-5, 5] for a one-variable function (other parameters fixed)."""
    for check, of, wrt, grad in _gradient_checks(formula):
        others = of.free_symbols - {wrt}
        decls = {d.pyname: d for d in formula.table.decls.values()}
        if any(decls.get(s.name) is None or decls[s.name].domain.name not in _FIXED
               for s in others):
            continue
        fixed = {s: _FIXED[decls[s.name].domain.name] for s in others}
        z = np.linspace(-5, 5, 801)
        f = np.broadcast_to(to_numpy(of.subs(fixed), [wrt])(z), z.shape)
        g = np.broadcast_to(to_numpy(grad.subs(fixed), [wrt])(z), z.shape)
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(6, 3.6))
        name = check.of
        ax.plot(z, f, label=f"${sp.latex(of.subs(fixed)) if len(name) > 12 else name}$")
        ax.plot(z, g, "--", label=f"{LABELS[lang]['derivative']} d/d{wrt}")
        ax.axhline(0, color="0.8", lw=0.8)
        ax.axvline(0, color="0.8", lw=0.8)
        ax.set_xlabel(f"${wrt}$")
        ax.legend()
        return _save(fig, path)
    return ""


def step_error_plot(formula: Formula, path: Path, lang: str) -> str:
    """|numerical - exact| against h at one point: finite differences and complex step."""
    for _check, of, wrt, grad in _gradient_checks(formula):
        syms = sorted(of.free_symbols, key=lambda s: s.name)
        decls = {d.pyname: d for d in formula.table.decls.values()}
        if any(s.name not in decls for s in syms):
            continue
        point = {s: 0.7 if s == wrt else float(decls[s.name].domain.sample(
            np.random.default_rng(1), 1)[0]) for s in syms}
        f = to_numpy(of, syms)
        exact = float(sp.N(grad.subs(point), 30))
        h = np.logspace(-16, -1, 61)
        args = [np.full_like(h, point[s]) for s in syms]
        j = syms.index(wrt)

        def at(shift: np.ndarray, f=f, args=args, j=j) -> np.ndarray:
            shifted = list(args)
            shifted[j] = args[j] + shift
            return np.asarray(f(*shifted))

        with np.errstate(all="ignore"):
            central = np.abs((at(h) - at(-h)) / (2 * h) - exact)
            forward = np.abs((at(h) - at(0 * h)) / h - exact)
            cs = np.abs(at(1j * h).imag / h - exact) if is_analytic(of) else None
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(6, 3.6))
        floor = 1e-18
        ax.loglog(h, np.maximum(central, floor), label=LABELS[lang]["central"])
        ax.loglog(h, np.maximum(forward, floor), label=LABELS[lang]["forward"])
        if cs is not None:
            ax.loglog(h, np.maximum(cs, floor), label=LABELS[lang]["complex"])
        ax.set_xlabel(LABELS[lang]["step"])
        ax.set_ylabel(LABELS[lang]["error"])
        ax.set_title(f"d/d{wrt} {_check.of}, {wrt} = {point[wrt]}", fontsize=9)
        ax.legend(fontsize=8)
        return _save(fig, path)
    return ""


def holds_map(formula: Formula, spec: dict, path: Path, lang: str) -> str:
    """Where the printed statement equals its corrected form, over two variables."""
    table = formula.table
    printed = parse_statement(formula.latex, table)
    corrected = parse_statement(formula.corrected or formula.latex, table)
    x, y = (table.get(spec[k]).sympy() for k in ("x", "y"))
    fixed = {table.get(k).sympy(): v for k, v in spec.get("fixed", {}).items()}
    xs = np.arange(spec["x_range"][0], spec["x_range"][1] + 1)
    ys = np.arange(spec["y_range"][0], spec["y_range"][1] + 1)
    gx, gy = np.meshgrid(xs, ys)
    a = to_numpy(printed.rhs.subs(fixed), [x, y])(gx, gy)
    b = to_numpy(corrected.rhs.subs(fixed), [x, y])(gx, gy)
    state = np.where(np.isclose(np.broadcast_to(a, gx.shape), b, rtol=0, atol=1e-9), 1, 0)
    for c in formula.constraints:
        keep = to_numpy(parse_condition(c, table).subs(fixed), [x, y])(gx, gy)
        state = np.where(np.broadcast_to(keep, gx.shape), state, -1)
    plt = _pyplot()
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    fig, ax = plt.subplots(figsize=(7, 2.6))
    colors = ["0.85", "#d62728", "#2ca02c"]
    ax.imshow(state + 1, cmap=ListedColormap(colors), vmin=0, vmax=2, aspect="auto",
              origin="lower", extent=(xs[0] - 0.5, xs[-1] + 0.5, ys[0] - 0.5, ys[-1] + 0.5),
              interpolation="nearest")
    ax.set_xlabel(f"${spec['x']}$")
    ax.set_ylabel(f"${spec['y']}$")
    ax.set_title(", ".join(f"${k} = {v}$" for k, v in spec.get("fixed", {}).items()),
                 fontsize=9)
    ax.legend(handles=[Patch(color=colors[2], label=LABELS[lang]["holds"]),
                       Patch(color=colors[1], label=LABELS[lang]["fails"]),
                       Patch(color=colors[0], label=LABELS[lang]["excluded"])],
              fontsize=7, loc="upper right")
    return _save(fig, path)

