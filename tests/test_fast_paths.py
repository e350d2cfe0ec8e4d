"""The faster paths of verify (issue 16) give the same answers as the slow ones they replace."""

from __future__ import annotations

import importlib
import warnings
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from antlr4 import CommonTokenStream, InputStream

from symnn.catalog import load_formula
from symnn.check import verify_formula
from symnn.check._mdp import Interpreter
from symnn.read import _antlr, _grammar

ROOT = Path(__file__).resolve().parent.parent
# the package face exports a function of the same name
derivations = importlib.import_module("symnn.derive.derivations")

#: Masked texts as the notation layer hands them to the grammar: the first two need the full LL
#: prediction in latex2sympy's grammar (SLL fails on sub- and superscripts), the rest do not.
TEXTS = [r" \omicron_{0} ", r"\frac{1}{1+ \omicron_{2} ^{- \omicron_{3} }}", "x+y",
         r"\frac{x}{y}", "(x)", r"x y - 2"]


def _ll_reading(parser_class: type, lexer_class: type, text: str) -> str:
    """The tree the plain (one-stage, LL) parser builds, as text."""
    parser = parser_class.__mro__[1](CommonTokenStream(lexer_class(InputStream(text))))
    parser.removeErrorListeners()
    return parser.math().toStringTree(recog=parser)


@pytest.mark.parametrize("text", TEXTS)
def test_two_stage_parsers_build_the_trees_of_the_ll_parsers(text):
    """SLL first (LL on failure) builds the same parse tree as LL alone, in both grammars."""
    import latex2sympy2_extended.latex2sympy2 as l2s
    import sympy.parsing.latex._parse_latex_antlr as antlr_reader

    _grammar.warm_up()
    for module, parser, lexer in ((l2s, "PSParser", "PSLexer"),
                                  (antlr_reader, "LaTeXParser", "LaTeXLexer")):
        two, lex = getattr(module, parser), getattr(module, lexer)
        assert two.symnn_two_stage
        fast = two(CommonTokenStream(lex(InputStream(text))))
        fast.removeErrorListeners()
        assert fast.math().toStringTree(recog=fast) == _ll_reading(two, lex, text)


def test_two_stage_parser_falls_back_to_ll_and_keeps_the_syntax_error():
    """A syntax error reaches the library's own error listener, with LL's message, once."""
    import latex2sympy2_extended.latex2sympy2 as l2s

    _grammar.warm_up()
    bad = r"\frac{ \omicron_{0} }{"
    with pytest.raises(Exception) as fast:
        _grammar._canonical_grammar.__wrapped__(bad)
    one_stage = l2s.PSParser
    l2s.PSParser = one_stage.__mro__[1]
    try:
        with pytest.raises(Exception) as slow:
            _grammar._canonical_grammar.__wrapped__(bad)
    finally:
        l2s.PSParser = one_stage
    assert str(fast.value) == str(slow.value) and "\\frac" in str(fast.value)


def test_two_stage_without_fallback_is_caught_by_the_tree_test():
    """Planted: SLL alone (no LL fallback) fails on a subscript the LL parser reads."""
    import latex2sympy2_extended.latex2sympy2 as l2s
    from antlr4.atn.PredictionMode import PredictionMode
    from antlr4.error.ErrorStrategy import BailErrorStrategy

    _grammar.warm_up()
    parser = l2s.PSParser.__mro__[1](CommonTokenStream(l2s.PSLexer(InputStream(TEXTS[0]))))
    parser.removeErrorListeners()
    parser._interp.predictionMode = PredictionMode.SLL
    parser._errHandler = BailErrorStrategy()
    with pytest.raises(Exception):  # noqa: B017 - antlr's ParseCancellationException
        parser.math()


def test_two_stage_is_installed_once():
    """Installing twice keeps one subclass (no SLL-inside-SLL chain)."""
    import latex2sympy2_extended.latex2sympy2 as l2s

    _grammar.warm_up()
    first = l2s.PSParser
    assert _grammar.two_stage(l2s, "PSParser") is first and first.__mro__[1].__name__ == "PSParser"


def test_cross_check_is_computed_once_per_masked_text(monkeypatch):
    """The second cross-check of the same masked text does not call sympy's parser again."""
    calls = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parse = _grammar._sympy_parser()
    monkeypatch.setattr(_grammar, "_sympy_parser",
                        lambda: lambda *a, **k: calls.append(a) or parse(*a, **k))
    masked, text = sp.Symbol("omicron_0") + 7, r" \omicron_{0} +7"
    assert _grammar.cross_check(masked, text) == _grammar.cross_check(masked, text) == "agree"
    assert len(calls) <= 1


def _interpreter(values: dict) -> Interpreter:
    return Interpreter({"s": "s", "a": "a"}, {"s": 3, "a": 2},
                       {"Q": lambda s, a: values["q"][s, a]}, {"gamma": 0.5})


def test_compiled_mdp_statement_reads_the_values_of_each_call():
    """A statement compiled once and run after the values change equals a fresh walk."""
    s, a = sp.symbols("s a")
    expr = sp.Symbol("gamma") * sp.Function("Q")(s, a) + 1
    values = {"q": np.zeros((3, 2))}
    interp = _interpreter(values)
    run = interp.compile(expr)
    run()
    values["q"] = np.arange(6.0).reshape(3, 2)
    fresh = _interpreter(values)(expr)
    assert np.array_equal(run(), fresh) and np.asarray(fresh).max() == 3.5


def test_compiled_mdp_statement_refuses_what_has_no_meaning_when_run():
    """A node without meaning on an MDP still raises, when evaluated (as the walk did)."""
    run = _interpreter({"q": np.zeros((3, 2))}).compile(sp.sin(sp.Symbol("s")))
    with pytest.raises(ValueError, match="sin has no meaning"):
        run()


def test_verify_does_not_simplify_a_derivative_it_does_not_judge(monkeypatch):
    """A gradient check that states its derivative is judged without simplifying symnn's own
    (simplify is slow, and that derivative is neither shown nor judged)."""
    def planted(expr):
        raise AssertionError("simplify called during verify")

    monkeypatch.setattr(derivations, "simplified", planted)
    formula = load_formula(ROOT / "formulas" / "11-sigmoid.toml")
    assert verify_formula(formula, 0).status == "verified"
    check = next(c for c in formula.checks if c.kind == "gradient")
    with pytest.raises(AssertionError, match="simplify called"):  # the default simplifies
        derivations.gradient_parts(check, formula, derivations.definition_groups(formula)[0][1])


@pytest.mark.parametrize("text", [r" \omicron_{12} ^{ \omicron_{3} }- \omicron_{12} ",
                                  r"\frac{ \omicron_{7} }{1- \omicron_{0} } \omicron_{10} ^{2}",
                                  r" \omicron_{4} (1- \omicron_{6} )"])
def test_renumbered_reading_is_the_reading_of_the_text_as_written(text):
    """Placeholders read in canonical order, then named back: the same unevaluated tree."""
    direct = _grammar._canonical_grammar.__wrapped__(text)
    assert sp.srepr(_grammar._grammar(text)) == sp.srepr(direct)


def test_renumbered_readings_share_one_grammar_run():
    """Two texts of one shape cost one grammar run; a planted mix-up of names is visible."""
    _grammar._grammar(r" \omicron_{8} - \omicron_{9} ")
    before = _grammar._canonical_grammar.cache_info().misses
    other = _grammar._grammar(r" \omicron_{5} - \omicron_{2} ")
    assert _grammar._canonical_grammar.cache_info().misses == before
    names = {s.name for s in other.free_symbols}
    assert names == {"omicron_5", "omicron_2"} and names != {"omicron_0", "omicron_1"}
    assert sp.srepr(other) != sp.srepr(_grammar._grammar(r" \omicron_{2} - \omicron_{5} "))


def test_renumbered_reading_keeps_the_error_of_the_text_as_written():
    """An unreadable text reports its own columns, not those of the renumbered text."""
    bad = r" \omicron_{12} + \frac{ \omicron_{30} }{"
    with pytest.raises(Exception) as fast:
        _grammar._grammar(bad)
    with pytest.raises(Exception) as slow:
        _grammar._canonical_grammar.__wrapped__(bad)
    assert str(fast.value) == str(slow.value) and "omicron_{30}" in str(fast.value)


def test_verify_starts_the_slowest_formula_first_and_keeps_file_order(tmp_path):
    """Children start by expected cost (batch normalization before the chain rule), results
    come back in file order; in file order the chain rule would have started first."""
    from symnn.catalog import load_catalog
    from symnn.check import FormulaResult, verify_all
    from symnn.check._pool import expected_cost

    log = tmp_path / "started"
    formulas = [f for f in load_catalog() if f.id in ("backprop-chain-rule", "sigmoid",
                                                      "batch-normalization")]

    def fake(formula, seed):
        with log.open("a") as out:
            out.write(formula.id + "\n")
        return FormulaResult(formula.id, "", "", "verified", True)

    results = verify_all(formulas, workers=1, verify=fake)
    assert [r.id for r in results] == [f.id for f in formulas]
    started = log.read_text().split()
    assert started == sorted(started, key=lambda i: -expected_cost(
        next(f for f in formulas if f.id == i)))
    assert started[0] == "batch-normalization" != formulas[0].id


#: Texts whose full-context predictions overlap (the same placeholders at the same places).
MEMO_TEXTS = [r" \omicron_{0} ^{2}", r" \omicron_{0} ^{ \omicron_{1} }", r"x_{3}^{2}",
              r"( \omicron_{0} - \omicron_{1} )^{2}- \omicron_{2} ^{2}", r"x^{2}_{3}",
              r"\frac{ \omicron_{0} ^{2}}{ \omicron_{1} }", r" \omicron_{0} _{1}"]


def test_remembered_predictions_build_the_trees_of_the_ll_parser():
    """Each text read after all the others (its predictions remembered from them and from
    itself) builds the tree the plain LL parser builds, in latex2sympy's grammar."""
    import latex2sympy2_extended.latex2sympy2 as l2s

    _grammar.warm_up()
    for text in MEMO_TEXTS * 2:
        fast = l2s.PSParser(CommonTokenStream(l2s.PSLexer(InputStream(text))))
        fast.removeErrorListeners()
        assert fast.math().toStringTree(recog=fast) == _ll_reading(l2s.PSParser, l2s.PSLexer,
                                                                   text)
    assert _antlr.remembered_predictions(l2s.PSParser)


def test_remembered_predictions_skip_the_full_context_walk(monkeypatch):
    """A text read again makes no full-context walk (the slow part of the grammar)."""
    from antlr4.atn.ParserATNSimulator import ParserATNSimulator

    _grammar.warm_up()
    text = r"\frac{ \omicron_{0} }{1+ \omicron_{1} ^{- \omicron_{2} }}"
    _grammar._canonical_grammar.__wrapped__(text)
    walks = []
    real = ParserATNSimulator.execATNWithFullContext
    monkeypatch.setattr(ParserATNSimulator, "execATNWithFullContext",
                        lambda *a: walks.append(a) or real(*a))
    assert str(_grammar._canonical_grammar.__wrapped__(text)) == \
        "omicron_0/(1 + omicron_1**(-omicron_2))"
    assert walks == []


def test_a_wrong_remembered_prediction_changes_the_tree():
    """Planted: every remembered prediction turned into another alternative; the tree test
    above would see it (the reading of a subscripted power changes or fails)."""
    import latex2sympy2_extended.latex2sympy2 as l2s

    _grammar.warm_up()
    text = TEXTS[1]  # needs the full LL prediction
    right = _ll_reading(l2s.PSParser, l2s.PSLexer, text)
    memory = _antlr.remembered_predictions(l2s.PSParser)
    saved = {k: list(v) for k, v in memory.items()}
    try:
        _grammar._canonical_grammar.__wrapped__(text)
        for key, entries in memory.items():
            memory[key] = [(tokens, 1 + alt % 4) for tokens, alt in entries]
        parser = l2s.PSParser(CommonTokenStream(l2s.PSLexer(InputStream(text))))
        parser.removeErrorListeners()
        try:
            wrong = parser.math().toStringTree(recog=parser)
        except Exception:
            wrong = None
        assert wrong != right
    finally:
        memory.clear()
        memory.update(saved)


def test_remembered_predictions_keep_the_syntax_error():
    """An unreadable text read twice (the second time with its predictions remembered)
    reports the same error as the plain parser."""
    bad = r" \omicron_{0} ^{2} + \frac{ \omicron_{1} _{2} }{"
    errors = []
    for _ in range(2):
        with pytest.raises(Exception) as caught:
            _grammar._canonical_grammar.__wrapped__(bad)
        errors.append(str(caught.value))
    assert errors[0] == errors[1] and "\\frac" in errors[0]


def test_sides_are_lowered_once_per_expression(monkeypatch):
    """values_of lowers an expression once; an expression that differs only by a float
    constant (x/2 against 0.5 x) gets its own function, never the other's."""
    from symnn.check import _points

    x = sp.Symbol("x")
    calls = []
    real = _points.to_numpy
    monkeypatch.setattr(_points, "to_numpy", lambda e, s: calls.append(e) or real(e, s))
    values = {"x": np.array([1.0, 2.0])}
    first = _points.values_of(x**3 / 7 + 1, [x], values, 2)
    again = _points.values_of(x**3 / 7 + 1, [x], values, 2)
    assert np.array_equal(first, again) and len(calls) == 1
    _points.values_of(x**3 * sp.Float(1 / 7) + 1, [x], values, 2)
    assert len(calls) == 2


def test_cross_check_runs_only_when_its_verdict_is_asked(monkeypatch):
    """Reading does not call sympy's parser; asking the statement's cross-check does, and a
    planted disagreeing parser is reported as a disagreement."""
    from symnn.read import parse_statement
    from symnn.read.symbols import SymbolTable

    calls = []
    monkeypatch.setattr(_grammar, "_sympy_parser",
                        lambda: lambda *a, **k: calls.append(a) or sp.Symbol("omicron_0") + 99)
    _grammar.cross_check.cache_clear()
    try:
        st = parse_statement(r"y = 3 x + 1", SymbolTable(auto=True))
        assert calls == []
        assert st.crosscheck == "disagree" and calls
    finally:
        _grammar.cross_check.cache_clear()  # no planted answer left for later tests


def test_a_grammar_with_other_predicates_remembers_nothing():
    """Both grammars hold only precedence predicates, so predictions are remembered; a parser
    whose ATN holds another semantic predicate would get no memory (computed every time)."""
    import latex2sympy2_extended.latex2sympy2 as l2s
    from antlr4.atn.Transition import PredicateTransition

    _grammar.warm_up()
    assert _antlr.remembered_predictions(l2s.PSParser) is not None
    state = l2s.PSParser.atn.states[1]
    planted = PredicateTransition(state, 0, 0, False)
    state.transitions.append(planted)
    try:
        assert _antlr._has_predicates(l2s.PSParser.__mro__[1])
    finally:
        state.transitions.remove(planted)
    assert not _antlr._has_predicates(l2s.PSParser.__mro__[1])
