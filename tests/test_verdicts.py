"""Honest verdicts of ``symnn check``: planted errors are refuted, vacuous checks undecided."""

from __future__ import annotations

import pytest
import sympy as sp

from symnn.cli import main


def _code(*argv: str) -> int:
    return main(["check", *argv])


def test_a_constant_off_by_1e_14_is_refuted():
    """x = x + 10^{-14} is refuted by the 50-digit confirmation, not passed by the tolerance."""
    assert _code(r"x = x + 10^{-14}") == 1


def test_the_same_claim_without_the_planted_constant_is_proved():
    """x + 10^{-14} = x + 10^{-14} holds (exit 0): the refutation above is the planted error."""
    assert _code(r"x + 10^{-14} = x + 10^{-14}") == 0


def test_log_of_a_product_without_assumption_is_refuted_where_one_side_is_undefined():
    """\\log(xy) = \\log x + \\log y is refuted at x, y < 0 (left defined, right not)."""
    assert _code(r"\log(xy) = \log x + \log y") == 1


def test_log_of_a_product_for_positive_reals_holds():
    """With x, y > 0 the same identity holds (exit 0)."""
    assert _code(r"\log(xy) = \log x + \log y", "--assume", "x > 0", "--assume", "y > 0") == 0


def test_unsatisfiable_assumptions_are_undecided_not_refuted():
    """x > 0 and x < 0 leave no admissible point: exit 3."""
    assert _code(r"\sqrt{x^{2}} = x", "--assume", "x > 0", "--assume", "x < 0") == 3


def test_both_sides_undefined_on_half_the_line_is_undecided():
    """\\log(x^3) = 3\\log x with no assumption is undecided (exit 3), not holds."""
    assert _code(r"\log(x^{3}) = 3\log x") == 3


def test_a_removable_singularity_is_a_refutation():
    """(x^2 - 1)/(x - 1) = x + 1 is refuted at x = 1, where the left side is undefined."""
    assert _code(r"\frac{x^{2} - 1}{x - 1} = x + 1") == 1


def test_an_inequality_off_by_1e_12_is_refuted_at_its_touching_point():
    """e^x >= 1 + x + 10^{-12} fails at x = 0 (exit 1)."""
    assert _code(r"e^{x} \ge 1 + x + 10^{-12}") == 1


def test_a_true_inequality_holds_numerically():
    """e^x >= 1 + x holds (exit 0)."""
    assert _code(r"e^{x} \ge 1 + x") == 0


def test_a_range_claim_outside_its_range_is_refuted():
    """\\tanh(x) \\in [0, 1] is refuted (tanh is negative for x < 0)."""
    assert _code(r"\tanh(x) \in [0, 1]") == 1


@pytest.mark.parametrize(("claim", "where", "verdicts"), [
    ("f'(x) = 3x^2 + 10^{-11}", ["f(x) = x^3"], {"refuted"}),
    ("f'(x) = 3x^2", ["f(x) = x^3"], {"proved", "holds numerically"}),
    ("g'(z) = g(z)(1 - g(z))", [r"g(z) = \frac{1}{1+e^{-z}}"], {"proved", "holds numerically"}),
    (r"(\cosh(x) - \sinh(x))(\cosh(x) + \sinh(x)) = 1", [], {"proved", "holds numerically"}),
    (r"(\cosh(x) - \sinh(x))(\cosh(x) + \sinh(x)) = 1 + 10^{-6}", [], {"refuted"}),
    (r"(x+1)^{2000} = (x+1)^{2000}", [], {"proved", "holds numerically"}),
    (r"(x+1)^{2000} = (x+1)^{2000}(1 + 10^{-12})", [], {"refuted"}),
])
def test_primes_cancellation_and_overflow_get_the_true_verdict(claim, where, verdicts):
    """f'(x) is evaluated (not an opaque Subs that 50 digits skip), float64 cancellation is
    no counterexample, and overflowing points agreeing at high precision count as tested."""
    from symnn.check import check_claim

    assert check_claim(claim, (), where, seconds=120).verdict in verdicts


def test_an_inequality_false_only_where_float64_overflows_is_refuted():
    """e^x <= 10^30 fails at x = 1000, where float64 overflows: judged at 50 digits, refuted."""
    assert _code(r"e^{x} \le 10^{30}") == 1


def test_an_inequality_true_where_float64_overflows_holds():
    """e^x >= 1 + x, true at x = 1000 too (overflow there), holds numerically (exit 0)."""
    assert _code(r"e^{x} \ge 1 + x") == 0


@pytest.mark.parametrize(("claim", "code"), [
    (r"\sum_{k=1}^{\infty} \frac{1}{k^2} = \frac{\pi^2}{6}", 0),
    (r"\sum_{k=1}^{\infty} \frac{1}{k^2} = \frac{\pi^2}{5}", 1),
    (r"\frac{1}{1-x} = \sum_{k=0}^{\infty} x^k", 3),
])
def test_an_infinite_series_is_summed_or_undecided_never_an_internal_error(claim, code):
    """Series SymPy sums are compared; one it cannot (only for |x| < 1) is undecided (exit 3)."""
    assert _code(claim) == code


def test_a_check_amended_after_it_was_made_reports_the_amended_verdict():
    """The verdict is derived from ok and method when read, never a stale copy."""
    from symnn.check import CheckResult

    result = CheckResult("backward", True, "", "complex step")
    before = result.verdict
    result.method = "proof + complex step"
    after = result.verdict
    result.ok = False
    assert (before, after, result.verdict) == ("holds numerically", "proved", "refuted")


def test_a_cached_check_reads_back_with_the_same_verdict():
    """as_dict carries the verdict for the JSON; from_dict derives it again, equal."""
    from symnn.check import CheckResult

    results = [CheckResult("e", True, "", "symbolic proof"), CheckResult("e", False, "", "x"),
               CheckResult("e", True, "", "undecided"), CheckResult("e", True, "", "numeric")]
    again = [CheckResult.from_dict(r.as_dict()) for r in results]
    assert [r.verdict for r in again] == [
        "proved", "refuted", "undecided", "holds numerically"] == [r.verdict for r in results]


def test_json_of_a_counterexample_that_overflows_is_strict_json(capsys):
    """e^x <= 10^30 is refuted at x = 1000; its JSON says "inf", never the invalid Infinity."""
    import json

    def refuse(name: str) -> None:
        raise ValueError(f"non-standard JSON constant {name}")

    assert _code(r"e^x \le 10^{30}", "--json") == 1
    doc = json.loads(capsys.readouterr().out, parse_constant=refuse)
    assert (doc["verdict"], doc["counterexample"]["lhs"]) == ("refuted", "inf")


def test_the_answer_names_its_verdict_once(capsys):
    """A refuted claim prints REFUTED: and the reason, not REFUTED: refuted: ..."""
    assert _code(r"x + 1 = x") == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("REFUTED: ") and "refuted" not in first.lower()[len("REFUTED"):]


def test_a_case_split_checks_the_kink_it_excludes():
    """cases(1 if x != 0, 0 otherwise) = 1 is refuted at x = 0, not proved by cases."""
    assert _code(r"\begin{cases} 1 & x \ne 0 \\ 0 & \text{otherwise} \end{cases} = 1") == 1


def test_a_case_split_true_at_its_kink_is_proved():
    """cases(1 if x != 0, 0 otherwise) = cases(1 if x > 0, 1 if x < 0, 0 otherwise) holds."""
    assert _code(r"\begin{cases} 1 & x \ne 0 \\ 0 & \text{otherwise} \end{cases} = "
                 r"\begin{cases} 1 & x > 0 \\ 1 & x < 0 \\ 0 & \text{otherwise} \end{cases}") == 0


def test_an_absolute_value_denominator_keeps_its_guard():
    """|x|/|x| = 1 is refuted at x = 0 (0/0 on the left), as x/x = 1 is."""
    assert _code(r"\frac{|x|}{|x|} = 1") == 1


def test_a_square_over_an_absolute_value_is_undefined_at_zero():
    """x^2/|x| = |x| is refuted at x = 0, where the left side is undefined."""
    assert _code(r"\frac{x^{2}}{|x|} = |x|") == 1


def test_a_square_over_an_absolute_value_holds_for_positive_x():
    """x^2/|x| = |x| holds for x > 0 (exit 0): the refutation above is the point 0."""
    assert _code(r"\frac{x^{2}}{|x|} = |x|", "--assume", "x > 0") == 0


def test_an_angle_beyond_every_precision_is_no_counterexample():
    """sin(3 e^{e^x}) = 3 sin(e^{e^x}) - 4 sin(e^{e^x})^3 holds (no point at e^{e^x} ~ 1e443000)."""
    assert _code(r"\sin(3 e^{e^{x}}) = 3\sin(e^{e^{x}}) - 4\sin(e^{e^{x}})^3") == 0


def test_a_planted_error_in_the_triple_angle_formula_is_refuted():
    """sin(3 e^{e^x}) = 3 sin(e^{e^x}) - 4.001 sin(e^{e^x})^3 is refuted (exit 1)."""
    assert _code(r"\sin(3 e^{e^{x}}) = 3\sin(e^{e^{x}}) - 4.001\sin(e^{e^{x}})^3") == 1


def test_a_value_that_moves_between_the_top_precisions_is_not_stable():
    """persists gives no counterexample where a side changes between 320 and 1200 digits."""
    from symnn.check._settle import _stable
    assert not _stable((sp.Float("0.44675"), sp.Float(1)), (sp.Float("0.76203"), sp.Float(1)))
    assert _stable((sp.Float("0.5"), sp.Float(1)), (sp.Float("0.5"), sp.Float(1)))


def test_one_variable_is_compared_at_the_simple_points():
    """sgn(x)^2 = 1 is refuted at x = 0, as sgn(x)^2 + sgn(y)^2 = 2 is at x = y = 0."""
    assert _code(r"\operatorname{sgn}(x)^2 = 1") == 1


def test_the_square_of_the_sign_equals_its_own_case_split():
    """sgn(x)^2 = cases(1 if x != 0, 0 otherwise) holds (exit 0)."""
    assert _code(r"\operatorname{sgn}(x)^2 = "
                 r"\begin{cases} 1 & x \ne 0 \\ 0 & \text{otherwise} \end{cases}") == 0


def test_a_derivative_at_its_kink_stays_a_convention():
    """d/dx ReLU(x) = cases(1 if x > 0, 0 otherwise) holds: the value at 0 is a convention."""
    assert _code(r"\frac{d}{dx} \operatorname{ReLU}(x) = "
                 r"\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}") == 0


def test_a_constant_claim_is_decided_beyond_50_digits():
    """sqrt(2) = sqrt(2) + 10^{-40} is refuted at 1200 digits, as 1 = 1 + 10^{-40} is."""
    assert _code(r"\sqrt{2} = \sqrt{2} + 10^{-40}") == 1


def test_a_41_digit_decimal_is_not_pi():
    """pi = 3.1415926535897932384626433832795028841971 is refuted (exit 1)."""
    assert _code(r"\pi = 3.1415926535897932384626433832795028841971") == 1


def test_a_true_constant_claim_still_holds():
    """sqrt(2) sqrt(3) + 10^{-40} = sqrt(6) + 10^{-40} holds (exit 0)."""
    assert _code(r"\sqrt{2}\sqrt{3} + 10^{-40} = \sqrt{6} + 10^{-40}") == 0


def test_a_function_of_an_integer_beyond_int64_is_decided():
    """sin(10^{20}) = 0 is refuted (sin(10^20) = -0.645...), not an internal error."""
    assert _code(r"\sin(10^{20}) = 0") == 1


def test_a_log_of_an_integer_beyond_int64_is_proved():
    """log(10^{30}) = 30 log 10 holds (exit 0)."""
    assert _code(r"\log(10^{30}) = 30 \log 10") == 0


def test_a_constant_below_every_precision_is_refuted_exactly():
    """sigma(10^{30}) = 1 is refuted: SymPy knows the difference is a nonzero number."""
    assert _code(r"\sigma(10^{30}) = 1") == 1


def test_the_derivative_of_the_sign_is_zero_away_from_its_kink():
    """d/dx sgn(x) = 0 holds (DiracDelta is 0 off the kink), not an internal error."""
    assert _code(r"\frac{d}{dx} \operatorname{sgn}(x) = 0") == 0


def test_a_planted_error_in_the_derivative_of_the_sign_is_refuted():
    """d/dx sgn(x) = 1 is refuted (exit 1)."""
    assert _code(r"\frac{d}{dx} \operatorname{sgn}(x) = 1") == 1


def test_assume_zero_lt_x_lt_one_is_the_unit_interval_domain():
    """'0 < x < 1' narrows x to the domain (0, 1), as 'x \\in (0,1)' does: x < 0.99 is refuted."""
    assert [_code("x < 0.99", "--assume", a) for a in ("0 < x < 1", r"x \in (0,1)")] == [1, 1]


def test_a_true_bound_on_the_unit_interval_holds():
    """The planted bound above is the error: x < 1 holds under '0 < x < 1'."""
    assert _code("x < 1", "--assume", "0 < x < 1") == 0


def test_a_counterexample_without_variables_names_no_empty_point(capsys):
    """\\pi = 3.14 is refuted; its counterexample says it has no variable, not 'at :'."""
    assert _code(r"\pi = 3.14") == 1
    out = capsys.readouterr().out
    assert "counterexample (no variable): left 3.14159" in out and "at :" not in out


def test_identical_sides_that_overflow_float64_are_proved_not_undecided():
    """(x+1)^{100000} on both sides overflows float64 at most points; the proof decides it."""
    assert _code(r"(x+1)^{100000} = (x+1)^{100000}") == 0


def test_the_same_power_with_a_planted_one_is_refuted():
    """(x+1)^{100000} = (x+1)^{100000} + 1 is refuted where float64 still reaches."""
    assert _code(r"(x+1)^{100000} = (x+1)^{100000} + 1") == 1


_XA = ("--assume", r"x \in \mathbb{R}^n", "--assume", r"A \in \mathbb{R}^{n \times n}")


def test_a_matrix_difference_below_float64_tolerance_is_refuted_at_high_precision():
    """x^T A x = x^T A^T x + 10^{-13}: too small for float64, the same at 50-1200 digits."""
    assert _code(r"x^T A x = x^T A^T x + 10^{-13}", *_XA) == 1


def test_the_matrix_identity_without_the_planted_shift_holds():
    """x^T A x = x^T A^T x holds (the shift above is the planted error)."""
    assert _code(r"x^T A x = x^T A^T x", *_XA) == 0


def test_a_narrow_interval_assumption_is_sampled_inside():
    """--assume '0 < x < 0.001' draws x inside: sin(x) = x is refuted (was: no admissible point)."""
    assert _code(r"\sin(x) = x", "--assume", "0 < x < 0.001") == 1


def test_a_true_inequality_on_a_narrow_interval_holds():
    """sin(x) < x holds on 0 < x < 0.001 (the equality above is the planted error)."""
    assert _code(r"\sin(x) < x", "--assume", "0 < x < 0.001") == 0


def test_a_bound_close_to_the_end_of_a_range_is_refuted():
    """x < 0.9999 on -1 < x < 1 is refuted: points are drawn near each end of the range."""
    assert _code("x < 0.9999", "--assume", "-1 < x < 1") == 1
