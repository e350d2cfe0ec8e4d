"""symnn's gradient checker next to torch.autograd.gradcheck, on the same functions and the same
planted bugs, from one run. Needs the optional extra: pip install -e '.[bench]' (torch==2.13.0).

Cases: the logistic-regression gradient dL/dw (correct, and off by 1e-4 relative) and a batch-norm
dgamma (m = 4, epsilon = 1e-3 as in Keras) whose planted bug forgets epsilon in the normalisation,
a relative error of about 1e-4. Prints detection and time side by side (a benchmark, not a test).

Run: python bench/torch_gradcheck.py
"""

from __future__ import annotations

import sys
import time

import numpy as np
import sympy as sp

from symnn.check import check_gradient
from symnn.read._notation import sigmoid
from symnn.read.symbols import SymbolTable

try:
    import torch
except ImportError:  # pragma: no cover - optional
    sys.exit("torch is not installed: pip install -e '.[bench]' (torch==2.13.0)")

EPS_BN = 1e-3
M = 4


def _symnn_cases():
    table = SymbolTable(auto=True)
    w, x, b, y = (table.auto_declare(n).sympy() for n in ("w", "x", "b", "y"))
    loss = -(y * sp.log(sigmoid(w * x + b)) + (1 - y) * sp.log(1 - sigmoid(w * x + b)))
    grad = (sigmoid(w * x + b) - y) * x
    xs = [table.auto_declare(f"x_{k}").sympy() for k in range(M)]
    dys = [table.auto_declare(f"g_{k}").sympy() for k in range(M)]
    gamma, beta = table.auto_declare(r"\gamma").sympy(), table.auto_declare(r"\beta").sympy()
    mu = sum(xs) / M
    var = sum((xi - mu) ** 2 for xi in xs) / M
    bn_loss = sum(d * (gamma * (xi - mu) / sp.sqrt(var + EPS_BN) + beta)
                  for d, xi in zip(dys, xs, strict=True))
    dgamma = sum(d * (xi - mu) / sp.sqrt(var + EPS_BN) for d, xi in zip(dys, xs, strict=True))
    dgamma_bug = sum(d * (xi - mu) / sp.sqrt(var) for d, xi in zip(dys, xs, strict=True))
    return table, [
        ("logistic dL/dw, correct", loss, w, grad, False),
        ("logistic dL/dw, x (1 + 1e-4)", loss, w, grad * sp.Rational(10001, 10000), True),
        ("batch-norm dgamma, correct", bn_loss, gamma, dgamma, False),
        ("batch-norm dgamma, epsilon forgotten", bn_loss, gamma, dgamma_bug, True),
    ]


def _torch_logistic(scale: float):
    class Loss(torch.autograd.Function):
        @staticmethod
        def forward(ctx, w, x, b, y):
            ctx.save_for_backward(w, x, b, y)
            a = torch.sigmoid(w * x + b)
            return -(y * torch.log(a) + (1 - y) * torch.log(1 - a))

        @staticmethod
        def backward(ctx, g):
            w, x, b, y = ctx.saved_tensors
            return g * (torch.sigmoid(w * x + b) - y) * x * scale, None, None, None

    rng = np.random.default_rng(0)
    args = [torch.tensor(rng.normal(size=8), dtype=torch.float64) for _ in range(3)]
    y = torch.tensor(rng.integers(0, 2, 8), dtype=torch.float64)
    args[0].requires_grad_(True)
    return Loss.apply, (*args, y)


def _torch_batchnorm(forget_eps: bool):
    class BN(torch.autograd.Function):
        @staticmethod
        def forward(ctx, gamma, x):
            mu, var = x.mean(), x.var(unbiased=False)
            ctx.save_for_backward(x, mu, var)
            return gamma * (x - mu) / torch.sqrt(var + EPS_BN)

        @staticmethod
        def backward(ctx, g):
            x, mu, var = ctx.saved_tensors
            eps = 0.0 if forget_eps else EPS_BN
            return (g * (x - mu) / torch.sqrt(var + eps)).sum().reshape(1), None

    rng = np.random.default_rng(0)
    gamma = torch.tensor([1.3], dtype=torch.float64, requires_grad=True)
    x = torch.tensor(2.5 * rng.normal(size=M), dtype=torch.float64)  # variance ~ 6
    return BN.apply, (gamma, x)


def main() -> int:
    table, cases = _symnn_cases()
    torch_cases = [_torch_logistic(1.0), _torch_logistic(1.0001), _torch_batchnorm(False),
                   _torch_batchnorm(True)]
    print(f"{'case':40s} {'bug?':5s} {'symnn':>10s} {'time':>8s} {'gradcheck':>10s} {'time':>8s}")
    missed = 0
    for (name, of, wrt, stated, bug), (fn, inputs) in zip(cases, torch_cases, strict=True):
        t0 = time.perf_counter()
        ours = not check_gradient(of, wrt, stated, table).ok
        t1 = time.perf_counter()
        theirs = not torch.autograd.gradcheck(fn, inputs, raise_exception=False)
        t2 = time.perf_counter()
        missed += bug and not ours
        print(f"{name:40s} {'yes' if bug else 'no':5s} "
              f"{'FLAGGED' if ours else 'passed':>10s} {t1 - t0:7.3f}s "
              f"{'FLAGGED' if theirs else 'passed':>10s} {t2 - t1:7.3f}s")
    print("(symnn: 72 points with stress values, complex step; gradcheck: its defaults, "
          "eps=1e-6, atol=1e-5, rtol=1e-3, at one point)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
