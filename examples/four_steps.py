"""The cheatsheet's four training steps with kernels that symnn generated from the catalog.

1. take a batch of the training data; 2. forward propagation to the loss; 3. backpropagate the
loss to get the gradients; 4. update the weights. Two models on a synthetic data set this file
makes itself: logistic regression (one input, weight w, bias b) and a network with one hidden
layer of sigmoid units. The arithmetic of each step is a generated function (the loss, the
chain-rule gradients, sigmoid and its derivative, the cross-entropy and its derivative, the
weight update); the glue only slices batches, sums over the hidden units and averages over the
batch. A hand-written NumPy version of the same training runs beside it.

Run: python examples/four_steps.py
"""

from __future__ import annotations

import numpy as np

from symnn.catalog import load_catalog
from symnn.emit import load_module
from symnn.report import codegen_source

FORMULAS = ("backprop-chain-rule", "weight-update", "sigmoid", "cross-entropy")


def kernels():
    """The generated module (verified as it is generated)."""
    chosen = [f for f in load_catalog() if getattr(f, "id", None) in FORMULAS]
    return load_module(codegen_source(chosen), "four_steps_kernels")


def dataset(n: int = 256, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """x ~ N(0, 1); y = 1 with probability sigmoid(2 x - 0.5)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(2 * x - 0.5)))).astype(float)
    return x, y


def batches(n: int, size: int, steps: int):
    """Step 1: the batches, in a fixed order."""
    for t in range(steps):
        yield np.arange(t * size, (t + 1) * size) % n


def logistic_symnn(k, x, y, steps=200, eta=0.5, size=32):
    w = b = 0.0
    losses = []
    for idx in batches(len(x), size, steps):
        xb, yb = x[idx], y[idx]
        losses.append(float(np.mean(k.backprop_chain_rule__l(b, w, xb, yb))))  # step 2
        gb = np.mean(k.backprop_chain_rule__l__d_b(b, w, xb, yb))  # step 3
        w_next = np.mean(k.weight_update(b, eta, w, xb, yb))  # step 4: the mean of the
        b, w = b - eta * gb, w_next  # per-sample updates is the batch update
    return {"w": w, "b": b}, losses


def logistic_numpy(x, y, steps=200, eta=0.5, size=32):
    w = b = 0.0
    losses = []
    for idx in batches(len(x), size, steps):
        xb, yb = x[idx], y[idx]
        a = 1 / (1 + np.exp(-(w * xb + b)))
        losses.append(float(np.mean(-(yb * np.log(a) + (1 - yb) * np.log(1 - a)))))
        w, b = w - eta * np.mean((a - yb) * xb), b - eta * np.mean(a - yb)
    return {"w": w, "b": b}, losses


def _init(hidden: int, seed: int = 1) -> dict:
    rng = np.random.default_rng(seed)
    return {"w1": rng.normal(size=hidden), "b1": rng.normal(size=hidden),
            "w2": rng.normal(size=hidden) / np.sqrt(hidden), "b2": 0.0}


def mlp_symnn(k, x, y, hidden=8, steps=300, eta=0.5, size=32):
    p = _init(hidden)
    losses = []
    for idx in batches(len(x), size, steps):
        xb, yb = x[idx], y[idx]
        z1 = p["w1"] * xb[:, None] + p["b1"]  # the unit output z = w x + b, per hidden unit
        h = k.sigmoid(z1)
        z2 = h @ p["w2"] + p["b2"]
        a = k.sigmoid(z2)
        losses.append(float(np.mean(k.cross_entropy__l(yb, a))))  # step 2
        dz2 = k.cross_entropy__l__d_z(yb, a) * k.sigmoid__g__d_z(z2)  # step 3: chain rule
        dz1 = dz2[:, None] * p["w2"] * k.sigmoid__g__d_z(z1)
        grads = {"w2": np.mean(dz2[:, None] * h, axis=0), "b2": np.mean(dz2),
                 "w1": np.mean(dz1 * xb[:, None], axis=0), "b1": np.mean(dz1, axis=0)}
        p = {n: p[n] - eta * grads[n] for n in p}  # step 4: w <- w - eta dL/dw
    return p, losses


def mlp_numpy(x, y, hidden=8, steps=300, eta=0.5, size=32):
    p = _init(hidden)
    losses = []
    for idx in batches(len(x), size, steps):
        xb, yb = x[idx], y[idx]
        h = 1 / (1 + np.exp(-(p["w1"] * xb[:, None] + p["b1"])))
        a = 1 / (1 + np.exp(-(h @ p["w2"] + p["b2"])))
        losses.append(float(np.mean(-(yb * np.log(a) + (1 - yb) * np.log(1 - a)))))
        dz2 = a - yb
        dz1 = dz2[:, None] * p["w2"] * h * (1 - h)
        grads = {"w2": np.mean(dz2[:, None] * h, axis=0), "b2": np.mean(dz2),
                 "w1": np.mean(dz1 * xb[:, None], axis=0), "b1": np.mean(dz1, axis=0)}
        p = {n: p[n] - eta * grads[n] for n in p}
    return p, losses


def largest_difference(a: dict, b: dict) -> float:
    return max(float(np.max(np.abs(np.asarray(a[n]) - np.asarray(b[n])))) for n in a)


def main() -> None:
    k = kernels()
    x, y = dataset()
    for name, ours, ref in (("logistic regression", logistic_symnn, logistic_numpy),
                            ("one hidden layer (8 sigmoid units)", mlp_symnn, mlp_numpy)):
        (p, losses), (q, _) = ours(k, x, y), ref(x, y)
        print(f"{name}: loss {losses[0]:.4f} -> {losses[-1]:.4f} over {len(losses)} steps; "
              f"largest parameter difference to hand-written NumPy {largest_difference(p, q):.1e}")


if __name__ == "__main__":
    main()
