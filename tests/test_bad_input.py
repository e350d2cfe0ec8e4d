"""The bad-input corpus: each unreadable claim is a clean error saying what and where, exit 2."""

from __future__ import annotations

import pytest
from conftest import make_table

from symnn import ParseError, parse_statement
from symnn.cli import EXIT_UNREADABLE, main
from symnn.read.symbols import SymbolTable

# (id, LaTeX, fragment of the message, position of the caret or None)
BAD = [
    ("unbalanced-open-brace", r"\frac{1}{2 = x", "unbalanced '{'", 8),
    ("unbalanced-close-brace", r"x} = 1", "unbalanced '}'", 1),
    ("unbalanced-open-paren", r"(a + b = 1", "unbalanced '('", 0),
    ("unbalanced-close-paren", r"a + b) = 1", "unbalanced ')'", 5),
    ("unknown-command", r"\foo x = 1", "unknown command", 0),
    ("empty-input", "", "empty input", None),
    ("blank-input", "   ", "empty input", 0),
    ("too-long", "x+" * 50_000 + "x = 1", "limit", None),
    ("stray-partial", r"\partial x = 1", "partial", 0),
    ("missing-script", r"x^ = 1", "missing", 3),
    ("sum-without-index", r"\sum x = 1", "subscript", 0),
    ("operator-on-nothing", r"\frac{d}{dx} = 1", "applies to nothing", 0),
    ("two-relations", r"a = b = c", "more than one relation", 6),
    ("control-character", "x\x01 = 1", "unexpected character", 1),
    ("lone-backslash", "x = \\", "backslash", 4),
    ("unknown-operator-name", r"\operatorname{__import__('os').system('touch pwned')}(x) = 1",
     "unknown name", 0),
    ("case-without-condition", r"\begin{cases} 1 \end{cases} = 1", "value & condition", None),
    ("inequality-claim", r"x \le y", "unknown command", 2),
]


@pytest.mark.parametrize(("latex", "fragment", "pos"), [b[1:] for b in BAD],
                         ids=[b[0] for b in BAD])
def test_bad_input_is_a_parse_error_with_message_and_caret(latex, fragment, pos):
    """Each bad input raises ParseError whose message says what went wrong, at the right spot."""
    with pytest.raises(ParseError) as err:
        parse_statement(latex, SymbolTable(auto=True))
    assert fragment in err.value.message
    if pos is not None:
        assert err.value.pos == pos
        assert err.value.render().splitlines()[-1] == "  " + " " * pos + "^"


#: an inequality is not an equation for the reader, but `symnn check` checks it as a property
CHECKED = [b for b in BAD if b[0] != "inequality-claim"]


@pytest.mark.parametrize("latex", [b[1] for b in CHECKED], ids=[b[0] for b in CHECKED])
def test_bad_input_exits_2_from_symnn_check(latex, capsys):
    """`symnn check` on each bad input exits 2 and explains on stderr."""
    assert main(["check", latex]) == EXIT_UNREADABLE
    assert capsys.readouterr().err.startswith("error:")


def test_crafted_operator_name_runs_nothing(tmp_path, monkeypatch):
    """LaTeX that spells Python code is rejected as a name; nothing is executed."""
    monkeypatch.chdir(tmp_path)
    main(["check", r"\operatorname{__import__('os').system('touch pwned')}(x) = 1"])
    assert not (tmp_path / "pwned").exists()


def test_undeclared_name_in_a_strict_table_is_listed():
    """With a declared table, every undeclared name is listed in one error."""
    from conftest import make_table

    with pytest.raises(ParseError) as err:
        parse_statement(r"w \leftarrow w - \eta g", make_table({"w": "scalar"}))
    assert err.value.names == ("\\eta", "g")


def test_no_module_passes_text_to_eval_exec_sympify_or_parse_expr():
    """The package source never calls eval, exec, sympify or parse_expr."""
    import re
    from pathlib import Path

    import symnn

    pattern = re.compile(r"(?<!def )\b(eval|exec|sympify|parse_expr)\s*\(")
    offenders = [f"{p.name}:{n}" for p in Path(symnn.__file__).parent.glob("*.py")
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line.split("#")[0])]
    assert not offenders


def test_long_integer_literal_is_read_exactly():
    """A 1000-digit integer is an exact number, read without loss."""
    st = parse_statement("x = " + "9" * 1000, SymbolTable(auto=True))
    assert st.rhs == 10**1000 - 1


def test_huge_integer_literal_is_a_clean_error():
    """A 5000-digit integer is refused with its position, not passed to int()."""
    with pytest.raises(ParseError, match="digits") as err:
        parse_statement("x = " + "9" * 5000, SymbolTable(auto=True))
    assert err.value.pos == 4


def test_sum_from_zero_over_a_declared_vector_is_refused(capsys):
    r"""\sum_{i=0}^{n} x_i of x in R^n is an error naming x_0, never a new free number."""
    code = main(["check", r"\sum_{i=0}^{n} x_i = \sum_{i=1}^{n} x_i",
                 "--assume", r"x \in \mathbb{R}^n"])
    assert code == EXIT_UNREADABLE and "x_{0} is outside 1..n" in capsys.readouterr().err


def test_sum_past_the_declared_size_is_refused(capsys):
    r"""\sum_{i=1}^{n+1} x_i of x in R^n is an error naming the element past n."""
    code = main(["check", r"\sum_{i=1}^{n+1} x_i = \sum_{i=1}^{n} x_i",
                 "--assume", r"x \in \mathbb{R}^n"])
    assert code == EXIT_UNREADABLE and "is outside 1..n (n = " in capsys.readouterr().err


def test_element_zero_of_a_vector_of_symbolic_size_is_refused():
    """x_0 of x in R^n is refused when read: elements are numbered from 1."""
    table = make_table({"x": {"kind": "vector", "shape": ["n"]}, "n": "index"})
    with pytest.raises(ParseError, match="index 0 is outside 1..n"):
        parse_statement("x_0 = 0", table)


def test_an_undeclared_name_applied_like_a_function_says_how_to_declare_it():
    """H(x) with H undeclared says to declare H (--where 'H(x) = ...'), not 'dropped'."""
    from symnn import ParseError, parse_statement
    from symnn.read import SymbolTable

    with pytest.raises(ParseError) as err:
        parse_statement("y'(x) = 1", SymbolTable(auto=True))
    assert "--where 'y(x) = ...'" in err.value.message and err.value.pos == 0
