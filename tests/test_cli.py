"""The command line, in process (main(argv) -> exit code) and once end to end."""

from __future__ import annotations

import json
import subprocess
import sys

from symnn.cli import EXIT_OK, EXIT_REFUTED, EXIT_UNREADABLE, main

SIGMOID_PRIME = r"\frac{d}{dz}\frac{1}{1+e^{-z}} = \frac{e^{-z}}{(1+e^{-z})^2}"


def test_check_true_claim_exits_0_and_says_how(capsys):
    """A true derivative claim exits 0 and says it was proved."""
    assert main(["check", SIGMOID_PRIME]) == EXIT_OK
    assert "proved" in capsys.readouterr().out


def test_check_false_claim_exits_1_with_a_point(capsys):
    """The same claim with a cube in the denominator exits 1 with a counterexample."""
    assert main(["check", SIGMOID_PRIME.replace("^2}", "^3}")]) == EXIT_REFUTED
    out = capsys.readouterr().out
    assert "REFUTED" in out and "z = " in out


def test_check_half_line_claim_needs_assume(capsys):
    """sqrt(x^2) = x is refuted, and holds with --assume 'x >= 0'."""
    assert main(["check", r"\sqrt{x^2} = x"]) == EXIT_REFUTED
    assert main(["check", r"\sqrt{x^2} = x", "--assume", "x >= 0"]) == EXIT_OK


def test_check_where_defines_a_name(capsys):
    """--where gives a name its meaning: da/dz = a(1 - a) with a = sigma(z)."""
    argv = ["check", r"\frac{\partial a}{\partial z} = a(1-a)", "--where", r"a = \sigma(z)"]
    assert main(argv) == EXIT_OK


def test_check_unreadable_claim_exits_2_with_caret(capsys):
    """Bad LaTeX exits 2; stderr shows the source and a caret."""
    assert main(["check", r"\sqrt{x^2 = x"]) == EXIT_UNREADABLE
    err = capsys.readouterr().err
    assert "\\sqrt{x^2 = x" in err and err.rstrip().endswith("^")


def test_check_bad_assume_exits_2(capsys):
    """An --assume that cannot be read is an input error."""
    assert main(["check", "x = x", "--assume", "x is nice"]) == EXIT_UNREADABLE


def test_check_json_has_the_documented_keys(capsys):
    """--json prints the check with ok, method, points and errors."""
    main(["check", SIGMOID_PRIME, "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is True and {"method", "points", "max_rel_error", "counterexample"} <= set(doc)


def test_verify_shipped_catalog_exits_0(capsys):
    """symnn verify with no path verifies the shipped catalog as its files expect."""
    assert main(["verify"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "backprop-chain-rule" in out and "ERRATUM" in out and "0 not as expected" in out


def test_verify_json_matches_the_documented_shape(capsys):
    """--json: results with id, status among the documented ones, and checks with their keys."""
    main(["verify", "--json"])
    doc = json.loads(capsys.readouterr().out)
    statuses = {r["status"] for r in doc["results"]}
    assert statuses <= {"verified", "read", "erratum", "refuted", "error"}
    check = doc["results"][0]["checks"][0]
    assert {"kind", "ok", "detail", "max_rel_error", "counterexample", "margin"} <= set(check)


def test_verify_json_is_byte_identical_across_runs(capsys):
    """Two runs of verify --json print the same bytes (seeded, sorted, no timestamps)."""
    main(["verify", "--json"])
    first = capsys.readouterr().out
    main(["verify", "--json"])
    assert capsys.readouterr().out == first


def test_verify_bad_file_exits_2_and_still_verifies_the_others(tmp_path, capsys):
    """One broken file: exit 2, the error names it, the good formula is still verified."""
    (tmp_path / "a-bad.toml").write_text("id = [", encoding="utf-8")
    (tmp_path / "b-good.toml").write_text(
        'id = "good"\ntitle = { en = "G", fr = "G" }\nlatex = \'y = 2x\'\n'
        'checks = [{ kind = "claim", latex = \'y - x = x\' }]\n'
        '[symbols]\nx = { kind = "scalar" }\ny = { kind = "scalar" }\n', encoding="utf-8")
    assert main(["verify", str(tmp_path), "--json"]) == EXIT_UNREADABLE
    results = json.loads(capsys.readouterr().out)["results"]
    assert results[0]["status"] == "error" and "a-bad.toml" in results[0]["error"]
    assert results[1]["status"] == "verified"


def test_verify_refuted_formula_exits_1(tmp_path, capsys):
    """A formula file whose claim is false exits 1 with the counterexample in the table."""
    (tmp_path / "f.toml").write_text(
        'id = "wrong"\ntitle = { en = "W", fr = "W" }\nlatex = \'y = 2x\'\n'
        'checks = [{ kind = "claim", latex = \'y - x = 2x\' }]\n'
        '[symbols]\nx = { kind = "scalar" }\ny = { kind = "scalar" }\n', encoding="utf-8")
    assert main(["verify", str(tmp_path)]) == EXIT_REFUTED
    assert "counterexample" in capsys.readouterr().out


def test_verify_does_not_write_into_the_catalog(tmp_path, capsys):
    """verify leaves the formula folder as it found it."""
    (tmp_path / "f.toml").write_text(
        'id = "ok"\ntitle = { en = "O", fr = "O" }\nlatex = \'y = x\'\n'
        '[symbols]\nx = { kind = "scalar" }\ny = { kind = "scalar" }\n', encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    main(["verify", str(tmp_path)])
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_python_dash_m_symnn_verify_end_to_end():
    """`python -m symnn verify` runs as a subprocess and exits 0 on the shipped catalog."""
    proc = subprocess.run([sys.executable, "-m", "symnn", "verify"], capture_output=True,
                          text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "batch-normalization" in proc.stdout


def test_check_assume_accepts_a_joint_constraint(capsys):
    """--assume 'b \\le a' restricts the sampled points jointly."""
    argv = ["check", r"\textrm{max}(\lfloor \frac{a}{b} \rfloor, 1) = \lfloor \frac{a}{b} \rfloor",
            "--assume", "a integer >= 1", "--assume", "b integer >= 1"]
    assert main(argv) == EXIT_REFUTED
    assert main([*argv, "--assume", r"b \le a"]) == EXIT_OK


def test_verify_definition_cycle_is_an_error_and_others_verify(tmp_path, capsys):
    """A file whose definitions form a cycle: exit 2 naming the cycle; the other file verifies."""
    body = ('title = { en = "C", fr = "C" }\nlatex = \'y = 2x\'\n'
            'checks = [{ kind = "claim", latex = \'y - x = x\' }]\n'
            '[symbols]\nx = { kind = "scalar" }\ny = { kind = "scalar" }\n'
            'a = { kind = "scalar" }\nb = { kind = "scalar" }\n')
    (tmp_path / "a.toml").write_text('id = "cycle"\ndefinitions = [\'a = b\', \'b = a\']\n' + body,
                                     encoding="utf-8")
    (tmp_path / "b.toml").write_text('id = "fine"\n' + body, encoding="utf-8")
    assert main(["verify", str(tmp_path), "--json"]) == EXIT_UNREADABLE
    first, second = json.loads(capsys.readouterr().out)["results"]
    assert first["status"] == "error" and "cycle" in first["error"]
    assert second["status"] == "verified"


def test_derive_prints_the_simplified_chain_rule_gradient(capsys):
    """`symnn derive backprop-chain-rule` shows dL/dw = x (a - y) for sigmoid + cross-entropy."""
    assert main(["derive", "backprop-chain-rule"]) == EXIT_OK
    out = capsys.readouterr().out
    assert r"\frac{\partial}{\partial w} L(z,y) = x \left(a - y\right)" in out
    assert "[tanh, squared loss]" in out


def test_derive_batchnorm_prints_the_steps_and_the_proofs(capsys):
    """`symnn derive batchnorm` (an alias) shows the delta derivative, the moment form, every
    route proved, and the batch program with the dropped centred sum."""
    assert main(["derive", "batchnorm"]) == EXIT_OK
    out = capsys.readouterr().out
    assert r"\delta_{k p}" in out  # SymPy's Kronecker delta in the raw derivative
    assert out.count("indexed: proved") == 3 and "m = 6: proved" in out
    assert "NOT proved" not in out
    assert "dropped: sum_i t1" in out and "grad_x = " in out


def test_derive_runs_under_its_time_limit(capsys):
    """`symnn derive batchnorm --time-limit 0.05` stops at the budget: exit 2, saying so."""
    assert main(["derive", "batchnorm", "--time-limit", "0.05"]) == EXIT_UNREADABLE
    assert "exceeded 0.05 s" in capsys.readouterr().err


def test_derive_unknown_id_exits_2(capsys):
    """An unknown formula id is an input error that lists the known ids."""
    assert main(["derive", "no-such-formula"]) == EXIT_UNREADABLE
    assert "backprop-chain-rule" in capsys.readouterr().err


def test_refused_codegen_names_every_formula_it_dropped(tmp_path, capsys):
    """A codegen run refused for one formula says the others were not generated either."""
    (tmp_path / "f.toml").write_text(
        'id = "wrong"\ntitle = { en = "W", fr = "W" }\nlatex = \'y = 2x\'\n'
        'checks = [{ kind = "claim", latex = \'y - x = 2x\' }]\n'
        '[symbols]\nx = { kind = "scalar" }\ny = { kind = "scalar" }\n', encoding="utf-8")
    (tmp_path / "g.toml").write_text(
        'id = "fine"\ntitle = { en = "O", fr = "O" }\nlatex = \'y = x\'\n'
        '[symbols]\nx = { kind = "scalar" }\ny = { kind = "scalar" }\n', encoding="utf-8")
    assert main(["codegen", "--catalog", str(tmp_path)]) == EXIT_REFUTED
    err = capsys.readouterr().err
    assert "no module written" in err and "fine, wrong" in err


_NO_TITLE = 'id = "bad"\nlatex = \'y = x\'\n[symbols]\nx = { kind = "scalar" }\n'


def test_derive_prints_a_title_on_one_line(tmp_path, capsys):
    """symnn derive prints a title's newlines as spaces: file text cannot forge output lines."""
    (tmp_path / "f.toml").write_text(
        'id = "t"\ntitle = { en = "A\\n[as printed]\\r\\nB", fr = "F" }\nlatex = \'y = x\'\n'
        '[symbols]\nx = { kind = "scalar" }\ny = { kind = "scalar" }\n', encoding="utf-8")
    assert main(["derive", "t", str(tmp_path / "f.toml")]) == EXIT_OK
    assert capsys.readouterr().out.splitlines()[0] == "t: A [as printed] B / F"


def test_codegen_with_no_readable_formula_says_so(tmp_path, capsys):
    """codegen with only unreadable files says no formula could be read, exit 2."""
    (tmp_path / "bad.toml").write_text(_NO_TITLE, encoding="utf-8")
    assert main(["codegen", "--catalog", str(tmp_path)]) == EXIT_UNREADABLE
    err = capsys.readouterr().err
    assert "no formula could be read" in err and "exceeded" not in err


def test_docs_with_no_readable_formula_says_so(tmp_path, capsys):
    """docs with only unreadable files says no formula could be read and writes nothing."""
    (tmp_path / "bad.toml").write_text(_NO_TITLE, encoding="utf-8")
    code = main(["docs", "-o", str(tmp_path / "site"), "--catalog", str(tmp_path / "bad.toml")])
    err = capsys.readouterr().err
    assert code == EXIT_UNREADABLE and "no formula could be read" in err
    assert not (tmp_path / "site").exists()


def test_derive_from_an_unreadable_file_shows_the_files_error(tmp_path, capsys):
    """derive x FILE with FILE unreadable shows FILE's error, not an empty list of ids."""
    (tmp_path / "bad.toml").write_text(_NO_TITLE, encoding="utf-8")
    assert main(["derive", "x", str(tmp_path / "bad.toml")]) == EXIT_UNREADABLE
    err = capsys.readouterr().err
    assert "key 'title'" in err and "known: \n" not in err
