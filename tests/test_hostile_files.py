"""Hostile files and folders: pipes and devices, huge symbol tables, terminal escapes, the
pytest plugin on unreadable files, and `symnn docs` writing whole or not at all."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from symnn import cli
from symnn.catalog import CatalogError, load_formula
from symnn.check import FormulaResult
from symnn.read import SymbolTable
from symnn.report import formula_table, printable

pytest_plugins = ["pytester"]

FORMULAS = Path(__file__).resolve().parents[1] / "formulas"
SIGMOID = (FORMULAS / "11-sigmoid.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("make", ["fifo", "device", "folder"])
def test_a_formula_path_that_is_not_a_regular_file_is_an_error_at_once(tmp_path, make):
    """A FIFO, /dev/zero or a folder: a catalog error, without blocking or reading forever."""
    if make == "fifo":
        path = tmp_path / "pipe.toml"
        os.mkfifo(path)
    else:
        path = Path("/dev/zero") if make == "device" else tmp_path
    start = time.perf_counter()
    with pytest.raises(CatalogError, match="a regular file"):
        load_formula(path)
    assert time.perf_counter() - start < 1.0


def test_a_regular_formula_file_with_a_bom_loads(tmp_path):
    """The counterpart: a regular file (with a UTF-8 BOM) still loads."""
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SIGMOID.encode("utf-8"))
    assert load_formula(path).id == "sigmoid"


def _many_symbols(n: int) -> str:
    lines = ['id = "many"', 'title = {en = "m", fr = "m"}', 'latex = "x_{1} = x_{1}"',
             "[symbols]"]
    return "\n".join(lines + [f'"x_{{{i}}}" = {{kind = "scalar"}}' for i in range(n)]) + "\n"


def test_twenty_thousand_declared_symbols_load_within_seconds():
    """20,000 symbols load in under 10 s (quadratic declaring took about 27 s)."""
    start = time.perf_counter()
    assert len(load_formula("many.toml", _many_symbols(20000)).table.decls) == 20000
    assert time.perf_counter() - start < 10.0


class _CountingDict(dict):
    scans = 0

    def values(self):
        type(self).scans += 1
        return super().values()


def test_declaring_does_not_scan_the_table_per_symbol():
    """Declaring n names reads all declarations once, not once per name (the old O(n^2))."""
    table = SymbolTable(decls=_CountingDict())
    for i in range(500):
        table.auto_declare(f"x_{{{i}}}")
    table.auto_declare("x_{1}")  # a name again, and a pyname clash below, stay correct
    assert _CountingDict.scans <= 1
    assert len(table.decls) == 500


def test_control_characters_in_a_title_never_reach_the_terminal():
    """An ANSI escape, a carriage return and a bell in a title are dropped from the table."""
    hostile = "Sig\x1b[2J\x1b[31mmoid\r\x07\x9b"
    table = formula_table([FormulaResult(id="s", title_en=hostile, title_fr="",
                                         status="verified", as_expected=True)])
    assert "Sigmoid" in table
    assert not any(ch in table for ch in "\x1b\r\x07\x9b")


def test_printable_keeps_newlines_and_tabs_but_drops_escapes():
    """The filter removes control characters only (planted: an escape), not layout."""
    assert printable("a\tb\nc\x1b[0m\x1b]0;title\x07d") == "a\tb\ncd"


def test_cli_messages_drop_control_characters(tmp_path, capsys):
    """An escape in a file name reported on stderr is dropped."""
    path = tmp_path / "bad\x1b[31m.toml"
    path.write_text("not = [toml", encoding="utf-8")
    assert cli.main(["verify", str(path)]) == 2
    out = capsys.readouterr()
    assert "\x1b" not in out.out + out.err


@pytest.mark.parametrize("content, reason", [
    (b"id = [unclosed\n", "valid TOML"),
    (b'id = "\xff\xfe"\n', "a readable UTF-8 file"),
])
def test_plugin_makes_an_unreadable_file_a_failing_item(pytester, content, reason):
    """A TOML syntax error or invalid UTF-8, outside a `formulas` folder: one failing item
    whose reason is one line (before, the file was silently skipped)."""
    (pytester.path / "broken.toml").write_bytes(content)
    result = pytester.runpytest(str(pytester.path))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*broken.toml: key '(file)': {reason}*"])


def test_plugin_collects_a_named_toml_file_even_without_formula_keys(pytester):
    """A *.toml named on the command line is always a test: a missing schema key fails it."""
    path = pytester.path / "other.toml"
    path.write_text("[tool.other]\nkey = 1\n", encoding="utf-8")
    result = pytester.runpytest(str(path))
    result.assert_outcomes(failed=1)


def test_plugin_ignores_a_non_formula_toml_inside_a_folder(pytester):
    """The counterpart: pyproject-like files found in a folder are not collected."""
    (pytester.path / "pyproject.toml").write_text("[tool.other]\nkey = 1\n", encoding="utf-8")
    (pytester.path / "sigmoid.toml").write_text(SIGMOID, encoding="utf-8")
    result = pytester.runpytest(str(pytester.path))
    result.assert_outcomes(passed=1)


def _docs(out: Path, *extra: str) -> int:
    return cli.main(["docs", "sigmoid", "-o", str(out), "--format", "md", *extra])


def test_docs_never_follow_a_symlink_planted_in_the_output(tmp_path, capsys):
    """`en/sigmoid.md -> ../../elsewhere/x.md` in the old output: the target is untouched and
    the new output holds a regular file."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.md").write_text("keep", encoding="utf-8")
    out = tmp_path / "site"
    (out / "en").mkdir(parents=True)
    (out / "en" / "sigmoid.md").symlink_to("../../elsewhere/x.md")
    assert _docs(out) == 0
    assert (elsewhere / "x.md").read_text(encoding="utf-8") == "keep"
    page = out / "en" / "sigmoid.md"
    assert page.is_file() and not page.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "site"]


def test_a_failed_docs_build_leaves_the_previous_output_intact(tmp_path, monkeypatch, capsys):
    """Planted failure in the build: the old site is as it was and no temporary is left."""
    out = tmp_path / "site"
    out.mkdir()
    (out / "old.md").write_text("previous", encoding="utf-8")
    import symnn.report.docs as docs

    def broken(*args: object, **kwargs: object) -> list:
        (args[0] / "half.md").write_text("partial", encoding="utf-8")
        raise ValueError("planted failure")

    monkeypatch.setattr(docs, "build_docs", broken)
    assert _docs(out) == 2
    assert "planted failure" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["old.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("kind", ["file", "symlink"])
def test_docs_output_of_the_wrong_type_exits_2(tmp_path, kind, capsys):
    """-o naming a file or a symlink: a clear error, exit 2, nothing written."""
    out = tmp_path / "out"
    if kind == "file":
        out.write_text("x", encoding="utf-8")
    else:
        (tmp_path / "real").mkdir()
        out.symlink_to(tmp_path / "real")
    assert _docs(out) == 2
    assert str(out) in capsys.readouterr().err
    assert len(list(tmp_path.iterdir())) == (1 if kind == "file" else 2)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PWN = "document.title='pwned'"
HOSTILE_TEX = r"\textrm{</math><script>" + PWN + r"</script><img src=x onerror=" + PWN + "}"


def _rendered_title(page: Path) -> str:
    """The document title after Chromium loaded the page and ran whatever scripts it has."""
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--virtual-time-budget=2000"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", page.as_uri()], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    found = re.search(r"<title>(.*?)</title>", dom, flags=re.S)
    return found.group(1) if found else ""


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_hostile_pages_run_no_script_in_headless_chromium(tmp_path):
    """A hostile title and LaTeX text through `symnn docs`: Chromium keeps the title, so no
    script or handler ran; the same markup unsanitized (planted) does change it."""
    from symnn.report.docs import Block, build_docs, to_html

    hostile = f"<script>{PWN}</script><img src=x onerror=\\\"{PWN}\\\">"
    formula = load_formula(FORMULAS / "11-sigmoid.toml", SIGMOID.replace(
        'en = "Sigmoid"', f'en = "{hostile}"'))
    build_docs(tmp_path / "site", [formula], formats=("html",))
    page = tmp_path / "tex.html"
    page.write_text(to_html([Block("tex", HOSTILE_TEX)], "safe", "en", "img", []),
                    encoding="utf-8")
    assert _rendered_title(page) == "safe"
    assert _rendered_title(tmp_path / "site" / "en" / "sigmoid.html") != "pwned"
    planted = tmp_path / "planted.html"
    planted.write_text(f"<html><head><title>safe</title></head><body>{hostile}</body></html>"
                       .replace('\\"', '"'), encoding="utf-8")
    assert _rendered_title(planted) == "pwned"


def test_a_key_of_sixty_thousand_dotted_parts_is_refused_before_parsing(tmp_path):
    """a.a.a... (60,000 parts) is a CatalogError naming its line within a second, not minutes."""
    path = tmp_path / "deep.toml"
    path.write_text('id = "deep"\n' + "a" + ".a" * 60000 + " = 1\n", encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(CatalogError) as err:
        load_formula(path)
    assert err.value.key == "(line 2)" and time.perf_counter() - start < 1.0


def test_a_table_header_of_many_dotted_parts_is_refused():
    """A [a.a.a...] header of 40 parts is refused like a key."""
    with pytest.raises(CatalogError, match="dotted parts"):
        load_formula("h.toml", SIGMOID + "[" + ".".join(["a"] * 40) + "]\n")


def test_dots_inside_strings_do_not_count_as_key_parts():
    """A source of 100 dots inside a string still loads."""
    text = SIGMOID.replace('source = "', 'source = "' + "." * 100)
    assert load_formula("dots.toml", text).id == "sigmoid"
