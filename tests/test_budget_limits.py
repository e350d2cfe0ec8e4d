"""Budgets on every path: argument validation, numbers too large to compute, children that die
with their parent, and signals that end a run cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from symnn import cli
from symnn.catalog import BudgetExceeded, too_large
from symnn.check import compare
from symnn.read import SymbolTable, parse_statement

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("argv, fragment", [
    (["check", "x = x", "--time-limit", "inf"], "--time-limit: a number of seconds"),
    (["check", "x = x", "--time-limit", "nan"], "--time-limit: a number of seconds"),
    (["check", "x = x", "--time-limit", "-1"], "--time-limit: a number of seconds"),
    (["check", "x = x", "--points", "-5"], "--points: an integer from 8"),
    (["check", "x = x", "--points", "1e11"], "--points: an integer from 8"),
    (["check", "x = x", "--seed", "-1"], "--seed: an integer from 0"),
    (["verify", "--time-limit", "0"], "--time-limit: a number of seconds"),
    (["codegen", "--time-limit", "inf"], "--time-limit: a number of seconds"),
    (["docs", "-o", "x", "--seed", "2**40"], "--seed: an integer from 0"),
])
def test_out_of_range_budget_arguments_exit_2_with_a_message(argv, fragment, capsys):
    """--time-limit, --points and --seed out of range: exit 2 naming the argument."""
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 2
    assert fragment in capsys.readouterr().err


def test_in_range_budget_arguments_are_accepted(capsys):
    """The validators let ordinary values through (the counterpart of the refusals)."""
    code = cli.main(["check", "x + x = 2x", "--time-limit", "60", "--points", "16",
                     "--seed", "7"])
    assert code == 0


def _sides(claim: str) -> tuple:
    read = parse_statement(claim, SymbolTable(auto=True))
    return read.lhs, read.rhs


@pytest.mark.parametrize("claim", [r"10^{10^{10}} = x", r"10^{10^{10^{10}}} = x",
                                   r"1000! = x", r"(10^{999}-1)! = x", r"e^{10^{5}} = x",
                                   r"10^{400} x = x"])
def test_numbers_past_float64_are_refused_by_magnitude_within_a_second(claim):
    """Towers, huge factorials and 400-digit numbers: a clear reason in under a second."""
    lhs, rhs = _sides(claim)
    start = time.perf_counter()
    reason = too_large(lhs, rhs)
    assert time.perf_counter() - start < 1.0
    assert reason is not None and "too large for a numeric check" in reason


@pytest.mark.parametrize("claim", [r"5! = 120", r"10^{300} x = x", r"x^{10^{10}} = x",
                                   r"\sin(10^{7}) + x = x", r"10^{-10^{10}} = x"])
def test_numbers_within_float64_pass_the_magnitude_check(claim):
    """Numbers a check can evaluate are not refused (the planted-error counterpart)."""
    assert too_large(*_sides(claim)) is None


def test_compare_raises_a_budget_error_for_a_tower_instead_of_computing_it():
    """compare (used by verify and the plugin) refuses a tower at once."""
    lhs, rhs = _sides(r"10^{10^{10}} = x")
    with pytest.raises(BudgetExceeded, match="too large"):
        compare(lhs, rhs, SymbolTable(auto=True))


def test_check_of_a_tower_exits_2_with_the_reason_fast(capsys):
    """`symnn check '10^{10^{10}} = x'` answers in seconds, not at its 120 s limit."""
    start = time.perf_counter()
    assert cli.main(["check", r"10^{10^{10}} = x"]) == 2
    assert time.perf_counter() - start < 5.0
    assert "too large for a numeric check" in capsys.readouterr().err


_PARENT = textwrap.dedent("""
    import sys, time
    from symnn.catalog import _budget
    if sys.argv[2] == "no-pdeathsig":
        _budget._die_with_parent = lambda pid: None
    def child():
        with open(sys.argv[1], "w") as fh:
            fh.write(str(__import__("os").getpid()))
        time.sleep(60)
    _budget.run_isolated(child, seconds=60)
""")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _start_parent(tmp_path: Path, mode: str) -> tuple[subprocess.Popen, int]:
    pidfile = tmp_path / "child.pid"
    proc = subprocess.Popen([sys.executable, "-c", _PARENT, str(pidfile), mode],
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 60
    while not (pidfile.exists() and pidfile.read_text()):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    return proc, int(pidfile.read_text())


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _alive(pid)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_the_child_dies_with_its_parent(tmp_path, sig):
    """SIGKILL or SIGTERM to the parent: its budgeted child is gone within seconds."""
    proc, child = _start_parent(tmp_path, "default")
    proc.send_signal(sig)
    proc.wait(30)
    assert _gone_within(child, 10)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_without_pdeathsig_a_killed_parent_leaves_its_child_running(tmp_path):
    """Planted error: with the death signal removed, SIGKILL to the parent orphans the child
    (what the test above guards against)."""
    proc, child = _start_parent(tmp_path, "no-pdeathsig")
    proc.kill()
    proc.wait(30)
    try:
        assert not _gone_within(child, 2)
    finally:
        os.killpg(child, signal.SIGKILL)


def test_ctrl_c_exits_130_with_one_line(monkeypatch, capsys):
    """KeyboardInterrupt during a command: exit 130, one line on stderr, no traceback."""
    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_cmd_check", interrupted)
    assert cli.main(["check", "x = x"]) == 130
    err = capsys.readouterr().err
    assert err == "symnn: interrupted\n"


def test_codegen_past_its_budget_is_an_error_exit_2(capsys):
    """codegen runs under the forked budget: a tiny --time-limit is a named error."""
    code = cli.main(["codegen", "sigmoid", "--time-limit", "0.001", "--no-cache"])
    assert code == 2
    assert "exceeded 0.001 s" in capsys.readouterr().err
