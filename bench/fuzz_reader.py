"""Fuzz the reader with hostile LaTeX and count how each input ended.

Inputs: random token soup, catalog formulas with one piece inserted or deleted, deep nesting,
exponent towers, huge integers, long inputs (up to 1 MB), invalid UTF-8 (decoded with
surrogateescape, as the command line receives it) and control characters. The property: a result
or a clean ParseError, never another exception, never more than 5 s.

Run: python bench/fuzz_reader.py [N]   (default N = 3000; seeded, so the same inputs every run)
"""

from __future__ import annotations

import random
import re
import sys
import time
from collections import Counter

from symnn import ParseError, parse_statement
from symnn.catalog import load_catalog
from symnn.read.symbols import SymbolTable

PIECES = [*"xyzab12+-*/^_{}()[]|=!,.' &<>", r"\frac", r"\sqrt", r"\sum", r"\partial",
          r"\sigma", r"\leftarrow", r"\left(", r"\right)", r"\Big[", r"\Big]", r"\textrm{max}",
          r"\log", r"\boxed", r"\hat", r"\cdot", r"\odot", r"\max", r"\nabla", r"\#",
          r"\begin{cases}", r"\end{cases}", r"\\", r"\|", r"\underset", r"\mathbb{E}", "e^",
          r"\gamma", r"\Gamma_u", "d", r"\mathrm{d}", "^{[l]}", "^{(i)}", "^{< t >}", "^T",
          r"\lfloor", r"\rfloor", "...", r"\operatorname{__import__('os')}"]
LIMIT_SECONDS = 5.0


def inputs(rng: random.Random, n: int):
    catalog = [f.latex for f in load_catalog() if not isinstance(f, Exception)]
    fixed = [r"\frac{1}{" * 200 + "x" + "}" * 200, "x = 10^{10^{10^{10}}}",
             "x = " + "9" * 5000, "x+" * 500_000 + "x", "x = \x00\x07\x1b",
             b"x = \xff\xfe".decode("utf-8", "surrogateescape"), "(" * 300 + "x" + ")" * 300,
             r"\sqrt{" * 150 + "x" + "}" * 150]
    yield from (("fixed", s) for s in fixed)
    for k in range(n - len(fixed)):
        if k % 2:
            yield "soup", "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30)))
        else:
            s = list(rng.choice(catalog))
            for _ in range(rng.randint(1, 3)):
                i = rng.randrange(len(s))
                if rng.random() < 0.5:
                    del s[i]
                else:
                    s.insert(i, rng.choice(PIECES))
            yield "mutant", "".join(s)


def main(n: int = 3000) -> int:
    rng = random.Random(20261128)
    outcomes: Counter[str] = Counter()
    crashes, slowest = [], (0.0, "")
    for kind, text in inputs(rng, n):
        start = time.perf_counter()
        try:
            parse_statement(text, SymbolTable(auto=True))
            outcomes["read"] += 1
        except ParseError as err:
            # the kind of error: the message with quoted parts and details elided
            kind_of = re.sub(r"'[^']*'|\d+", "…", err.message)
            outcomes["ParseError: " + re.split(r"[:(;]", kind_of)[0].strip()] += 1
        except Exception as exc:  # the property under test: this must never happen
            crashes.append((kind, text[:80], f"{type(exc).__name__}: {exc}"[:120]))
        took = time.perf_counter() - start
        if took > slowest[0]:
            slowest = (took, text[:60])
    print(f"{sum(outcomes.values()) + len(crashes)} inputs tried (seeded)")
    for what, count in outcomes.most_common():
        print(f"  {count:6d}  {what}")
    print(f"  {len(crashes):6d}  other exceptions (must be 0)")
    for c in crashes[:10]:
        print("     ", c)
    print(f"slowest input: {slowest[0]:.2f} s (limit {LIMIT_SECONDS:g} s): {slowest[1]!r}")
    return 1 if crashes or slowest[0] > LIMIT_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000))
