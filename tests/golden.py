"""The parser's golden corpus: LaTeX in varied notation and the SymPy result expected for each.

Each entry names the construct it pins down. ``symbols`` is a formula file's ``[symbols]`` table
(a kind as a string is shorthand for ``{kind = ...}``); ``expected`` builds the result from the
declared names, ``s["name"]`` being the sympy object of a LaTeX name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp
from sympy.core.symbol import Str

from symnn.read._notation import (
    Count,
    Etc,
    Expectation,
    Norm,
    SetMax,
    SetSum,
    hadamard,
    sigmoid,
    softplus,
)


@dataclass(frozen=True)
class Golden:
    id: str
    latex: str
    symbols: dict
    expected: Callable[[dict], object]  # -> expr, or (lhs, rel, rhs)


def ix(base: str, *idx):
    return sp.IndexedBase(base, real=True)[idx]


R = "scalar"
F1 = {"kind": "function", "args": ["z"]}

CORPUS = [
    # -- the catalog's formulas, verbatim -------------------------------------------------
    Golden("catalog-chain-rule",
           r"\boxed{\frac{\partial L(z,y)}{\partial w}=\frac{\partial L(z,y)}{\partial a}\times\frac{\partial a}{\partial z}\times\frac{\partial z}{\partial w}}",
           {"w": R, "z": R, "y": R, "a": R, "L": {"kind": "function", "args": ["z", "y"]}},
           lambda s: (sp.Derivative(sp.Function("L")(s["z"], s["y"]), s["w"]), "eq",
                      sp.Derivative(sp.Function("L")(s["z"], s["y"]), s["a"])
                      * sp.Derivative(s["a"], s["z"]) * sp.Derivative(s["z"], s["w"]))),
    Golden("catalog-weight-update", r"\boxed{w\longleftarrow w-\eta\frac{\partial L(z,y)}{\partial w}}",
           {"w": R, "z": R, "y": R, r"\eta": R, "L": {"kind": "function", "args": ["z", "y"]}},
           lambda s: (s["w"], "assign", s["w"] - s[r"\eta"]
                      * sp.Derivative(sp.Function("L")(s["z"], s["y"]), s["w"]))),
    Golden("catalog-conv-size", r"\boxed{N=\frac{W-F+2P}{S}+1}",
           {"N": R, "W": R, "F": R, "P": R, "S": R},
           lambda s: (s["N"], "eq", (s["W"] - s["F"] + 2 * s["P"]) / s["S"] + 1)),
    Golden("catalog-batchnorm",
           r"\boxed{x_i\longleftarrow\gamma\frac{x_i-\mu_B}{\sqrt{\sigma_B^2+\epsilon}}+\beta}",
           {"x": "vector", "i": "index", r"\gamma": R, r"\mu_B": R, r"\sigma_B^2": R,
            r"\epsilon": R, r"\beta": R},
           lambda s: (ix("x", s["i"]), "assign", s[r"\gamma"] * (ix("x", s["i"]) - s[r"\mu_B"])
                      / sp.sqrt(s[r"\sigma_B^2"] + s[r"\epsilon"]) + s[r"\beta"])),
    Golden("catalog-unit-output", r"\boxed{z_j^{[i]}={w_j^{[i]}}^Tx+b_j^{[i]}}",
           {"z_j^{[i]}": R, "w_j^{[i]}": {"kind": "vector", "shape": ["n"]},
            "x": {"kind": "vector", "shape": ["n"]}, "b_j^{[i]}": R},
           lambda s: (s["z_j^{[i]}"], "eq", sp.transpose(s["w_j^{[i]}"]) * s["x"]
                      + s["b_j^{[i]}"])),
    Golden("catalog-sigmoid", r"g(z)=\displaystyle\frac{1}{1+e^{-z}}", {"z": R, "g": F1},
           lambda s: (sp.Function("g")(s["z"]), "eq", 1 / (1 + sp.exp(-s["z"])))),
    Golden("catalog-tanh", r"g(z)=\displaystyle\frac{e^{z}-e^{-z}}{e^{z}+e^{-z}}",
           {"z": R, "g": F1},
           lambda s: (sp.Function("g")(s["z"]), "eq", (sp.exp(s["z"]) - sp.exp(-s["z"]))
                      / (sp.exp(s["z"]) + sp.exp(-s["z"])))),
    Golden("catalog-relu", r"g(z)=\textrm{max}(0,z)", {"z": R, "g": F1},
           lambda s: (sp.Function("g")(s["z"]), "eq", sp.Max(0, s["z"]))),
    Golden("catalog-leaky-relu", r"g(z)=\textrm{max}(\epsilon z,z)",
           {"z": R, r"\epsilon": R, "g": F1},
           lambda s: (sp.Function("g")(s["z"]), "eq", sp.Max(s[r"\epsilon"] * s["z"], s["z"]))),
    Golden("catalog-cross-entropy", r"\boxed{L(z,y)=-\Big[y\log(z)+(1-y)\log(1-z)\Big]}",
           {"z": R, "y": R, "L": {"kind": "function", "args": ["z", "y"]}},
           lambda s: (sp.Function("L")(s["z"], s["y"]), "eq",
                      -(s["y"] * sp.log(s["z"]) + (1 - s["y"]) * sp.log(1 - s["z"])))),
    Golden("catalog-rnn-gate", r"\Gamma=\sigma(Wx^{< t >}+Ua^{< t-1 >}+b)",
           {r"\Gamma": {"kind": "vector", "shape": ["n"]}, "W": {"kind": "matrix"},
            "U": {"kind": "matrix"}, "x^{< t >}": {"kind": "vector", "shape": ["m"]},
            "a^{< t-1 >}": {"kind": "vector", "shape": ["n"]},
            "b": {"kind": "vector", "shape": ["n"]}},
           lambda s: (s[r"\Gamma"], "eq", sigmoid(s["W"] * s["x^{< t >}"]
                                                    + s["U"] * s["a^{< t-1 >}"] + s["b"]))),
    Golden("catalog-value-iteration-init", r"\boxed{V_0(s)=0}",
           {"V_0": {"kind": "function", "args": ["s"]}, "s": R},
           lambda s: (sp.Function("V_0")(s["s"]), "eq", sp.Integer(0))),
    Golden("catalog-q-learning",
           r"\boxed{Q(s,a)\leftarrow Q(s,a)+\alpha\Big[R(s,a,s')+\gamma\max_{a'}Q(s',a')-Q(s,a)\Big]}",
           {"Q": {"kind": "function", "args": ["s", "a"]},
            "R": {"kind": "function", "args": ["s", "a", "s'"]}, "s": R, "s'": R, "a": R,
            "a'": R, r"\alpha": R, r"\gamma": R},
           lambda s: (sp.Function("Q")(s["s"], s["a"]), "assign",
                      sp.Function("Q")(s["s"], s["a"]) + s[r"\alpha"] * (
                          sp.Function("R")(s["s"], s["a"], s["s'"])
                          + s[r"\gamma"] * SetMax(sp.Function("Q")(s["s'"], s["a'"]), s["a'"])
                          - sp.Function("Q")(s["s"], s["a"])))),
    Golden("catalog-bellman",
           r"\boxed{V^{\pi^*}(s)=R(s)+\max_{a\in\mathcal{A}}\gamma\sum_{s'\in S}P_{sa}(s')V^{\pi^*}(s')}",
           {r"V^{\pi^*}": {"kind": "function", "args": ["s"]},
            "R": {"kind": "function", "args": ["s"]},
            "P_{sa}": {"kind": "function", "args": ["s"]}, "s": R, "s'": R, "a": R,
            r"\gamma": R, r"\mathcal{A}": "constant", "S": "constant"},
           lambda s: (sp.Function("V_pi")(s["s"]), "eq", sp.Function("R")(s["s"]) + SetMax(
               s[r"\gamma"] * SetSum(sp.Function("P_sa")(s["s'"]) * sp.Function("V_pi")(s["s'"]),
                                     s["s'"], s["S"]), s["a"], s[r"\mathcal{A}"]))),
    Golden("catalog-value-function",
           r"\boxed{V^\pi(s)=E\Big[R(s_0)+\gamma R(s_1)+\gamma^2 R(s_2)+...|s_0=s,\pi\Big]}",
           {r"V^\pi": {"kind": "function", "args": ["s"]},
            "R": {"kind": "function", "args": ["s"]}, "s": R, "s_0": R, "s_1": R, "s_2": R,
            r"\gamma": R, r"\pi": "constant"},
           lambda s: (sp.Function("V_pi")(s["s"]), "eq", Expectation(
               sp.Function("R")(s["s_0"]) + s[r"\gamma"] * sp.Function("R")(s["s_1"])
               + s[r"\gamma"] ** 2 * sp.Function("R")(s["s_2"]) + Etc(),
               sp.Tuple(sp.Eq(s["s_0"], s["s"]), s[r"\pi"])))),
    Golden("catalog-transition-mle",
           r"\boxed{P_{sa}(s')=\frac{\#\textrm{times took action }a\textrm{ in state }s\textrm{ and got to }s'}{\#\textrm{times took action }a\textrm{ in state }s}}",
           {"P_{sa}": {"kind": "function", "args": ["s"]}, "s": R, "s'": R, "a": R},
           lambda s: (sp.Function("P_sa")(s["s'"]), "eq",
                      Count(Str("times took action a in state s and got to s'"), s["a"],
                            s["s"], s["s'"])
                      / Count(Str("times took action a in state s"), s["a"], s["s"]))),
    # -- more ML formulas, varied notation ------------------------------------------------
    Golden("dfrac-exp", r"\sigma(z) = \dfrac{1}{1+\exp(-z)}", {"z": R},
           lambda s: (sigmoid(s["z"]), "eq", 1 / (1 + sp.exp(-s["z"])))),
    Golden("cdot-dot", r"a = w \cdot x + b", {"a": R, "w": R, "x": R, "b": R},
           lambda s: (s["a"], "eq", s["w"] * s["x"] + s["b"])),
    Golden("left-right-mse", r"\left(\frac{1}{m}\right)\sum_{i=1}^{m}\left(y_i - \hat{y}_i\right)^2",
           {"m": R, "y": "vector", r"\hat{y}": "vector"},
           lambda s: sp.Sum((ix("y", sp.Symbol("i", integer=True))
                             - ix("hat_y", sp.Symbol("i", integer=True))) ** 2,
                            (sp.Symbol("i", integer=True), 1, s["m"])) / s["m"]),
    Golden("mathrm-d-operator", r"\frac{\mathrm{d}}{\mathrm{d}z}\sigma(z)", {"z": R},
           lambda s: sp.Derivative(sigmoid(s["z"]), s["z"])),
    Golden("tanh-compound-argument", r"\tanh(z+1)", {"z": R}, lambda s: sp.tanh(s["z"] + 1)),
    Golden("mathbb-expectation", r"\mathbb{E}[X^2] - \mathbb{E}[X]^2", {"X": R},
           lambda s: Expectation(s["X"] ** 2) - Expectation(s["X"]) ** 2),
    Golden("squared-l2-norm", r"J(w) = L(w) + \lambda \|w\|_2^2",
           {"w": R, r"\lambda": R, "J": {"kind": "function", "args": ["w"]},
            "L": {"kind": "function", "args": ["w"]}},
           lambda s: (sp.Function("J")(s["w"]), "eq", sp.Function("L")(s["w"])
                      + s[r"\lambda"] * Norm(s["w"], 2) ** 2)),
    Golden("nabla-gradient", r"\theta := \theta - \alpha \nabla_\theta J(\theta)",
           {r"\theta": R, r"\alpha": R, "J": {"kind": "function", "args": [r"\theta"]}},
           lambda s: (s[r"\theta"], "assign", s[r"\theta"] - s[r"\alpha"] * sp.Derivative(
               sp.Function("J")(s[r"\theta"]), s[r"\theta"]))),
    Golden("momentum-ema", r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t",
           {"m_t": R, "m_{t-1}": R, r"\beta_1": R, "g_t": R},
           lambda s: (s["m_t"], "eq", s[r"\beta_1"] * s["m_{t-1}"]
                      + (1 - s[r"\beta_1"]) * s["g_t"])),
    Golden("adam-bias-correction", r"\hat{m}_t = \frac{m_t}{1-\beta_1^t}",
           {r"\hat{m}_t": R, "m_t": R, r"\beta_1": R, "t": R},
           lambda s: (s[r"\hat{m}_t"], "eq", s["m_t"] / (1 - s[r"\beta_1"] ** s["t"]))),
    Golden("adam-update", r"w \leftarrow w - \alpha \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}",
           {"w": R, r"\alpha": R, r"\hat{m}_t": R, r"\hat{v}_t": R, r"\epsilon": R},
           lambda s: (s["w"], "assign", s["w"] - s[r"\alpha"] * s[r"\hat{m}_t"]
                      / (sp.sqrt(s[r"\hat{v}_t"]) + s[r"\epsilon"]))),
    Golden("mse-with-hypothesis",
           r"J(\theta) = \frac{1}{2m}\sum_{i=1}^{m}(h_\theta(x^{(i)}) - y^{(i)})^2",
           {r"\theta": R, "m": R, "x": "vector", "y": "vector",
            "J": {"kind": "function", "args": [r"\theta"]},
            r"h_\theta": {"kind": "function", "args": [r"\theta"]}},
           lambda s: (sp.Function("J")(s[r"\theta"]), "eq", sp.Sum(
               (sp.Function("h_theta")(ix("x", sp.Symbol("i", integer=True)))
                - ix("y", sp.Symbol("i", integer=True))) ** 2,
               (sp.Symbol("i", integer=True), 1, s["m"])) / (2 * s["m"]))),
    Golden("batch-mean", r"\mu_B = \frac{1}{m}\sum_{i=1}^m x_i",
           {r"\mu_B": R, "m": R, "x": "vector", "i": "index"},
           lambda s: (s[r"\mu_B"], "eq", sp.Sum(ix("x", s["i"]), (s["i"], 1, s["m"])) / s["m"])),
    Golden("batch-variance", r"\sigma_B^2 = \frac{1}{m}\sum_{i=1}^{m}(x_i - \mu_B)^2",
           {r"\sigma_B^2": R, r"\mu_B": R, "m": R, "x": "vector", "i": "index"},
           lambda s: (s[r"\sigma_B^2"], "eq", sp.Sum((ix("x", s["i"]) - s[r"\mu_B"]) ** 2,
                                                     (s["i"], 1, s["m"])) / s["m"])),
    Golden("categorical-cross-entropy", r"L = -\sum_{c=1}^{C} y_c \log(\hat{y}_c)",
           {"L": R, "C": R, "c": "index", "y": "vector", r"\hat{y}": "vector"},
           lambda s: (s["L"], "eq", -sp.Sum(ix("y", s["c"]) * sp.log(ix("hat_y", s["c"])),
                                            (s["c"], 1, s["C"])))),
    Golden("operatorname-relu", r"\operatorname{ReLU}(z) = \max(0, z)", {"z": R},
           lambda s: (sp.Max(0, s["z"]), "eq", sp.Max(0, s["z"]))),
    Golden("logistic-output-transpose", r"\hat{y} = \sigma(w^T x + b)",
           {r"\hat{y}": R, "w": {"kind": "vector", "shape": ["n"]},
            "x": {"kind": "vector", "shape": ["n"]}, "b": R},
           lambda s: (s[r"\hat{y}"], "eq", sigmoid(sp.transpose(s["w"]) * s["x"] + s["b"]))),
    Golden("l1-penalty", r"\lambda \sum_{j=1}^{n} |w_j|",
           {r"\lambda": R, "n": R, "w": "vector", "j": "index"},
           lambda s: s[r"\lambda"] * sp.Sum(sp.Abs(ix("w", s["j"])), (s["j"], 1, s["n"]))),
    Golden("quadratic-form", r"x^T W x",
           {"x": {"kind": "vector", "shape": ["n"]}, "W": {"kind": "matrix"}},
           lambda s: sp.transpose(s["x"]) * s["W"] * s["x"]),
    Golden("lstm-cell-odot",
           r"c^{< t >} = \Gamma_u \odot \tilde{c}^{< t >} + \Gamma_f \odot c^{< t-1 >}",
           {"c^{< t >}": R, r"\Gamma_u": R, r"\tilde{c}^{< t >}": R, r"\Gamma_f": R,
            "c^{< t-1 >}": R},
           lambda s: (s["c^{< t >}"], "eq", s[r"\Gamma_u"] * s[r"\tilde{c}^{< t >}"]
                      + s[r"\Gamma_f"] * s["c^{< t-1 >}"])),
    Golden("hadamard-of-vectors", r"\Gamma_u \star a",
           {r"\Gamma_u": {"kind": "vector", "shape": ["n"]},
            "a": {"kind": "vector", "shape": ["n"]}},
           lambda s: hadamard(s[r"\Gamma_u"], s["a"])),
    Golden("floor-conv", r"\lfloor \frac{n + 2p - f}{s} \rfloor + 1",
           {"n": R, "p": R, "f": R, "s": R},
           lambda s: sp.floor((s["n"] + 2 * s["p"] - s["f"]) / s["s"]) + 1),
    Golden("ceil", r"\left\lceil \frac{n}{s} \right\rceil", {"n": R, "s": R},
           lambda s: sp.ceiling(s["n"] / s["s"])),
    Golden("second-derivative", r"\frac{\partial^2 L}{\partial w^2}",
           {"w": R, "L": {"kind": "function", "args": ["w"]}},
           lambda s: sp.Derivative(sp.Function("L")(s["w"]), (s["w"], 2))),
    Golden("decay", r"e^{-\lambda t}", {r"\lambda": R, "t": R},
           lambda s: sp.exp(-s[r"\lambda"] * s["t"])),
    Golden("cube-root", r"\sqrt[3]{x}", {"x": R}, lambda s: s["x"] ** sp.Rational(1, 3)),
    Golden("hinge", r"\textrm{max}(0, 1 - y z)", {"y": R, "z": R},
           lambda s: sp.Max(0, 1 - s["y"] * s["z"])),
    Golden("log-without-parens", r"y \log a + (1-y)\log(1-a)", {"y": R, "a": R},
           lambda s: s["y"] * sp.log(s["a"]) + (1 - s["y"]) * sp.log(1 - s["a"])),
    Golden("big-brackets-power", r"\Big[ a + b \Big]^2", {"a": R, "b": R},
           lambda s: (s["a"] + s["b"]) ** 2),
    Golden("product", r"\prod_{i=1}^{n} p_i", {"n": R, "p": "vector", "i": "index"},
           lambda s: sp.Product(ix("p", s["i"]), (s["i"], 1, s["n"]))),
    Golden("text-relu-times-two", r"\text{ReLU}(x) \cdot 2", {"x": R},
           lambda s: 2 * sp.Max(0, s["x"])),
    Golden("dropout-expectation", r"(1 - p) x", {"p": R, "x": R},
           lambda s: (1 - s["p"]) * s["x"]),
    Golden("softmax", r"\frac{e^{z_j}}{\sum_{k=1}^K e^{z_k}}",
           {"z": "vector", "j": "index", "k": "index", "K": R},
           lambda s: sp.exp(ix("z", s["j"])) / sp.Sum(sp.exp(ix("z", s["k"])),
                                                       (s["k"], 1, s["K"]))),
    Golden("sigma-declared-as-scalar", r"\frac{x - \mu}{\sigma}",
           {"x": R, r"\mu": R, r"\sigma": R},
           lambda s: (s["x"] - s[r"\mu"]) / s[r"\sigma"]),
    Golden("uppercase-kept", r"W w + N n", {"W": R, "w": R, "N": R, "n": R},
           lambda s: s["W"] * s["w"] + s["N"] * s["n"]),
    Golden("gamma-is-a-name", r"\gamma \hat{x} + \beta", {r"\gamma": R, r"\hat{x}": R, r"\beta": R},
           lambda s: s[r"\gamma"] * s[r"\hat{x}"] + s[r"\beta"]),
    Golden("gets-arrow", r"w \gets w - 1", {"w": R}, lambda s: (s["w"], "assign", s["w"] - 1)),
    Golden("piecewise-relu-derivative",
           r"\begin{cases} 1 & z > 0 \\ 0 & \textrm{otherwise} \end{cases}", {"z": R},
           lambda s: sp.Piecewise((1, s["z"] > 0), (0, True))),
    Golden("integer-mixed-fraction-is-product", r"2\frac{1}{2}", {}, lambda s: sp.Integer(1)),
    Golden("prime-names", r"s' + s", {"s'": R, "s": R}, lambda s: s["s'"] + s["s"]),
    # -- notation as textbooks print it (issue 15) -----------------------------------------
    Golden("function-power-parens", r"\tanh^2(x)", {"x": R}, lambda s: sp.tanh(s["x"]) ** 2),
    Golden("function-power-bare-argument", r"\sin^2 x + \cos^2 x", {"x": R},
           lambda s: sp.sin(s["x"]) ** 2 + sp.cos(s["x"]) ** 2),
    Golden("function-power-log", r"\log^2 x", {"x": R}, lambda s: sp.log(s["x"]) ** 2),
    Golden("function-power-operatorname", r"\operatorname{sech}^2(x)", {"x": R},
           lambda s: sp.sech(s["x"]) ** 2),
    Golden("function-power-sigmoid", r"\sigma^2(z)", {"z": R}, lambda s: sigmoid(s["z"]) ** 2),
    Golden("named-erf", r"\operatorname{erf}(x) + \operatorname{erfc}(x)", {"x": R},
           lambda s: sp.erf(s["x"]) + sp.erfc(s["x"])),
    Golden("named-sgn-sign", r"\operatorname{sgn}(x) + \mathrm{sign}(x)", {"x": R},
           lambda s: 2 * sp.sign(s["x"])),
    Golden("named-softplus", r"\operatorname{softplus}(x)", {"x": R}, lambda s: softplus(s["x"])),
    Golden("named-hyperbolic-inverse-trig", r"\sinh x + \cosh x + \arctan x + \arcsin y",
           {"x": R, "y": R},
           lambda s: sp.sinh(s["x"]) + sp.cosh(s["x"]) + sp.atan(s["x"]) + sp.asin(s["y"])),
    Golden("named-gamma-function", r"\Gamma(a)", {"a": R}, lambda s: sp.gamma(s["a"])),
    Golden("double-sum-one-subscript", r"\sum_{i,j=1}^{n} 1", {"n": R},
           lambda s: sp.Sum(1, (sp.Symbol("j", integer=True), 1, s["n"]),
                            (sp.Symbol("i", integer=True), 1, s["n"]))),
    Golden("bound-index-power", r"\sum_{j=1}^{n} j^2", {"n": R},
           lambda s: sp.Sum(sp.Symbol("j", integer=True) ** 2,
                            (sp.Symbol("j", integer=True), 1, s["n"]))),
    Golden("matrix-element-letters", r"\sum_{i,j=1}^{3} A_{ij}", {"A": {"kind": "matrix", "shape": [3, 3]}},
           lambda s: sp.Sum(ix("A", sp.Symbol("i", integer=True), sp.Symbol("j", integer=True)),
                            (sp.Symbol("j", integer=True), 1, 3),
                            (sp.Symbol("i", integer=True), 1, 3))),
    Golden("matrix-element-comma", r"A_{k,k}", {"A": {"kind": "matrix", "shape": [3, 3]}, "k": "index"},
           lambda s: ix("A", s["k"], s["k"])),
    Golden("matrix-element-digits", r"A_{12} - A_{2,1}", {"A": {"kind": "matrix", "shape": [3, 3]}},
           lambda s: ix("A", 1, 2) - ix("A", 2, 1)),
    Golden("matrix-element-primed-index", r"\sum_{k'=1}^{3} A_{kk'}", {"A": {"kind": "matrix", "shape": [3, 3]}, "k": "index"},
           lambda s: sp.Sum(ix("A", s["k"], sp.Symbol("k_prime", integer=True)),
                            (sp.Symbol("k_prime", integer=True), 1, 3))),
    Golden("vector-number-subscript", r"w_1 + w_3", {"w": {"kind": "vector", "shape": [3]}}, lambda s: ix("w", 1) + ix("w", 3)),
    Golden("vector-bars-are-the-norm", r"||w|| + |w|", {"w": {"kind": "vector", "shape": [3]}},
           lambda s: 2 * Norm(s["w"], 2)),
    Golden("vector-dot-product", r"u \cdot w", {"u": {"kind": "vector", "shape": [3]}, "w": {"kind": "vector", "shape": [3]}},
           lambda s: sp.transpose(s["u"]) * s["w"]),
    Golden("abs-group-power", r"\left|x\right|^2 + \lvert x \rvert", {"x": R},
           lambda s: s["x"] ** 2 + sp.Abs(s["x"])),
    Golden("lvert-norm-power", r"\lVert w \rVert_2^2", {"w": {"kind": "vector", "shape": [3]}},
           lambda s: Norm(s["w"], 2) ** 2),
    Golden("euler-upright-e", r"\mathrm{e}^{x}", {"x": R}, lambda s: sp.exp(s["x"])),
    Golden("log-base-two", r"\log_2 x", {"x": R}, lambda s: sp.log(s["x"]) / sp.log(2)),
    Golden("log-base-b", r"\log_{b} x", {"x": R, "b": R}, lambda s: sp.log(s["x"]) / sp.log(s["b"])),
    Golden("binomial", r"\binom{n}{k}", {"n": R, "k": R}, lambda s: sp.binomial(s["n"], s["k"])),
    Golden("bars-inside-sum-body", r"\sum_{i=1}^{3} |w_i - 1| + 1",
           {"w": {"kind": "vector", "shape": [3]}},
           lambda s: sp.Sum(sp.Abs(ix("w", sp.Symbol("i", integer=True)) - 1),
                            (sp.Symbol("i", integer=True), 1, 3)) + 1),
    Golden("prime-of-declared-function", r"f'(x) + f''(x)", {"x": R, "f": {"kind": "function", "args": ["x"]}},
           lambda s: sp.Derivative(sp.Function("f")(s["x"]), s["x"])
           + sp.Derivative(sp.Function("f")(s["x"]), (s["x"], 2))),
    Golden("prime-of-sigmoid", r"\sigma'(z)", {"z": R},
           lambda s: sigmoid(s["z"]) * (1 - sigmoid(s["z"]))),
    Golden("norm-inside-max", r"\max(\|w\|_2^2 - c, 0)", {"w": {"kind": "vector", "shape": [3]}, "c": R},
           lambda s: sp.Max(Norm(s["w"], 2) ** 2 - s["c"], 0)),
]
