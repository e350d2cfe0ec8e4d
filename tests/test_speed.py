"""Machine-independent figures, the verification cache, parallel verify, the table's width."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

from symnn.catalog import load_formula
from symnn.check import CheckResult, FormulaResult, ResultCache, verify_all
from symnn.cli import EXIT_OK, EXIT_REFUTED, main
from symnn.report import error_text, formula_table, margin_text, results_json

ROOT = Path(__file__).resolve().parent.parent
SIGMOID = ROOT / "formulas" / "11-sigmoid.toml"


def _result(fid: str, title: str = "T", status: str = "verified", rel: float = 3.7e-16,
            margin: float = 0.0021) -> FormulaResult:
    check = CheckResult("gradient", True, "ok", "complex step", 72, rel, rel, None, 0, margin)
    return FormulaResult(fid, title, title, status, True, [check])


def test_rounding_level_figures_are_the_same_text_on_two_machines():
    """3.7e-16 and 4.2e-16 (this machine, another) print alike; 1.6e-05 keeps its digit."""
    assert error_text(3.7e-16) == error_text(4.2e-16) == "< 1e-15"
    assert margin_text(0.0021, 3.7e-16) == margin_text(0.0023, 4.2e-16) == "< 1e-2"
    assert margin_text(0.55, 1.1e-13) == margin_text(0.62, 1.3e-13) == "< 1"
    assert error_text(1.6e-05) == "2e-05" and margin_text(0.36, None) == "0.4"


def test_json_figures_do_not_carry_the_last_bits():
    """--json of two runs differing in the last bits of rounding-level errors is the same."""
    a = results_json([_result("sigmoid", rel=3.7e-16, margin=0.0021)])
    b = results_json([_result("sigmoid", rel=4.2e-16, margin=0.0023)])
    assert a == b
    assert json.loads(a)["results"][0]["checks"][0]["max_rel_error"] == 1e-15
    planted = results_json([_result("sigmoid", rel=4.2e-6, margin=0.0023)])
    assert planted != a  # an error above rounding level is a figure, not a bound


def test_expected_erratum_row_shows_its_corrected_form_not_the_alarm():
    """An erratum as expected prints the corrected form's margin, not 4.4e+08."""
    bad = CheckResult("reference", False, "differs", "numeric", 64, 0.44, 0.44, None, 0, 4.4e8)
    good = CheckResult("reference", True, "holds", "symbolic proof", 64, 0.0, 0.0, None, 0, 0.0)
    row = formula_table([FormulaResult("conv", "Conv", "Conv", "erratum", True, [bad], [good])])
    assert "4.4e+08" not in row.splitlines()[2] and "> 1e3" not in row.splitlines()[2]
    unexpected = formula_table([FormulaResult("conv", "Conv", "Conv", "refuted", False, [bad])])
    assert "> 1e3" in unexpected.splitlines()[2]


def test_table_fits_100_columns_and_keeps_short_titles_whole():
    """A 90-character title is cut to fit 100 columns; a short one is printed whole."""
    long = "Maximum likelihood estimate of the transition probabilities, with a long tail " * 2
    table = formula_table([_result("transition-mle", long), _result("relu", "ReLU")])
    assert max(len(line) for line in table.splitlines()) <= 100
    assert "ReLU" in table and "~" in table


def test_results_come_in_file_order_whatever_order_the_children_end():
    """The first formula ends last; verify_all still returns it first."""
    formulas = [dataclasses.replace(load_formula(SIGMOID), id=f"f{k}") for k in range(3)]

    def slow_first(formula, seed):
        time.sleep(0.6 if formula.id == "f0" else 0.0)
        return _result(formula.id)

    done = []
    got = verify_all(formulas, workers=3, verify=slow_first,
                     done=lambda r, cached: done.append(r.id))
    assert [r.id for r in got] == ["f0", "f1", "f2"] and done[-1] == "f0"


def test_cache_serves_the_same_result_and_misses_an_edited_file(tmp_path):
    """A warm run returns the cold run's result; a planted error in the same file is refuted."""
    path = tmp_path / "sigmoid.toml"
    path.write_text(SIGMOID.read_text(encoding="utf-8"), encoding="utf-8")
    cache = ResultCache(tmp_path / "cache")
    cold = verify_all([load_formula(path)], cache=cache)
    calls = []
    warm = verify_all([load_formula(path)], cache=cache,
                      done=lambda r, cached: calls.append(cached))
    assert calls == [True] and results_json(warm) == results_json(cold)
    text = path.read_text(encoding="utf-8")
    assert "latex = 'g(z)(1-g(z))'" in text
    path.write_text(text.replace("latex = 'g(z)(1-g(z))'", "latex = 'g(z)(1+g(z))'"),
                    encoding="utf-8")
    planted = verify_all([load_formula(path)], cache=cache)
    assert planted[0].status == "refuted"


def test_damaged_cache_entry_is_verified_again(tmp_path):
    """A truncated entry (a run killed mid-write elsewhere) is ignored, not trusted."""
    cache = ResultCache(tmp_path)
    key = cache.key(SIGMOID, 0)
    cache.put(key, _result("sigmoid", status="refuted"))
    (tmp_path / f"{key}.json").write_text('{"id": "sigmo', encoding="utf-8")
    assert cache.get(key) is None
    assert not list(tmp_path.glob("*.tmp"))


def test_verify_json_is_the_same_bytes_serial_parallel_and_cached(tmp_path, capsys):
    """--json with one job, two jobs, and from the cache: identical bytes."""
    for name in ("11-sigmoid", "13-relu", "04-conv-output-size"):
        (tmp_path / f"{name}.toml").write_text(
            (ROOT / "formulas" / f"{name}.toml").read_text(encoding="utf-8"), encoding="utf-8")
    outs = []
    for extra in (["--no-cache", "-j", "1"], ["--no-cache", "-j", "2"], [], []):
        assert main(["verify", str(tmp_path), "--json", *extra]) in (EXIT_OK, EXIT_REFUTED)
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1] == outs[2] == outs[3]


def test_progress_lines_on_a_terminal_only_and_never_under_json(tmp_path, capsys, monkeypatch):
    """One line per formula on a terminal; none under --json or when stderr is piped."""
    (tmp_path / "s.toml").write_text(SIGMOID.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    main(["verify", str(tmp_path)])
    assert "[1/1] sigmoid: verified" in capsys.readouterr().err
    main(["verify", str(tmp_path), "--json"])
    assert "[1/1]" not in capsys.readouterr().err
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    main(["verify", str(tmp_path)])
    assert "[1/1]" not in capsys.readouterr().err
