"""Generated Python that file text cannot escape.

Formula files are untrusted input: their titles, notes, variant names and LaTeX reach the
docstrings of generated modules. :func:`doc_text` makes any text safe inside ``r\"\"\"...\"\"\"``
(no double quote, no control character, never a trailing backslash), and :func:`check_module`
parses the finished module and refuses anything but its docstring, the backend's imports and
function definitions whose names are unique and collide with no keyword, builtin, import or
helper, and whose bodies (at any depth) import nothing, reach no dunder attribute and call no
builtin that runs text or reaches outside the kernel (eval, exec, open, getattr...): a module
that passes holds no statement a file could have written.
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


#: Builtins no generated kernel calls, whose presence would mean code that runs text or
#: reaches outside the kernel (found anywhere in a function, at any depth).
_FORBIDDEN_NAMES = frozenset({
    "eval", "exec", "compile", "__import__", "open", "input", "breakpoint", "getattr",
    "setattr", "delattr", "globals", "locals", "vars", "exit", "quit", "help", "memoryview",
})
#: Statements a kernel body never holds, at any depth.
_FORBIDDEN_NODES = (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.ClassDef,
                    ast.AsyncFunctionDef, ast.Await, ast.Yield, ast.YieldFrom, ast.Delete)


def _check_body(func: ast.FunctionDef) -> None:
    """Refuse, anywhere inside ``func``, an import, a class, a dunder attribute, a call of a
    builtin that runs or reaches out (eval, open, getattr...), or a second docstring."""
    for node in ast.walk(func):
        if node is not func and isinstance(node, _FORBIDDEN_NODES):
            raise ValueError(f"generated function {func.name} holds a forbidden statement at "
                             f"line {node.lineno}: {type(node).__name__}")
        if isinstance(node, ast.Attribute) and node.attr.startswith("__"):
            raise ValueError(f"generated function {func.name} reaches {node.attr!r} at line "
                             f"{node.lineno}")
        if isinstance(node, ast.Name) and node.id in _FORBIDDEN_NAMES:
            raise ValueError(f"generated function {func.name} uses {node.id!r} at line "
                             f"{node.lineno}")
        if isinstance(node, ast.FunctionDef) and node is not func:
            _check_body(node)  # a nested helper: the same rules, its own docstring optional


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
        _check_body(node)
        args = [a.arg for a in (*node.args.posonlyargs, *node.args.args,
                                *node.args.kwonlyargs)]
        for arg in args:
            if _bad_name(arg) or arg in RESERVED or arg in seen:
                raise ValueError(f"argument {arg!r} of {node.name} shadows a keyword, builtin, "
                                 "import, helper or generated function")
    return source
