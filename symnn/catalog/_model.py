"""The formula-file schema as pydantic models: every key, its type and its allowed values.

Types are strict (no coercion: ``1`` is not a string, ``true`` is not an integer) and unknown
keys are errors. What a type cannot say (a name must be declared, a LaTeX identifier must read)
is checked by :mod:`.formula` on the validated model. :func:`validate` turns pydantic's errors
into one :class:`CatalogError` naming the file, the key path and what was expected.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr
from pydantic import ValidationError as _ValidationError

from ._schema import CatalogError

__all__ = ["FileModel", "CheckModel", "VariantModel", "SymbolModel", "ProgramModel",
           "CellModel", "MdpModel", "PlotModel", "ErratumModel", "validate", "ID_PATTERN",
           "key_paths"]

#: Formula ids and aliases: lower-case letters, digits and '-'.
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"

Text = Annotated[StrictStr, Field(min_length=1, pattern=r"\S")]  # a non-empty string
Names = list[StrictStr]
CheckKind = Literal["parse", "equality", "reference", "claim", "gradient", "descent",
                    "expectation", "variance", "windows", "mdp", "backward", "cell-backward",
                    "bptt", "property"]
SymbolKind = Literal["scalar", "vector", "matrix", "index", "function", "constant"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class TitleModel(_Model):
    en: Text
    fr: Text


class SymbolModel(_Model):
    kind: SymbolKind
    domain: StrictStr | None = None
    shape: list[StrictStr | StrictInt] = Field(default_factory=list, max_length=2)
    args: Names = Field(default_factory=list)
    name: StrictStr | None = None
    note: StrictStr | None = None
    distribution: Annotated[StrictStr, Field(pattern=r"^Bernoulli\(.+\)$")] | None = None


class CheckModel(_Model):
    kind: CheckKind
    latex: Text | None = None
    note: StrictStr = ""
    of: Text | None = None
    wrt: Text | None = None
    step: Text | None = None
    length: Text | None = None
    window: Text | None = None
    stride: Text | None = None
    ranges: dict[StrictStr, Annotated[list[StrictInt], Field(min_length=2, max_length=2)]] \
        | None = None
    role: Text | None = None


class VariantModel(_Model):
    name: Text
    definitions: Annotated[list[StrictStr], Field(min_length=1)]
    checks: Annotated[list[CheckModel], Field(min_length=1)] = \
        [CheckModel(kind="equality")]
    constraints: list[StrictStr] = Field(default_factory=list)


class ErratumModel(_Model):
    note: Text
    corrected: Text
    definitions: list[StrictStr] = Field(default_factory=list)


class ProgramModel(_Model):
    output: Annotated[StrictStr, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
    inputs: Names = Field(default_factory=list)
    index: StrictStr
    size: StrictStr
    upstream: StrictStr
    parameters: Names = Field(default_factory=list)
    constants: Names = Field(default_factory=list)
    layouts: Annotated[dict[Annotated[StrictStr, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")],
                            Annotated[list[Annotated[StrictInt, Field(ge=0)]],
                                      Field(min_length=1)]],
                       Field(min_length=1)] = Field(default_factory=lambda: {"dense": [0]})


class CellModel(_Model):
    inputs: Annotated[Names, Field(min_length=1)]
    carry: Annotated[dict[StrictStr, StrictStr], Field(min_length=1)]
    parameters: Annotated[Names, Field(min_length=1)]


class MdpModel(_Model):
    """Which declared names play which part of a Markov decision process."""

    states: Names | None = None
    actions: Names | None = None
    values: Names | None = None
    trajectory: Names | None = None
    reward: StrictStr | None = None
    transition: StrictStr | None = None
    discount: StrictStr | None = None
    state: StrictStr | None = None
    action: StrictStr | None = None
    next_state: StrictStr | None = None
    next_action: StrictStr | None = None
    rate: StrictStr | None = None


class PlotModel(_Model):
    kind: Literal["holds"]
    x: StrictStr
    y: StrictStr
    x_range: Annotated[list[StrictInt], Field(min_length=2, max_length=2)]
    y_range: Annotated[list[StrictInt], Field(min_length=2, max_length=2)]
    fixed: dict[StrictStr, StrictInt | StrictFloat] = Field(default_factory=dict)


class FileModel(_Model):
    id: Annotated[StrictStr, Field(pattern=ID_PATTERN)]
    title: TitleModel
    latex: Text
    symbols: dict[StrictStr, SymbolModel] = Field(default_factory=dict)
    definitions: list[Text] = Field(default_factory=list)
    checks: Annotated[list[CheckModel], Field(min_length=1)] = \
        [CheckModel(kind="parse")]
    expect: Literal["verified", "refuted"] = "verified"
    erratum: ErratumModel | None = None
    source: Text | None = None
    reading: Text | None = None
    notes: Text | None = None
    labels: dict[StrictStr, StrictStr] = Field(default_factory=dict)
    constraints: list[Text] = Field(default_factory=list)
    variants: list[VariantModel] = Field(default_factory=list)
    program: ProgramModel | None = None
    cell: CellModel | None = None
    aliases: list[Annotated[StrictStr, Field(pattern=ID_PATTERN)]] = Field(default_factory=list)
    plots: list[PlotModel] = Field(default_factory=list)
    mdp: MdpModel | None = None


def _key(loc: tuple[Any, ...]) -> str:
    """('checks', 0, 'kind') -> 'checks[0].kind'; pydantic's own markers are dropped."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("str", "int", "float", "list[str]", "dict[str,str]") or "[" in str(part):
            continue  # the branch of a union pydantic tried
        else:
            out += f".{part}" if out else str(part)
    return out or "(file)"


def _got(value: object) -> str:
    name = {str: "a string", int: "an integer", float: "a number", bool: "a boolean",
            list: "an array", dict: "a table"}.get(type(value), type(value).__name__)
    return f"got {name}"


#: What a pattern-checked string is, said in words.
_PATTERNS = {ID_PATTERN: "lower-case letters, digits and '-' (a file id)",
             r"\S": "a non-empty string", r"^Bernoulli\(.+\)$":
             "a distribution such as 'Bernoulli(1-p)'",
             r"^[A-Za-z_][A-Za-z0-9_]*$": "a Python name such as \"y\""}
#: What a missing or mistyped value should have been, by pydantic's error type.
_TYPES = {"list_type": "an array", "dict_type": "a table", "model_type": "a table",
          "model_attributes_type": "a table", "string_type": "a string",
          "int_type": "an integer", "float_type": "a number", "string_too_short":
          "a non-empty string", "missing": "a value: this key is required"}
#: Fields whose description says more than their type.
_FIELDS = {"latex": "a non-empty string of LaTeX", "id": _PATTERNS[ID_PATTERN],
           "constraints": "an array of LaTeX comparisons such as 'F \\le W + 2P'",
           "definitions": "an array of LaTeX definitions such as 'a = \\sigma(z)'"}


def _expected(err: dict) -> str:
    kind, ctx = err["type"], err.get("ctx", {})
    named = [p for p in err["loc"] if isinstance(p, str)]
    if kind == "extra_forbidden":
        return "no such key here (unknown key: a typo must not silently disable a check)"
    if kind == "literal_error":
        text = f"one of {ctx.get('expected', '')}"
    elif kind == "string_pattern_mismatch":
        text = _PATTERNS.get(ctx.get("pattern", ""), f"a string matching {ctx.get('pattern')}")
    elif named and named[-1] in _FIELDS:
        text = _FIELDS[named[-1]]
    else:
        text = _TYPES.get(kind, err["msg"])
    if kind == "missing":
        return f"{text} (a required key)" if named[-1] in _FIELDS else text
    return f"{text} ({_got(err['input'])})"


def validate(data: dict, where: str) -> FileModel:
    """The file's data as a :class:`FileModel`, or a CatalogError for its first problem."""
    try:
        return FileModel.model_validate(data)
    except _ValidationError as exc:
        # an unknown key first: 'titel' explains the missing 'title' that follows from it
        err = min(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
        key, expected = _key(tuple(err["loc"])), _expected(err)
        if key.startswith("title."):  # the title is one table of exactly two strings
            key, expected = "title", f"a table with exactly 'en' and 'fr' ({key}: {expected})"
        raise CatalogError(where, key, expected) from None
    except RecursionError:
        raise CatalogError(where, "(file)", "nesting no deeper than pydantic can check") \
            from None


def key_paths(node: object, prefix: tuple = ()) -> list[tuple]:
    """Every key path of a parsed TOML document (table keys and array positions), for tools
    that mutate files key by key (tests/test_schema.py, bench/schema_mutations.py)."""
    out = [prefix] if prefix else []
    items = node.items() if isinstance(node, dict) else enumerate(node) \
        if isinstance(node, list) else ()
    for k, v in items:
        out.extend(key_paths(v, (*prefix, k)))
    return out
