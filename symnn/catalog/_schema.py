"""The catalog's error and the specs of the optional tables ([program], [cell], [mdp],
[[plots]]): the names they mention must be declared, with the right kind. Types are checked
before, by :mod:`._model`; every problem raises :class:`CatalogError` naming the file, the key
and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..read import ParseError, SymbolTable, canonical_name

if TYPE_CHECKING:
    from ._model import CellModel, MdpModel, PlotModel, ProgramModel

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


def _declared(item: str, table: SymbolTable, kinds: tuple[str, ...]) -> str | None:
    """The canonical name of item when it is declared with one of kinds, else None."""
    try:
        name = canonical_name(item)
    except ParseError:
        return None
    decl = table.get(name)
    return name if decl is not None and (not kinds or decl.kind in kinds) else None


def _program(raw: ProgramModel | None, where: str, table: SymbolTable) -> BatchSpec | None:
    if raw is None:
        return None

    def names(key: str, kinds: tuple[str, ...]) -> tuple[str, ...]:
        value = getattr(raw, key)
        out = []
        for item in value if isinstance(value, list) else [value]:
            name = _declared(item, table, kinds)
            _want(name is not None, where, f"program.{key}",
                  f"declared names of kind {' or '.join(kinds)}; {item!r} is not")
            out.append(name)
        return tuple(out)

    return BatchSpec(raw.output, names("inputs", ("vector",)), names("index", ("index",))[0],
                     names("size", ("scalar",))[0], names("upstream", ("vector",))[0],
                     names("parameters", ("scalar",)), names("constants", ("scalar",)),
                     tuple((k, tuple(v)) for k, v in raw.layouts.items()))


def _cell(raw: CellModel | None, where: str, table: SymbolTable) -> CellSpec | None:
    """The [cell] table: per-step inputs, carry = { output = input at the next step },
    parameters (all declared vectors or matrices)."""
    if raw is None:
        return None

    def name(item: str, key: str) -> str:
        out = _declared(item, table, ("vector", "matrix"))
        _want(out is not None, where, f"cell.{key}",
              f"declared vectors or matrices; {item!r} is not")
        return out

    return CellSpec(tuple(name(i, "inputs") for i in raw.inputs),
                    tuple((name(o, "carry"), name(i, "carry")) for o, i in raw.carry.items()),
                    tuple(name(p, "parameters") for p in raw.parameters))


def _mdp(raw: MdpModel | None, where: str, table: SymbolTable) -> dict:
    if raw is None:
        return {}
    out: dict = {}
    for key in sorted(raw.model_fields_set):
        value = getattr(raw, key)
        names = []
        for v in value if isinstance(value, list) else [value]:
            name = _declared(v, table, ())
            _want(name is not None, where, f"mdp.{key}", f"declared names; {v!r} is not")
            names.append(table.get(name).pyname)
        out[key] = names if isinstance(value, list) else names[0]
    return out


def _plots(plots: list[PlotModel], where: str, table: SymbolTable) -> list[dict]:
    for n, p in enumerate(plots):
        for k in (p.x, p.y, *p.fixed):
            _want(_declared(k, table, ()) is not None, where, f"plots[{n}]",
                  f"declared names; {k!r} is not")
    return [p.model_dump(exclude_unset=True) | {"kind": p.kind} for p in plots]
