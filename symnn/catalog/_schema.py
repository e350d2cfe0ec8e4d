"""The formula-file schema's optional tables: [program], [mdp] and [[plots]].

Split from :mod:`symnn.catalog` (which validates the rest of a file); every problem raises
:class:`CatalogError` naming the file, the key and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..read import ParseError, SymbolTable, canonical_name

__all__ = ["CatalogError", "BatchSpec", "CellSpec"]


@dataclass(frozen=True)
class CellSpec:
    """The ``[cell]`` table (canonical LaTeX names)."""

    inputs: tuple[str, ...]  # per-step inputs (x^{< t >})
    carry: tuple[tuple[str, str], ...]  # (output, the input it becomes at the next step)
    parameters: tuple[str, ...]  # weights and biases, shared by every step


class CatalogError(ValueError):
    """A formula file that does not fit the schema: which file, which key, what was expected."""

    def __init__(self, path: str, key: str, expected: str) -> None:
        super().__init__(f"{path}: key '{key}': {expected}")
        self.path, self.key, self.expected = path, key, expected


def _want(cond: bool, path: str, key: str, expected: str) -> None:
    if not cond:
        raise CatalogError(path, key, expected)



@dataclass(frozen=True)
class BatchSpec:
    """The ``[program]`` table: how the formula runs over a batch (canonical LaTeX names)."""

    output: str  # the kernel's name for the per-sample result
    inputs: tuple[str, ...]  # per-sample inputs, written x_i in the formula
    index: str  # the batch index i
    size: str  # the batch size m
    upstream: str  # the per-sample upstream gradient dL/dy_i
    parameters: tuple[str, ...] = ()  # per-feature inputs whose gradient is reported
    constants: tuple[str, ...] = ()  # per-feature or scalar inputs without gradient
    layouts: tuple[tuple[str, tuple[int, ...]], ...] = (("dense", (0,)),)


_PLOT_KEYS = {"kind", "x", "y", "x_range", "y_range", "fixed"}
_PROGRAM_KEYS = {"output", "inputs", "index", "size", "upstream", "parameters", "constants",
                 "layouts"}
#: The [mdp] table: which declared names play which part (lists or single names).
_MDP_KEYS = {"states": True, "actions": True, "values": True, "reward": False,
             "transition": False, "discount": False, "state": False, "action": False,
             "next_state": False, "next_action": False, "rate": False, "trajectory": True}


def _program(raw: object, where: str, table: SymbolTable) -> BatchSpec | None:
    if raw is None:
        return None
    _want(isinstance(raw, dict) and set(raw) <= _PROGRAM_KEYS, where, "program",
          f"a table with keys among {sorted(_PROGRAM_KEYS)}")

    def names(key: str, kinds: tuple[str, ...], many: bool) -> tuple[str, ...]:
        value = raw.get(key, [] if many else None)
        items = value if many else [value]
        _want(isinstance(value, list) if many else isinstance(value, str), where,
              f"program.{key}", "an array of declared names" if many else "a declared name")
        out = []
        for item in items:
            try:
                name = canonical_name(item)
            except (ParseError, TypeError):
                name = ""
            decl = table.get(name)
            _want(decl is not None and decl.kind in kinds, where, f"program.{key}",
                  f"declared names of kind {' or '.join(kinds)}; {item!r} is not")
            out.append(name)
        return tuple(out)

    output = raw.get("output")
    _want(isinstance(output, str) and output.isidentifier(), where, "program.output",
          "a Python name for the result, such as \"y\"")
    layouts = raw.get("layouts", {"dense": [0]})
    _want(isinstance(layouts, dict) and bool(layouts) and all(
        isinstance(v, list) and v and all(isinstance(a, int) and a >= 0 for a in v)
        and k.isidentifier() for k, v in layouts.items()), where, "program.layouts",
          "a table name = [axes of the statistics], such as dense = [0]")
    return BatchSpec(output, names("inputs", ("vector",), True),
                     names("index", ("index",), False)[0], names("size", ("scalar",), False)[0],
                     names("upstream", ("vector",), False)[0],
                     names("parameters", ("scalar",), True), names("constants", ("scalar",), True),
                     tuple((k, tuple(v)) for k, v in layouts.items()))


_CELL_KEYS = {"inputs", "carry", "parameters"}


def _cell(raw: object, where: str, table: SymbolTable) -> CellSpec | None:
    """The [cell] table: per-step inputs, carry = { output = input at the next step },
    parameters (all declared vectors or matrices)."""
    if raw is None:
        return None
    _want(isinstance(raw, dict) and set(raw) == _CELL_KEYS, where, "cell",
          f"a table with the keys {sorted(_CELL_KEYS)}")
    carry = raw["carry"]
    _want(isinstance(carry, dict) and bool(carry), where, "cell.carry",
          "a table { output = the input it becomes at the next step }, such as "
          "{ 'c^{< t >}' = 'c^{< t-1 >}' }")

    def name(item: object, key: str) -> str:
        try:
            out = canonical_name(item) if isinstance(item, str) else ""
        except ParseError:
            out = ""
        decl = table.get(out)
        _want(decl is not None and decl.kind in ("vector", "matrix"), where, f"cell.{key}",
              f"declared vectors or matrices; {item!r} is not")
        return out

    for key in ("inputs", "parameters"):
        _want(isinstance(raw[key], list) and bool(raw[key]), where, f"cell.{key}",
              "a non-empty array of declared names")
    return CellSpec(tuple(name(i, "inputs") for i in raw["inputs"]),
                    tuple((name(o, "carry"), name(i, "carry")) for o, i in carry.items()),
                    tuple(name(p, "parameters") for p in raw["parameters"]))


def _mdp(raw: object, where: str, table: SymbolTable) -> dict:
    if raw is None:
        return {}
    _want(isinstance(raw, dict) and set(raw) <= set(_MDP_KEYS), where, "mdp",
          f"a table with keys among {sorted(_MDP_KEYS)}")
    out: dict = {}
    for key, value in raw.items():
        many = _MDP_KEYS[key]
        items = value if many else [value]
        _want(isinstance(items, list) and all(isinstance(v, str) for v in items), where,
              f"mdp.{key}", "an array of declared names" if many else "a declared name")
        names = []
        for v in items:
            try:
                decl = table.get(canonical_name(v))
            except ParseError:
                decl = None
            _want(decl is not None, where, f"mdp.{key}", f"declared names; {v!r} is not")
            names.append(decl.pyname)
        out[key] = names if many else names[0]
    return out



def _plots(plots: object, where: str, table: SymbolTable) -> list[dict]:
    _want(isinstance(plots, list) and all(
        isinstance(p, dict) and p.get("kind") == "holds" and set(p) <= _PLOT_KEYS
        and all(isinstance(p.get(k), str) and table.get(p[k]) for k in ("x", "y"))
        and all(isinstance(p.get(k), list) and len(p[k]) == 2
                and all(isinstance(v, int) for v in p[k]) for k in ("x_range", "y_range"))
        and isinstance(p.get("fixed", {}), dict)
        and all(table.get(k) and isinstance(v, int | float) for k, v in p.get("fixed", {}).items())
        for p in plots), where, "plots",
          'tables { kind = "holds", x = name, y = name, x_range = [lo, hi], y_range = [lo, hi],'
          " fixed = { name = value } } over declared names")
    return plots
