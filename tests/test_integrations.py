"""The Sphinx extension and the MkDocs plugin: the examples under examples/ build, and a wrong
formula, a wrong claim or an unreadable file fails the docs build with what went wrong."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

sphinx_build = pytest.importorskip("sphinx.cmd.build")
mkdocs_build = pytest.importorskip("mkdocs.commands.build")
from mkdocs.config import load_config  # noqa: E402
from mkdocs.exceptions import Abort  # noqa: E402

from symnn.report import _render  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ERRATUM = (EXAMPLES.parent / "formulas" / "04-conv-output-size.toml").read_text(encoding="utf-8")
SIGMOID = (EXAMPLES / "sphinx" / "sigmoid.toml").read_text(encoding="utf-8")
#: the sigmoid file with a wrong derivative claimed: 1 + g instead of 1 - g
WRONG = SIGMOID.replace('id = "sigmoid"', 'id = "sigmoid-wrong"').replace(
    r"\frac{d}{dz}g(z) = g(z)(1-g(z))", r"\frac{d}{dz}g(z) = g(z)(1+g(z))")
HOSTILE = SIGMOID.replace('id = "sigmoid"', 'id = "hostile"').replace(
    'en = "Sigmoid"', 'en = "<script>alert(1)</script>"')
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


# --- Sphinx ---------------------------------------------------------------------------------

def _sphinx_project(tmp_path: Path, extra: str = "", files: dict[str, str] | None = None
                    ) -> Path:
    src = tmp_path / "src"
    shutil.copytree(EXAMPLES / "sphinx", src, ignore=shutil.ignore_patterns("_build"))
    for name, text in (files or {}).items():
        (src / name).write_text(text, encoding="utf-8")
    if extra:
        with (src / "index.rst").open("a", encoding="utf-8") as page:
            page.write("\n" + extra)
    return src


def _sphinx(src: Path, capsys: pytest.CaptureFixture, *flags: str) -> tuple[int, str, str]:
    """Build src into src/../out; (exit code, warnings, index.html)."""
    out = src.parent / "out"
    code = sphinx_build.build_main(["-q", "-N", "-b", "html", *flags, str(src), str(out)])
    index = out / "index.html"
    return code, capsys.readouterr().err, (index.read_text(encoding="utf-8")
                                           if index.exists() else "")


def _line(src: Path, text: str) -> int:
    lines = (src / "index.rst").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_sphinx_example_renders_status_and_math(tmp_path, capsys):
    """The Sphinx example builds under -W with the formula's math, status and the claim."""
    code, err, page = _sphinx(_sphinx_project(tmp_path), capsys, "-W")
    assert code == 0, err
    assert r"\[g(z)=\displaystyle\frac{1}{1+e^{-z}}\]" in page
    assert "symnn: verified (complex step + proved, worst relative error" in page
    assert "symnn: holds (symbolic proof" in page
    assert 'class="math notranslate nohighlight"' in page  # Sphinx's own math node


def test_sphinx_refuted_formula_fails_build(tmp_path, capsys):
    """A refuted formula fails -W with its file, line, id and counterexample."""
    src = _sphinx_project(tmp_path, ".. symnn-formula:: wrong.toml\n", {"wrong.toml": WRONG})
    code, err, _ = _sphinx(src, capsys, "-W", "--keep-going")
    assert code != 0
    assert f"index.rst:{_line(src, 'wrong.toml')}: ERROR" in err
    assert "formula sigmoid-wrong is refuted" in err
    assert "counterexample at z = " in err


def test_sphinx_refuted_claim_fails_build(tmp_path, capsys):
    """A wrong one-line claim fails -W with the claim and its counterexample."""
    src = _sphinx_project(tmp_path, ".. symnn-check:: \\frac{d}{dz}\\sigma(z) = a(1+a)\n"
                          "   :where: a = \\sigma(z)\n   :assume: z > 0\n")
    code, err, _ = _sphinx(src, capsys, "-W", "--keep-going")
    assert code != 0
    assert r"claim `\frac{d}{dz}\sigma(z) = a(1+a)` is refuted" in err
    assert "counterexample at z = " in err


def test_sphinx_unreadable_file_fails_with_path(tmp_path, capsys):
    """A formula file that does not exist fails -W and names its path."""
    src = _sphinx_project(tmp_path, ".. symnn-formula:: nowhere/missing.toml\n")
    code, err, _ = _sphinx(src, capsys, "-W", "--keep-going")
    assert code != 0
    assert str(src / "nowhere" / "missing.toml") in err


def test_sphinx_without_W_shows_error_box(tmp_path, capsys):
    """Without -W a refuted formula builds, warns and shows an error box on the page."""
    src = _sphinx_project(tmp_path, ".. symnn-formula:: wrong.toml\n", {"wrong.toml": WRONG})
    code, err, page = _sphinx(src, capsys)
    assert code == 0 and "sigmoid-wrong" in err
    assert 'class="admonition error"' in page and "formula sigmoid-wrong is refuted" in page


def test_sphinx_erratum_renders_note_and_corrected_form(tmp_path, capsys):
    """An erratum builds under -W and shows its status, note and corrected form as math."""
    src = _sphinx_project(tmp_path, ".. symnn-formula:: conv.toml\n", {"conv.toml": ERRATUM})
    code, err, page = _sphinx(src, capsys, "-W")
    assert code == 0, err
    assert "symnn: erratum (wrong as printed; the corrected form is verified)" in page
    assert "Note: </strong>As printed, N is an integer only when S divides" in page
    assert r"\[N=\left\lfloor\frac{W-F+2P}{S}\right\rfloor+1\]" in page


def test_sphinx_parallel_build(tmp_path, capsys):
    """The extension declares itself parallel safe: -j 2 -W builds seven checked pages."""
    pages = {f"page{i}.rst": f":orphan:\n\nPage {i}\n======\n\n.. symnn-formula:: sigmoid.toml\n"
             for i in range(6)}  # Sphinx reads in parallel from more than 5 documents
    src = _sphinx_project(tmp_path, files=pages)
    code, err, _ = _sphinx(src, capsys, "-j", "2", "-W")
    assert code == 0, err
    for i in range(6):
        assert "symnn: verified" in (src.parent / "out" / f"page{i}.html").read_text("utf-8")


def test_sphinx_escapes_title(tmp_path, capsys):
    """A title holding a script tag appears escaped, never as markup."""
    src = _sphinx_project(tmp_path, ".. symnn-formula:: hostile.toml\n",
                          {"hostile.toml": HOSTILE})
    code, err, page = _sphinx(src, capsys, "-W")
    assert code == 0, err
    assert ESCAPED in page and SCRIPT not in page


# --- MkDocs ---------------------------------------------------------------------------------

def _mkdocs_project(tmp_path: Path, extra: str = "", files: dict[str, str] | None = None
                    ) -> Path:
    root = tmp_path / "site-src"
    shutil.copytree(EXAMPLES / "mkdocs", root, ignore=shutil.ignore_patterns("site"))
    for name, text in (files or {}).items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
    if extra:
        with (root / "docs" / "index.md").open("a", encoding="utf-8") as page:
            page.write("\n" + extra)
    return root


def _mkdocs(root: Path, strict: bool = True) -> str:
    """Build root into root/../out; the index page (raises Abort when strict fails)."""
    out = root.parent / "out"
    mkdocs_build.build(load_config(str(root / "mkdocs.yml"), strict=strict, site_dir=str(out)))
    return (out / "index.html").read_text(encoding="utf-8")


def _warnings(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)


def test_mkdocs_example_renders_status_and_math(tmp_path):
    """The MkDocs example builds under --strict with arithmatex math, status and the claim."""
    page = _mkdocs(_mkdocs_project(tmp_path))
    assert r'<div class="arithmatex">\[g(z)=\displaystyle\frac{1}{1+e^{-z}}\]</div>' in page
    assert "symnn: verified (complex step + proved, worst relative error" in page
    assert "symnn: holds (symbolic proof" in page


def test_mkdocs_refuted_formula_fails_strict(tmp_path, caplog):
    """A refuted formula fails --strict with its id and counterexample in the warning."""
    root = _mkdocs_project(tmp_path, "```symnn\nwrong.toml\n```\n", {"wrong.toml": WRONG})
    with pytest.raises(Abort):
        _mkdocs(root)
    assert "formula sigmoid-wrong is refuted" in _warnings(caplog)
    assert "counterexample at z = " in _warnings(caplog)


def test_mkdocs_refuted_claim_fails_strict(tmp_path, caplog):
    """A wrong symnn-check claim fails --strict with the page, claim and counterexample."""
    root = _mkdocs_project(tmp_path, "```symnn-check\n\\frac{d}{dz}\\sigma(z) = a(1+a)\n"
                           "where: a = \\sigma(z)\nassume: z > 0\n```\n")
    with pytest.raises(Abort):
        _mkdocs(root)
    assert r"index.md: claim `\frac{d}{dz}\sigma(z) = a(1+a)` is refuted" in _warnings(caplog)
    assert "counterexample at z = " in _warnings(caplog)


def test_mkdocs_unreadable_file_fails_with_path(tmp_path, caplog):
    """A formula file that does not exist fails --strict and names its path."""
    root = _mkdocs_project(tmp_path, "```symnn\nnowhere/missing.toml\n```\n")
    with pytest.raises(Abort):
        _mkdocs(root)
    assert str(root / "docs" / "nowhere" / "missing.toml") in _warnings(caplog)


def test_mkdocs_without_strict_shows_error_box(tmp_path, caplog):
    """Without --strict a refuted formula builds, warns and shows an error box."""
    root = _mkdocs_project(tmp_path, "```symnn\nwrong.toml\n```\n", {"wrong.toml": WRONG})
    page = _mkdocs(root, strict=False)
    assert "sigmoid-wrong" in _warnings(caplog)
    assert 'class="admonition failure"' in page and "formula sigmoid-wrong is refuted" in page


def test_mkdocs_escapes_title(tmp_path):
    """A title holding a script tag appears escaped, never as markup."""
    page = _mkdocs(_mkdocs_project(tmp_path, "```symnn\nhostile.toml\n```\n",
                                   {"hostile.toml": HOSTILE}))
    assert ESCAPED in page and SCRIPT not in page


def test_mkdocs_escapes_claim_latex(tmp_path, caplog):
    """Markup in an unreadable claim's LaTeX reaches the page only escaped."""
    root = _mkdocs_project(tmp_path, f"```symnn-check\nx = {SCRIPT}\n```\n")
    page = _mkdocs(root, strict=False)
    assert "cannot check the claim" in _warnings(caplog)
    assert ESCAPED in page and SCRIPT not in page


# --- the shared cache -----------------------------------------------------------------------

def test_verification_memoized_by_content(tmp_path, monkeypatch):
    """Two files with the same content are verified once per process; an edit re-verifies."""
    calls = []
    real = _render._verified
    monkeypatch.setattr(_render, "_CACHE", {})
    monkeypatch.setattr(_render, "_verified", lambda *a: calls.append(a) or real(*a))
    for name, text in (("a.toml", SIGMOID), ("b.toml", SIGMOID), ("c.toml", SIGMOID + "\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert _render.formula_block(tmp_path / name).status == "verified"
    assert len(calls) == 2


def test_a_docs_build_reuses_the_verification_cache_on_disk(tmp_path, monkeypatch):
    """A formula verified once is read from symnn's disk cache by a later build: no child runs."""
    monkeypatch.setenv("SYMNN_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "s.toml").write_text(SIGMOID, encoding="utf-8")
    monkeypatch.setattr(_render, "_CACHE", {})
    assert _render.formula_block(tmp_path / "s.toml").status == "verified"
    monkeypatch.setattr(_render, "_CACHE", {})

    def no_child(jobs, **kwargs):
        assert not jobs, "verified again instead of reading the cache"
        return iter(())

    monkeypatch.setattr("symnn.check._pool.run_isolated_many", no_child)
    assert _render.formula_block(tmp_path / "s.toml").status == "verified"
