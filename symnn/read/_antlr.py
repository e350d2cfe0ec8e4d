"""Faster ANTLR parses, with the same trees and the same errors: SLL prediction first, and the
full-context (LL) predictions remembered.

Both grammars behind the reader (latex2sympy2_extended's and sympy's cross-check) are ANTLR
parsers. ANTLR predicts each decision from a DFA that it caches; where that DFA meets a
conflict it falls back to *full-context* prediction, which walks the whole ATN with the rule
stack and is not cached: in latex2sympy's grammar every sub- or superscript needs it (5-10 ms
each, most of the grammar's time over the catalog). Full-context prediction is a pure function
of the decision, the rule-invocation stack, the parser's precedence (its only predicates are
precedence predicates) and the tokens it reads, so its answer is kept under that key and
reused when the same tokens come at the same place again.
"""

from __future__ import annotations

from typing import Any

__all__ = ["two_stage", "remembered_predictions"]

#: Entries kept per parser class before the memory is emptied (each is a few tuples).
MAX_REMEMBERED = 200_000


def _memo_simulator() -> type:
    """A ParserATNSimulator whose full-context predictions are remembered (class defined on
    first use: antlr4 is imported only with a grammar)."""
    from antlr4.atn.ParserATNSimulator import ParserATNSimulator

    class _Deferred:
        """The full-context start state, computed only when the prediction is not known."""

        __slots__ = ("args",)

        def __init__(self, *args: Any) -> None:
            self.args = args

    class Remembering(ParserATNSimulator):
        def __init__(self, parser: Any, atn: Any, dfa: Any, cache: Any,
                     memory: dict | None) -> None:
            super().__init__(parser, atn, dfa, cache)
            self.memory = memory
            self.last_read = -1

        def computeStartState(self, p: Any, ctx: Any, fullCtx: bool) -> Any:
            if fullCtx:  # execATN hands it straight to execATNWithFullContext below
                return _Deferred(p, ctx, fullCtx)
            return super().computeStartState(p, ctx, fullCtx)

        def computeReachSet(self, closure: Any, t: int, fullCtx: bool) -> Any:
            if fullCtx:  # the token at the input's index is read
                self.last_read = max(self.last_read, self._input.index)
            return super().computeReachSet(closure, t, fullCtx)

        def _key(self, decision: int, ctx: Any) -> tuple:
            stack = []
            while ctx is not None:
                stack.append(ctx.invokingState)
                ctx = ctx.parentCtx
            return decision, tuple(stack), tuple(self.parser._precedenceStack)

        def execATNWithFullContext(self, dfa: Any, D: Any, s0: Any, input: Any,
                                   startIndex: int, outerContext: Any) -> int:
            if self.memory is None:  # a grammar with other predicates: computed every time
                if isinstance(s0, _Deferred):
                    s0 = ParserATNSimulator.computeStartState(self, *s0.args)
                return super().execATNWithFullContext(dfa, D, s0, input, startIndex,
                                                      outerContext)
            key = self._key(dfa.decision, outerContext)
            known = self.memory.get(key, ())
            for tokens, alt in known:
                if _reads(input, startIndex, tokens):
                    return alt
            if isinstance(s0, _Deferred):
                s0 = ParserATNSimulator.computeStartState(self, *s0.args)
            self.last_read = startIndex
            alt = super().execATNWithFullContext(dfa, D, s0, input, startIndex, outerContext)
            # only after a prediction (an exception is raised again, never remembered)
            if len(self.memory) > MAX_REMEMBERED:
                self.memory.clear()
            read = tuple(input.tokens[i].type for i in range(startIndex, self.last_read + 1))
            self.memory.setdefault(key, []).append((read, alt))
            return alt

    return Remembering


_SIMULATOR: list[type] = []


def _reads(stream: Any, start: int, tokens: tuple) -> bool:
    """Whether the stream holds ``tokens`` (types) from ``start``; a token is lexed only
    after the ones before it matched, as the prediction itself would read them."""
    for i, kind in enumerate(tokens):
        stream.sync(start + i)
        if start + i >= len(stream.tokens) or stream.tokens[start + i].type != kind:
            return False
    return True


def remembered_predictions(parser_class: type) -> dict | None:
    """The full-context predictions kept for a parser class installed by two_stage (None:
    its grammar has other semantic predicates, nothing is remembered)."""
    return parser_class.symnn_memory


def _has_predicates(parser_class: type) -> bool:
    """Whether the grammar holds semantic predicates other than precedence predicates (which
    read the parser's state beyond the precedence the key of a remembered prediction holds)."""
    from antlr4.atn.Transition import PredicateTransition

    return any(isinstance(t, PredicateTransition) for state in parser_class.atn.states
               for t in state.transitions)


def two_stage(module: object, name: str, sll_first: bool = True) -> type:
    """Replace the ANTLR parser class ``module.name`` by a subclass whose full-context
    predictions are remembered (see above) and whose entry rule ``math`` parses, with
    ``sll_first``, in two stages (the standard ANTLR strategy): SLL prediction, which caches its
    decisions, bailing out at the first syntax error; only then the full LL prediction with the
    original error listeners and recovery. ANTLR guarantees that an SLL parse without a syntax
    error is the tree LL would build, so readings and error messages are unchanged. Without
    ``sll_first`` (a grammar where SLL fails on most inputs) it parses in LL directly, as the
    library does. Idempotent."""
    from antlr4.atn.PredictionMode import PredictionMode
    from antlr4.error.Errors import ParseCancellationException
    from antlr4.error.ErrorStrategy import BailErrorStrategy, DefaultErrorStrategy

    base = getattr(module, name)
    if getattr(base, "symnn_two_stage", False):
        return base
    if not _SIMULATOR:
        _SIMULATOR.append(_memo_simulator())

    class TwoStage(base):  # type: ignore[misc, valid-type]
        symnn_two_stage = True
        # remembered only where the key says all a prediction depends on: no semantic
        # predicates other than precedence ones (true of both grammars; checked, not assumed)
        symnn_memory: dict | None = None if _has_predicates(base) else {}

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._interp = _SIMULATOR[0](self, self.atn, self.decisionsToDFA,
                                         self.sharedContextCache, self.symnn_memory)

        def math(self):
            if not sll_first:
                return super().math()
            listeners, self._listeners = self._listeners, []
            self._interp.predictionMode = PredictionMode.SLL
            self._errHandler = BailErrorStrategy()
            try:
                return super().math()
            except ParseCancellationException:  # a real error, or one only LL can resolve
                self._listeners = listeners
                self._errHandler = DefaultErrorStrategy()
                self.reset()
                self._interp.predictionMode = PredictionMode.LL
                return super().math()
            finally:
                self._listeners = listeners

    TwoStage.__name__ = TwoStage.__qualname__ = base.__name__
    setattr(module, name, TwoStage)
    return TwoStage
