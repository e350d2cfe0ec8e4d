"""What the strict notation layer costs: symnn's reading of the golden corpus against the bare
grammar (latex2sympy2_extended) on the same masked text, measured in the same run.

Prints a ratio, not seconds: the machines are shared and noisy. Run: python bench/parse_overhead.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from conftest import make_table
from golden import CORPUS

from symnn import parse_statement
from symnn.read._grammar import _engine
from symnn.read.parse import _Reader, _split_relation, _unbox


def _masked_texts() -> list[str]:
    texts = []
    for case in CORPUS:
        reader = _Reader(case.latex, make_table(case.symbols))
        lo, hi = _unbox(reader)
        rel = _split_relation(reader, lo, hi)
        sides = [(lo, hi)] if rel is None else [(lo, rel[0]), (rel[0] + 1, hi)]
        for a, b in sides:
            pieces: list[tuple[str, int]] = []
            reader.mask(a + (1 if reader.toks[a].text == "=" else 0), b, pieces)
            texts.append("".join(p for p, _ in pieces))
    return texts


def main(repeats: int = 3) -> None:
    tables = [make_table(c.symbols) for c in CORPUS]
    latex2sympy, config = _engine()
    texts = _masked_texts()
    best_grammar = best_symnn = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for text in texts:
            latex2sympy(text, normalization_config=None, conversion_config=config)
        best_grammar = min(best_grammar, time.perf_counter() - t0)
        t0 = time.perf_counter()
        for case, table in zip(CORPUS, tables, strict=True):
            parse_statement(case.latex, table)
        best_symnn = min(best_symnn, time.perf_counter() - t0)
    print(f"{len(CORPUS)} formulas, best of {repeats} runs")
    print(f"symnn strict reading / bare grammar on masked text: {best_symnn / best_grammar:.2f}x")
    print("(symnn's time includes hoisted sub-parses, strict accounting and the cross-check "
          "with sympy's parser)")


if __name__ == "__main__":
    main()
