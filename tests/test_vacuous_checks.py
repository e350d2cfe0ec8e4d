"""Vacuous checks are never passes: windows with no admissible point, windows under the
formula's constraints (issue 14)."""

from __future__ import annotations

import sympy as sp

from symnn.check._enumerate import check_windows

W, F, S = sp.symbols("W F S", integer=True, positive=True)
COUNT = sp.floor((W - F) / S) + 1


def test_windows_with_no_admissible_point_is_undecided():
    """Ranges where every window is wider than the input give 0 points: undecided, not a pass."""
    result = check_windows(COUNT, W, F, S, {W: (1, 3), F: (5, 8), S: (1, 2)})
    assert result.verdict == "undecided" and result.points == 0


def test_windows_with_admissible_points_holds():
    """The same count over ranges with admissible points holds (the planted emptiness above)."""
    result = check_windows(COUNT, W, F, S, {W: (1, 9), F: (1, 8), S: (1, 3)})
    assert result.verdict != "undecided" and result.ok and result.points > 0


def test_windows_honour_the_constraints():
    """The printed (W - F)/S + 1 is wrong somewhere, but holds under the constraint S = 1."""
    printed = (W - F) / S + 1
    ranges = {W: (1, 9), F: (1, 8), S: (1, 3)}
    assert not check_windows(printed, W, F, S, ranges).ok
    assert check_windows(printed, W, F, S, ranges, (sp.Eq(S, 1),)).ok


def test_windows_with_constraints_that_exclude_every_point_are_undecided():
    """A constraint no point of the ranges meets (S > 3) leaves nothing checked: undecided."""
    result = check_windows(COUNT, W, F, S, {W: (1, 9), F: (1, 8), S: (1, 3)}, (S > 3,))
    assert result.verdict == "undecided"


def _batch_norm(tmp_path, layouts: str):
    from symnn.catalog import catalog_dir, load_formula
    text = (catalog_dir() / "05-batch-normalization.toml").read_text(encoding="utf-8")
    path = tmp_path / "bn.toml"
    path.write_text(text.replace("layouts = { dense = [0], conv = [0, 2, 3] }", layouts),
                    encoding="utf-8")
    return load_formula(path)


def test_a_kernel_layout_with_no_shape_to_check_is_undecided(tmp_path):
    """A layout whose axes no test shape has (0 directional derivatives) is not verified."""
    from symnn.check import verify_formula
    result = verify_formula(_batch_norm(tmp_path, "layouts = { dense = [0, 2] }"), seed=0)
    vacuous = [c for c in result.checks if "0 directional derivatives" in c.detail]
    assert vacuous and all(c.verdict == "undecided" for c in vacuous)
    assert result.status != "verified"
