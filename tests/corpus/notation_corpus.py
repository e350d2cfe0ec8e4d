# ruff: noqa: E501, E741, RUF100  (copied verbatim from the corpus writer; lines kept as written)
"""Formulas as ML texts print them, with their intended meaning (for tests/test_notation_corpus.py).

Each ``Case`` holds the LaTeX expression as a text prints it, a symbols table that
works like a formula file's ``[symbols]`` table, and the intended meaning as a plain
Python/NumPy function.

Conventions
-----------
* Symbols-table keys are the LaTeX identifiers as written ('x', '\\alpha', 'x_{\\max}',
  'P_\\text{start}', 'a^{<t-1>}', "\\theta'").
* ``meaning`` takes one keyword argument per symbol whose kind is not "function".
  The keyword name is ``py_name(key)`` (defined below): font/text wrappers are dropped,
  commands lose their backslash, ``'`` becomes ``_prime``, ``-``/``+`` become
  ``_minus_``/``_plus_``, every other run of non-alphanumerics becomes ``_``, and a
  Python keyword gets a trailing ``_`` ('\\lambda' -> 'lambda_').
  Examples: '\\hat{m}_t' -> 'hat_m_t', '\\theta_{t-1}' -> 'theta_t_minus_1',
  '\\eta_{\\min}' -> 'eta_min', "k'" -> 'k_prime', '\\mu_\\mathcal{B}' -> 'mu_B'.
* Vector / matrix elements are 1-based as printed (x_1 is x[0]).  Index letters bound by
  a sum/product/max need no declaration.  A free index that picks an element is declared
  as {"kind": "scalar", "domain": "integer >= 1", "at_most": "n"} where "at_most" names
  the size letter (or integer symbol) that bounds it.
* Extensions beyond the brief's table (all optional keys):
  - "domain" on a vector / matrix / tensor: the domain of every entry
    (e.g. "(0,1)" for probabilities); matrices may also have "domain": "spd"
    (symmetric positive definite), used where the text takes a determinant / inverse of
    a covariance matrix.
  - {"kind": "tensor", "shape": ["n", "m", "p"]} for a three-index array a_{ijk}.
  - "at_most" on an integer scalar (see above).
* A matrix / vector whose printed name is indexed by rows (GloVe w_i, attention k_j) is a
  matrix whose i-th ROW is the vector w_i.  Time superscripts on a DECLARED vector / matrix
  (y^{<t>} with 'y' a vector, e^{<t,t'>} with 'e' a matrix) index its elements; when the
  whole decorated name is the key ('a^{<t-1>}', 'y_j^{(t)}') it is one atomic scalar.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Case:
    latex: str                       # raw string r'...'
    symbols: dict[str, dict]         # like a formula file's [symbols] table
    meaning: Callable[..., float]    # keyword arguments: py_name(key) for each non-function symbol
    source: str                      # book/paper + section/equation
    construct: str                   # short tag
    notes: str = field(default="")   # why the case is interesting / what is ambiguous


# --------------------------------------------------------------------------------------
# keyword names for the meaning functions
# --------------------------------------------------------------------------------------
_WRAPPERS = ("\\operatorname", "\\boldsymbol", "\\mathcal", "\\mathbf", "\\mathrm",
             "\\mathit", "\\mathsf", "\\mathbb", "\\textrm", "\\textit", "\\text", "\\bm")
_PY_KEYWORDS = {"lambda", "in", "is", "if", "else", "for", "while", "def", "class", "not",
                "and", "or", "from", "import", "as", "with", "yield", "return", "del",
                "pass", "None", "True", "False", "global", "try", "except", "raise",
                "assert", "break", "continue", "elif", "finally", "nonlocal", "async",
                "await"}


def py_name(key: str) -> str:
    """Keyword-argument name of the meaning function for symbols-table key ``key``."""
    s = key.replace("\\_", "_").replace("\\,", " ").replace("\\!", " ")
    for w in _WRAPPERS:                      # longest first, so \text does not eat \textrm
        s = s.replace(w, " ")
    s = s.replace("'", " prime ").replace("-", " minus ").replace("+", " plus ")
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\":                         # \alpha -> alpha (as its own word)
            j = i + 1
            while j < len(s) and s[j].isalpha():
                j += 1
            out.append(" " + s[i + 1:j] + " ")
            i = j
            continue
        out.append(c if c.isalnum() else " ")
        i += 1
    name = "_".join("".join(out).split())
    return name + "_" if name in _PY_KEYWORDS else name


# --------------------------------------------------------------------------------------
# symbols-table helpers
# --------------------------------------------------------------------------------------
REAL, POS, NONNEG, UNIT, BIN, INT = "real", "(0,inf)", "[0,inf)", "(0,1)", "{0,1}", "integer >= 1"


def sc(domain: str = REAL) -> dict:
    return {"kind": "scalar", "domain": domain}


def idx(at_most: str) -> dict:
    return {"kind": "scalar", "domain": INT, "at_most": at_most}


def vec(size: str = "n", domain: str | None = None) -> dict:
    d = {"kind": "vector", "size": size}
    if domain:
        d["domain"] = domain
    return d


def mat(rows: str = "n", cols: str = "m", domain: str | None = None) -> dict:
    d = {"kind": "matrix", "shape": [rows, cols]}
    if domain:
        d["domain"] = domain
    return d


def ten(*shape: str, domain: str | None = None) -> dict:
    d = {"kind": "tensor", "shape": list(shape)}
    if domain:
        d["domain"] = domain
    return d


def fn(args: list[str], definition: str) -> dict:
    return {"kind": "function", "args": list(args), "definition": definition}


# --------------------------------------------------------------------------------------
# numeric helpers used by the meanings
# --------------------------------------------------------------------------------------
def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def _softplus(z):
    return np.logaddexp(0.0, z)


def _erf(z):
    return math.erf(float(z))


def _phi(z):  # standard normal CDF
    return 0.5 * (1.0 + math.erf(float(z) / math.sqrt(2.0)))


def _l2(v):
    return float(np.sqrt(np.sum(np.asarray(v, dtype=float) ** 2)))


def _lse(v):
    v = np.asarray(v, dtype=float)
    m = np.max(v)
    return float(m + np.log(np.sum(np.exp(v - m))))


def _softmax(v):
    v = np.asarray(v, dtype=float)
    e = np.exp(v - np.max(v))
    return e / np.sum(e)


def _first(v, n):
    return np.asarray(v, dtype=float)[: int(n)]


X = {"x": sc()}
Z = {"z": sc()}
XP = {"x": sc(POS)}

CASES: list[Case] = [
    # ================================================================ function powers
    Case(r'\tanh^2(x)', dict(X), lambda x: math.tanh(x) ** 2,
         "Goodfellow-Bengio-Courville 2016 (GBC) §6.3.3 tanh units; d/dz tanh = 1 - tanh^2", "function-power"),
    Case(r'1 - \tanh^2(x)', dict(X), lambda x: 1 - math.tanh(x) ** 2,
         "Bishop PRML 2006 §5.3.2 eq 5.60 (h'(a) = 1 - h(a)^2 for tanh)", "function-power"),
    Case(r'\sin^2 x', dict(X), lambda x: math.sin(x) ** 2,
         "standard trig notation (cf. Vaswani et al. 2017 §3.5 sinusoidal encodings)", "function-power",
         "argument without parentheses"),
    Case(r'\cos^2 x', dict(X), lambda x: math.cos(x) ** 2,
         "standard trig notation", "function-power"),
    Case(r'\sin^2 x + \cos^2 x', dict(X), lambda x: 1.0,
         "standard trig identity", "function-power",
         "unparenthesised argument must stop before '+'"),
    Case(r'\log^2 x', dict(XP), lambda x: math.log(x) ** 2,
         "common in analysis of SGD rates (e.g. Murphy PML1 §8.4); (log x)^2, not log(log x)", "function-power"),
    Case(r'\ln^2(1 + x)', dict(XP), lambda x: math.log(1 + x) ** 2,
         "function power of ln with a compound argument", "function-power"),
    Case(r'\operatorname{sech}^2(x)', dict(X), lambda x: 1.0 / math.cosh(x) ** 2,
         "derivative of tanh, e.g. Murphy PML1 §13.2.3", "function-power"),
    Case(r'\cosh^2(x) - \sinh^2(x)', dict(X), lambda x: 1.0,
         "hyperbolic identity", "function-power"),
    Case(r'\tanh^{2}\left(\frac{x}{2}\right)', dict(X), lambda x: math.tanh(x / 2) ** 2,
         "function power with braces and \\left( \\right)", "function-power"),
    Case(r'\sigma^{-1}(x)', {"x": sc(UNIT)}, lambda x: math.log(x / (1 - x)),
         "GBC 2016 §3.10 eq 3.38: sigma^{-1}(x) = log(x/(1-x)) (logit)", "function-inverse",
         "superscript -1 on a function name means the inverse function, not 1/sigma"),

    # ================================================================ named functions
    Case(r'\operatorname{softplus}(x)', dict(X), lambda x: float(_softplus(x)),
         "GBC 2016 §3.10 eq 3.31 / §6.3.3", "named-function"),
    Case(r'\log(1 + \exp(x))', dict(X), lambda x: float(_softplus(x)),
         "GBC 2016 §3.10 eq 3.31 zeta(x) = log(1 + exp(x))", "named-function"),
    Case(r'\frac{1}{1 + \exp(-x)}', dict(X), lambda x: float(_sig(x)),
         "GBC 2016 §3.10 eq 3.30 logistic sigmoid", "named-function"),
    Case(r'\operatorname{softplus}(x) - \operatorname{softplus}(-x)', dict(X), lambda x: x,
         "GBC 2016 §3.10 eq 3.41 zeta(x) - zeta(-x) = x", "named-function"),
    Case(r'\log\sigma(x)', dict(X), lambda x: float(-_softplus(-x)),
         "GBC 2016 §3.10 eq 3.36 (log sigma(x) = -zeta(-x))", "sigmoid",
         "\\sigma undeclared = logistic sigmoid; \\log without parentheses"),
    Case(r'\operatorname{erf}(x)', dict(X), lambda x: _erf(x),
         "Hendrycks & Gimpel 2016 (GELU) §2", "named-function"),
    Case(r'\operatorname{erfc}(x)', dict(X), lambda x: math.erfc(x),
         "complementary error function, Murphy PML1 §2.6", "named-function"),
    Case(r'\frac{1}{2}\left[1 + \operatorname{erf}\left(\frac{x}{\sqrt{2}}\right)\right]', dict(X),
         lambda x: _phi(x),
         "Hendrycks & Gimpel 2016 (GELU) §2: Phi(x) written with erf", "named-function"),
    Case(r'x \cdot \frac{1}{2}\left[1 + \operatorname{erf}(x/\sqrt{2})\right]', dict(X),
         lambda x: x * _phi(x),
         "Hendrycks & Gimpel 2016 (GELU) §2 eq for GELU(x) = x Phi(x)", "named-function"),
    Case(r'0.5x\left(1 + \tanh\left[\sqrt{2/\pi}\left(x + 0.044715x^3\right)\right]\right)', dict(X),
         lambda x: 0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3))),
         "Hendrycks & Gimpel 2016 (GELU) §2 tanh approximation", "named-function",
         "decimal coefficient glued to a variable (0.5x, 0.044715x^3); square brackets as grouping"),
    Case(r'x\sigma(1.702x)', dict(X), lambda x: x * float(_sig(1.702 * x)),
         "Hendrycks & Gimpel 2016 (GELU) §2 sigmoid approximation", "sigmoid"),
    Case(r'\frac{1}{2}\operatorname{erfc}\left(-\frac{x}{\sqrt{2}}\right)', dict(X), lambda x: _phi(x),
         "standard normal CDF via erfc (Murphy PML1 §2.6)", "named-function"),
    Case(r'\operatorname{sgn}(x)', dict(X), lambda x: float(np.sign(x)),
         "sign function, e.g. ESL §3.4.3 soft thresholding sign(beta)", "named-function"),
    Case(r'\alpha\,\mathrm{sign}(w)', {"\\alpha": sc(POS), "w": sc()},
         lambda alpha, w: alpha * float(np.sign(w)),
         "GBC 2016 §7.1.2 eq 7.20 (L1 subgradient alpha sign(w))", "named-function"),
    Case(r'\operatorname{sign}(\beta)\left(|\beta| - \lambda\right)_+', {"\\beta": sc(), "\\lambda": sc(POS)},
         lambda beta, lambda_: float(np.sign(beta)) * max(abs(beta) - lambda_, 0.0),
         "ESL 2009 §3.4.3 Table 3.4 (lasso soft thresholding)", "positive-part",
         "(.)_+ subscript plus = positive part"),
    Case(r'\mathrm{e}^{x}', dict(X), lambda x: math.exp(x),
         "upright e for Euler's number (ISO style, used e.g. in Murphy PML1)", "named-function"),
    Case(r'e^{-x^2/2}', dict(X), lambda x: math.exp(-x ** 2 / 2),
         "unnormalised Gaussian, Bishop PRML §1.2.4", "named-function",
         "undeclared e = Euler's number"),
    Case(r'\exp(x)', dict(X), lambda x: math.exp(x), "GBC 2016 §3.10", "named-function"),
    Case(r'\arcsin(x)', {"x": sc(UNIT)}, lambda x: math.asin(x),
         "inverse trig (e.g. arcsine kernel, Williams 1998 / Murphy PML2 §18.2)", "named-function"),
    Case(r'\arctan(x)', dict(X), lambda x: math.atan(x),
         "inverse trig (arctan as a squashing function, Bishop PRML §5.1)", "named-function"),
    Case(r'\sinh(x)', dict(X), lambda x: math.sinh(x), "hyperbolic sine", "named-function"),
    Case(r'\cosh(x)', dict(X), lambda x: math.cosh(x), "hyperbolic cosine", "named-function"),
    Case(r'\frac{\sinh x}{\cosh x}', dict(X), lambda x: math.tanh(x),
         "tanh as a ratio, Bishop PRML §5.1", "named-function"),
    Case(r'\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}', dict(X), lambda x: math.tanh(x),
         "Bishop PRML §5.1 eq 5.59 (tanh definition)", "named-function"),
    Case(r'2\sigma(2x) - 1', dict(X), lambda x: 2 * float(_sig(2 * x)) - 1,
         "GBC 2016 §6.3.3 (tanh(z) = 2 sigma(2z) - 1)", "sigmoid"),
    Case(r'\sigma(z)', dict(Z), lambda z: float(_sig(z)),
         "GBC 2016 §3.10 eq 3.30 / Bishop PRML eq 4.59", "sigmoid"),
    Case(r'1 - \sigma(z)', dict(Z), lambda z: 1 - float(_sig(z)),
         "GBC 2016 §3.10 eq 3.35 (1 - sigma(x) = sigma(-x))", "sigmoid"),
    Case(r'\sigma(-z)', dict(Z), lambda z: float(_sig(-z)), "GBC 2016 §3.10 eq 3.35", "sigmoid"),
    Case(r'x\sigma(\beta x)', {"x": sc(), "\\beta": sc(POS)},
         lambda x, beta: x * float(_sig(beta * x)),
         "Ramachandran, Zoph & Le 2017 (Swish) eq 1", "sigmoid"),
    Case(r'\frac{\Gamma(a+b)}{\Gamma(a)\Gamma(b)}\mu^{a-1}(1-\mu)^{b-1}',
         {"a": sc(POS), "b": sc(POS), "\\mu": sc(UNIT)},
         lambda a, b, mu: math.gamma(a + b) / (math.gamma(a) * math.gamma(b)) * mu ** (a - 1) * (1 - mu) ** (b - 1),
         "Bishop PRML §2.1.1 eq 2.13 (Beta density)", "named-function",
         "\\Gamma is the gamma function"),
    Case(r'\ln x', dict(XP), lambda x: math.log(x), "Bishop PRML (uses ln throughout)", "log"),
    Case(r'\frac{|x|}{1 + |x|}', dict(X), lambda x: abs(x) / (1 + abs(x)),
         "Glorot & Bengio 2010 §2.3 softsign", "abs"),

    # ================================================================ piecewise / max / min
    Case(r'\max(0, x)', dict(X), lambda x: max(0.0, x), "GBC 2016 §6.3.1 ReLU", "max-min"),
    Case(r'\max\{0, z\}', dict(Z), lambda z: max(0.0, z),
         "GBC 2016 §6.1 eq 6.37 g(z) = max{0, z}", "max-min", "\\max with braces \\{ \\}"),
    Case(r'\max(0, z) + \alpha\min(0, z)', {"z": sc(), "\\alpha": sc(UNIT)},
         lambda z, alpha: max(0.0, z) + alpha * min(0.0, z),
         "GBC 2016 §6.3.1 (leaky ReLU / PReLU h = max(0,z) + alpha min(0,z))", "max-min"),
    Case(r'\min(\max(0, x), 6)', dict(X), lambda x: min(max(0.0, x), 6.0),
         "Howard et al. 2017 (MobileNets) / Krizhevsky 2010 ReLU6", "max-min"),
    Case(r'\begin{cases} x & x > 0 \\ \alpha\left(e^{x} - 1\right) & x \le 0 \end{cases}',
         {"x": sc(), "\\alpha": sc(POS)},
         lambda x, alpha: x if x > 0 else alpha * (math.exp(x) - 1),
         "Clevert, Unterthiner & Hochreiter 2016 (ELU) eq 1", "piecewise"),
    Case(r'\begin{cases} (y - f)^2 & |y - f| \le \delta \\ 2\delta|y - f| - \delta^2 & \text{otherwise} \end{cases}',
         {"y": sc(), "f": sc(), "\\delta": sc(POS)},
         lambda y, f, delta: (y - f) ** 2 if abs(y - f) <= delta else 2 * delta * abs(y - f) - delta ** 2,
         "ESL 2009 §10.6 eq 10.23 (Huber loss)", "piecewise",
         "\\text{otherwise} as the last condition"),
    Case(r'\max(0, 1 - y f)', {"y": sc(), "f": sc()}, lambda y, f: max(0.0, 1 - y * f),
         "ESL 2009 §12.3.2 hinge loss", "max-min"),
    Case(r'[1 - y f]_+', {"y": sc(), "f": sc()}, lambda y, f: max(0.0, 1 - y * f),
         "ESL 2009 §12.3.2 eq 12.25 / Table 12.1 (hinge loss as printed)", "positive-part",
         "[.]_+ means positive part, not a bracket with a subscript"),
    Case(r'\log\left(1 + e^{-y f}\right)', {"y": sc(), "f": sc()}, lambda y, f: float(_softplus(-y * f)),
         "ESL 2009 §10.6 Table 10.2 (binomial deviance)", "named-function"),
    Case(r'\exp(-y f)', {"y": sc(), "f": sc()}, lambda y, f: math.exp(-y * f),
         "ESL 2009 §10.4 eq 10.8 (exponential loss)", "named-function"),
    Case(r'\max(a, b)', {"a": sc(), "b": sc()}, lambda a, b: max(a, b), "generic", "max-min"),
    Case(r'\min_i x_i', {"x": vec()}, lambda x: float(np.min(x)),
         "index-bound min over a vector (e.g. Murphy PML1 §8.1)", "max-min"),
    Case(r'\max_i x_i', {"x": vec()}, lambda x: float(np.max(x)),
         "Murphy PML1 §2.5.4 log-sum-exp trick (m = max_c a_c)", "max-min"),
    Case(r'\max_{1 \le i \le n} |x_i|', {"x": vec(), "n": sc(INT)},
         lambda x, n: float(np.max(np.abs(_first(x, n)))),
         "GBC 2016 §2.5 eq 2.32 (max norm)", "max-min", "range written under \\max"),
    Case(r'\max\left(\|A - P\|_2^2 - \|A - N\|_2^2 + \alpha, 0\right)',
         {"A": vec("d"), "P": vec("d"), "N": vec("d"), "\\alpha": sc(POS)},
         lambda A, P, N, alpha: max(_l2(A - P) ** 2 - _l2(A - N) ** 2 + alpha, 0.0),
         "CS 230 CNN cheatsheet, triplet loss l(A,P,N); Schroff et al. 2015 (FaceNet) eq 1", "norm",
         "capital single letters A, P, N as vectors"),
    Case(r'(1 - Y)\frac{1}{2}D_W^2 + Y\frac{1}{2}\left\{\max(0, m - D_W)\right\}^2',
         {"Y": sc(BIN), "D_W": sc(NONNEG), "m": sc(POS)},
         lambda Y, D_W, m: (1 - Y) * 0.5 * D_W ** 2 + Y * 0.5 * max(0.0, m - D_W) ** 2,
         "Hadsell, Chopra & LeCun 2006 (contrastive loss) eq 4", "max-min",
         "\\left\\{ \\right\\} used as parentheses"),
    Case(r'\min\left(r_t A_t, \operatorname{clip}(r_t, 1 - \epsilon, 1 + \epsilon) A_t\right)',
         {"r_t": sc(POS), "A_t": sc(), "\\epsilon": sc(UNIT)},
         lambda r_t, A_t, epsilon: min(r_t * A_t, min(max(r_t, 1 - epsilon), 1 + epsilon) * A_t),
         "Schulman et al. 2017 (PPO) eq 7, with r_t(theta) and \\hat A_t written as r_t, A_t", "max-min",
         "\\operatorname{clip}(v, lo, hi)"),
    Case(r'\min\left(1, \frac{c}{\|g\|}\right)', {"c": sc(POS), "g": vec()},
         lambda c, g: min(1.0, c / _l2(g)),
         "Pascanu, Mikolov & Bengio 2013 Alg. 1 (gradient clipping scale)", "norm"),

    # ================================================================ absolute values
    Case(r'|x|', dict(X), lambda x: abs(x), "generic", "abs"),
    Case(r'\left|x\right|^2', dict(X), lambda x: abs(x) ** 2, "generic", "abs"),
    Case(r'\lvert x - y \rvert', {"x": sc(), "y": sc()}, lambda x, y: abs(x - y),
         "amsmath \\lvert \\rvert (e.g. Murphy PML1 notation section)", "abs"),
    Case(r'\frac{1}{2b}\exp\left(-\frac{|x - \mu|}{b}\right)', {"x": sc(), "\\mu": sc(), "b": sc(POS)},
         lambda x, mu, b: 1 / (2 * b) * math.exp(-abs(x - mu) / b),
         "GBC 2016 §3.9.4 eq 3.26 (Laplace density)", "abs"),
    Case(r'\frac{1}{n}\sum_{i=1}^{n} |y_i - \hat{y}_i|', {"y": vec(), "\\hat{y}": vec(), "n": sc(INT)},
         lambda y, hat_y, n: float(np.mean(np.abs(_first(y, n) - _first(hat_y, n)))),
         "mean absolute error, Murphy PML1 §5.1 / ESL §10.6", "abs"),
    Case(r'\sum_{i=1}^{n} |w_i|', {"w": vec(), "n": sc(INT)},
         lambda w, n: float(np.sum(np.abs(_first(w, n)))),
         "GBC 2016 §7.1.2 eq 7.18 (||w||_1 = sum_i |w_i|)", "abs"),

    # ================================================================ norms
    Case(r'\|w\|', {"w": vec()}, lambda w: _l2(w), "GBC 2016 §2.5 (Euclidean norm)", "norm"),
    Case(r'\|w\|_2^2', {"w": vec()}, lambda w: _l2(w) ** 2, "GBC 2016 §7.1.1 (L2 penalty)", "norm"),
    Case(r'\lVert w \rVert_2', {"w": vec()}, lambda w: _l2(w), "amsmath \\lVert \\rVert", "norm"),
    Case(r'||w||', {"w": vec()}, lambda w: _l2(w), "plain double bars, common in slides/cheatsheets", "norm"),
    Case(r'\left\lVert x \right\rVert_2^2', {"x": vec()}, lambda x: _l2(x) ** 2,
         "\\left\\lVert ... \\right\\rVert", "norm"),
    Case(r'\frac{\lambda}{2}\|w\|_2^2', {"\\lambda": sc(POS), "w": vec()},
         lambda lambda_, w: lambda_ / 2 * _l2(w) ** 2,
         "Bishop PRML §3.1.4 eq 3.27 (lambda/2 w^T w), written with the norm", "norm"),
    Case(r'\lambda_{\text{reg}}\|w\|_2^2', {"\\lambda_{\\text{reg}}": sc(POS), "w": vec()},
         lambda lambda_reg, w: lambda_reg * _l2(w) ** 2,
         "weight decay with a text subscript", "text-subscript"),
    Case(r'\|x\|_1', {"x": vec()}, lambda x: float(np.sum(np.abs(x))), "GBC 2016 §2.5 eq 2.31", "norm"),
    Case(r'\|x\|_\infty', {"x": vec()}, lambda x: float(np.max(np.abs(x))), "GBC 2016 §2.5 eq 2.32", "norm"),
    Case(r'\left(\sum_i |x_i|^p\right)^{\frac{1}{p}}', {"x": vec(), "p": sc(INT)},
         lambda x, p: float(np.sum(np.abs(x) ** p) ** (1.0 / p)),
         "GBC 2016 §2.5 eq 2.30 (L^p norm)", "norm", "sum without bounds: over all elements"),
    Case(r'\|x - y\|_2^2', {"x": vec(), "y": vec()}, lambda x, y: _l2(x - y) ** 2,
         "squared Euclidean distance, ESL §13.2", "norm"),
    Case(r"\exp\left(-\|x - x'\|^2/2\sigma^2\right)", {"x": vec(), "x'": vec(), "\\sigma": sc(POS)},
         lambda x, x_prime, sigma: math.exp(-_l2(x - x_prime) ** 2 / (2 * sigma ** 2)),
         "Bishop PRML §6.2 eq 6.23 (Gaussian kernel, printed with a slash)", "norm",
         "AMBIGUOUS as printed: a/2\\sigma^2 is meant as a/(2 sigma^2); primed vector x'"),
    Case(r'\exp\left(-\gamma\|x - y\|^2\right)', {"\\gamma": sc(POS), "x": vec(), "y": vec()},
         lambda gamma, x, y: math.exp(-gamma * _l2(x - y) ** 2),
         "RBF kernel, ESL §12.3.1 eq 12.22 / Murphy PML1 §17.1.2", "norm"),
    Case(r'\|A\|_F', {"A": mat()}, lambda A: _l2(A), "GBC 2016 §2.5 eq 2.33 (Frobenius norm)", "norm"),
    Case(r'\sqrt{\sum_{i,j} A_{i,j}^2}', {"A": mat()}, lambda A: _l2(A),
         "GBC 2016 §2.5 eq 2.33 as printed", "double-sum"),
    Case(r'\|w\|_2', {"w": vec()}, lambda w: _l2(w), "GBC 2016 §2.5", "norm"),

    # ================================================================ regression penalties (ESL)
    Case(r'\lambda\sum_{j=1}^{p}\beta_j^2', {"\\lambda": sc(POS), "\\beta": vec("p"), "p": sc(INT)},
         lambda lambda_, beta, p: lambda_ * float(np.sum(_first(beta, p) ** 2)),
         "ESL 2009 §3.4.1 eq 3.41 (ridge penalty)", "sum"),
    Case(r'\sum_{i=1}^{N}\left(y_i - \beta_0 - \sum_{j=1}^{p} x_{ij}\beta_j\right)^2 + \lambda\sum_{j=1}^{p}\beta_j^2',
         {"y": vec("N"), "x": mat("N", "p"), "\\beta": vec("p"), "\\beta_0": sc(), "\\lambda": sc(POS),
          "N": sc(INT), "p": sc(INT)},
         lambda y, x, beta, beta_0, lambda_, N, p: float(np.sum((y - beta_0 - x @ beta) ** 2) + lambda_ * np.sum(beta ** 2)),
         "ESL 2009 §3.4.1 eq 3.41 (ridge regression criterion)", "multi-index",
         "\\beta_0 is its own scalar although \\beta is a vector; x_{ij} is a matrix element"),
    Case(r'\frac{1}{2}\sum_{i=1}^{N}\left(y_i - \beta_0 - \sum_{j=1}^{p} x_{ij}\beta_j\right)^2 + \lambda\sum_{j=1}^{p}|\beta_j|',
         {"y": vec("N"), "x": mat("N", "p"), "\\beta": vec("p"), "\\beta_0": sc(), "\\lambda": sc(POS),
          "N": sc(INT), "p": sc(INT)},
         lambda y, x, beta, beta_0, lambda_, N, p: float(0.5 * np.sum((y - beta_0 - x @ beta) ** 2) + lambda_ * np.sum(np.abs(beta))),
         "ESL 2009 §3.4.2 eq 3.52 (lasso, Lagrangian form)", "multi-index"),
    Case(r'\lambda\sum_{j=1}^{p}\left(\alpha\beta_j^2 + (1-\alpha)|\beta_j|\right)',
         {"\\lambda": sc(POS), "\\alpha": sc(UNIT), "\\beta": vec("p"), "p": sc(INT)},
         lambda lambda_, alpha, beta, p: lambda_ * float(np.sum(alpha * _first(beta, p) ** 2 + (1 - alpha) * np.abs(_first(beta, p)))),
         "ESL 2009 §3.4.3 eq 3.54 (elastic-net penalty)", "sum"),

    # ================================================================ cosine similarity
    Case(r'\frac{u \cdot v}{\|u\| \|v\|}', {"u": vec(), "v": vec()},
         lambda u, v: float(np.dot(u, v)) / (_l2(u) * _l2(v)),
         "cosine similarity, e.g. Mikolov et al. 2013a §4 / Murphy PML1 §20.5", "cosine"),
    Case(r'\frac{u^\top v}{\|u\|_2\,\|v\|_2}', {"u": vec(), "v": vec()},
         lambda u, v: float(np.dot(u, v)) / (_l2(u) * _l2(v)), "cosine similarity", "cosine"),
    Case(r'\frac{\sum_{i=1}^{n} u_i v_i}{\sqrt{\sum_{i=1}^{n} u_i^2}\sqrt{\sum_{i=1}^{n} v_i^2}}',
         {"u": vec(), "v": vec(), "n": sc(INT)},
         lambda u, v, n: float(np.dot(_first(u, n), _first(v, n)) / (_l2(_first(u, n)) * _l2(_first(v, n)))),
         "cosine similarity written out with sums", "cosine"),

    # ================================================================ binomials, factorials
    Case(r'\binom{n}{k}', {"n": sc(INT), "k": sc(INT)}, lambda n, k: float(math.comb(int(n), int(k))),
         "binomial coefficient (Bishop PRML §2.1 eq 2.10)", "binom"),
    Case(r'{n \choose k}', {"n": sc(INT), "k": sc(INT)}, lambda n, k: float(math.comb(int(n), int(k))),
         "TeX \\choose form of the binomial coefficient", "binom", "plain-TeX infix \\choose"),
    Case(r'\binom{N}{m}\mu^{m}(1-\mu)^{N-m}', {"N": sc(INT), "m": idx("N"), "\\mu": sc(UNIT)},
         lambda N, m, mu: math.comb(int(N), int(m)) * mu ** m * (1 - mu) ** (N - m),
         "Bishop PRML §2.1 eq 2.9 (binomial distribution)", "binom"),
    Case(r'\frac{N!}{(N-m)!\,m!}', {"N": sc(INT), "m": idx("N")},
         lambda N, m: math.factorial(int(N)) / (math.factorial(int(N - m)) * math.factorial(int(m))),
         "Bishop PRML §2.1 eq 2.10", "factorial"),
    Case(r'n!', {"n": sc(INT)}, lambda n: float(math.factorial(int(n))), "generic", "factorial"),
    Case(r'\frac{(n+1)!}{n!}', {"n": sc(INT)}, lambda n: float(n + 1), "generic", "factorial"),
    Case(r'\frac{\lambda^k e^{-\lambda}}{k!}', {"\\lambda": sc(POS), "k": sc(INT)},
         lambda lambda_, k: lambda_ ** k * math.exp(-lambda_) / math.factorial(int(k)),
         "Murphy PML1 §2.2.5 Poisson pmf (GBC §3.9 style)", "factorial"),
    Case(r'\sum_{k=1}^{n}\binom{n}{k}', {"n": sc(INT)}, lambda n: float(2 ** int(n) - 1),
         "binomial sum", "binom"),

    # ================================================================ logarithms
    Case(r'\log_2 x', dict(XP), lambda x: math.log2(x), "Murphy PML1 §6.1 (entropy in bits)", "log"),
    Case(r'\log_b x', {"x": sc(POS), "b": sc(POS)}, lambda x, b: math.log(x) / math.log(b),
         "logarithm to base b", "log"),
    Case(r'\log_{10}(x)', dict(XP), lambda x: math.log10(x), "base-10 log", "log"),
    Case(r'\frac{\log x}{\log 2}', dict(XP), lambda x: math.log(x) / math.log(2),
         "change of base; \\log is natural", "log"),
    Case(r'-\sum_{i=1}^{n} p_i \log_2 p_i', {"p": vec("n", UNIT), "n": sc(INT)},
         lambda p, n: float(-np.sum(_first(p, n) * np.log2(_first(p, n)))),
         "Murphy PML1 §6.1.1 (entropy in bits); Shannon", "log"),
    Case(r'-\sum_{k=1}^{K} p_k\log p_k', {"p": vec("K", UNIT), "K": sc(INT)},
         lambda p, K: float(-np.sum(_first(p, K) * np.log(_first(p, K)))),
         "ESL 2009 §9.2.3 eq 9.17 (cross-entropy / deviance node impurity)", "log"),
    Case(r'\sum_{k=1}^{K}\hat{p}_k(1 - \hat{p}_k)', {"\\hat{p}": vec("K", UNIT), "K": sc(INT)},
         lambda hat_p, K: float(np.sum(_first(hat_p, K) * (1 - _first(hat_p, K)))),
         "ESL 2009 §9.2.3 eq 9.17 (Gini index), \\hat p_{mk} with m dropped", "sum",
         "hat on a vector then subscript"),
    Case(r'-p\log_2 p - (1-p)\log_2(1-p)', {"p": sc(UNIT)},
         lambda p: -p * math.log2(p) - (1 - p) * math.log2(1 - p),
         "Murphy PML1 §6.1.1 binary entropy", "log"),
    Case(r'\log\frac{p}{1-p}', {"p": sc(UNIT)}, lambda p: math.log(p / (1 - p)),
         "log-odds, Bishop PRML §4.2 eq 4.58 / ESL §4.4", "log"),

    # ================================================================ perplexity, BLEU
    Case(r'2^{-\frac{1}{N}\sum_{i=1}^{N}\log_2 q_i}', {"q": vec("N", UNIT), "N": sc(INT)},
         lambda q, N: float(2 ** (-np.mean(np.log2(_first(q, N))))),
         "perplexity 2^{H}, Jurafsky & Martin SLP3 §3.8 (q_i = q(x_i))", "perplexity"),
    Case(r'\left(\prod_{i=1}^{N}\frac{1}{p_i}\right)^{\frac{1}{N}}', {"p": vec("N", UNIT), "N": sc(INT)},
         lambda p, N: float(np.prod(1 / _first(p, N)) ** (1.0 / N)),
         "Jurafsky & Martin SLP3 §3.2.1 eq 3.15, P(w_i|...) written p_i", "perplexity"),
    Case(r'\sqrt[N]{\prod_{i=1}^{N}\frac{1}{p_i}}', {"p": vec("N", UNIT), "N": sc(INT)},
         lambda p, N: float(np.prod(1 / _first(p, N)) ** (1.0 / N)),
         "Jurafsky & Martin SLP3 §3.2.1 eq 3.15 as printed (N-th root)", "perplexity",
         "\\sqrt[N]{...}"),
    Case(r'\exp\left(-\frac{1}{N}\sum_{i=1}^{N}\log p_i\right)', {"p": vec("N", UNIT), "N": sc(INT)},
         lambda p, N: float(np.exp(-np.mean(np.log(_first(p, N))))),
         "perplexity = exp(mean NLL), Murphy PML1 §6.1.5", "perplexity"),
    Case(r'\mathrm{BP}\cdot\exp\left(\sum_{n=1}^{N} w_n\log p_n\right)',
         {"\\mathrm{BP}": sc(UNIT), "w": vec("N", UNIT), "p": vec("N", UNIT), "N": sc(INT)},
         lambda BP, w, p, N: BP * float(np.exp(np.sum(_first(w, N) * np.log(_first(p, N))))),
         "Papineni et al. 2002 (BLEU) §2.3", "bleu", "multi-letter \\mathrm{BP} is one symbol"),
    Case(r'\mathrm{BP}\cdot\exp\left(\frac{1}{N}\sum_{n=1}^{N}\log p_n\right)',
         {"\\mathrm{BP}": sc(UNIT), "p": vec("N", UNIT), "N": sc(INT)},
         lambda BP, p, N: BP * float(np.exp(np.mean(np.log(_first(p, N))))),
         "Papineni et al. 2002 (BLEU) §2.3 with uniform weights w_n = 1/N", "bleu"),
    Case(r'\begin{cases} 1 & \text{if } c > r \\ e^{(1 - r/c)} & \text{if } c \le r \end{cases}',
         {"c": sc(POS), "r": sc(POS)},
         lambda c, r: 1.0 if c > r else math.exp(1 - r / c),
         "Papineni et al. 2002 (BLEU) §2.2.2 brevity penalty", "piecewise", "\\text{if } inside cases"),
    Case(r'\exp\left(\min\left(0, 1 - \frac{r}{c}\right)\right)', {"c": sc(POS), "r": sc(POS)},
         lambda c, r: math.exp(min(0.0, 1 - r / c)),
         "brevity penalty in closed form (as in sacreBLEU docs)", "bleu"),
    Case(r'\min\left(1 - \frac{r}{c}, 0\right) + \sum_{n=1}^{N} w_n\log p_n',
         {"c": sc(POS), "r": sc(POS), "w": vec("N", UNIT), "p": vec("N", UNIT), "N": sc(INT)},
         lambda c, r, w, p, N: min(1 - r / c, 0.0) + float(np.sum(_first(w, N) * np.log(_first(p, N)))),
         "Papineni et al. 2002 (BLEU) §2.3, log BLEU", "bleu"),

    # ================================================================ primes / derivatives
    Case(r"f'(x)", {"x": sc(), "f": fn(["x"], r"f(x) = x^3 + 2x")}, lambda x: 3 * x ** 2 + 2,
         "derivative of a given function", "prime"),
    Case(r"f'(a)", {"a": sc(), "f": fn(["x"], r"f(x) = \log(1 + e^{x})")}, lambda a: float(_sig(a)),
         "GBC 2016 §3.10 eq 3.37 (d/dx zeta(x) = sigma(x)), evaluated at a", "prime"),
    Case(r"g''(x)", {"x": sc(), "g": fn(["x"], r"g(x) = x\sin x")},
         lambda x: 2 * math.cos(x) - x * math.sin(x), "second derivative via double prime", "prime"),
    Case(r"h'(x)", {"x": sc(), "h": fn(["x"], r"h(x) = \tanh(x)")}, lambda x: 1 - math.tanh(x) ** 2,
         "Bishop PRML §5.3.2 eq 5.60", "prime"),
    Case(r"f'(x) g(x) + f(x) g'(x)",
         {"x": sc(), "f": fn(["x"], r"f(x) = x^2"), "g": fn(["x"], r"g(x) = e^{x}")},
         lambda x: 2 * x * math.exp(x) + x ** 2 * math.exp(x), "product rule", "prime"),
    Case(r"f''(x)", {"x": sc(), "f": fn(["x"], r"f(x) = \frac{1}{1 + e^{-x}}")},
         lambda x: float(_sig(x) * (1 - _sig(x)) * (1 - 2 * _sig(x))),
         "second derivative of the logistic sigmoid", "prime"),
    Case(r"f^{\prime}(x)", {"x": sc(), "f": fn(["x"], r"f(x) = x^4")}, lambda x: 4 * x ** 3,
         "prime written as ^{\\prime}", "prime"),
    Case(r"\sigma'(x)", dict(X), lambda x: float(_sig(x) * (1 - _sig(x))),
         "Bishop PRML §4.3.2 eq 4.88 (d sigma/da = sigma(1 - sigma))", "prime",
         "prime on the undeclared standard sigmoid"),
    Case(r"\frac{d}{dx} f(x)", {"x": sc(POS), "f": fn(["x"], r"f(x) = x^2\ln x")},
         lambda x: 2 * x * math.log(x) + x, "Leibniz notation on a given function", "derivative"),
    Case(r"\frac{df}{dx}", {"x": sc(), "f": fn(["x"], r"f(x) = \sin(x^2)")},
         lambda x: 2 * x * math.cos(x ** 2), "Leibniz notation", "derivative"),
    Case(r"\frac{d}{dx}\left(x e^{x}\right)", dict(X), lambda x: (1 + x) * math.exp(x),
         "derivative of an inline expression", "derivative"),
    Case(r'\frac{\partial}{\partial z}\sigma(z)', dict(Z), lambda z: float(_sig(z) * (1 - _sig(z))),
         "GBC 2016 §3.10 eq 3.34 (d/dx sigma = sigma(1 - sigma))", "partial"),

    # ================================================================ partials
    Case(r'\frac{\partial^2 f}{\partial x\,\partial y}', {"x": sc(), "y": sc(), "f": fn(["x", "y"], r"f(x, y) = x^2 y^3")},
         lambda x, y: 6 * x * y ** 2, "mixed partial (GBC 2016 §4.3.1 Hessian entries)", "partial"),
    Case(r'\frac{\partial^2 f}{\partial x^2}', {"x": sc(), "y": sc(), "f": fn(["x", "y"], r"f(x, y) = x^2 y^3")},
         lambda x, y: 2 * y ** 3, "second partial", "partial"),
    Case(r'\frac{\partial f}{\partial y}', {"x": sc(), "y": sc(), "f": fn(["x", "y"], r"f(x, y) = x^2 y^3")},
         lambda x, y: 3 * x ** 2 * y ** 2, "first partial", "partial"),
    Case(r'\frac{\partial^3 f}{\partial x^2\,\partial y}', {"x": sc(), "y": sc(), "f": fn(["x", "y"], r"f(x, y) = x^3 y^2")},
         lambda x, y: 12 * x * y, "third-order mixed partial", "partial"),
    Case(r'\frac{\partial}{\partial x}\left(x^2 y + \sin(y)\right)', {"x": sc(), "y": sc()},
         lambda x, y: 2 * x * y, "partial of an inline expression", "partial"),
    Case(r'\frac{\partial^2}{\partial x\,\partial y}e^{xy}', {"x": sc(), "y": sc()},
         lambda x, y: math.exp(x * y) * (1 + x * y), "mixed partial of an inline expression", "partial"),
    Case(r'\frac{\partial L}{\partial x_k}',
         {"x": vec(), "y": vec(), "k": idx("n"), "L": fn(["x"], r"L(x) = \frac{1}{2}\|x - y\|_2^2")},
         lambda x, y, k: float(x[int(k) - 1] - y[int(k) - 1]),
         "gradient component, GBC 2016 §6.5 (back-prop notation dL/dx_k)", "partial",
         "partial w.r.t. an element of a vector argument; k a declared free index"),
    Case(r'\frac{\partial}{\partial w}\frac{1}{2}\sum_{i=1}^{n}(y_i - w x_i)^2',
         {"w": sc(), "x": vec(), "y": vec(), "n": sc(INT)},
         lambda w, x, y, n: float(-np.sum(_first(x, n) * (_first(y, n) - w * _first(x, n)))),
         "least-squares gradient (Bishop PRML §3.1.1 eq 3.13, one weight)", "partial"),
    Case(r'\frac{\partial \mathcal{L}}{\partial \hat{y}}',
         {"\\hat{y}": sc(UNIT), "y": sc(BIN),
          "\\mathcal{L}": fn(["\\hat{y}"], r"\mathcal{L}(\hat{y}) = -y\log\hat{y} - (1 - y)\log(1 - \hat{y})")},
         lambda hat_y, y: -y / hat_y + (1 - y) / (1 - hat_y),
         "binary cross-entropy gradient (CS 230 / GBC §6.2.2.2)", "partial",
         "function name \\mathcal{L}; hat-decorated differentiation variable"),
    Case(r'\|\nabla_w L\|_2^2',
         {"w": vec("m"), "X": mat("n", "m"), "y": vec("n"), "L": fn(["w"], r"L(w) = \frac{1}{2}\|X w - y\|_2^2")},
         lambda w, X, y: _l2(X.T @ (X @ w - y)) ** 2,
         "least-squares gradient X^T(Xw - y), GBC 2016 §4.5 eq 4.22", "gradient"),
    Case(r'v^\top\nabla_w L',
         {"v": vec(), "w": vec(), "\\lambda": sc(POS), "L": fn(["w"], r"L(w) = \frac{\lambda}{2}w^\top w")},
         lambda v, w, lambda_: lambda_ * float(np.dot(v, w)),
         "directional derivative of the weight-decay term, GBC 2016 §7.1.1 eq 7.3", "gradient"),

    # ================================================================ products and sums
    Case(r'\prod_{i=1}^{n} x_i', {"x": vec(), "n": sc(INT)}, lambda x, n: float(np.prod(_first(x, n))),
         "generic product", "product"),
    Case(r'\prod_{n=1}^{N}\mu^{x_n}(1-\mu)^{1-x_n}', {"x": vec("N", BIN), "\\mu": sc(UNIT), "N": sc(INT)},
         lambda x, mu, N: float(np.prod(mu ** _first(x, N) * (1 - mu) ** (1 - _first(x, N)))),
         "Bishop PRML §2.1 eq 2.5 (Bernoulli likelihood)", "product"),
    Case(r'\prod_{n=1}^{N} y_n^{t_n}\left\{1 - y_n\right\}^{1 - t_n}',
         {"y": vec("N", UNIT), "t": vec("N", BIN), "N": sc(INT)},
         lambda y, t, N: float(np.prod(_first(y, N) ** _first(t, N) * (1 - _first(y, N)) ** (1 - _first(t, N)))),
         "Bishop PRML §4.3.2 eq 4.89 (logistic-regression likelihood)", "product",
         "curly braces as grouping, element with a subscripted exponent"),
    Case(r'\sum_{i=1}^{n} x_i', {"x": vec(), "n": sc(INT)}, lambda x, n: float(np.sum(_first(x, n))),
         "generic sum", "sum"),
    Case(r'\frac{1}{n}\sum_{i=1}^{n} x_i', {"x": vec(), "n": sc(INT)}, lambda x, n: float(np.mean(_first(x, n))),
         "sample mean, Bishop PRML §1.2.4 eq 1.55", "sum"),
    Case(r'\sum_{i=1}^{n} i', {"n": sc(INT)}, lambda n: float(n * (n + 1) / 2),
         "index appears in the summand", "sum"),
    Case(r'\sum_{i=1}^{n} i^2', {"n": sc(INT)}, lambda n: float(sum(i * i for i in range(1, int(n) + 1))),
         "index appears in the summand", "sum"),
    Case(r'\sum_{i=1}^{n} w_i x_i', {"w": vec(), "x": vec(), "n": sc(INT)},
         lambda w, x, n: float(np.dot(_first(w, n), _first(x, n))), "GBC 2016 §5.1.4 linear model", "sum"),
    Case(r'\sum_{j=1}^{M} w_j x^j', {"w": vec("M"), "x": sc(), "M": sc(INT)},
         lambda w, x, M: float(sum(w[j - 1] * x ** j for j in range(1, int(M) + 1))),
         "Bishop PRML §1.1 eq 1.1 (polynomial; w_0 term dropped)", "sum",
         "the index is an exponent of a scalar"),
    Case(r'\frac{1}{k}\sum_{i=1}^{k} y_i', {"y": vec("k"), "k": sc(INT)},
         lambda y, k: float(np.mean(_first(y, k))),
         "ESL 2009 §2.3.2 eq 2.8 (k-NN average), neighbourhood written as 1..k", "sum"),
    Case(r'\sum_{i}\exp(x_i)', {"x": vec()}, lambda x: float(np.sum(np.exp(x))),
         "sum without bounds over a vector", "sum"),
    Case(r'\frac{1}{2}\sum_{n=1}^{N}\left\{w x_n - t_n\right\}^2', {"w": sc(), "x": vec("N"), "t": vec("N"), "N": sc(INT)},
         lambda w, x, t, N: float(0.5 * np.sum((w * _first(x, N) - _first(t, N)) ** 2)),
         "Bishop PRML §1.1 eq 1.2 (sum-of-squares error, y(x_n, w) = w x_n)", "sum"),
    Case(r'-\frac{1}{2\sigma^2}\sum_{n=1}^{N}(x_n - \mu)^2 - \frac{N}{2}\ln\sigma^2 - \frac{N}{2}\ln(2\pi)',
         {"x": vec("N"), "\\mu": sc(), "\\sigma": sc(POS), "N": sc(INT)},
         lambda x, mu, sigma, N: float(-np.sum((_first(x, N) - mu) ** 2) / (2 * sigma ** 2)
                                      - N / 2 * math.log(sigma ** 2) - N / 2 * math.log(2 * math.pi)),
         "Bishop PRML §1.2.4 eq 1.54 (Gaussian log likelihood)", "sum",
         "\\sigma declared as a scalar here, not the sigmoid; \\ln\\sigma^2 = ln(sigma^2)"),
    Case(r'\sum_{i=1}^{N}\left\{y_i\beta x_i - \log\left(1 + e^{\beta x_i}\right)\right\}',
         {"y": vec("N", BIN), "x": vec("N"), "\\beta": sc(), "N": sc(INT)},
         lambda y, x, beta, N: float(np.sum(_first(y, N) * beta * _first(x, N) - _softplus(beta * _first(x, N)))),
         "ESL 2009 §4.4.1 eq 4.20 (logistic log-likelihood, one scalar feature)", "sum"),
    Case(r'\frac{1}{(2\pi\sigma^2)^{1/2}}\exp\left\{-\frac{1}{2\sigma^2}(x - \mu)^2\right\}',
         {"x": sc(), "\\mu": sc(), "\\sigma": sc(POS)},
         lambda x, mu, sigma: math.exp(-(x - mu) ** 2 / (2 * sigma ** 2)) / math.sqrt(2 * math.pi * sigma ** 2),
         "Bishop PRML §1.2.4 eq 1.46 (Gaussian density)", "named-function",
         "\\exp\\left\\{ ... \\right\\}"),

    # ================================================================ double sums
    Case(r'\sum_{i,j=1}^{n} x_i x_j', {"x": vec(), "n": sc(INT)}, lambda x, n: float(np.sum(_first(x, n)) ** 2),
         "double sum with a shared range", "double-sum"),
    Case(r'\sum_{i,j=1}^{n} A_{ij}x_i x_j', {"A": mat("n", "n"), "x": vec(), "n": sc(INT)},
         lambda A, x, n: float(x @ A @ x), "quadratic form written out, GBC 2016 §2.3", "double-sum"),
    Case(r'\sum_{i=1}^{n}\sum_{j=1}^{m} A_{ij}', {"A": mat(), "n": sc(INT), "m": sc(INT)},
         lambda A, n, m: float(np.sum(A[: int(n), : int(m)])), "nested sums over a matrix", "double-sum"),
    Case(r'\sum_{i=1}^{n}\sum_{j=1}^{m} A_{ij}x_i y_j', {"A": mat(), "x": vec("n"), "y": vec("m"), "n": sc(INT), "m": sc(INT)},
         lambda A, x, y, n, m: float(x @ A @ y), "bilinear form written out", "double-sum"),
    Case(r'\sum_{i}\sum_{j} W_{i,j}^2', {"W": mat()}, lambda W: float(np.sum(W ** 2)),
         "squared Frobenius norm of weights (GBC 2016 §7.1 style)", "double-sum", "comma in the subscript"),
    Case(r"\sum_{k=1}^{n}\sum_{k'=1}^{n} G_{kk'}", {"G": mat("n", "n"), "n": sc(INT)},
         lambda G, n: float(np.sum(G[: int(n), : int(n)])),
         "co-occurrence matrix total (G_{kk'} style indices, cf. word-embedding texts)", "double-sum",
         "primed index k' is a different index from k"),
    Case(r'\sum_{i=1}^{n}\sum_{j=1}^{i} x_j', {"x": vec(), "n": sc(INT)},
         lambda x, n: float(np.sum(np.cumsum(_first(x, n)))), "inner bound depends on the outer index", "double-sum"),
    Case(r'\sum_{n=1}^{N} a_n - \frac{1}{2}\sum_{n=1}^{N}\sum_{m=1}^{N} a_n a_m t_n t_m k(x_n, x_m)',
         {"a": vec("N", NONNEG), "t": vec("N"), "x": vec("N"), "N": sc(INT),
          "k": fn(["u", "v"], r"k(u, v) = \exp\left(-(u - v)^2\right)")},
         lambda a, t, x, N: float(np.sum(_first(a, N)) - 0.5 * sum(a[i] * a[j] * t[i] * t[j] * math.exp(-(x[i] - x[j]) ** 2)
                                                                  for i, j in itertools.product(range(int(N)), repeat=2))),
         "Bishop PRML §7.1 eq 7.10 (SVM dual), kernel given as a function", "double-sum"),
    Case(r'\sum_{i,j=1}^{V} f(X_{ij})\left(w_i^\top\tilde{w}_j + b_i + \tilde{b}_j - \log X_{ij}\right)^2',
         {"X": mat("V", "V", POS), "w": mat("V", "d"), "\\tilde{w}": mat("V", "d"), "b": vec("V"),
          "\\tilde{b}": vec("V"), "V": sc(INT), "x_{\\max}": sc(POS), "\\alpha": sc(UNIT),
          "f": fn(["x"], r"f(x) = \min\left(1, \left(\frac{x}{x_{\max}}\right)^{\alpha}\right)")},
         lambda X, w, tilde_w, b, tilde_b, V, x_max, alpha: float(sum(
             min(1.0, (X[i, j] / x_max) ** alpha) * (w[i] @ tilde_w[j] + b[i] + tilde_b[j] - math.log(X[i, j])) ** 2
             for i in range(int(V)) for j in range(int(V)))),
         "Pennington, Socher & Manning 2014 (GloVe) eq 8 with f of eq 9", "double-sum",
         "w_i, \\tilde w_j are ROWS of matrices; f written with min instead of cases"),

    # ================================================================ multi-index elements
    Case(r'X_{ij}', {"X": mat(), "i": idx("n"), "j": idx("m")}, lambda X, i, j: float(X[int(i) - 1, int(j) - 1]),
         "matrix element, GloVe §3 (X_{ij} co-occurrence counts)", "multi-index"),
    Case(r'W_{i,j}', {"W": mat(), "i": idx("n"), "j": idx("m")}, lambda W, i, j: float(W[int(i) - 1, int(j) - 1]),
         "GBC 2016 §2.1 (A_{i,j})", "multi-index"),
    Case(r'W_{2,1}', {"W": mat()}, lambda W: float(W[1, 0]), "GBC 2016 §2.1 (A_{1,1} ...)", "multi-index"),
    Case(r'X_{12}', {"X": mat()}, lambda X: float(X[0, 1]),
         "matrix element with two single-digit indices run together", "multi-index",
         "AMBIGUOUS in general; for a declared matrix it means row 1, column 2"),
    Case(r"\sum_{k'=1}^{n} G_{kk'}", {"G": mat("n", "n"), "k": idx("n"), "n": sc(INT)},
         lambda G, k, n: float(np.sum(G[int(k) - 1, : int(n)])),
         "row total of a co-occurrence matrix (G_{kk'} indices)", "multi-index"),
    Case(r"\log G_{kk'}", {"G": mat("n", "n", POS), "k": idx("n"), "k'": idx("n")},
         lambda G, k, k_prime: math.log(G[int(k) - 1, int(k_prime) - 1]),
         "log co-occurrence with a primed free index", "multi-index"),
    Case(r"\frac{X_{ik}}{\sum_{k'=1}^{V} X_{ik'}}", {"X": mat("V", "V", POS), "i": idx("V"), "k": idx("V"), "V": sc(INT)},
         lambda X, i, k, V: float(X[int(i) - 1, int(k) - 1] / np.sum(X[int(i) - 1, : int(V)])),
         "Pennington et al. 2014 (GloVe) §3: P_{ik} = X_{ik}/X_i", "multi-index"),
    Case(r'\sum_{j=1}^{m} W_{ij}x_j + b_i', {"W": mat(), "x": vec("m"), "b": vec("n"), "i": idx("n"), "m": sc(INT)},
         lambda W, x, b, i, m: float(W[int(i) - 1, : int(m)] @ _first(x, m) + b[int(i) - 1]),
         "i-th pre-activation, GBC 2016 §6.4 / Bishop PRML §5.1 eq 5.2", "multi-index"),
    Case(r'a_{ijk}', {"a": ten("n", "m", "p"), "i": idx("n"), "j": idx("m"), "k": idx("p")},
         lambda a, i, j, k: float(a[int(i) - 1, int(j) - 1, int(k) - 1]),
         "three-index tensor element (GBC 2016 §2.1 tensors A_{i,j,k})", "multi-index"),
    Case(r'\sum_{i=1}^{n}\sum_{j=1}^{m}\sum_{k=1}^{p} a_{ijk}', {"a": ten("n", "m", "p"), "n": sc(INT), "m": sc(INT), "p": sc(INT)},
         lambda a, n, m, p: float(np.sum(a[: int(n), : int(m), : int(p)])), "triple sum over a tensor", "multi-index"),

    # ================================================================ number subscripts of a declared vector
    Case(r'x_1 + x_2', {"x": vec()}, lambda x: float(x[0] + x[1]), "elements of a declared vector", "number-subscript"),
    Case(r'w_1 x_1 + w_2 x_2 + b', {"w": vec(), "x": vec(), "b": sc()},
         lambda w, x, b: float(w[0] * x[0] + w[1] * x[1] + b), "GBC 2016 §6.1 (XOR example style)", "number-subscript"),
    Case(r'x_1 x_2 - x_3', {"x": vec()}, lambda x: float(x[0] * x[1] - x[2]), "products of elements", "number-subscript"),
    Case(r'\frac{x_1 + x_2 + x_3}{3}', {"x": vec()}, lambda x: float((x[0] + x[1] + x[2]) / 3), "average of three elements", "number-subscript"),
    Case(r'\theta_1 - \theta_2', {"\\theta": vec()}, lambda theta: float(theta[0] - theta[1]),
         "elements of a Greek-named vector", "number-subscript"),

    # ================================================================ dot products
    Case(r'w^T x + b', {"w": vec(), "x": vec(), "b": sc()}, lambda w, x, b: float(w @ x + b),
         "CS 230 / Bishop PRML §4.1 eq 4.4 (y = w^T x + w_0)", "dot-product", "^T = transpose"),
    Case(r'w^\top x', {"w": vec(), "x": vec()}, lambda w, x: float(w @ x), "GBC 2016 §5.1.4 eq 5.3", "dot-product"),
    Case(r'w \cdot x', {"w": vec(), "x": vec()}, lambda w, x: float(w @ x), "dot product of two vectors", "dot-product"),
    Case(r'\mathbf{w}^\top\mathbf{x} + b', {"\\mathbf{w}": vec(), "\\mathbf{x}": vec(), "b": sc()},
         lambda w, x, b: float(w @ x + b), "Bishop PRML §4.1 (bold vectors)", "dot-product"),
    Case(r'\sigma(w^\top x + b)', {"w": vec(), "x": vec(), "b": sc()}, lambda w, x, b: float(_sig(w @ x + b)),
         "logistic regression, Bishop PRML §4.3.2 eq 4.87", "dot-product"),
    Case(r'\frac{\alpha}{2}w^\top w', {"\\alpha": sc(POS), "w": vec()}, lambda alpha, w: alpha / 2 * float(w @ w),
         "GBC 2016 §7.1.1 eq 7.2", "dot-product"),
    Case(r'x^\top A x', {"x": vec(), "A": mat("n", "n")}, lambda x, A: float(x @ A @ x), "quadratic form", "dot-product"),
    Case(r'x^\top W y', {"x": vec("n"), "W": mat(), "y": vec("m")}, lambda x, W, y: float(x @ W @ y),
         "bilinear form (e.g. Luong et al. 2015 'general' score h_t^T W_a h_s)", "dot-product"),
    Case(r'\langle u, v \rangle', {"u": vec(), "v": vec()}, lambda u, v: float(u @ v),
         "inner product brackets, Murphy PML1 §7.1", "dot-product"),
    Case(r'\frac{q^\top k}{\sqrt{d_k}}', {"q": vec("d_k"), "k": vec("d_k"), "d_k": sc(INT)},
         lambda q, k, d_k: float(q @ k / math.sqrt(d_k)),
         "Vaswani et al. 2017 §3.2.1 (scaled dot product, one query/key pair)", "attention"),
    Case(r'\frac{q \cdot k}{\sqrt{d_k}}', {"q": vec("d_k"), "k": vec("d_k"), "d_k": sc(INT)},
         lambda q, k, d_k: float(q @ k / math.sqrt(d_k)),
         "Vaswani et al. 2017 §3.2.1 footnote 4 (q . k = sum_i q_i k_i)", "attention"),
    Case(r"\frac{\exp\left(q^\top k_j/\sqrt{d_k}\right)}{\sum_{j'=1}^{n}\exp\left(q^\top k_{j'}/\sqrt{d_k}\right)}",
         {"q": vec("d_k"), "k": mat("n", "d_k"), "j": idx("n"), "n": sc(INT), "d_k": sc(INT)},
         lambda q, k, j, n, d_k: float(_softmax(k[: int(n)] @ q / math.sqrt(d_k))[int(j) - 1]),
         "Vaswani et al. 2017 §3.2.1 eq 1, one attention weight", "attention",
         "k_j is the j-th ROW of the key matrix k"),
    Case(r'v_a^\top\tanh\left(W_a s_{i-1} + U_a h_j\right)',
         {"v_a": vec("n"), "W_a": mat("n", "m"), "s_{i-1}": vec("m"), "U_a": mat("n", "m"), "h_j": vec("m")},
         lambda v_a, W_a, s_i_minus_1, U_a, h_j: float(v_a @ np.tanh(W_a @ s_i_minus_1 + U_a @ h_j)),
         "Bahdanau, Cho & Bengio 2015 App. A.1.2 (alignment model a(s_{i-1}, h_j))", "attention",
         "all subscripted names are atomic vectors/matrices; tanh elementwise"),
    Case(r"\log\sigma\left({v'_{w_O}}^\top v_{w_I}\right)", {"v'_{w_O}": vec("d"), "v_{w_I}": vec("d")},
         lambda v_prime_w_O, v_w_I: float(-_softplus(-(v_prime_w_O @ v_w_I))),
         "Mikolov et al. 2013b (word2vec negative sampling) eq 4, positive term", "dot-product",
         "primed vector with a nested subscript, transposed inside braces"),
    Case(r'-\frac{1}{2}(x - \mu)^\top\Sigma^{-1}(x - \mu)', {"x": vec("D"), "\\mu": vec("D"), "\\Sigma": mat("D", "D", "spd")},
         lambda x, mu, Sigma: float(-0.5 * (x - mu) @ np.linalg.solve(Sigma, x - mu)),
         "Bishop PRML §2.3 eq 2.44 (Gaussian exponent)", "matrix-inverse"),
    Case(r'\frac{1}{(2\pi)^{D/2}}\frac{1}{|\Sigma|^{1/2}}\exp\left\{-\frac{1}{2}(x - \mu)^\top\Sigma^{-1}(x - \mu)\right\}',
         {"x": vec("D"), "\\mu": vec("D"), "\\Sigma": mat("D", "D", "spd"), "D": sc(INT)},
         lambda x, mu, Sigma, D: float((2 * math.pi) ** (-D / 2) * np.linalg.det(Sigma) ** -0.5
                                       * math.exp(-0.5 * (x - mu) @ np.linalg.solve(Sigma, x - mu))),
         "Bishop PRML §2.3 eq 2.43 (multivariate Gaussian)", "matrix-inverse",
         "|Sigma| of a matrix is the determinant, not an absolute value"),

    # ================================================================ softmax / log-sum-exp
    Case(r'\frac{\exp(z_i)}{\sum_{j=1}^{n}\exp(z_j)}', {"z": vec(), "i": idx("n"), "n": sc(INT)},
         lambda z, i, n: float(_softmax(_first(z, n))[int(i) - 1]), "GBC 2016 §6.2.2.3 eq 6.29", "softmax"),
    Case(r'\frac{e^{z_i}}{\sum_j e^{z_j}}', {"z": vec(), "i": idx("n")},
         lambda z, i: float(_softmax(z)[int(i) - 1]), "softmax with e^{.}, CS 230 / Bishop PRML eq 4.104", "softmax"),
    Case(r'\operatorname{softmax}(z)_i', {"z": vec(), "i": idx("n")},
         lambda z, i: float(_softmax(z)[int(i) - 1]), "GBC 2016 §6.2.2.3 eq 6.29 (left side)", "softmax",
         "named vector function followed by an element subscript"),
    Case(r'z_i - \log\sum_j\exp(z_j)', {"z": vec(), "i": idx("n")},
         lambda z, i: float(z[int(i) - 1] - _lse(z)), "GBC 2016 §6.2.2.3 eq 6.30 (log softmax)", "log-sum-exp"),
    Case(r'\log\sum_{i=1}^{n}\exp(x_i)', {"x": vec(), "n": sc(INT)}, lambda x, n: _lse(_first(x, n)),
         "log-sum-exp, Murphy PML1 §2.5.4 eq 2.101", "log-sum-exp"),
    Case(r'\log\sum_{i=1}^{n} e^{x_i}', {"x": vec(), "n": sc(INT)}, lambda x, n: _lse(_first(x, n)),
         "log-sum-exp with e^{.}", "log-sum-exp"),
    Case(r'\max_i x_i + \log\sum_{i}\exp\left(x_i - \max_j x_j\right)', {"x": vec()}, lambda x: _lse(x),
         "Murphy PML1 §2.5.4 (log-sum-exp trick)", "log-sum-exp"),
    Case(r'\frac{\exp(z_i/T)}{\sum_j\exp(z_j/T)}', {"z": vec(), "i": idx("n"), "T": sc(POS)},
         lambda z, i, T: float(_softmax(np.asarray(z) / T)[int(i) - 1]),
         "Hinton, Vinyals & Dean 2015 (distillation) eq 1", "softmax"),
    Case(r'-z_y + \log\sum_{j=1}^{K}\exp(z_j)', {"z": vec("K"), "y": idx("K"), "K": sc(INT)},
         lambda z, y, K: float(-z[int(y) - 1] + _lse(_first(z, K))),
         "softmax cross-entropy with integer label y (GBC 2016 §6.2.2.3)", "log-sum-exp",
         "an integer symbol used as a subscript"),

    # ================================================================ cross-entropy / KL / losses
    Case(r'-\sum_{i=1}^{n} y_i\log\hat{y}_i', {"y": vec(), "\\hat{y}": vec("n", UNIT), "n": sc(INT)},
         lambda y, hat_y, n: float(-np.sum(_first(y, n) * np.log(_first(hat_y, n)))),
         "categorical cross-entropy, Murphy PML1 §10.3", "cross-entropy"),
    Case(r'-\left[y\log\hat{y} + (1-y)\log(1-\hat{y})\right]', {"y": sc(BIN), "\\hat{y}": sc(UNIT)},
         lambda y, hat_y: -(y * math.log(hat_y) + (1 - y) * math.log(1 - hat_y)),
         "binary cross-entropy, GBC 2016 §6.2.2.2", "cross-entropy"),
    Case(r'-\sum_{n=1}^{N}\left\{t_n\ln y_n + (1 - t_n)\ln(1 - y_n)\right\}',
         {"t": vec("N", BIN), "y": vec("N", UNIT), "N": sc(INT)},
         lambda t, y, N: float(-np.sum(_first(t, N) * np.log(_first(y, N)) + (1 - _first(t, N)) * np.log(1 - _first(y, N)))),
         "Bishop PRML §4.3.2 eq 4.90", "cross-entropy"),
    Case(r'-\sum_{i=1}^{n} p_i\log q_i', {"p": vec("n", UNIT), "q": vec("n", UNIT), "n": sc(INT)},
         lambda p, q, n: float(-np.sum(_first(p, n) * np.log(_first(q, n)))),
         "cross-entropy H(p, q), GBC 2016 §3.13 eq 3.51", "cross-entropy"),
    Case(r'\sum_{i=1}^{n} p_i\log\frac{p_i}{q_i}', {"p": vec("n", UNIT), "q": vec("n", UNIT), "n": sc(INT)},
         lambda p, q, n: float(np.sum(_first(p, n) * np.log(_first(p, n) / _first(q, n)))),
         "KL divergence, GBC 2016 §3.13 eq 3.50 / Murphy PML1 §6.2", "kl"),
    Case(r'\sum_i p_i(\log p_i - \log q_i)', {"p": vec("n", UNIT), "q": vec("n", UNIT)},
         lambda p, q: float(np.sum(p * (np.log(p) - np.log(q)))),
         "GBC 2016 §3.13 eq 3.50 (E_P[log P - log Q])", "kl"),
    Case(r'\log\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1 - \mu_2)^2}{2\sigma_2^2} - \frac{1}{2}',
         {"\\sigma_1": sc(POS), "\\sigma_2": sc(POS), "\\mu_1": sc(), "\\mu_2": sc()},
         lambda sigma_1, sigma_2, mu_1, mu_2: math.log(sigma_2 / sigma_1) + (sigma_1 ** 2 + (mu_1 - mu_2) ** 2) / (2 * sigma_2 ** 2) - 0.5,
         "KL between univariate Gaussians, Murphy PML1 §6.2.3", "kl", "\\sigma_1 a scalar, not the sigmoid"),
    Case(r'-\frac{1}{2}\sum_{j=1}^{J}\left(1 + \log(\sigma_j^2) - \mu_j^2 - \sigma_j^2\right)',
         {"\\mu": vec("J"), "\\sigma": vec("J", POS), "J": sc(INT)},
         lambda mu, sigma, J: float(-0.5 * np.sum(1 + np.log(_first(sigma, J) ** 2) - _first(mu, J) ** 2 - _first(sigma, J) ** 2)),
         "Kingma & Welling 2014 (VAE) App. B, KL(q||p) = -(1/2) sum(...)", "kl",
         "\\sigma declared as a vector, so \\sigma_j is an element, not the sigmoid"),
    Case(r'-\alpha_t(1 - p_t)^\gamma\log(p_t)', {"\\alpha_t": sc(UNIT), "p_t": sc(UNIT), "\\gamma": sc(POS)},
         lambda alpha_t, p_t, gamma: -alpha_t * (1 - p_t) ** gamma * math.log(p_t),
         "Lin et al. 2017 (focal loss) eq 5", "cross-entropy"),
    Case(r'(1 - \epsilon)y + \frac{\epsilon}{K}', {"\\epsilon": sc(UNIT), "y": sc(BIN), "K": sc(INT)},
         lambda epsilon, y, K: (1 - epsilon) * y + epsilon / K,
         "Szegedy et al. 2016 (Inception-v3) §7 label smoothing", "cross-entropy"),
    Case(r'\frac{2\sum_i p_i g_i}{\sum_i p_i + \sum_i g_i}', {"p": vec("n", UNIT), "g": vec("n", BIN)},
         lambda p, g: float(2 * np.sum(p * g) / (np.sum(p) + np.sum(g))),
         "Milletari et al. 2016 (V-Net) eq 1, soft Dice (without squares)", "sum"),

    # ================================================================ expectations
    Case(r'\mathbb{E}_{x\sim\mathcal{N}(\mu,\sigma^2)}\left[x^2\right]', {"\\mu": sc(), "\\sigma": sc(POS)},
         lambda mu, sigma: mu ** 2 + sigma ** 2,
         "GBC 2016 §3.8 eq 3.9-3.11 notation E_{x~P}[f(x)]; Gaussian second moment", "expectation",
         "x is a bound random variable, not a symbol of the formula"),
    Case(r'\mathbb{E}_{x\sim\mathcal{N}(\mu,\sigma^2)}[x]', {"\\mu": sc(), "\\sigma": sc(POS)},
         lambda mu, sigma: mu, "GBC 2016 §3.8 eq 3.9 notation", "expectation"),

    # ================================================================ text subscripts / multi-letter names
    Case(r'\frac{I - F + P_\text{start} + P_\text{end}}{S} + 1',
         {"I": sc(INT), "F": sc(INT), "P_\\text{start}": sc(INT), "P_\\text{end}": sc(INT), "S": sc(INT)},
         lambda I, F, P_start, P_end, S: (I - F + P_start + P_end) / S + 1,
         "CS 230 CNN cheatsheet, 'Compatibility of parameters' (output size O)", "text-subscript",
         "I is a size, not the identity / imaginary unit"),
    Case(r'\log P_\textrm{start} + \log P_\textrm{end}', {"P_\\textrm{start}": sc(UNIT), "P_\\textrm{end}": sc(UNIT)},
         lambda P_start, P_end: math.log(P_start) + math.log(P_end),
         "span score, Devlin et al. 2019 (BERT) §4.2 / Seo et al. 2017 (BiDAF) §3", "text-subscript"),
    Case(r'\theta_{\text{old}} - \eta\,g', {"\\theta_{\\text{old}}": sc(), "\\eta": sc(POS), "g": sc()},
         lambda theta_old, eta, g: theta_old - eta * g, "SGD step with a text subscript (GBC 2016 Alg. 8.1)", "text-subscript"),
    Case(r'\tau\theta + (1 - \tau)\theta_{\text{target}}', {"\\tau": sc(UNIT), "\\theta": sc(), "\\theta_{\\text{target}}": sc()},
         lambda tau, theta, theta_target: tau * theta + (1 - tau) * theta_target,
         "Lillicrap et al. 2016 (DDPG) Alg. 1 soft target update", "text-subscript"),
    Case(r"\tau\theta + (1 - \tau)\theta'", {"\\tau": sc(UNIT), "\\theta": sc(), "\\theta'": sc()},
         lambda tau, theta, theta_prime: tau * theta + (1 - tau) * theta_prime,
         "Lillicrap et al. 2016 (DDPG) Alg. 1 (theta^{Q'} <- tau theta^Q + (1 - tau) theta^{Q'})", "prime-symbol",
         "declared primed symbol, not a derivative"),
    Case(r'\sqrt{\frac{6}{n_{\text{in}} + n_{\text{out}}}}', {"n_{\\text{in}}": sc(INT), "n_{\\text{out}}": sc(INT)},
         lambda n_in, n_out: math.sqrt(6 / (n_in + n_out)), "Glorot & Bengio 2010 eq 16 (Xavier bound)", "text-subscript"),
    Case(r'\sqrt{\frac{2}{n_l}}', {"n_l": sc(INT)}, lambda n_l: math.sqrt(2 / n_l),
         "He et al. 2015 §2.2 eq 10 (He init std)", "misc"),
    Case(r'\eta_{\min} + \frac{1}{2}(\eta_{\max} - \eta_{\min})\left(1 + \cos\left(\frac{T_{cur}}{T_i}\pi\right)\right)',
         {"\\eta_{\\min}": sc(POS), "\\eta_{\\max}": sc(POS), "T_{cur}": sc(NONNEG), "T_i": sc(POS)},
         lambda eta_min, eta_max, T_cur, T_i: eta_min + 0.5 * (eta_max - eta_min) * (1 + math.cos(T_cur / T_i * math.pi)),
         "Loshchilov & Hutter 2017 (SGDR) eq 5", "text-subscript",
         "\\min/\\max inside subscripts are labels; T_{cur} multi-letter subscript"),
    Case(r'd_{\text{model}}^{-0.5}\cdot\min\left(\mathit{step\_num}^{-0.5}, \mathit{step\_num}\cdot\mathit{warmup\_steps}^{-1.5}\right)',
         {"d_{\\text{model}}": sc(INT), "\\mathit{step\\_num}": sc(INT), "\\mathit{warmup\\_steps}": sc(INT)},
         lambda d_model, step_num, warmup_steps: d_model ** -0.5 * min(step_num ** -0.5, step_num * warmup_steps ** -1.5),
         "Vaswani et al. 2017 §5.3 eq 3 (learning-rate schedule)", "text-subscript",
         "multi-letter italic names with escaped underscores"),
    Case(r'\sin\left(pos / 10000^{2i/d_{\text{model}}}\right)', {"pos": sc(INT), "i": sc(INT), "d_{\\text{model}}": sc(INT)},
         lambda pos, i, d_model: math.sin(pos / 10000 ** (2 * i / d_model)),
         "Vaswani et al. 2017 §3.5 PE_{(pos,2i)}", "text-subscript",
         "multi-letter variable 'pos' printed in plain math italics"),
    Case(r'\cos\left(\frac{pos}{10000^{2i/d_\text{model}}}\right)', {"pos": sc(INT), "i": sc(INT), "d_\\text{model}": sc(INT)},
         lambda pos, i, d_model: math.cos(pos / 10000 ** (2 * i / d_model)),
         "Vaswani et al. 2017 §3.5 PE_{(pos,2i+1)}", "text-subscript"),
    Case(r'\frac{\textrm{number of correct predictions}}{\textrm{total number of predictions}}',
         {"\\textrm{number of correct predictions}": sc(INT), "\\textrm{total number of predictions}": sc(INT)},
         lambda number_of_correct_predictions, total_number_of_predictions: number_of_correct_predictions / total_number_of_predictions,
         "accuracy as worded in ML courses (e.g. Murphy PML1 §5.1)", "multi-word-text"),
    Case(r'2\cdot\frac{\textrm{precision}\cdot\textrm{recall}}{\textrm{precision} + \textrm{recall}}',
         {"\\textrm{precision}": sc(UNIT), "\\textrm{recall}": sc(UNIT)},
         lambda precision, recall: 2 * precision * recall / (precision + recall),
         "F1 score, Murphy PML1 §5.1.4", "multi-word-text"),
    Case(r'\frac{\mathrm{TP}}{\mathrm{TP} + \mathrm{FP}}', {"\\mathrm{TP}": sc(INT), "\\mathrm{FP}": sc(INT)},
         lambda TP, FP: TP / (TP + FP), "precision, Murphy PML1 §5.1.4", "multi-word-text"),
    Case(r'(F \times F \times C + 1) \cdot K', {"F": sc(INT), "C": sc(INT), "K": sc(INT)},
         lambda F, C, K: float((F * F * C + 1) * K), "CS 230 CNN cheatsheet, number of parameters of a CONV layer", "misc",
         "\\times as multiplication"),

    # ================================================================ time / layer superscripts
    Case(r'\tanh\left(W_{aa}a^{<t-1>} + W_{ax}x^{<t>} + b_a\right)',
         {"W_{aa}": sc(), "a^{<t-1>}": sc(), "W_{ax}": sc(), "x^{<t>}": sc(), "b_a": sc()},
         lambda W_aa, a_t_minus_1, W_ax, x_t, b_a: math.tanh(W_aa * a_t_minus_1 + W_ax * x_t + b_a),
         "CS 230 RNN cheatsheet (a^{<t>} with g_1 = tanh), scalar units", "time-index",
         "<t> superscripts are labels, not powers or comparisons"),
    Case(r'g_1\left(W_{aa}a^{<t-1>} + W_{ax}x^{<t>} + b_a\right)',
         {"W_{aa}": sc(), "a^{<t-1>}": sc(), "W_{ax}": sc(), "x^{<t>}": sc(), "b_a": sc(),
          "g_1": fn(["z"], r"g_1(z) = \tanh(z)")},
         lambda W_aa, a_t_minus_1, W_ax, x_t, b_a: math.tanh(W_aa * a_t_minus_1 + W_ax * x_t + b_a),
         "CS 230 RNN cheatsheet, a^{<t>} = g_1(...) as printed", "time-index", "subscripted function name g_1"),
    Case(r'\sigma\left(W_{ya}a^{<t>} + b_y\right)', {"W_{ya}": sc(), "a^{<t>}": sc(), "b_y": sc()},
         lambda W_ya, a_t, b_y: float(_sig(W_ya * a_t + b_y)),
         "CS 230 RNN cheatsheet, y^{<t>} = g_2(W_{ya} a^{<t>} + b_y) with g_2 = sigma", "time-index"),
    Case(r'\Gamma_u\star\tilde{c}^{<t>} + (1 - \Gamma_u)\star c^{<t-1>}',
         {"\\Gamma_u": sc(UNIT), "\\tilde{c}^{<t>}": sc(), "c^{<t-1>}": sc()},
         lambda Gamma_u, tilde_c_t, c_t_minus_1: Gamma_u * tilde_c_t + (1 - Gamma_u) * c_t_minus_1,
         "CS 230 RNN cheatsheet, GRU c^{<t>}", "time-index", "\\star = elementwise product; \\Gamma_u not the gamma function"),
    Case(r'\Gamma_u\star\tilde{c}^{<t>} + \Gamma_f\star c^{<t-1>}',
         {"\\Gamma_u": sc(UNIT), "\\Gamma_f": sc(UNIT), "\\tilde{c}^{<t>}": sc(), "c^{<t-1>}": sc()},
         lambda Gamma_u, Gamma_f, tilde_c_t, c_t_minus_1: Gamma_u * tilde_c_t + Gamma_f * c_t_minus_1,
         "CS 230 RNN cheatsheet, LSTM c^{<t>}", "time-index"),
    Case(r'b + W h^{(t-1)} + U x^{(t)}', {"b": sc(), "W": sc(), "h^{(t-1)}": sc(), "U": sc(), "x^{(t)}": sc()},
         lambda b, W, h_t_minus_1, U, x_t: b + W * h_t_minus_1 + U * x_t,
         "GBC 2016 §10.2 eq 10.8 (a^{(t)}), scalar units", "time-index", "(t) superscript is a label, not a power"),
    Case(r'\tanh\left(s_i^{(t)}\right) q_i^{(t)}', {"s_i^{(t)}": sc(), "q_i^{(t)}": sc()},
         lambda s_i_t, q_i_t: math.tanh(s_i_t) * q_i_t,
         "GBC 2016 §10.10.1 eq 10.43 (LSTM output h_i^{(t)})", "time-index"),
    Case(r'-y_j^{(t)}\log\hat{y}_j^{(t)}', {"y_j^{(t)}": sc(UNIT), "\\hat{y}_j^{(t)}": sc(UNIT)},
         lambda y_j_t, hat_y_j_t: -y_j_t * math.log(hat_y_j_t),
         "one term of the per-step cross-entropy (GBC 2016 §10.2)", "time-index",
         "whole decorated name is one atomic scalar"),
    Case(r'\frac{\exp\left(o_j^{(t)}\right)}{\sum_{k=1}^{n}\exp\left(o_k^{(t)}\right)}', {"o^{(t)}": vec(), "j": idx("n"), "n": sc(INT)},
         lambda o_t, j, n: float(_softmax(_first(o_t, n))[int(j) - 1]),
         "GBC 2016 §10.2 eq 10.11 (y^{(t)} = softmax(o^{(t)})), one component", "time-index",
         "o_k^{(t)} is element k of the declared vector o^{(t)}"),
    Case(r'-\sum_{j=1}^{n} y_j^{(t)}\log\hat{y}_j^{(t)}', {"y^{(t)}": vec(), "\\hat{y}^{(t)}": vec("n", UNIT), "n": sc(INT)},
         lambda y_t, hat_y_t, n: float(-np.sum(_first(y_t, n) * np.log(_first(hat_y_t, n)))),
         "per-step cross-entropy, GBC 2016 §10.2 eq 10.12-10.14", "time-index",
         "elements y_j^{(t)} of declared vectors y^{(t)}, \\hat{y}^{(t)}"),
    Case(r'\sum_{t=1}^{T_y}\mathcal{L}\left(\hat{y}^{<t>}, y^{<t>}\right)',
         {"\\hat{y}": vec("T_y", UNIT), "y": vec("T_y", BIN), "T_y": sc(INT),
          "\\mathcal{L}": fn(["p", "q"], r"\mathcal{L}(p, q) = -q\log p - (1 - q)\log(1 - p)")},
         lambda hat_y, y, T_y: float(-np.sum(_first(y, T_y) * np.log(_first(hat_y, T_y))
                                             + (1 - _first(y, T_y)) * np.log(1 - _first(hat_y, T_y)))),
         "CS 230 RNN cheatsheet, loss over time steps", "time-index",
         "y^{<t>} is element t of the declared vector y (time index as superscript)"),
    Case(r"\frac{\exp\left(e^{<t,t'>}\right)}{\sum_{t''=1}^{T_x}\exp\left(e^{<t,t''>}\right)}",
         {"e": mat("T_y", "T_x"), "t": idx("T_y"), "t'": idx("T_x"), "T_x": sc(INT)},
         lambda e, t, t_prime, T_x: float(_softmax(e[int(t) - 1, : int(T_x)])[int(t_prime) - 1]),
         "CS 230 RNN cheatsheet, attention weight alpha^{<t,t'>}", "time-index",
         "'e' is a declared matrix here, not Euler's number; double-primed sum index t''"),
    Case(r"\sum_{t'=1}^{T_x}\alpha^{<t,t'>}a^{<t'>}",
         {"\\alpha": mat("T_y", "T_x"), "a": vec("T_x"), "t": idx("T_y"), "T_x": sc(INT)},
         lambda alpha, a, t, T_x: float(alpha[int(t) - 1, : int(T_x)] @ _first(a, T_x)),
         "CS 230 RNN cheatsheet, context vector c^{<t>} (scalar a^{<t'>})", "time-index",
         "two-index superscript <t,t'> on a declared matrix"),

    # ================================================================ optimizers
    Case(r'\beta_1 m_{t-1} + (1 - \beta_1) g_t', {"\\beta_1": sc(UNIT), "m_{t-1}": sc(), "g_t": sc()},
         lambda beta_1, m_t_minus_1, g_t: beta_1 * m_t_minus_1 + (1 - beta_1) * g_t,
         "Kingma & Ba 2015 (Adam) Alg. 1", "optimizer"),
    Case(r'\beta_2 v_{t-1} + (1 - \beta_2) g_t^2', {"\\beta_2": sc(UNIT), "v_{t-1}": sc(NONNEG), "g_t": sc()},
         lambda beta_2, v_t_minus_1, g_t: beta_2 * v_t_minus_1 + (1 - beta_2) * g_t ** 2,
         "Kingma & Ba 2015 (Adam) Alg. 1", "optimizer"),
    Case(r'\frac{m_t}{1 - \beta_1^t}', {"m_t": sc(), "\\beta_1": sc(UNIT), "t": sc(INT)},
         lambda m_t, beta_1, t: m_t / (1 - beta_1 ** t),
         "Kingma & Ba 2015 (Adam) Alg. 1 bias correction", "optimizer",
         "beta_1^t is a power, while m_t is an atomic name"),
    Case(r'\theta_{t-1} - \alpha\frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}',
         {"\\theta_{t-1}": sc(), "\\alpha": sc(POS), "\\hat{m}_t": sc(), "\\hat{v}_t": sc(POS), "\\epsilon": sc(POS)},
         lambda theta_t_minus_1, alpha, hat_m_t, hat_v_t, epsilon: theta_t_minus_1 - alpha * hat_m_t / (math.sqrt(hat_v_t) + epsilon),
         "Kingma & Ba 2015 (Adam) Alg. 1 update", "optimizer"),
    Case(r'\alpha\cdot\frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}',
         {"\\alpha": sc(POS), "\\beta_1": sc(UNIT), "\\beta_2": sc(UNIT), "t": sc(INT)},
         lambda alpha, beta_1, beta_2, t: alpha * math.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t),
         "Kingma & Ba 2015 (Adam) §2, efficient step size alpha_t", "optimizer"),
    Case(r'\rho r + (1 - \rho) g \odot g', {"\\rho": sc(UNIT), "r": sc(NONNEG), "g": sc()},
         lambda rho, r, g: rho * r + (1 - rho) * g * g, "GBC 2016 §8.5.2 Alg. 8.5 (RMSProp)", "optimizer",
         "\\odot elementwise product on scalars"),
    Case(r'-\frac{\epsilon}{\delta + \sqrt{r}}\odot g', {"\\epsilon": sc(POS), "\\delta": sc(POS), "r": sc(NONNEG), "g": sc()},
         lambda epsilon, delta, r, g: -epsilon / (delta + math.sqrt(r)) * g, "GBC 2016 §8.5.1 Alg. 8.4 (AdaGrad)", "optimizer"),
    Case(r'(1 - \alpha)\epsilon_0 + \alpha\epsilon_\tau', {"\\alpha": sc(UNIT), "\\epsilon_0": sc(POS), "\\epsilon_\\tau": sc(POS)},
         lambda alpha, epsilon_0, epsilon_tau: (1 - alpha) * epsilon_0 + alpha * epsilon_tau,
         "GBC 2016 §8.3.1 eq 8.14 (linear learning-rate decay)", "optimizer"),
    Case(r'\alpha v - \epsilon g', {"\\alpha": sc(UNIT), "v": sc(), "\\epsilon": sc(POS), "g": sc()},
         lambda alpha, v, epsilon, g: alpha * v - epsilon * g, "GBC 2016 §8.3.2 eq 8.15 (momentum)", "optimizer"),
    Case(r'\beta v + (1 - \beta)\theta', {"\\beta": sc(UNIT), "v": sc(), "\\theta": sc()},
         lambda beta, v, theta: beta * v + (1 - beta) * theta, "exponentially weighted average (CS 230 tips)", "optimizer"),
    Case(r'\frac{1}{1 - p}', {"p": sc(UNIT)}, lambda p: 1 / (1 - p),
         "inverted dropout scale, Srivastava et al. 2014 §10 / GBC 2016 §7.12", "misc"),

    # ================================================================ normalization
    Case(r'\frac{1}{m}\sum_{i=1}^{m} x_i', {"x": vec("m"), "m": sc(INT)}, lambda x, m: float(np.mean(_first(x, m))),
         "Ioffe & Szegedy 2015 (batch norm) Alg. 1, mu_B", "normalization"),
    Case(r'\frac{1}{m}\sum_{i=1}^{m}\left(x_i - \mu_\mathcal{B}\right)^2', {"x": vec("m"), "m": sc(INT), "\\mu_\\mathcal{B}": sc()},
         lambda x, m, mu_B: float(np.mean((_first(x, m) - mu_B) ** 2)),
         "Ioffe & Szegedy 2015 (batch norm) Alg. 1, sigma_B^2", "normalization", "calligraphic subscript"),
    Case(r'\gamma\frac{x_i - \mu_\mathcal{B}}{\sqrt{\sigma_\mathcal{B}^2 + \epsilon}} + \beta',
         {"x": vec("m"), "i": idx("m"), "\\mu_\\mathcal{B}": sc(), "\\sigma_\\mathcal{B}": sc(POS),
          "\\epsilon": sc(POS), "\\gamma": sc(), "\\beta": sc()},
         lambda x, i, mu_B, sigma_B, epsilon, gamma, beta: gamma * (x[int(i) - 1] - mu_B) / math.sqrt(sigma_B ** 2 + epsilon) + beta,
         "Ioffe & Szegedy 2015 (batch norm) Alg. 1, y_i = gamma x_hat_i + beta", "normalization",
         "\\sigma_\\mathcal{B} is a scalar, not the sigmoid"),
    Case(r'\gamma\frac{x_k - \frac{1}{m}\sum_{i=1}^{m}x_i}{\sqrt{\frac{1}{m}\sum_{i=1}^{m}\left(x_i - \frac{1}{m}\sum_{j=1}^{m}x_j\right)^2 + \epsilon}} + \beta',
         {"x": vec("m"), "k": idx("m"), "m": sc(INT), "\\epsilon": sc(POS), "\\gamma": sc(), "\\beta": sc()},
         lambda x, k, m, epsilon, gamma, beta: float(gamma * (x[int(k) - 1] - np.mean(_first(x, m)))
                                                     / math.sqrt(np.var(_first(x, m)) + epsilon) + beta),
         "Ioffe & Szegedy 2015 Alg. 1 with mu_B, sigma_B^2 substituted", "normalization"),
    # ================================================================ superscript elements, max over an index (issue 15)
    Case(r"\alpha^{<t,t'>}", {"\\alpha": mat("T_y", "T_x", UNIT), "t": idx("T_y"), "t'": idx("T_x")},
         lambda alpha, t, t_prime: float(alpha[int(t) - 1, int(t_prime) - 1]),
         "CS 230 RNN cheatsheet, attention weight alpha^{<t,t'>}", "time-index",
         "two indices in a <,> superscript on a declared matrix"),
    Case(r"\sum_{t'=1}^{T_x}\alpha^{<t,t'>}", {"\\alpha": mat("T_y", "T_x", UNIT), "t": idx("T_y"), "T_x": sc(INT)},
         lambda alpha, t, T_x: float(np.sum(alpha[int(t) - 1, : int(T_x)])),
         "CS 230 RNN cheatsheet, attention weights of one output step (sum to 1)", "time-index"),
    Case(r"\log\sum_{t'=1}^{T_x}\exp\left(e^{<t,t'>}\right)", {"e": mat("T_y", "T_x"), "t": idx("T_y"), "T_x": sc(INT)},
         lambda e, t, T_x: _lse(e[int(t) - 1, : int(T_x)]),
         "Bahdanau, Cho & Bengio 2015 eq 6 (the softmax's normaliser, in logs)", "time-index"),
    Case(r"\max_{t'} e^{<t,t'>}", {"e": mat("T_y", "T_x"), "t": idx("T_y")},
         lambda e, t: float(np.max(e[int(t) - 1, :])),
         "stable softmax shift of the attention scores (Bahdanau et al. 2015 eq 6)", "max-min",
         "max over the declared size its index picks"),
    Case(r"-\sum_{j=1}^{n} y_j^{(t)}\log\hat{y}_j^{(t)}", {"y": mat("T", "n", UNIT), "\\hat{y}": mat("T", "n", UNIT), "t": idx("T"), "n": sc(INT)},
         lambda y, hat_y, t, n: float(-np.sum(y[int(t) - 1, : int(n)] * np.log(hat_y[int(t) - 1, : int(n)]))),
         "GBC 2016 §10.2 eq 10.12-10.14 (per-step cross-entropy, y a T x n matrix)", "time-index",
         "y_j^{(t)} of a matrix is element (t, j): the superscript's index first"),
    Case(r"\frac{1}{m}\sum_{i=1}^{m} x_j^{(i)}", {"x": mat("m", "n"), "j": idx("n"), "m": sc(INT)},
         lambda x, j, m: float(np.mean(x[: int(m), int(j) - 1])),
         "CS 229 lecture notes (feature mean over m examples, x_j^{(i)})", "multi-index",
         "x_j^{(i)}: feature j of example i, the design matrix's (i, j)"),
    Case(r"\frac{1}{m}\sum_{i=1}^{m}\left(x_j^{(i)} - \mu_j\right)^2", {"x": mat("m", "n"), "\\mu": vec("n"), "j": idx("n"), "m": sc(INT)},
         lambda x, mu, j, m: float(np.mean((x[: int(m), int(j) - 1] - mu[int(j) - 1]) ** 2)),
         "CS 229 lecture notes (feature variance for normalisation)", "multi-index"),
    Case(r"\tanh\left(c_i^{(t)}\right) q_i^{(t)}", {"c^{(t)}": vec(), "q^{(t)}": vec("n", UNIT), "i": idx("n")},
         lambda c_t, q_t, i: math.tanh(c_t[int(i) - 1]) * q_t[int(i) - 1],
         "GBC 2016 §10.10.1 eq 10.43 (LSTM output, elements of the vectors c^{(t)}, q^{(t)})", "time-index",
         "a declared decorated vector indexed by its other script"),
    Case(r"\operatorname{softmax}(o^{(t)})_j", {"o^{(t)}": vec(), "j": idx("n")},
         lambda o_t, j: float(_softmax(o_t)[int(j) - 1]),
         "GBC 2016 §10.2 eq 10.11 (y^{(t)} = softmax(o^{(t)})), one element", "softmax"),
    Case(r"\frac{\exp(z_j - \max_k z_k)}{\sum_{k}\exp(z_k - \max_l z_l)}", {"z": vec(), "j": idx("n")},
         lambda z, j: float(_softmax(z)[int(j) - 1]),
         "GBC 2016 §4.1 (numerically stable softmax)", "softmax", "max over an index inside a sum"),
    Case(r'\max_{1 \le i \le n} x_i - \min_{1 \le i \le n} x_i', {"x": vec(), "n": sc(INT)},
         lambda x, n: float(np.max(_first(x, n)) - np.min(_first(x, n))),
         "range of a sample (Wasserman, All of Statistics §7)", "max-min"),
    Case(r'\max_i \lvert x_i - y_i\rvert', {"x": vec(), "y": vec()},
         lambda x, y: float(np.max(np.abs(np.asarray(x) - np.asarray(y)))),
         "GBC 2016 §2.5 eq 2.32 (max norm of a difference)", "max-min"),
    Case(r'\min_k d_k', {"d": vec("K", NONNEG)},
         lambda d: float(np.min(d)),
         "Bishop PRML §9.1 (k-means: distance to the nearest centre)", "max-min"),
    Case(r'\max_j s_j - s_y', {"s": vec("C"), "y": idx("C")},
         lambda s, y: float(np.max(s) - s[int(y) - 1]),
         "Crammer & Singer 2001 (multiclass margin)", "max-min"),
    Case(r'\frac{1}{H}\sum_{i=1}^{H} a_i^l', {"a^l": vec("H"), "H": sc(INT)}, lambda a_l, H: float(np.mean(_first(a_l, H))),
         "Ba, Kiros & Hinton 2016 (layer norm) eq 4, mu^l", "normalization",
         "superscript l is a layer label (element a_i of the vector a^l), not a power"),
    Case(r'\sqrt{\frac{1}{H}\sum_{i=1}^{H}\left(a_i^l - \mu^l\right)^2}', {"a^l": vec("H"), "\\mu^l": sc(), "H": sc(INT)},
         lambda a_l, mu_l, H: float(np.sqrt(np.mean((_first(a_l, H) - mu_l) ** 2))),
         "Ba, Kiros & Hinton 2016 (layer norm) eq 4, sigma^l", "normalization"),
    # rows of a matrix used as vectors (word vectors, design-matrix rows), transposes written
    # ^{\mathrm{T}}, and \arg\max / \arg\min over an index
    Case(r'u_i^\top v_j', {"u": mat("V", "d"), "v": mat("V", "d"), "i": idx("V"), "j": idx("V")},
         lambda u, v, i, j: float(u[i - 1] @ v[j - 1]),
         "Levy & Goldberg 2014 (SGNS as factorisation): word-context score", "rows",
         "u_i, v_j are ROWS of the word and context matrices"),
    Case(r'\sigma(u_o^\top v_c)', {"u": mat("V", "d"), "v": mat("V", "d"), "o": idx("V"),
                                   "c": idx("V")},
         lambda u, v, o, c: float(_sig(u[o - 1] @ v[c - 1])),
         "Stanford CS224n notes 1, negative sampling", "rows"),
    Case(r'\frac{\exp(u_o^\top v_c)}{\sum_{w=1}^{V}\exp(u_w^\top v_c)}',
         {"u": mat("V", "d"), "v": mat("V", "d"), "o": idx("V"), "c": idx("V"), "V": sc(INT)},
         lambda u, v, o, c, V: float(np.exp(u[o - 1] @ v[c - 1])
                                     / np.sum(np.exp(u @ v[c - 1]))),
         "Stanford CS224n notes 1, skip-gram softmax P(o | c)", "rows"),
    Case(r'\exp\left(-\frac{\|x_i - x_j\|^2}{2\sigma^2}\right)',
         {"x": mat("N", "D"), "i": idx("N"), "j": idx("N"), "\\sigma": sc(POS)},
         lambda x, i, j, sigma: float(np.exp(-np.sum((x[i - 1] - x[j - 1]) ** 2)
                                             / (2 * sigma ** 2))),
         "Rasmussen & Williams 2006 eq 2.31 (squared-exponential kernel on data rows)", "rows"),
    Case(r'\frac{1}{2}\sum_{n=1}^{N}\left(t_n - \mathbf{w}^{\mathrm{T}}\boldsymbol{\phi}_n\right)^2',
         {"t": vec("N"), "\\mathbf{w}": vec("M"), "\\boldsymbol{\\phi}": mat("N", "M"),
          "N": sc(INT)},
         lambda t, w, phi, N: float(0.5 * np.sum((t - phi @ w) ** 2)),
         "Bishop PRML eq 3.12 (sum-of-squares error, rows of the design matrix)", "rows"),
    Case(r'\log\left(1 + \exp(-y_i \mathbf{w}^\top \mathbf{x}_i)\right)',
         {"y": vec("N"), "\\mathbf{w}": vec("D"), "\\mathbf{x}": mat("N", "D"), "i": idx("N")},
         lambda y, w, x, i: float(np.log1p(np.exp(-y[i - 1] * (w @ x[i - 1])))),
         "Murphy PML §10.2.3 (logistic loss of example i)", "rows"),
    Case(r'\frac{q^\top k_j}{\sqrt{d}}', {"q": vec("d"), "k": mat("n", "d"), "j": idx("n"),
                                          "d": sc(INT)},
         lambda q, k, j, d: float(q @ k[j - 1] / np.sqrt(d)),
         "Vaswani et al. 2017 eq 1 (score of key j, keys are rows of K)", "rows"),
    Case(r'\frac{w_a^\top w_b}{\|w_a\|\|w_b\|}', {"w": mat("V", "d"), "a": idx("V"),
                                                 "b": idx("V")},
         lambda w, a, b: float(w[a - 1] @ w[b - 1]
                               / (np.linalg.norm(w[a - 1]) * np.linalg.norm(w[b - 1]))),
         "Mikolov et al. 2013 (word analogies: cosine of two word vectors)", "rows"),
    Case(r'\mathbf{x}^{\mathrm{T}}\mathbf{A}\mathbf{x}', {"\\mathbf{x}": vec("D"),
                                                          "\\mathbf{A}": mat("D", "D")},
         lambda x, A: float(x @ A @ x),
         "Bishop PRML §2.3 (quadratic form, roman transpose)", "transpose"),
    Case(r'\arg\max_c s_c', {"s": vec("C")},
         lambda s: float(np.argmax(s) + 1),
         "Stanford CS231n notes, linear classification (predicted class)", "argmax"),
    Case(r'\arg\min_j \|z_e - e_j\|_2', {"z_e": vec("D"), "e": mat("K", "D")},
         lambda z_e, e: float(np.argmin(np.linalg.norm(z_e - e, axis=1)) + 1),
         "van den Oord et al. 2017 (VQ-VAE) eq 1: nearest codebook row", "argmax"),
]


# --------------------------------------------------------------------------------------
# self-check
# --------------------------------------------------------------------------------------
_DIM_BY_POSITION = (3, 2, 2)


def _sample_scalar(domain: str, rng) -> float | int:
    if domain == REAL:
        return float(rng.uniform(-2.0, 2.0))
    if domain == POS:
        return float(rng.uniform(0.1, 3.0))
    if domain == NONNEG:
        return float(rng.uniform(0.0, 3.0))
    if domain == UNIT:
        return float(rng.uniform(0.05, 0.95))
    if domain == BIN:
        return int(rng.integers(0, 2))
    if domain == INT:
        return int(rng.integers(1, 6))
    raise ValueError(f"unknown domain {domain!r}")


def _sample_array(shape: tuple[int, ...], domain: str | None, rng) -> np.ndarray:
    if domain == "spd":
        a = rng.normal(size=shape)
        return a @ a.T + shape[0] * np.eye(shape[0])
    return np.array([_sample_scalar(domain or REAL, rng) for _ in range(int(np.prod(shape)))],
                    dtype=float).reshape(shape)


def case_sizes(case: Case) -> dict[str, int]:
    """The concrete size of every size letter of a case (by its position in a shape)."""
    dims: dict[str, int] = {}
    for spec in case.symbols.values():
        if spec["kind"] in ("matrix", "tensor"):
            for pos, letter in enumerate(spec["shape"]):
                dims.setdefault(letter, _DIM_BY_POSITION[pos])
    for spec in case.symbols.values():
        if spec["kind"] == "vector":
            dims.setdefault(spec["size"], 3)
    return dims


def sample_point(case: Case, rng) -> dict:
    """A random admissible point: keyword arguments for ``case.meaning``."""
    dims = case_sizes(case)
    values: dict[str, object] = {}
    for key, spec in case.symbols.items():          # sizes and free scalars first
        if spec["kind"] == "scalar" and "at_most" not in spec:
            values[key] = dims[key] if key in dims else _sample_scalar(spec["domain"], rng)
    for key, spec in case.symbols.items():
        if spec["kind"] == "scalar" and "at_most" in spec:
            bound = spec["at_most"]
            hi = dims[bound] if bound in dims else int(values[bound])
            values[key] = int(rng.integers(1, hi + 1))
        elif spec["kind"] == "vector":
            values[key] = _sample_array((dims[spec["size"]],), spec.get("domain"), rng)
        elif spec["kind"] in ("matrix", "tensor"):
            values[key] = _sample_array(tuple(dims[s] for s in spec["shape"]), spec.get("domain"), rng)
    return {py_name(k): v for k, v in values.items()}


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    failures = 0
    seen_latex: dict[str, int] = {}
    for c in CASES:
        seen_latex[c.latex] = seen_latex.get(c.latex, 0) + 1
    for dup, count in seen_latex.items():
        if count > 1:
            print("DUPLICATE", dup)
    for case in CASES:
        names = [py_name(k) for k, s in case.symbols.items() if s["kind"] != "function"]
        if len(set(names)) != len(names):
            print("NAME CLASH", case.latex, names)
            failures += 1
            continue
        for _ in range(5):
            try:
                value = float(case.meaning(**sample_point(case, rng)))
                if not math.isfinite(value):
                    raise ValueError(f"non-finite value {value}")
            except Exception as exc:  # noqa: BLE001
                print("FAIL", case.latex, "->", type(exc).__name__, exc)
                failures += 1
                break
    counts: dict[str, int] = {}
    for c in CASES:
        counts[c.construct] = counts.get(c.construct, 0) + 1
    for tag, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"{tag:18s} {n}")
    print(f"total {len(CASES)} cases, {failures} failures")
