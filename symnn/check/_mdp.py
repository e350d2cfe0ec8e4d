"""The reinforcement-learning formulas run on random small MDPs.

An interpreter evaluates a parsed statement on concrete arrays: every state or action variable
(the formula file's ``[mdp]`` table says which names range over states, which over actions) gets
an axis of its own, so ``\\sum_{s'}`` is a sum over that axis, ``\\max_a`` a max, ``argmax`` an
argmax; ``R(s)``, ``P_{sa}(s')``, ``V(s)``, ``Q(s, a)`` and ``#`` counts index arrays. A
reference solver in NumPy (value iteration to 1e-13) gives V* and Q*. Each ``mdp`` check runs
the printed statement in one role (see ROLES) on MDPs with 2-6 states and actions.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import sympy as sp

from ..read import ArgMax, Count, SetMax, SetSum
from ._results import CheckResult

__all__ = ["ROLES", "random_mdp", "optimal", "Interpreter", "check_mdp", "MDP_SEEDS"]

#: Random MDPs per check (states and actions drawn in 2..6, gamma in [0.5, 0.9]).
MDP_SEEDS = 5
_AXES = 6


def random_mdp(rng: np.random.Generator) -> dict:
    n_s, n_a = (int(v) for v in rng.integers(2, 7, size=2))
    p = rng.random((n_s, n_a, n_s)) ** 3  # uneven rows, some near 0
    p /= p.sum(axis=2, keepdims=True)
    return {"P": p, "R": rng.normal(size=n_s), "R3": rng.normal(size=(n_s, n_a, n_s)),
            "gamma": float(rng.uniform(0.5, 0.9)), "n_s": n_s, "n_a": n_a}


def optimal(mdp: dict, three: bool) -> tuple[np.ndarray, np.ndarray]:
    """V*, Q* by value iteration in NumPy (the reference), reward R(s) or R(s, a, s')."""
    p, g = mdp["P"], mdp["gamma"]
    v = np.zeros(mdp["n_s"])
    for _ in range(10_000):
        if three:
            q = np.einsum("ijk,ijk->ij", p, mdp["R3"] + g * v[None, None, :])
        else:
            q = mdp["R"][:, None] + g * p @ v
        new = q.max(axis=1)
        if np.max(np.abs(new - v)) < 1e-14:
            break
        v = new
    return new, q


class Interpreter:
    """Evaluates a parsed statement with arrays: names are bound to axes or arrays."""

    def __init__(self, kinds: dict[str, str], sizes: dict[str, int],
                 functions: dict[str, Callable], values: dict[str, object]) -> None:
        self.kinds, self.sizes, self.functions, self.values = kinds, sizes, functions, values
        self.axes: dict[str, int] = {}
        self.grids: dict[tuple[int, int], np.ndarray] = {}

    def axis(self, name: str) -> int:
        if name not in self.axes:
            self.axes[name] = len(self.axes)
            if len(self.axes) > _AXES:
                raise ValueError("too many state and action variables")
        return self.axes[name]

    def var(self, name: str) -> np.ndarray:
        if name in self.values:
            return self.values[name]
        n, ax = self.sizes[self.kinds[name]], self.axis(name)
        if (n, ax) not in self.grids:  # read-only: shared by every read of the variable
            shape = [1] * _AXES
            shape[ax] = n
            self.grids[n, ax] = np.arange(n).reshape(shape)
            self.grids[n, ax].flags.writeable = False
        return self.grids[n, ax]

    def __call__(self, e: sp.Basic) -> object:
        return self.compile(e)()

    def compile(self, e: sp.Basic) -> Callable[[], object]:
        """The statement as a closure tree: calling it evaluates ``e`` with the names, functions
        and values bound at call time, in the order a walk of the tree would (so axes are given
        in the same order); loops that change only values compile once."""
        if e.is_Number:
            number = float(e)
            return lambda: number
        if isinstance(e, sp.Symbol):
            return lambda: self.var(e.name)
        known = sp.Add, sp.Mul, sp.Pow, SetSum, SetMax, ArgMax, sp.core.function.AppliedUndef
        parts = [self.compile(a) for a in e.args] if isinstance(e, known) else []
        if isinstance(e, sp.Add):
            return lambda: sum(p() for p in parts)
        if isinstance(e, sp.Mul):
            return lambda: _product(parts)
        if isinstance(e, sp.Pow):
            return lambda: parts[0]() ** parts[1]()
        if isinstance(e, SetSum | SetMax | ArgMax):
            return lambda: self._reduce(e, parts[0])
        if isinstance(e, Count):
            names = [a.name for a in e.args[1:]]
            return lambda: self.functions["#"](names, [self.var(a) for a in names])
        if isinstance(e, sp.core.function.AppliedUndef):
            name = type(e).__name__
            return lambda: self.functions[name](*[p() for p in parts])
        return lambda: _no_meaning(e)

    def _reduce(self, e: sp.Basic, body: Callable[[], object]) -> np.ndarray:
        var = e.args[1]
        sets = self.values.get("__sets__", ())
        if var.name in sets or (len(e.args) > 2 and e.args[2].name not in sets):
            raise ValueError(f"{type(e).__name__} over {var} in {e.args[2:]}: the variable "
                             "and the set are swapped")
        if len(e.args) > 2 and isinstance(e.args[2], sp.Symbol):  # the variable ranges
            self.kinds[var.name] = self.kinds.get(e.args[2].name, self.kinds[var.name])
        ax = self.axis(var.name)
        body_value = body()  # once: bodies nest (a max over a sum), so no re-evaluation
        full = tuple(self.sizes[self.kinds[var.name]] if i == ax else 1 for i in range(_AXES))
        value = np.broadcast_to(body_value, np.broadcast_shapes(np.shape(body_value), full))
        reduce = {SetSum: np.sum, SetMax: np.max, ArgMax: np.argmax}[type(e)]
        return np.expand_dims(reduce(value, axis=ax), ax)


def _product(parts: list[Callable[[], object]]) -> object:
    out = 1.0
    for p in parts:
        out = out * p()
    return out


def _no_meaning(e: sp.Basic) -> object:
    raise ValueError(f"{type(e).__name__} has no meaning on an MDP")


@functools.lru_cache(maxsize=1024)
def _layout(shape: tuple[int, ...], keep: tuple[int, ...], sizes: tuple[int, ...]
            ) -> tuple[tuple[int, ...], tuple[int, ...], np.ndarray]:
    """For _on_states (the same every round of a loop): the shape to broadcast to, the axes
    to squeeze, the transposition."""
    full = tuple(sizes[keep.index(i)] if i in keep else shape[i] for i in range(_AXES))
    other = tuple(i for i in range(_AXES) if i not in keep)
    return full, other, np.argsort(np.argsort(keep))


def _on_states(value: object, interp: Interpreter, names: tuple[str, ...]) -> np.ndarray:
    """A result as an array over the named variables' axes (others must be 1)."""
    arr = np.asarray(value, dtype=float)
    arr = arr.reshape(arr.shape + (1,) * (_AXES - arr.ndim)) if arr.ndim < _AXES else arr
    full, other, order = _layout(arr.shape, tuple(interp.axes[n] for n in names),
                                 tuple(interp.sizes[interp.kinds[n]] for n in names))
    arr = np.broadcast_to(arr, full)
    return np.transpose(arr.squeeze(axis=other) if other else arr, order)


def check_mdp(role: str, lhs: sp.Basic, rhs: sp.Expr, roles: dict, seed: int = 0
              ) -> CheckResult:
    """Run the statement in ``role`` on MDP_SEEDS random MDPs."""
    worst, counterexample = 0.0, None
    for k in range(MDP_SEEDS):
        rng = np.random.default_rng([seed, k])
        mdp = random_mdp(rng)
        try:
            gap, detail = ROLES[role][1](lhs, rhs, roles, mdp, rng)
        except (IndexError, ValueError) as exc:  # e.g. a sum over actions indexing states
            gap, detail = 1e12, f"the statement does not evaluate here ({exc})"
        worst = max(worst, gap)
        if gap > 1 and counterexample is None:
            counterexample = {"point": {"MDP": float(k), "states": float(mdp["n_s"]),
                                        "actions": float(mdp["n_a"]),
                                        "gamma": mdp["gamma"]}, "lhs": gap, "rhs": 1.0,
                              "case": f"MDP {k} ({mdp['n_s']} states, {mdp['n_a']} actions, "
                                      f"gamma {mdp['gamma']:.3f}): {detail}"}
    ok = counterexample is None
    return CheckResult(f"mdp: {role}", ok, f"{ROLES[role][0]}; {MDP_SEEDS} random MDPs",
                       "MDP simulation", MDP_SEEDS, counterexample=counterexample, seed=seed,
                       margin=worst)


def _interp(roles: dict, mdp: dict, **extra: Callable) -> Interpreter:
    kinds = {n: "s" for n in roles["states"]} | {n: "a" for n in roles["actions"]}
    p = mdp["P"]
    functions = {roles.get("reward", "R"): (lambda *x: mdp["R"][x[0]] if len(x) == 1
                                            else mdp["R3"][x[0], x[1], x[2]]),
                 roles.get("transition", "P"): lambda s2: p[interp.var(roles["state"]),
                                                            interp.var(roles["action"]), s2],
                 **extra}
    interp = Interpreter(kinds, {"s": mdp["n_s"], "a": mdp["n_a"]}, functions,
                         {roles.get("discount", "gamma"): mdp["gamma"],
                          "__sets__": tuple(roles.get("sets", ()))})
    return interp


def _bellman(lhs, rhs, roles, mdp, rng):
    v, _ = optimal(mdp, three=False)
    interp = _interp(roles, mdp, **{f: (lambda s: v[s]) for f in roles["values"]})
    got = _on_states(interp(rhs), interp, (roles["state"],))
    residual = float(np.max(np.abs(got - v)))
    return residual / 1e-10, f"residual {residual:.2e} at V*"


def _iteration(lhs, rhs, roles, mdp, rng):
    v_star, _ = optimal(mdp, three=False)
    v = np.zeros(mdp["n_s"])  # V_0 = 0
    now = [v]  # the values the statement reads this round
    interp = _interp(roles, mdp, **{f: (lambda s: now[0][s]) for f in roles["values"]})
    run = interp.compile(rhs)  # once: each round changes only the values
    for _ in range(5000):
        now[0] = v
        new = _on_states(run(), interp, (roles["state"],))
        if np.max(np.abs(new - v)) < 1e-13:
            break
        v = new
    residual = float(np.max(np.abs(new - v_star)))
    return residual / 1e-10, f"value iteration from V_0 = 0 ends {residual:.2e} from V*"


def _greedy(lhs, rhs, roles, mdp, rng):
    v, q = optimal(mdp, three=False)
    interp = _interp(roles, mdp, **{f: (lambda s: v[s]) for f in roles["values"]})
    pi = _on_states(interp(rhs), interp, (roles["state"],)).astype(int)
    loss = float(np.max(q.max(axis=1) - q[np.arange(mdp["n_s"]), pi]))
    return loss / 1e-12, f"the policy loses {loss:.2e} against greedy Q*"


def _q_learning(lhs, rhs, roles, mdp, rng):
    """Synchronous Q-learning: every (s, a) updated each round from a sampled s'. The reward
    R(s, a, s') is R(s) here: the transition noise alone already needs thousands of rounds."""
    mdp = {**mdp, "R3": np.broadcast_to(mdp["R"][:, None, None], mdp["R3"].shape)}
    _, q_star = optimal(mdp, three=True)
    q = np.zeros((mdp["n_s"], mdp["n_a"]))
    s2, a2 = roles["next_state"], roles["next_action"]
    cum = np.cumsum(mdp["P"], axis=2)
    now = [q]  # the Q table the statement reads this round
    interp = _interp(roles, mdp, **{f: (lambda s, a: now[0][s, a]) for f in roles["values"]})
    interp.axis(roles["state"])
    interp.axis(roles["action"])
    run = None
    # the 6000 rounds' draws at once: the same numbers, in the same order, as one draw a round
    draws = (rng.random((6000, mdp["n_s"], mdp["n_a"], 1)) > cum).sum(axis=3)
    for t in range(6000):
        nxt = draws[t]
        now[0] = q
        interp.values[roles["rate"]] = 1.0 / (1.0 + t / 10)
        interp.values[s2] = nxt.reshape(nxt.shape + (1,) * (_AXES - 2))
        interp.axis(a2)
        run = run or interp.compile(rhs)  # once: each round changes only the values
        q = _on_states(run(), interp, (roles["state"], roles["action"]))
    gap = float(np.max(np.abs(q - q_star)) / max(1.0, np.max(np.abs(q_star))))
    return gap / 0.10, f"Q after 6000 synchronous rounds is {gap:.3f} (relative) from Q*"


def _mle(lhs, rhs, roles, mdp, rng):
    n = 3000
    s = rng.integers(mdp["n_s"], size=n)
    a = rng.integers(mdp["n_a"], size=n)
    cum = np.cumsum(mdp["P"][s, a], axis=1)
    s2 = (rng.random((n, 1)) > cum).sum(axis=1)
    n3 = np.zeros((mdp["n_s"], mdp["n_a"], mdp["n_s"]))
    np.add.at(n3, (s, a, s2), 1)
    kinds = {n_: "s" for n_ in roles["states"]} | {n_: "a" for n_ in roles["actions"]}

    def count(names: list[str], xs: list[np.ndarray]) -> np.ndarray:
        """#(s, a, s') or #(s, a), the arguments in any order (states in order of writing)."""
        st = [x for x, name in zip(xs, names, strict=True) if kinds[name] == "s"]
        ac = [x for x, name in zip(xs, names, strict=True) if kinds[name] == "a"]
        return n3[st[0], ac[0], st[1]] if len(st) == 2 else n3.sum(axis=2)[st[0], ac[0]]

    interp = _interp(roles, mdp, **{"#": count})
    with np.errstate(all="ignore"):
        p_hat = _on_states(interp(rhs), interp, (roles["state"], roles["action"],
                                                 roles["next_state"]))
    seen = n3.sum(axis=2) > 0
    worst = 0.0
    for i, j in zip(*np.nonzero(seen), strict=True):
        row, cnt = p_hat[i, j], n3[i, j]
        if not np.isclose(row.sum(), 1.0, atol=1e-12):
            return 1e6, f"the estimate of P_(s={i}, a={j}) sums to {row.sum():.4f}"
        base = float(np.sum(cnt[cnt > 0] * np.log(row[cnt > 0])))
        for x in range(len(row)):
            for y in range(len(row)):
                if x == y or row[y] < 1e-6:
                    continue
                moved = row.copy()
                moved[x] += 1e-6
                moved[y] -= 1e-6
                ll = float(np.sum(cnt[cnt > 0] * np.log(moved[cnt > 0])))
                worst = max(worst, (ll - base) / 1e-12)
    return worst, f"a perturbation keeping the sum raises the log-likelihood by {worst:.2e}e-12"


def _policy_value(lhs, rhs, roles, mdp, rng):
    """E[sum of printed terms, continued | s_0 = s, pi], computed exactly as sum_k c_k P_pi^k R
    (Monte Carlo misses transitions of probability 1e-5: it gave false refutations), against
    V^pi = (I - gamma P_pi)^(-1) R, for a random deterministic policy."""
    from ..read import Etc, Expectation

    if not isinstance(rhs, Expectation):
        return 1e6, "the right side is not an expectation over trajectories"
    series = rhs.args[0]
    start, argument = sp.Symbol(roles["trajectory"][0]), lhs.args[0] if lhs.args else None
    conditions = rhs.args[1] if len(rhs.args) > 1 else ()
    names = {start.name, getattr(argument, "name", None)}
    if not any({getattr(c.lhs, "name", None), getattr(c.rhs, "name", None)} == names
               for c in conditions if isinstance(c, sp.Eq)):
        return 1e12, f"the expectation is not conditioned on {start} = {argument}"
    reward, g = roles.get("reward", "R"), mdp["gamma"]
    coeffs: dict[int, float] = {}
    for term in sp.Add.make_args(series):
        if isinstance(term, Etc):
            continue
        calls = [f for f in term.atoms(sp.core.function.AppliedUndef)
                 if type(f).__name__ == reward]
        if len(calls) != 1 or not isinstance(calls[0].args[0], sp.Symbol):
            return 1e6, f"the term {term} is not (coefficient) R(s_k)"
        k = roles["trajectory"].index(calls[0].args[0].name)
        coeff = term / calls[0]
        coeffs[k] = float(coeff.subs({x: g for x in coeff.free_symbols
                                      if x.name == roles.get("discount")}))
    last = max(coeffs)
    ratio = coeffs[last] / coeffs[last - 1] if series.has(Etc) and last >= 1 else 0.0
    if abs(ratio) >= 1:
        return 1e6, f"the printed series continues with ratio {ratio:.3f}: it diverges"
    pi = rng.integers(mdp["n_a"], size=mdp["n_s"])
    p_pi = mdp["P"][np.arange(mdp["n_s"]), pi]
    exact = np.linalg.solve(np.eye(mdp["n_s"]) - g * p_pi, mdp["R"])
    # E[R(s_k) | s_0 = s] = (P_pi^k R)(s): the printed series, continued, in expectation
    horizon = int(np.ceil(np.log(1e-15) / np.log(max(abs(ratio), 1e-3)))) + last + 1
    value, reward_k = np.zeros(mdp["n_s"]), mdp["R"].copy()
    for k in range(min(horizon, 5000)):
        value += coeffs.get(k, coeffs[last] * ratio ** (k - last) if k > last else 0.0) * reward_k
        reward_k = p_pi @ reward_k
    gap = float(np.max(np.abs(value - exact)) / max(1.0, np.max(np.abs(exact))))
    return gap / 1e-10, f"the printed series' expectation is {gap:.1e} (relative) from V^pi"


#: role -> (what is checked, how)
ROLES = {
    "policy-value": ("the printed series, continued, in expectation over the trajectories of a "
                     "random policy (sum of c_k P_pi^k R) equals (I - gamma P_pi)^-1 R to 1e-10",
                     _policy_value),
    "bellman": ("V* (reference value iteration) satisfies the printed fixed point to 1e-10",
                _bellman),
    "iteration": ("the printed update iterated from V_0 = 0 converges to V* (to 1e-10)",
                  _iteration),
    "greedy": ("the printed policy is greedy with respect to Q* (to 1e-12)", _greedy),
    "q-learning": ("the printed update (synchronous, sampled s', rate 1/(1 + t/10)) "
                   "converges to the Bellman-optimal Q within 10 % of max |Q*|", _q_learning),
    "mle": ("from 3000 sampled transitions, the printed estimate sums to 1 and no "
            "perturbation that keeps the sum raises the log-likelihood", _mle),
}
