"""Hostile formula files: no file text becomes code in a generated module (every backend)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from symnn.catalog import load_formula
from symnn.check import verify_formula
from symnn.emit import check_module, doc_text, load_module
from symnn.read.symbols import check_pyname
from symnn.report import codegen_source

FORMULAS = Path(__file__).resolve().parents[1] / "formulas"
PAYLOAD = "X\"\"\"; __import__('os').system('touch pwned'); r\"\"\""
#: Texts that would leave a docstring if pasted raw: closing quotes, a trailing backslash
#: (escapes the closing quotes), a NUL (a syntax error) and a newline then code.
HOSTILE = [PAYLOAD, "ends in a backslash \\", "nul \x00 byte", "two\n\"\"\"\nimport os\n"]


def _hostile(name: str, old: str, new: str) -> object:
    """A catalog file with ``old`` replaced by the hostile ``new`` (TOML literal string)."""
    path = FORMULAS / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    return load_formula(path, text.replace(old, new, 1))


def _literal(text: str) -> str:
    """``text`` as a TOML basic string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
        .replace("\x00", "\\u0000") + '"'


CASES = [
    ("05-batch-normalization.toml", 'en = "Batch normalization"', "en = {}"),
    ("11-sigmoid.toml", 'en = "Sigmoid"', "en = {}"),
    ("07-dropout.toml", 'name = "plain, no rescaling"', "name = {}"),
    ("04-conv-output-size.toml", 'note = "As printed, N', 'note = {}\n# "As printed, N'),
]


def _names(source: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name)}


@pytest.mark.parametrize("backend", ["numpy", "jax", "torch"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile_text_stays_in_docstrings_in_every_backend(case, backend, tmp_path,
                                                           monkeypatch):
    """Hostile titles, variant names and notes generate modules whose code names nothing new."""
    monkeypatch.chdir(tmp_path)
    name, old, new = case
    clean = codegen_source([_hostile(name, old, new.format('"plain"'))], backend)
    for text in HOSTILE[:2]:  # the quotes and the backslash; all four: the doc_text test
        formula = _hostile(name, old, new.format(_literal(text)))
        source = codegen_source([formula], backend)
        assert _names(source) == _names(clean)  # the same code: the text is only in docstrings
        if backend == "numpy":
            load_module(source)
    assert list(tmp_path.iterdir()) == []


def test_hostile_batchnorm_title_runs_nothing_during_verify(tmp_path, monkeypatch):
    """symnn verify imports the batch-norm kernels; a hostile title runs nothing and verifies."""
    monkeypatch.chdir(tmp_path)
    formula = _hostile("05-batch-normalization.toml", 'en = "Batch normalization"',
                       f"en = {_literal(PAYLOAD)}")
    assert verify_formula(formula).status == "verified"
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("text", HOSTILE)
def test_doc_text_keeps_hostile_text_inside_a_docstring(text):
    """A docstring built with doc_text parses as one string constant; raw text does not."""
    def module(doc: str) -> list[ast.stmt] | None:
        try:
            return ast.parse(f'r"""{doc}"""\n').body
        except SyntaxError:
            return None

    body = module(doc_text(text))
    assert body is not None and len(body) == 1 and isinstance(body[0].value, ast.Constant)
    planted = module(text)  # without doc_text: a syntax error or more than one statement
    assert planted is None or len(planted) != 1


@pytest.mark.parametrize("source, fragment", [
    ('"""d"""\nimport os\n', "imports"),
    ('"""d"""\nimport numpy\nx = 1\n', "neither an import nor a function"),
    ('def f(a):\n    """d"""\n\n\ndef f(a):\n    """d"""\n', "two generated functions"),
    ('def print(a):\n    """d"""\n', "builtin"),
    ('def f(numpy):\n    """d"""\n', "shadows"),
    ('def f(a):\n    return a\n', "no docstring"),
    ('def f(a):\n    """d"""\n    import os\n', "forbidden statement"),
    ('def f(a):\n    """d"""\n    if a:\n        eval("1")\n', "uses 'eval'"),
    ('def f(a):\n    """d"""\n    return [open(p) for p in a]\n', "uses 'open'"),
    ('def f(a):\n    """d"""\n    return a.__class__\n', "reaches '__class__'"),
    ('def f(a):\n    """d"""\n    def g():\n        """e"""\n        exec(a)\n', "uses 'exec'"),
])
def test_check_module_refuses_a_planted_statement_or_collision(source, fragment):
    """A module with code beyond docstring/imports/functions, or a name collision, is refused."""
    with pytest.raises(ValueError, match=fragment):
        check_module(source, ("numpy",))


@pytest.mark.parametrize("name", ["print", "sum", "numpy", "torch", "math", "class", "__x__"])
def test_builtin_keyword_and_module_names_are_not_safe_identifiers(name):
    """Builtins (from the builtins module, not dict's methods), keywords and imports are refused."""
    with pytest.raises(ValueError):
        check_pyname(name)


def test_two_ids_that_slug_alike_are_an_error():
    """Ids dup-name and dup--name would give two functions of one name: an error, no shadowing."""
    a = _hostile("11-sigmoid.toml", 'id = "sigmoid"', 'id = "dup-name"')
    b = _hostile("11-sigmoid.toml", 'id = "sigmoid"', 'id = "dup--name"')
    with pytest.raises(ValueError, match="two generated functions"):
        codegen_source([a, b])


def _tex_mathml(latex: str) -> str:
    from latex2mathml.converter import convert

    return convert(latex)


SCRIPT = r'\textrm{</math><script>document.title="pwned"</script>}'


def _site(tmp_path: Path, fmt: str) -> Path:
    from symnn.report.docs import build_docs

    text = (FORMULAS / "11-sigmoid.toml").read_text(encoding="utf-8")
    formula = load_formula(FORMULAS / "11-sigmoid.toml", text.replace(
        'en = "Sigmoid"', 'en = "# head <b onmouseover=alert(1)>x</b> '
        '[a](javascript:alert(1)) | c"'))
    out = tmp_path / "site"
    build_docs(out, [formula], formats=(fmt,))
    return out


def test_latex_text_never_reaches_html_as_a_script(tmp_path):
    """latex2mathml's un-escaped \\textrm text is removed by the sanitizer: no script element."""
    from symnn.report.docs import Block, to_html

    assert "<script>" in _tex_mathml(SCRIPT)  # planted: latex2mathml alone lets it through
    tex = to_html([Block("tex", SCRIPT)], "t", "en", "img", [])
    assert "<script" not in tex.lower()
    page = (_site(tmp_path, "html") / "en" / "sigmoid.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "<b " not in page
    assert 'href="javascript' not in page


def test_sanitizer_removes_a_planted_script_and_handler():
    """The allow-list drops script elements, event handlers and javascript: links."""
    from symnn.report._sanitize import sanitize_html

    planted = ('<math><mtext></mtext></math><script>x()</script>'
               '<a href="javascript:x()" onclick="x()">a</a>')
    clean = sanitize_html(planted)
    assert "script" not in clean and "onclick" not in clean and "javascript" not in clean


def test_markdown_title_is_literal_text(tmp_path):
    """A hostile title gives no heading, raw HTML, link or extra table cell in Markdown."""
    site = _site(tmp_path, "md")
    page = (site / "en" / "sigmoid.md").read_text(encoding="utf-8")
    heading = next(ln for ln in page.splitlines() if ln.startswith("# "))
    assert r"\<b" in heading and "](javascript" not in heading and " | " not in heading
    index = (site / "en" / "index.md").read_text(encoding="utf-8")
    row = next(ln for ln in index.splitlines() if "sigmoid" in ln)
    assert row.count(" | ") == 2  # three cells: the title's | is escaped


def test_md_text_escapes_a_planted_heading_and_table_break():
    """md_text turns markup into literal text; the raw text would start a heading and a cell."""
    from symnn.report.docs import md_text

    raw = "# x | <b>y</b>\n# z"
    assert md_text(raw) == r"\# x \| \<b\>y\</b\> \# z"
    assert raw.startswith("# ") and "\n#" in raw  # planted: markup without md_text


def _refuted(tmp_path: Path) -> Path:
    """The sigmoid file with a wrong stated right side (1 - e^{-z} instead of the logistic)."""
    text = (FORMULAS / "11-sigmoid.toml").read_text(encoding="utf-8")
    path = tmp_path / "wrong.toml"
    path.write_text(text.replace(r"\frac{1}{1+e^{-z}}", r"\frac{1}{1-e^{-z}}"), encoding="utf-8")
    return path


def test_codegen_refuses_a_refuted_formula_and_writes_nothing(tmp_path, capsys):
    """symnn codegen of a refuted formula exits 1 naming it, and writes no module."""
    from symnn.cli import EXIT_REFUTED, main

    out = tmp_path / "k.py"
    assert main(["codegen", "--catalog", str(_refuted(tmp_path)), "-o", str(out)]) \
        == EXIT_REFUTED
    assert "sigmoid" in capsys.readouterr().err and not out.exists()


def test_include_refuted_writes_a_function_that_raises(tmp_path):
    """--include-refuted writes the refuted formula as a function raising ValueError."""
    from symnn.cli import EXIT_OK, main

    out = tmp_path / "k.py"
    assert main(["codegen", "--catalog", str(_refuted(tmp_path)), "--include-refuted",
                 "-o", str(out)]) == EXIT_OK
    module = load_module(out.read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="refuted"):
        module.sigmoid(1.0)


def test_codegen_replaces_a_symlink_and_refuses_a_folder(tmp_path):
    """-o that is a symlink is replaced (its target untouched); -o that is a folder exits 2."""
    from symnn.cli import EXIT_OK, EXIT_UNREADABLE, main

    target = tmp_path / "elsewhere.txt"
    target.write_text("keep", encoding="utf-8")
    link = tmp_path / "k.py"
    link.symlink_to(target)
    assert main(["codegen", "sigmoid", "-o", str(link)]) == EXIT_OK
    assert target.read_text(encoding="utf-8") == "keep" and not link.is_symlink()
    assert main(["codegen", "sigmoid", "-o", str(tmp_path)]) == EXIT_UNREADABLE


def test_latex_in_markdown_math_cannot_close_it_or_open_markup():
    """A formula's LaTeX inside $$ ... $$ keeps no $, < or > and no line break (no live HTML)."""
    from symnn.report.docs import Block, to_markdown

    page = to_markdown([Block("tex", "x $$\n<img src=x onerror=alert(1)> $$")], "img")
    math = page.split("$$\n", 1)[1].split("\n$$", 1)[0]
    assert "<" not in math and ">" not in math and "\n" not in math
    assert "$" not in math.replace(r"\$", "")
