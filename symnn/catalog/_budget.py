"""Time and memory budgets, so one formula can neither hang a run nor eat the machine.

A formula's whole verification runs in a forked child process with an address-space cap and is
killed at its deadline; inside it, each simplification has its own alarm. Exceeding a budget is a
named, clean outcome ("simplify exceeded 10 s"), never a hang.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import resource
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["BUDGETS", "BudgetExceeded", "time_limit", "run_isolated", "run_isolated_many"]

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


def _child(conn: Any, fn: Callable[..., Any], args: tuple, memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):  # some systems refuse; then no cap
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        conn.send(("ok", fn(*args)))
    except MemoryError:
        conn.send(("error", f"ran out of memory (cap {memory_mb} MB)"))
    except BudgetExceeded as exc:
        conn.send(("error", str(exc)))
    except Exception as exc:  # an internal error must not take the other formulas down
        conn.send(("error", f"internal error: {type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_isolated(fn: Callable[..., Any], *args: Any, seconds: float | None = None,
                 memory_mb: int | None = None, what: str = "verification") -> Any:
    """Run ``fn(*args)`` in a forked child with a deadline and a memory cap; return its value.

    Raises BudgetExceeded when the child runs out of time or memory or fails.
    """
    seconds = BUDGETS["formula_seconds"] if seconds is None else seconds
    memory_mb = int(BUDGETS["memory_mb"] if memory_mb is None else memory_mb)
    ctx = multiprocessing.get_context("fork")  # no pickling of args: domains hold samplers
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args, memory_mb), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(seconds):
            raise BudgetExceeded(f"{what} exceeded {seconds:g} s")
        try:
            status, value = parent.recv()
        except EOFError:
            raise BudgetExceeded(f"{what} died (exit code {proc.exitcode}); "
                                 f"memory cap {memory_mb} MB") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        parent.close()
    if status != "ok":
        raise (InternalError if value.startswith("internal error") else BudgetExceeded)(
            f"{what}: {value}")
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
    ctx = multiprocessing.get_context("fork")
    pending = list(range(len(jobs)))[::-1]
    running: dict[Any, tuple[int, Any, float]] = {}  # pipe -> (index, process, deadline)

    def finish(conn: Any, value: Any) -> tuple[int, Any]:
        index, proc, _ = running.pop(conn)
        if proc.is_alive():
            proc.kill()
        proc.join()
        conn.close()
        return index, value

    try:
        while pending or running:
            while pending and len(running) < max(1, workers):
                index = pending.pop()
                fn, args = jobs[index]
                parent, child = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_child, args=(child, fn, args, memory_mb), daemon=True)
                proc.start()
                child.close()
                running[parent] = (index, proc, monotonic() + seconds)
            now = monotonic()
            timeout = max(0.0, min(d for _, _, d in running.values()) - now)
            for conn in wait(list(running), timeout=timeout):
                index = running[conn][0]
                try:
                    status, value = conn.recv()
                    value = value if status == "ok" else BudgetExceeded(
                        f"{whats[index]}: {value}")
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
