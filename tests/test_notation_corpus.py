"""The notation corpus: ML formulas as textbooks print them, read by symnn and evaluated.

Each case is read correctly (its value matches the intended meaning at sampled points) or
refused with a ParseError / CatalogError; a reading that evaluates differently fails.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest
from corpus.evaluate import DOMAINS, value_of
from corpus.notation_corpus import CASES, Case, case_sizes, py_name, sample_point

from symnn.catalog import CatalogError, symbol_table
from symnn.derive import evaluate, read_definitions
from symnn.read import ParseError, parse_expression

POINTS = 4


def corpus_table(case: Case):
    """A symnn symbol table for the case: arrays get concrete sizes; a bounded integer is an
    index; a function's definition is returned beside the table."""
    dims, spec, defs = case_sizes(case), {}, []
    for key, s in case.symbols.items():
        kind = s["kind"]
        entry: dict = {"kind": kind, "name": py_name(key)}
        if kind == "scalar":
            entry["domain"] = DOMAINS[s["domain"]]
            if "at_most" in s:
                entry["kind"] = "index"
        elif kind == "vector":
            entry["shape"] = [dims[s["size"]]]
            entry["domain"] = DOMAINS[s.get("domain", "real")]
        elif kind in ("matrix", "tensor"):
            entry["shape"] = [dims[x] for x in s["shape"]]
            entry["domain"] = DOMAINS[s.get("domain", "real")]
        elif kind == "function":
            entry["args"] = s["args"]
            defs.append(s["definition"])
        spec[key] = entry
    for s in case.symbols.values():  # a function's parameter names need declarations too
        for arg in s.get("args", []) if s["kind"] == "function" else []:
            spec.setdefault(arg, {"kind": "scalar", "name": "param_" + py_name(arg)})
    return symbol_table(spec), defs


def read_case(case: Case):
    """The case's reading (definitions applied) and its table; ParseError/CatalogError if
    refused."""
    table, defs = corpus_table(case)
    expr = parse_expression(case.latex, table)
    if defs:
        expr = evaluate(expr, read_definitions(defs, table))
    return expr, table


def outcome(case: Case, seed: int = 0) -> tuple[str, str]:
    """("read", ""), ("refused", message) or ("misread", why) for one case."""
    try:
        expr, table = read_case(case)
    except (ParseError, CatalogError) as exc:
        return "refused", str(exc)
    rng = np.random.default_rng(seed)
    for _ in range(POINTS):
        point = sample_point(case, rng)
        want = float(case.meaning(**point))
        try:
            got = value_of(expr, table, point)
        except (ValueError, TypeError, ZeroDivisionError) as exc:
            return "misread", f"cannot evaluate the reading {expr}: {exc}"
        if not math.isclose(got, want, rel_tol=1e-7, abs_tol=1e-9):
            return "misread", f"read {expr}; at {point} it is {got}, the meaning {want}"
    return "read", ""


@functools.cache
def _outcome(n: int) -> tuple[str, str]:
    return outcome(CASES[n])


@pytest.mark.parametrize("case", CASES, ids=[f"{n:03d}" for n in range(len(CASES))])
def test_corpus_case_is_read_or_refused(case: Case) -> None:
    """A corpus formula is read to its intended meaning or refused, never misread."""
    kind, detail = _outcome(CASES.index(case))
    assert kind != "misread", f"{case.latex}: {detail}"


def test_a_planted_misreading_fails() -> None:
    """A case whose meaning is wrong (a planted error) is reported as misread."""
    case = CASES[0]
    wrong = Case(case.latex, case.symbols, lambda **kw: case.meaning(**kw) + 1.0, "planted",
                 case.construct)
    assert outcome(wrong)[0] == "misread"


def test_corpus_count_read() -> None:
    """At least the recorded number of corpus formulas are read (see docs/notation.md)."""
    read = sum(_outcome(n)[0] == "read" for n in range(len(CASES)))
    print(f"notation corpus: {read} of {len(CASES)} read")
    assert read >= READ_AT_LEAST


READ_AT_LEAST = 275
