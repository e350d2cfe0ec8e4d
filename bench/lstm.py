"""LSTM cell: the generated sequence + BPTT kernels against a hand-written NumPy LSTM and torch
autograd, over T steps of a batch.

The cell is the catalog's corrected LSTM (the standard one: output a = Gamma_o * tanh(c), no
relevance gate in the candidate). Shapes n_a = 128, n_x = 64, batch 64, T = 16, float64. Timed
round-robin (ROUNDS x CALLS each, median per call), printed as ratios to the hand-written NumPy
forward + backward of the same run. torch (optional, torch==2.13.0, 1 thread) differentiates the
torch-backend generated forward with autograd. The gradients are compared first.

Run: python bench/lstm.py [--rounds N]
"""

from __future__ import annotations

import argparse

import numpy as np
from _timing import median_times

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
    da_next, dc_next = np.zeros((N_A, M)), np.zeros((N_A, M))
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




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=3)
    args = parser.parse_args()
    formula = next(f for f in load_catalog() if f.id == "lstm-cell")
    gen = load_module(codegen_source([formula]), "bench_lstm")
    rng = np.random.default_rng(0)
    p = {n: rng.normal(size=(N_A, 1)) * 0.1 for n in ORDER if n.startswith("b")}
    p.update({n: rng.normal(size=(N_A, N_X)) / np.sqrt(N_X) for n in ORDER if n[0] == "W"})
    p.update({n: rng.normal(size=(N_A, N_A)) / np.sqrt(N_A) for n in ORDER if n[0] == "U"})
    p["W_c"] = rng.normal(size=(N_A, N_A + N_X)) / np.sqrt(N_A + N_X)
    xs = [rng.normal(size=(N_X, M)) for _ in range(T)]
    a0, c0 = np.zeros((N_A, M)), np.zeros((N_A, M))
    d_as = [rng.normal(size=(N_A, M)) for _ in range(T)]
    zeros = [np.zeros((N_A, M))] * T
    pv = [p[n] for n in ORDER]

    def generated():
        _, saves = gen.lstm_cell_sequence(xs, a0, c0, *pv)
        return gen.lstm_cell_bptt(d_as, zeros, saves, *pv)

    def hand():
        return hand_bptt(d_as, hand_sequence(xs, a0, c0, p), p)

    ours, theirs = generated(), hand()
    worst = max(float(np.max(np.abs(ours[3 + i] - theirs[3][n]))) for i, n in enumerate(ORDER))
    print(f"LSTM n_a={N_A} n_x={N_X} batch={M} T={T} float64; generated vs hand-written "
          f"parameter gradients: max abs difference {worst:.1e}")
    kernels = {"hand-written NumPy": hand, "symnn generated": generated}
    try:
        import torch

        torch.set_num_threads(1)
        tmod = load_module(codegen_source([formula], backend="torch"), "bench_lstm_torch")
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
        print(f"torch {torch.__version__} autograd vs generated: max abs difference {worst_t:.1e}")
        kernels["torch autograd (1 thread)"] = torch_autograd
    except ImportError:
        print("torch not installed: pip install torch==2.13.0 for the comparison")
    times = median_times(kernels, args.rounds, args.calls)
    base = times["hand-written NumPy"]
    print(f"forward + BPTT over {T} steps, median of {args.rounds} x {args.calls}:")
    for name, t in times.items():
        print(f"  {name:28s} {t / base:5.2f}x")


if __name__ == "__main__":
    main()
