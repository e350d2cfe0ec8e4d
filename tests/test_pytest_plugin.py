"""The pytest plugin: formula files collected as tests; a refuted one fails with its
counterexample."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
SIGMOID = (ROOT / "formulas" / "11-sigmoid.toml").read_text(encoding="utf-8")


@pytest.fixture
def folder(pytester: pytest.Pytester) -> Path:
    pytester.makefile(".toml", sigmoid=SIGMOID,
                      wrong=SIGMOID.replace('id = "sigmoid"', 'id = "sigmoid-wrong"')
                      .replace("{1+e^{-z}}", "{1+e^{z}}", 1),
                      pyproject="[tool.other]\nkey = 1\n")
    return pytester.path


def test_each_formula_file_is_one_test_and_a_refuted_one_fails(pytester, folder):
    """Two formula files give two tests; the planted error fails, the other passes; the
    TOML file that is not a formula is not collected."""
    result = pytester.runpytest(str(folder))
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*counterexample at z = *"])


def test_an_unreadable_formula_file_fails_with_the_catalog_error(pytester):
    """A formula file that breaks the schema fails and names the key (the misspelt title)."""
    pytester.makefile(".toml", broken=SIGMOID.replace("title =", "titel ="))
    result = pytester.runpytest(str(pytester.path))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*key 'titel'*"])


def test_a_failing_formula_names_its_verdict_and_what_it_means(pytester, folder):
    """The planted error's failure text opens with its status and 'refuted' and its meaning."""
    result = pytester.runpytest(str(folder))
    result.stdout.fnmatch_lines(["*sigmoid-wrong: refuted (verdicts: *: refuted*"
                                 "refuted = a counterexample that reproduces*"])


def test_loading_the_plugin_imports_neither_sympy_nor_numpy():
    """pytest loads the plugin in every run where symnn is installed: it must stay light."""
    import subprocess
    import sys

    code = ("import sys, symnn.pytest_plugin, symnn; "
            "print(sorted(m for m in ('sympy', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
