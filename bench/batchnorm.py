"""Batch normalization: the generated backward kernel against a hand-written NumPy backward and
torch autograd, and the derivation's cost for symbolic m against concrete m.

Kernels at (256, 1024) and (1024, 4096), float64 and float32, timed round-robin (ROUNDS x
CALLS each, median per call), printed as ratios to the hand-written NumPy backward of the same
run (the cs231n "alt" form that uses the cached xhat and 1/sigma) and to the generated one.
torch (optional, torch==2.13.0) runs with 1 thread: its fused C++ batch-norm backward is the
memory-bound target. The memory floor is one pass reading two arrays and writing one (its
time); peak extra memory (tracemalloc) is in arrays of the input's size. The forward passes
(generated, hand, torch) are timed in the same rounds. First the time to derive the
backward for symbolic m (both routes) and by plain differentiation at m = 2, 4, 8, 16.

Run: python bench/batchnorm.py [--rounds N]
"""

# ruff: noqa: E402
from __future__ import annotations

import os

# one BLAS thread, as torch gets: on a shared 2-core machine more threads only add noise
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import time
import tracemalloc

import numpy as np
import sympy as sp
from _timing import median_and_min

from symnn.catalog import load_catalog
from symnn.check._kernelcheck import kernel_module
from symnn.check.prove import prove_same
from symnn.derive import batch_derivation, concrete_gradient
from symnn.read import parse_expression

SHAPES = [(256, 1024), (1024, 4096)]
EPS = 1e-5


def hand_forward(x, gamma, beta, eps=EPS):
    mu = x.mean(axis=0)
    xc = x - mu
    inv_std = 1.0 / np.sqrt((xc * xc).mean(axis=0) + eps)
    xhat = xc * inv_std
    return gamma * xhat + beta, (xhat, inv_std)


def hand_backward(dy, cache, gamma):
    """The usual one: cached xhat and 1/sigma (cs231n batchnorm_backward_alt)."""
    xhat, inv_std = cache
    m = dy.shape[0]
    dbeta = dy.sum(axis=0)
    dgamma = (dy * xhat).sum(axis=0)
    dx = (gamma * inv_std / m) * (m * dy - dbeta - xhat * dgamma)
    return dx, dgamma, dbeta


def _peak_extra(fn) -> int:
    """Bytes allocated at the peak of one call, beyond what existed before it (tracemalloc)."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def kernels_ratio(module, shape: tuple[int, int], dtype, rounds: int) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, size=shape).astype(dtype)
    dy = rng.normal(size=shape).astype(dtype)
    gamma = rng.normal(size=shape[1]).astype(dtype)
    beta = rng.normal(size=shape[1]).astype(dtype)
    _, saved = module.batch_normalization_forward(x, gamma, beta, EPS)
    _, cache = hand_forward(x, gamma, beta)
    ours = module.batch_normalization_backward(dy, saved, gamma, beta)
    assert all(g.dtype == dtype for g in ours), [g.dtype for g in ours]
    ref = hand_backward(dy, cache, gamma)
    diff = max(float(np.max(np.abs(a - b))) for a, b in zip(ours, ref, strict=True))
    out = np.empty_like(x)
    floor = "memory floor: one pass reading two arrays, writing one (np.add(a, b, out=c))"
    kernels = {
        "hand-written NumPy backward (cached xhat, 1/sigma)": lambda: hand_backward(dy, cache,
                                                                                   gamma),
        "symnn generated backward (cached x - mu, 1/sigma)":
            lambda: module.batch_normalization_backward(dy, saved, gamma, beta),
        "symnn generated forward + backward": lambda: module.batch_normalization_backward(
            dy, module.batch_normalization_forward(x, gamma, beta, EPS)[1], gamma, beta),
        floor: lambda: np.add(dy, x, out=out),
        "hand-written NumPy forward": lambda: hand_forward(x, gamma, beta),
        "symnn generated forward": lambda: module.batch_normalization_forward(x, gamma, beta,
                                                                              EPS),
    }
    memory = {name: _peak_extra(fn) for name, fn in kernels.items()}
    try:
        import torch

        torch.set_num_threads(1)
        tx = torch.tensor(x, requires_grad=True)
        tg, tb = torch.tensor(gamma, requires_grad=True), torch.tensor(beta, requires_grad=True)
        ty = torch.nn.functional.batch_norm(tx, None, None, tg, tb, training=True, eps=EPS)
        tdy = torch.tensor(dy)

        def torch_backward():
            return torch.autograd.grad(ty, (tx, tg, tb), tdy, retain_graph=True)

        tgrads = torch_backward()
        diff = max(diff, max(float(np.max(np.abs(a - b.numpy())))
                             for a, b in zip(ours, tgrads, strict=True)))
        kernels[f"torch {torch.__version__} autograd backward, 1 thread"] = torch_backward
        kernels[f"torch {torch.__version__} forward (training), 1 thread"] = (
            lambda: torch.nn.functional.batch_norm(tx.detach(), None, None, tg.detach(),
                                                   tb.detach(), training=True, eps=EPS))
    except ImportError:
        print("(torch not installed: pip install torch==2.13.0 for the torch ratio)")
    times, fastest = median_and_min(kernels, rounds, 5)
    names = list(kernels)
    base, ours_t = times[names[0]], times[names[1]]
    print(f"Batch norm at {shape} {np.dtype(dtype).name}, {rounds} rounds x 5 calls "
          f"(hand-written NumPy backward: {base * 1e3:.2f} ms median here; one array "
          f"{x.nbytes / 2**20:.1f} MiB); ratios of the medians (of the fastest rounds):")
    print("  vs hand          vs ours          peak extra  kernel")
    for name, t in times.items():
        mem = f"{memory[name] / x.nbytes:5.1f} arr" if name in memory else "      -  "
        quick = fastest[name]
        print(f"  {t / base:5.2f}x ({quick / fastest[names[0]]:5.2f}x) {t / ours_t:5.2f}x "
              f"({quick / fastest[names[1]]:5.2f}x)  {mem}   {name}")
    torch_b = next((n for n in names if n.startswith("torch") and "backward" in n), None)
    versus = (f"; / torch backward: {ours_t / times[torch_b]:.2f}x "
              f"({fastest[names[1]] / fastest[torch_b]:.2f}x)" if torch_b else "")
    print(f"  generated backward / memory floor: {ours_t / times[floor]:.2f}x "
          f"({fastest[names[1]] / fastest[floor]:.2f}x){versus}")
    print(f"  peak extra memory of the generated backward {memory[names[1]] / x.nbytes:.1f} "
          f"arrays (its output is 1), forward {memory['symnn generated forward'] / x.nbytes:.1f} "
          f"(y and the saved x - mu); largest difference between the kernels' gradients: "
          f"{diff:.1e}")


def derivation_times() -> None:
    formula = next(f for f in load_catalog() if f.id == "batch-normalization")
    start = time.perf_counter()
    deriv = batch_derivation(formula)
    total = time.perf_counter() - start
    print("Deriving the backward (d/dx, d/dgamma, d/dbeta):")
    print(f"  symbolic m: {total:.2f} s in all, reading the formula included ("
          + ", ".join(f"{k} route {v:.2f} s" for k, v in deriv.seconds.items()) + ")")
    ctx = deriv.ctx
    check = next(c for c in formula.checks if c.kind == "backward" and c.wrt == "x")
    stated = ctx.read(parse_expression(check.latex, formula.table))
    x = ctx.symbol("x")
    print("  concrete m, d/dx_1 by plain diff (count_ops of the raw derivative), then the proof:")
    previous = None
    for n in (2, 4, 8, 16):
        start = time.perf_counter()
        raw, closed = concrete_gradient(ctx, x, n, stated)
        derived = time.perf_counter() - start
        start = time.perf_counter()
        ok, how = prove_same(raw, closed)
        proved = time.perf_counter() - start
        growth = f", x{(derived + proved) / previous:.1f} per doubling" if previous else ""
        previous = derived + proved
        print(f"    m = {n:2d}: expand + diff {derived:6.2f} s ({sp.count_ops(raw):6d} ops), "
              f"proof {proved:6.2f} s ({'proved, ' + how if ok else 'not proved: ' + how}"
              f"{growth})")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    derivation_times()  # first: nothing cached yet
    formula = next(f for f in load_catalog() if f.id == "batch-normalization")
    module = kernel_module(batch_derivation(formula))
    for shape in SHAPES:
        for dtype in (np.float64, np.float32):
            kernels_ratio(module, shape, dtype, args.rounds)


if __name__ == "__main__":
    main()
