"""A linear scan of a TOML file's dotted keys before tomllib reads it.

tomllib takes time quadratic in the parts of one dotted key (``a.a.a...``: 60,000 parts take
about a minute), before any time budget applies; a formula file never needs more than a few.
"""

from __future__ import annotations

__all__ = ["MAX_KEY_PARTS", "long_dotted_key"]

#: A dotted key (or table header) with more parts is refused before parsing.
MAX_KEY_PARTS = 32

_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_- \t")


def _string_end(text: str, i: int) -> int:
    """Index after the string (basic, literal, or multi-line) opening at i."""
    quote = text[i]
    if text.startswith(quote * 3, i):
        end = text.find(quote * 3, i + 3)
        while quote == '"' and end > 0 and _escaped(text, end):
            end = text.find(quote * 3, end + 1)
        return len(text) if end < 0 else end + 3
    j = i + 1
    while j < len(text) and text[j] not in (quote, "\n"):
        j += 2 if quote == '"' and text[j] == "\\" else 1
    return j + 1


def _escaped(text: str, k: int) -> bool:
    """True when the character at k follows an odd number of backslashes."""
    n = 0
    while k - n - 1 >= 0 and text[k - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def long_dotted_key(text: str) -> int | None:
    """The 1-based line where a key or table header of more than MAX_KEY_PARTS dotted parts
    starts, or None. Dots inside strings and comments do not count."""
    i, line, dots, start = 0, 1, 0, 1
    while i < len(text):
        c = text[i]
        if c in "\"'":
            end = _string_end(text, i)
            line += text.count("\n", i, end)
            i = end
            continue
        if c == ".":
            if dots == 0:
                start = line
            dots += 1
            if dots >= MAX_KEY_PARTS:
                return start
        elif c == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif c not in _KEY_CHARS:
            dots = 0
            line += c == "\n"
        i += 1
    return None
