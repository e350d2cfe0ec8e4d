"""The textbook claim corpus (tests/corpus/claims.toml): every claim gets its expected verdict.

A claim that symnn cannot read yet (notation of issue 15) is skipped as "unreadable" and counted
in the skip summary (``-rs``); any other verdict than the expected one fails: holds for a refuted
claim, refuted for a true one, a verdict for an undecided one.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from symnn.catalog import BudgetExceeded, InternalError
from symnn.cli import check_claim
from symnn.derive import DeriveError
from symnn.read import ParseError

CORPUS = tomllib.loads((Path(__file__).parent / "corpus" / "claims.toml").read_text())["claim"]
#: the corpus' word -> the verdicts of symnn that agree with it
ACCEPTED = {"holds": {"proved", "holds numerically"}, "refuted": {"refuted"},
            "undecided": {"undecided"}}


def verdict_of(claim: dict) -> tuple[str, str]:
    """symnn's verdict on one corpus claim and its detail ("unreadable" when it cannot read)."""
    try:
        result = check_claim(claim["latex"], claim.get("assume", []), claim.get("where", []),
                             seed=0, seconds=60)
    except (ParseError, DeriveError, ValueError) as exc:
        return "unreadable", str(exc)
    except InternalError as exc:  # a bug, never a verdict
        return "internal error", str(exc)
    except BudgetExceeded as exc:
        return "undecided", str(exc)
    return result.verdict, result.detail


@pytest.mark.slow
@pytest.mark.parametrize("claim", CORPUS, ids=[f"{i:03d}" for i in range(len(CORPUS))])
def test_corpus_claim_gets_its_expected_verdict(claim):
    """symnn's verdict on a textbook claim is the one its corpus entry expects."""
    verdict, detail = verdict_of(claim)
    if verdict == "unreadable":
        pytest.skip(f"unreadable (issue 15): {claim['latex']}")
    assert verdict in ACCEPTED[claim["expect"]], (
        f"{claim['latex']} (assume {claim.get('assume')}): expected {claim['expect']}, "
        f"got {verdict}: {detail}")


def test_corpus_has_at_least_60_claims_of_each_kind_of_verdict_mix():
    """The corpus holds at least 60 claims with true, refuted and undecided ones among them."""
    assert len(CORPUS) >= 60
    assert {c["expect"] for c in CORPUS} == set(ACCEPTED)
