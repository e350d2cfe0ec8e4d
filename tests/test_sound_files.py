"""A formula file's status is a verdict on its printed statement (issue 21).

``tests/corpus/sound_files/`` holds 85 formula files: 72 (``c*``) written from a fresh context (by
a helper that had not read symnn's code) and 13 (``a*``) by an attacker of the fix, as a
hostile author and as a course author would write them,
across the issue's eight classes: declared domains a definition contradicts, checks that do not
decide the printed statement, definitions silently ignored, readings that change the meaning,
sides undefined off the simple points, kernels no check vouched for, check kinds that ignore
the constraints, degenerate checks. ``manifest.json`` gives each file's mathematical truth and
what symnn must (not) say: a false statement is never verified, a true one never refuted, an
erratum whose corrected form is false never vouched for, a file that cannot be read as printed
is an error. Each class holds false (planted) cases.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from symnn.catalog import CatalogError, load_formula, run_isolated
from symnn.check import verify_formula
from symnn.report import Unverified, codegen_source

CORPUS = Path(__file__).parent / "corpus" / "sound_files"
CASES = json.loads((CORPUS / "manifest.json").read_text())
#: statuses that vouch for the printed statement, and those that say it is false
VOUCHING, REFUTING = ("verified",), ("refuted", "erratum")


def _status(case: dict) -> tuple[str, object]:
    try:
        formula = load_formula(CORPUS / case["file"])
    except CatalogError:
        return "error", None
    result = run_isolated(verify_formula, formula, 0, seconds=120, what=case["file"])
    return result.status, (formula, result)


@pytest.mark.parametrize("case", CASES, ids=[c["file"][:-5] for c in CASES])
def test_a_file_status_is_a_verdict_on_its_printed_statement(case):
    status, _ = _status(case)
    forbidden = {"not-verified": VOUCHING, "not-refuted": REFUTING,
                 "not-vouched": (*VOUCHING, "erratum")}.get(case["expect"])
    if forbidden is None:  # "error": the file cannot be read as printed
        assert status == "error", case["why"]
    else:
        assert status not in forbidden, f"{status}: {case['why']}"


KERNELS = [c for c in CASES if c["class"] == 6]


@pytest.mark.parametrize("case", KERNELS, ids=[c["file"][:-5] for c in KERNELS])
def test_codegen_writes_no_kernel_that_no_check_vouched_for(case):
    status, loaded = _status(case)
    if loaded is None or status in ("verified", "erratum"):
        pytest.skip(f"{case['file']} is {status}: a kernel may be vouched for")
    formula, result = loaded
    with pytest.raises(Unverified):
        codegen_source([formula], results={formula.id: result})


def test_an_undecided_file_renders_as_undecided_in_the_integrations():
    """The Sphinx and MkDocs block of a file whose checks decide nothing says UNDECIDED (its
    status had no words: a KeyError in the build)."""
    from symnn.report._render import formula_block

    block = formula_block(CORPUS / "c8_06_claim_tests_nothing.toml", lang="en")
    assert (block.status, block.summary.split(":")[1].split()[0]) == ("undecided", "UNDECIDED")


def test_a_declared_array_domain_under_constraints_is_never_refuted_at_excluded_draws(tmp_path):
    """The declared domain of a defined vector is not checked at draws the file's constraints
    exclude: undecided, never refuted (the array draws cannot apply constraints)."""
    path = tmp_path / "gate.toml"
    path.write_text(r"""id = "gate-c"
title = { en = "x", fr = "x" }
latex = '\Gamma = \tanh(W x)'
constraints = ['x_1 > 0']
checks = [{ kind = "parse" }]
[symbols]
'\Gamma' = { kind = "vector", shape = ["n"], domain = "(0,1)" }
W = { kind = "matrix", shape = ["n", "n"] }
x = { kind = "vector", shape = ["n"] }
""", encoding="utf-8")
    domain = next(c for c in verify_formula(load_formula(path)).checks
                  if c.kind.startswith("domain"))
    assert domain.verdict == "undecided"
