"""LSTM cell: the generated sequence + BPTT kernels against a hand-written NumPy LSTM and torch
autograd, over T steps of a batch.

The cell is the catalog's corrected LSTM (the standard one: output a = Gamma_o * tanh(c), no
relevance gate in the candidate). Shapes n_a = 128, n_x = 64, batch 64, T = 16, float64 and
float32 (the generated gradients' dtype is printed). Timed
round-robin (ROUNDS x CALLS each, median per call), printed as ratios to the hand-written NumPy
forward + backward of the same run. torch (optional, torch==2.13.0, 1 thread) differentiates the
torch-backend generated forward with autograd. The gradients are compared first. The memory
floor is the activations a hand-written BPTT keeps; peak extra memory (tracemalloc) is printed
as a multiple of it.

Run: python bench/lstm.py [--rounds N]
"""

# ruff: noqa: E402
from __future__ import annotations

import os

# one BLAS thread, as torch gets: on a shared 2-core machine more threads only add noise
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import tracemalloc

import numpy as np
from _timing import median_and_min

from symnn.catalog import load_catalog
from symnn.emit import load_module
from symnn.report import codegen_source

N_A, N_X, M, T = 128, 64, 64, 16
ORDER = ["W_c", "b_c", "W_u", "U_u", "b_u", "W_f", "U_f", "b_f", "W_o", "U_o", "b_o"]


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def hand_sequence(xs, a, c, p):
    """The LSTM written out by hand, one matrix product per gate and input."""
    caches = []
    for x in xs:
        gates = {g: _sigmoid(p[f"W_{g}"] @ x + p[f"U_{g}"] @ a + p[f"b_{g}"]) for g in "ufo"}
        stacked = np.concatenate([a, x], axis=0)
        cand = np.tanh(p["W_c"] @ stacked + p["b_c"])
        c_new = gates["u"] * cand + gates["f"] * c
        tc = np.tanh(c_new)
        a_new = gates["o"] * tc
        caches.append((x, a, c, gates, stacked, cand, tc))
        a, c = a_new, c_new
    return caches


def hand_bptt(d_as, caches, p):
    grads = {n: np.zeros_like(p[n]) for n in ORDER}
    da_next, dc_next = np.zeros_like(d_as[0]), np.zeros_like(d_as[0])  # the input's dtype
    dxs = [None] * len(caches)
    for t in reversed(range(len(caches))):
        x, a, c, g, stacked, cand, tc = caches[t]
        da = d_as[t] + da_next
        dc = dc_next + da * g["o"] * (1 - tc ** 2)
        dz = {"o": da * tc, "u": dc * cand, "f": dc * c}
        dcand = dc * g["u"] * (1 - cand ** 2)
        dstacked = p["W_c"].T @ dcand
        grads["W_c"] += dcand @ stacked.T
        grads["b_c"] += dcand.sum(axis=1, keepdims=True)
        dx = dstacked[N_A:].copy()
        da_prev = dstacked[:N_A].copy()
        for k in "ufo":
            dpre = dz[k] * g[k] * (1 - g[k])
            grads[f"W_{k}"] += dpre @ x.T
            grads[f"U_{k}"] += dpre @ a.T
            grads[f"b_{k}"] += dpre.sum(axis=1, keepdims=True)
            dx += p[f"W_{k}"].T @ dpre
            da_prev += p[f"U_{k}"].T @ dpre
        dxs[t] = dx
        da_next, dc_next = da_prev, dc * g["f"]
    return dxs, da_next, dc_next, grads


def _nbytes(values) -> int:
    if isinstance(values, dict):
        return sum(_nbytes(v) for v in values.values())
    if isinstance(values, (list, tuple)):
        return sum(_nbytes(v) for v in values)
    return getattr(values, "nbytes", 0)


def _peak(fn) -> int:
    """Bytes allocated at the peak of one call (tracemalloc)."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def run(gen, tmod, dtype, rounds: int, calls: int) -> None:
    rng = np.random.default_rng(0)
    p = {n: rng.normal(size=(N_A, 1)) * 0.1 for n in ORDER if n.startswith("b")}
    p.update({n: rng.normal(size=(N_A, N_X)) / np.sqrt(N_X) for n in ORDER if n[0] == "W"})
    p.update({n: rng.normal(size=(N_A, N_A)) / np.sqrt(N_A) for n in ORDER if n[0] == "U"})
    p["W_c"] = rng.normal(size=(N_A, N_A + N_X)) / np.sqrt(N_A + N_X)
    p = {k: v.astype(dtype) for k, v in p.items()}
    xs = [rng.normal(size=(N_X, M)).astype(dtype) for _ in range(T)]
    a0, c0 = np.zeros((N_A, M), dtype), np.zeros((N_A, M), dtype)
    d_as = [rng.normal(size=(N_A, M)).astype(dtype) for _ in range(T)]
    zeros = [np.zeros((N_A, M), dtype)] * T
    pv = [p[n] for n in ORDER]

    def generated():
        _, saves = gen.lstm_cell_sequence(xs, a0, c0, *pv)
        return gen.lstm_cell_bptt(d_as, zeros, saves, *pv)

    def hand():
        return hand_bptt(d_as, hand_sequence(xs, a0, c0, p), p)

    ours, theirs = generated(), hand()
    kept = {g.dtype.name for g in ours[3:]} | {d.dtype.name for d in ours[0]}
    worst = max(float(np.max(np.abs(ours[3 + i] - theirs[3][n]))) for i, n in enumerate(ORDER))
    name = np.dtype(dtype).name
    print(f"LSTM n_a={N_A} n_x={N_X} batch={M} T={T} {name}; generated gradients' dtype "
          f"{', '.join(sorted(kept))}; vs hand-written: max abs difference {worst:.1e}")
    kernels = {"hand-written NumPy": hand, "symnn generated": generated}
    if tmod is not None:
        import torch

        tp = [torch.tensor(v, requires_grad=True) for v in pv]
        txs = [torch.tensor(x) for x in xs]
        ta0, tc0 = torch.tensor(a0), torch.tensor(c0)
        tda = [torch.tensor(d) for d in d_as]

        def torch_autograd():
            outputs, _ = tmod.lstm_cell_sequence(txs, ta0, tc0, *tp)
            loss = sum((d * a).sum() for d, (a, _) in zip(tda, outputs, strict=True))
            return torch.autograd.grad(loss, tp)

        tg = torch_autograd()
        worst_t = max(float(np.max(np.abs(ours[3 + i] - g.numpy()))) for i, g in enumerate(tg))
        print(f"  torch {torch.__version__} autograd vs generated: max abs difference "
              f"{worst_t:.1e}")
        kernels["torch autograd (1 thread)"] = torch_autograd
    floor = _nbytes(hand_sequence(xs, a0, c0, p))
    memory = {k: _peak(fn) for k, fn in kernels.items() if not k.startswith("torch")}
    times, fastest = median_and_min(kernels, rounds, calls)
    base, ours_t = times["hand-written NumPy"], times["symnn generated"]
    print(f"  forward + BPTT over {T} steps, {rounds} rounds x {calls} calls (hand: "
          f"{base * 1e3:.1f} ms median); memory floor (the activations BPTT keeps): "
          f"{floor / 2**20:.1f} MiB; ratios of the medians (of the fastest rounds)")
    print("    vs hand          vs ours          peak extra / floor")
    for k, t in times.items():
        mem = f"{memory[k] / floor:5.2f}x" if k in memory else "    - "
        print(f"    {t / base:5.2f}x ({fastest[k] / fastest['hand-written NumPy']:5.2f}x) "
              f"{t / ours_t:5.2f}x ({fastest[k] / fastest['symnn generated']:5.2f}x)   {mem}   "
              f"{k}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=3)
    args = parser.parse_args()
    formula = next(f for f in load_catalog() if f.id == "lstm-cell")
    gen = load_module(codegen_source([formula]), "bench_lstm")
    try:
        import torch

        torch.set_num_threads(1)
        tmod = load_module(codegen_source([formula], backend="torch"), "bench_lstm_torch")
    except ImportError:
        print("torch not installed: pip install torch==2.13.0 for the comparison")
        tmod = None
    for dtype in (np.float64, np.float32):
        run(gen, tmod, dtype, args.rounds, args.calls)


if __name__ == "__main__":
    main()
