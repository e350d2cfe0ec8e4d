"""Generated Python that file text cannot escape.

Formula files are untrusted input: their titles, notes, variant names and LaTeX reach the
docstrings of generated modules. :func:`doc_text` makes any text safe inside ``r\"\"\"...\"\"\"``
(no double quote, no control character, never a trailing backslash), and :func:`check_module`
parses the finished module and refuses anything but its docstring, the backend's imports and
function definitions whose names are unique and collide with no keyword, builtin, import or
helper: a module that passes holds no statement a file could have written.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re

__all__ = ["doc_text", "check_module", "RESERVED"]

#: Control characters (C0, DEL, C1) and the Unicode line/paragraph separators.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")

#: Names a generated module itself defines or imports: never a kernel's or an argument's name.
RESERVED = frozenset({
    "numpy", "jax", "torch", "math", "functools",
    "_per_feature", "_block", "_like", "_sigmoid", "_softplus",
})


def doc_text(text: str) -> str:
    """``text`` made safe inside a raw triple-double-quoted docstring: double quotes become
    single quotes, tabs spaces, control characters are dropped and a trailing backslash is
    followed by a space (so it cannot escape the closing quotes)."""
    text = _CONTROL.sub("", text.replace("\t", " ").replace("\r", "")).replace('"', "'")
    return text + " " if text.endswith("\\") else text


def _is_doc(node: ast.stmt) -> bool:
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str))


def _bad_name(name: str) -> bool:
    return (keyword.iskeyword(name) or hasattr(builtins, name)
            or (name.startswith("__") and name.endswith("__")))


def check_module(source: str, imports: tuple[str, ...]) -> str:
    """Return ``source`` if it is a docstring, imports of ``imports`` (and functools, math)
    and uniquely named functions, each starting with a docstring; else raise ValueError."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ValueError(f"generated module does not parse (line {exc.lineno}): "
                         f"{exc.msg}") from None
    allowed = {*imports, "functools", "math"}
    seen: set[str] = set()
    for k, node in enumerate(tree.body):
        if k == 0 and _is_doc(node):
            continue
        if isinstance(node, ast.Import):
            names = {a.name for a in node.names if a.asname is None}
            if len(names) != len(node.names) or not names <= allowed:
                raise ValueError(f"generated module imports {ast.unparse(node)!r}")
            continue
        if not isinstance(node, ast.FunctionDef) or node.decorator_list:
            raise ValueError(f"generated module holds a statement at line {node.lineno} that "
                             "is neither an import nor a function")
        if not node.body or not _is_doc(node.body[0]):
            raise ValueError(f"generated function {node.name} has no docstring")
        if _bad_name(node.name) or (node.name in RESERVED and node.name[0] != "_"):
            raise ValueError(f"generated function name {node.name!r} is a keyword, builtin, "
                             "or a name the module imports")
        if node.name in seen:
            raise ValueError(f"two generated functions are named {node.name!r} (formula ids or "
                             "variant names that differ only in punctuation); rename one")
        seen.add(node.name)
        args = [a.arg for a in (*node.args.posonlyargs, *node.args.args,
                                *node.args.kwonlyargs)]
        for arg in args:
            if _bad_name(arg) or arg in RESERVED or arg in seen:
                raise ValueError(f"argument {arg!r} of {node.name} shadows a keyword, builtin, "
                                 "import, helper or generated function")
    return source
