"""Time and memory budgets, so one formula can neither hang a run nor eat the machine.

A formula's whole verification runs in a forked child process with an address-space cap and is
killed at its deadline; inside it, each simplification has its own alarm. Exceeding a budget is a
named, clean outcome ("simplify exceeded 10 s"), never a hang.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import math
import multiprocessing
import os
import pickle
import resource
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["BUDGETS", "BudgetExceeded", "time_limit", "run_isolated", "run_isolated_many",
           "valid_seconds", "valid_points", "valid_seed"]

#: Defaults, overridable from the command line (--time-limit) or by callers.
BUDGETS = {
    "formula_seconds": 120.0,  # a formula's whole verification
    "simplify_seconds": 10.0,  # one proof attempt; past it the check is "numeric only"
    "memory_mb": 8192,  # address space of the child verifying one formula
}


class BudgetExceeded(RuntimeError):
    """A step ran past its time or memory budget; the message names the step and the budget."""


class InternalError(BudgetExceeded):
    """The isolated step raised an unexpected exception (a bug of symnn, not an answer)."""


@contextlib.contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise BudgetExceeded("<what> exceeded N s") if the block runs longer than ``seconds``.

    Uses SIGALRM, so it only limits the main thread; elsewhere the block runs unlimited.
    """
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def _expire(signum: int, frame: object) -> None:
        raise BudgetExceeded(f"{what} exceeded {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGKILL this process when its parent dies (prctl PR_SET_PDEATHSIG); then
    check the parent did not die before the request was made."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)


def _child(conn: Any, fn: Callable[..., Any], args: tuple, memory_mb: int,
           parent_pid: int, passthrough: tuple[type[BaseException], ...]) -> None:
    _die_with_parent(parent_pid)
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)  # its own group: the parent kills the child and anything it started
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    limit = memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):  # some systems refuse; then no cap
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        conn.send(("ok", fn(*args)))
    except MemoryError:
        conn.send(("error", f"ran out of memory (cap {memory_mb} MB)"))
    except BudgetExceeded as exc:
        conn.send(("error", str(exc)))
    except passthrough as exc:  # the caller's own errors, raised again in the parent
        try:
            pickle.loads(pickle.dumps(exc))
            conn.send(("raise", exc))
        except Exception:  # not picklable: its message, as an error
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
    except Exception as exc:  # an internal error must not take the other formulas down
        conn.send(("error", f"internal error: {type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _start(fn: Callable[..., Any], args: tuple, memory_mb: int,
           passthrough: tuple[type[BaseException], ...] = ()) -> tuple[Any, Any]:
    """A forked child running ``fn(*args)`` in its own process group: (read end, process)."""
    ctx = multiprocessing.get_context("fork")  # no pickling of args: domains hold samplers
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, daemon=True,
                       args=(child, fn, args, memory_mb, os.getpid(), passthrough))
    # the child's garbage collector leaves the parent's objects alone (frozen at the fork):
    # it neither walks them (sympy's caches, the grammars) nor copies their pages on write
    gc.freeze()
    try:
        proc.start()
    finally:
        gc.unfreeze()  # here, the parent's: its objects are collected as before
    child.close()
    with contextlib.suppress(OSError):  # also here: no window where the group is not its own
        os.setpgid(proc.pid, proc.pid)
    return parent, proc


def _stop(proc: Any, conn: Any) -> None:
    """Kill the child and its process group if still running; reap it; close its pipe."""
    if proc.is_alive():
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.kill()
    proc.join()
    conn.close()


def _failure(what: str, value: str) -> BudgetExceeded:
    """The exception for a child that reported ``value`` instead of a result."""
    return (InternalError if value.startswith("internal error") else BudgetExceeded)(
        f"{what}: {value}")


def run_isolated(fn: Callable[..., Any], *args: Any, seconds: float | None = None,
                 memory_mb: int | None = None, what: str = "verification",
                 passthrough: tuple[type[BaseException], ...] = ()) -> Any:
    """Run ``fn(*args)`` in a forked child with a deadline and a memory cap; return its value.

    Raises BudgetExceeded when the child runs out of time or memory or fails; an exception of
    a ``passthrough`` type is raised again here as it was. The child is SIGKILLed with its
    process group on every exit path, and by the kernel if this process dies first.
    """
    seconds = BUDGETS["formula_seconds"] if seconds is None else seconds
    memory_mb = int(BUDGETS["memory_mb"] if memory_mb is None else memory_mb)
    parent, proc = _start(fn, args, memory_mb, passthrough)
    try:
        if not parent.poll(seconds):
            raise BudgetExceeded(f"{what} exceeded {seconds:g} s")
        try:
            status, value = parent.recv()
        except EOFError:
            raise BudgetExceeded(f"{what} died (exit code {proc.exitcode}); "
                                 f"memory cap {memory_mb} MB") from None
    finally:  # every exit path, KeyboardInterrupt and SystemExit included
        _stop(proc, parent)
    if status == "raise":
        raise value
    if status != "ok":
        raise _failure(what, value)
    return value


def run_isolated_many(jobs: list[tuple[Callable[..., Any], tuple]], *, workers: int = 1,
                      seconds: float | None = None, memory_mb: int | None = None,
                      whats: list[str] | None = None) -> Iterator[tuple[int, Any]]:
    """Run each ``fn(*args)`` of ``jobs`` as run_isolated does, up to ``workers`` children at
    a time; yield ``(index, value)`` as each ends (value a BudgetExceeded when it failed).

    One thread starts and waits for all children (no fork from a worker thread).
    """
    from multiprocessing.connection import wait
    from time import monotonic

    seconds = BUDGETS["formula_seconds"] if seconds is None else seconds
    memory_mb = int(BUDGETS["memory_mb"] if memory_mb is None else memory_mb)
    whats = whats or [f"job {i}" for i in range(len(jobs))]
    pending = list(range(len(jobs)))[::-1]
    running: dict[Any, tuple[int, Any, float]] = {}  # pipe -> (index, process, deadline)

    def finish(conn: Any, value: Any) -> tuple[int, Any]:
        index, proc, _ = running.pop(conn)
        _stop(proc, conn)
        return index, value

    try:
        while pending or running:
            while pending and len(running) < max(1, workers):
                index = pending.pop()
                parent, proc = _start(*jobs[index], memory_mb)
                running[parent] = (index, proc, monotonic() + seconds)
            now = monotonic()
            timeout = max(0.0, min(d for _, _, d in running.values()) - now)
            for conn in wait(list(running), timeout=timeout):
                index = running[conn][0]
                try:
                    status, value = conn.recv()
                    value = value if status == "ok" else _failure(whats[index], value)
                except EOFError:
                    value = BudgetExceeded(f"{whats[index]} died (exit code "
                                           f"{running[conn][1].exitcode}); memory cap "
                                           f"{memory_mb} MB")
                yield finish(conn, value)
            now = monotonic()
            for conn in [c for c, (_, _, d) in running.items() if d <= now and not c.poll()]:
                index = running[conn][0]
                yield finish(conn, BudgetExceeded(f"{whats[index]} exceeded {seconds:g} s"))
    finally:
        for conn in list(running):
            finish(conn, None)


def valid_seconds(text: str) -> float:
    """A --time-limit: a finite number of seconds > 0 and at most a day."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= 86400):
        raise ValueError(f"a number of seconds in (0, 86400], not {text!r}")
    return value


#: Bounds of the sampled points per check: fewer cannot refute; more only take memory.
POINTS_RANGE = (8, 100_000)


def valid_points(text: str) -> int:
    """A --points: an integer in POINTS_RANGE."""
    low, high = POINTS_RANGE
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not low <= value <= high:
        raise ValueError(f"an integer from {low} to {high}, not {text!r}")
    return value


def valid_seed(text: str) -> int:
    """A --seed: an integer from 0 to 2**32 - 1 (NumPy's seed range)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**32:
        raise ValueError(f"an integer from 0 to {2**32 - 1}, not {text!r}")
    return value
