"""Tokens of a LaTeX math string, with their positions, and the errors that point at them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ParseError", "Token", "tokenize", "match_groups", "find_close", "MAX_INPUT_CHARS",
           "MAX_DEPTH"]

#: Inputs longer than this are refused before any work is done (a formula is a few hundred chars).
MAX_INPUT_CHARS = 20_000
#: Longer numbers are refused (Python itself refuses int() of more than 4300 digits).
MAX_DIGITS = 1000
#: Deeper nesting of {}, () and [] is refused: the grammar's time grows fast with depth.
MAX_DEPTH = 40  # deeper \frac nesting overflows the grammar's recursion near 60


class ParseError(ValueError):
    """LaTeX that symnn cannot read faithfully; ``str()`` shows the source with a caret."""

    def __init__(self, message: str, source: str = "", pos: int | None = None,
                 names: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.pos = pos
        self.names = names

    def render(self) -> str:
        """The message, then the source line with a caret under the position."""
        lines = [self.message]
        if self.source and self.pos is not None:
            shown = self.source if len(self.source) <= 200 else self.source[:200] + " ..."
            pos = min(self.pos, len(shown))
            lines += ["  " + shown, "  " + " " * pos + "^"]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical unit: ``kind`` is cmd, letter, digit or char; ``text`` is its source text."""

    kind: str
    text: str
    pos: int

    @property
    def end(self) -> int:
        return self.pos + len(self.text)


#: Delimiter commands that mean plain characters: ``\\lvert x \\rvert`` is ``|x|``; the
#: escaped braces of ``\\left\\{ ... \\right\\}`` and ``\\max\\{0, z\\}`` group like parentheses.
_DELIMITER_ALIASES = {
    r"\{": ("char", "("), r"\}": ("char", ")"), r"\lbrace": ("char", "("),
    r"\rbrace": ("char", ")"),
    r"\lvert": ("char", "|"), r"\rvert": ("char", "|"), r"\vert": ("char", "|"),
    r"\mid": ("char", "|"),  # \mid\mid w \mid\mid, as some course notes write a norm
    r"\lVert": ("cmd", r"\|"), r"\rVert": ("cmd", r"\|"), r"\Vert": ("cmd", r"\|"),
}


#: Commands whose unbraced arguments are single tokens, and how many they take: TeX reads
#: ``\frac12`` as 1/2 and ``\sqrt2x`` as sqrt(2) x, one digit per argument.
_DIGIT_ARGUMENTS = {r"\frac": 2, r"\dfrac": 2, r"\tfrac": 2, r"\binom": 2, r"\sqrt": 1}


def _single_digit_argument(tokens: list[Token]) -> bool:
    """True when the next digit is an unbraced argument (of ^, _ or \frac-like commands)."""
    if tokens and tokens[-1].kind == "char" and tokens[-1].text in "^_":
        return True
    for back in (1, 2):  # \frac 1 2: the first and the second argument
        if len(tokens) >= back and tokens[-back].kind == "cmd":
            takes = _DIGIT_ARGUMENTS.get(tokens[-back].text, 0)
            between = tokens[len(tokens) - back + 1:]
            return takes >= back and all(t.kind == "digit" and len(t.text) == 1
                                         for t in between)
    return False


def tokenize(src: str) -> list[Token]:
    """Split ``src`` into tokens; whitespace separates tokens and is dropped."""
    if len(src) > MAX_INPUT_CHARS:
        raise ParseError(f"input is {len(src)} characters; the limit is {MAX_INPUT_CHARS}",
                         src, MAX_INPUT_CHARS)
    tokens: list[Token] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c.isspace():
            i += 1
        elif c.isascii() and c.isdigit() and _single_digit_argument(tokens):
            tokens.append(Token("digit", c, i))  # \frac12 is 1/2 and x^23 is x^2 3, as in TeX
            i += 1
        elif c == "\\":
            j = i + 1
            while j < n and src[j].isascii() and src[j].isalpha():
                j += 1
            if j == i + 1:  # control symbol such as \, \{ \|
                if j >= n:
                    raise ParseError("a lone backslash ends the input", src, i)
                j += 1
            kind, text = _DELIMITER_ALIASES.get(src[i:j], ("cmd", src[i:j]))
            tokens.append(Token(kind, text, i))
            i = j
        elif c.isascii() and c.isalpha():
            tokens.append(Token("letter", c, i))
            i += 1
        elif c.isascii() and c.isdigit():
            j = i
            while j < n and src[j].isascii() and (src[j].isdigit() or src[j] == "."):
                j += 1
            if j - i > MAX_DIGITS:
                raise ParseError(f"a number with {j - i} digits; the limit is {MAX_DIGITS}",
                                 src, i)
            tokens.append(Token("digit", src[i:j], i))
            i = j
        elif c.isascii() and c.isprintable():
            tokens.append(Token("char", c, i))
            i += 1
        else:
            raise ParseError(f"unexpected character {c!r} (U+{ord(c):04X})", src, i)
    tokens = _blank_text_as_space(tokens)
    _refuse_spaced_digits(tokens, src)
    depth = 0
    for t in tokens:
        if t.kind == "char" and t.text in "{([":
            depth += 1
            if depth > MAX_DEPTH:
                raise ParseError(f"brackets nested deeper than {MAX_DEPTH} levels", src, t.pos)
        elif t.kind == "char" and t.text in "})]":
            depth = max(depth - 1, 0)
    return tokens


#: Spacing between two numbers: TeX prints ``2 5`` as 25 and ``10\,000`` as a grouped 10000,
#: neither a product; a reading must not guess which was meant
_SPACING = frozenset({r"\,", r"\;", r"\:", r"\!", r"\ ", r"\>", "~", r"\quad", r"\qquad",
                      r"\thinspace", r"\enspace"})


def _refuse_spaced_digits(tokens: list[Token], src: str) -> None:
    """ParseError at a number that follows another number across spaces only (the first
    not the one-digit argument of ``^``, ``_`` or ``\frac``: ``x^2 3`` is x^2 times 3)."""
    for k, t in enumerate(tokens):
        if t.kind != "digit" or _single_digit_argument(tokens[:k]):
            continue
        j = k + 1
        while j < len(tokens) and tokens[j].text in _SPACING:
            j += 1
        if j < len(tokens) and tokens[j].kind == "digit":
            raise ParseError(f"two numbers separated by a space: TeX prints "
                             f"'{t.text} {tokens[j].text}' as one number ({t.text}"
                             f"{tokens[j].text}), and a space or thin space between digit "
                             r"groups (10\,000) groups them; write the number without the "
                             r"space, or a product with \cdot", src, tokens[j].pos)


#: Text commands whose braces may hold only spaces (``\textrm{ }``): a space, like ``\ ``.
_TEXT_COMMANDS = frozenset({r"\text", r"\textrm", r"\mathrm", r"\mbox", r"\textit"})


def _blank_text_as_space(tokens: list[Token]) -> list[Token]:
    r"""``\textrm{ }`` (spaces only, or ``~``) becomes the spacing command ``\ ``."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        if t.kind == "cmd" and t.text in _TEXT_COMMANDS and k + 1 < len(tokens) \
                and tokens[k + 1].text == "{":
            j = k + 2
            while j < len(tokens) and tokens[j].text == "~":
                j += 1
            if j < len(tokens) and tokens[j].text == "}":
                out.append(Token("cmd", "\\ ", t.pos))
                k = j + 1
                continue
        out.append(t)
        k += 1
    return out


_OPEN = {"{": "}", "(": ")", "[": "]"}


def match_groups(tokens: list[Token], src: str) -> dict[int, int]:
    """Map the index of every ``{`` to its ``}``; braces must balance.

    Parentheses and brackets are matched later, per construct: ``[0,1[`` and ``\\left.`` make
    them unreliable as a global structure.
    """
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for k, tok in enumerate(tokens):
        if tok.text == "{" and tok.kind == "char":
            stack.append(k)
        elif tok.text == "}" and tok.kind == "char":
            if not stack:
                raise ParseError("unbalanced '}': no '{' opens it", src, tok.pos)
            pairs[stack.pop()] = k
    if stack:
        raise ParseError("unbalanced '{': it is never closed", src, tokens[stack[-1]].pos)
    _refuse_double_scripts(tokens, pairs, src)
    return pairs


_DOUBLE = {"^": ("superscript", "{x^{2}}^{3} or x^{6}"), "_": ("subscript", "x_{12} or x_{1,2}")}


def _script_end(tokens: list[Token], k: int, braces: dict[int, int]) -> int:
    """Index after the argument of the script mark at k: a group, or one token (a command
    with its braced groups, as in ``P_\\text{start}``)."""
    k += 1
    if k >= len(tokens):
        return k
    if tokens[k].kind == "char" and tokens[k].text == "{":
        return braces[k] + 1
    if tokens[k].kind == "cmd":
        k += 1
        while k < len(tokens) and tokens[k].kind == "char" and tokens[k].text == "{":
            k = braces[k] + 1
        return k
    return k + 1


def _refuse_double_scripts(tokens: list[Token], braces: dict[int, int], src: str) -> None:
    """TeX's "Double superscript" and "Double subscript": ``x^{2}^{3}`` and ``x_1_2`` are
    refused, as TeX refuses them, rather than read as one of their possible meanings."""
    for start, tok in enumerate(tokens):
        if tok.kind != "char" or tok.text not in "^_":
            continue
        seen: set[str] = set()
        k = start
        while k < len(tokens) and tokens[k].kind == "char" and tokens[k].text in "^_'":
            mark = tokens[k].text
            if mark == "'":
                k += 1
                continue
            if mark in seen:
                what, instead = _DOUBLE[mark]
                raise ParseError(f"double {what}: write {instead}", src, tokens[k].pos)
            seen.add(mark)
            k = _script_end(tokens, k, braces)


def find_close(tokens: list[Token], start: int, stop: int, src: str) -> int:
    """Index of the ``)``/``]`` closing the ``(``/``[`` at ``start``, nesting respected."""
    opener = tokens[start].text
    closer = _OPEN[opener]
    depth = 0
    for k in range(start, stop):
        t = tokens[k]
        if t.kind != "char":
            continue
        if t.text in "([{":
            depth += 1
        elif t.text in ")]}":
            depth -= 1
            if depth == 0:
                if t.text != closer:
                    raise ParseError(f"'{opener}' is closed by '{t.text}'", src, t.pos)
                return k
    raise ParseError(f"unbalanced '{opener}': it is never closed", src, tokens[start].pos)
