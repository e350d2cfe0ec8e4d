"""The formula catalog: one TOML file per formula, validated against a schema.

A file that does not fit the schema raises :class:`CatalogError` naming the file, the key and
what was expected; unknown keys are errors, so a typo cannot silently disable a check.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..read import (
    KINDS,
    Decl,
    ParseError,
    SymbolTable,
    canonical_name,
    check_pyname,
    parse_domain,
    pyname_of,
)
from ._schema import BatchSpec, CatalogError, CellSpec, _cell, _mdp, _plots, _program, _want

__all__ = ["CatalogError", "Check", "Variant", "Formula", "BatchSpec", "load_formula",
           "load_catalog", "catalog_dir", "symbol_table", "CHECK_KINDS"]

#: What each check kind verifies; ``latex`` says whether the check needs a LaTeX field.
CHECK_KINDS = {
    "parse": ("the statement reads strictly and both readers agree", False),
    "equality": ("the statement's two sides are equal, its definitions applied", False),
    "reference": ("the statement's right side equals the standard form in `latex`", True),
    "claim": ("the relation in `latex` holds, with the file's symbols and definitions", True),
    "gradient": ("`latex` (default: symnn's own derivative) is the derivative of `of` with "
                 "respect to `wrt`, against a numerical derivative of `of`", False),
    "descent": ("the update (the statement's right side) decreases `of` for a small positive "
                "`step` wherever the gradient in `wrt` is not 0", False),
    "expectation": ("the expectation of the statement's right side over its random symbols "
                    "(declared with a `distribution`) is `latex`: proved with sympy.stats, and "
                    "the lowered kernel's Monte-Carlo mean lies within 5 standard errors", True),
    "variance": ("the variance of the statement's right side over its random symbols is "
                 "`latex`: proved with sympy.stats, and checked by Monte Carlo", True),
    "windows": ("the statement's right side counts the positions of a `window`-wide window "
                "moved by `stride` over `length` cells, for every integer point of `ranges` "
                "(brute force, and numpy's sliding_window_view)", False),
    "mdp": ("on random MDPs (2-6 states and actions), the statement plays `role`: bellman, "
            "iteration, greedy, q-learning or mle (see symnn/_mdp.py)", False),
    "backward": ("`latex` is the gradient of sum_i dy_i y_i with respect to `wrt` (a batch "
                 "program, see [program]): proved for symbolic m two ways, for m = 2..6 by "
                 "plain differentiation, and checked through the generated kernels", True),
    "cell-backward": ("the backward of one cell step (reverse mode through the [cell] table) "
                      "gives the gradient of every input, carried state, weight and bias: the "
                      "generated kernels against complex-step derivatives of the forward kernel "
                      "at random sizes and batches", False),
    "bptt": ("backpropagation through time over T = 1..5 steps: each step's contribution to a "
             "shared weight is the derivative through that step's copy alone, and their sum is "
             "the derivative of the unrolled sequence (complex step)", False),
}
#: Keys each check kind takes besides kind, latex and note.
_CHECK_KEYS = {"gradient": {"of", "wrt"}, "descent": {"of", "wrt", "step"},
               "backward": {"wrt"}, "mdp": {"role"},
               "windows": {"length", "window", "stride", "ranges"}}

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True)
class Check:
    kind: str
    latex: str = ""
    note: str = ""
    of: str = ""  # gradient and descent checks: the function differentiated
    wrt: str = ""  # gradient and descent checks: the variable
    step: str = ""  # descent checks: the step-size symbol
    length: str = ""  # windows checks: LaTeX of the padded length, the window, the stride
    window: str = ""
    stride: str = ""
    ranges: tuple[tuple[str, int, int], ...] = ()  # windows checks: name, low, high
    role: str = ""  # mdp checks: bellman, iteration, greedy, q-learning, mle


@dataclass(frozen=True)
class Variant:
    """The formula with some definitions replaced (another activation, another loss)."""

    name: str
    definitions: tuple[str, ...]
    checks: tuple[Check, ...]
    constraints: tuple[str, ...] = ()


@dataclass
class Formula:
    """One catalog entry, validated; LaTeX is kept verbatim and parsed later."""

    id: str
    title_en: str
    title_fr: str
    latex: str
    table: SymbolTable
    path: str
    definitions: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()
    expect: str = "verified"
    erratum_note: str = ""
    corrected: str = ""
    corrected_definitions: tuple[str, ...] = ()  # replace printed definitions when corrected
    source: str = ""
    reading: str = ""
    notes: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    constraints: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()
    program: BatchSpec | None = None
    cell: CellSpec | None = None
    aliases: tuple[str, ...] = ()  # other names for the command line (symnn derive batchnorm)
    plots: tuple[dict, ...] = ()  # extra documentation plots ({kind = "holds", ...})
    mdp: dict = field(default_factory=dict)  # [mdp]: role -> Python name(s)


_TOP = {"id", "title", "latex", "symbols", "definitions", "checks", "expect", "erratum",
        "source", "reading", "notes", "labels", "constraints", "variants", "program", "cell",
        "aliases", "plots", "mdp"}
_SYMBOL_KEYS = {"kind", "domain", "shape", "args", "name", "note", "distribution"}
_DISTRIBUTION = re.compile(r"^(Bernoulli)\((.+)\)$")


def _string(data: dict, key: str, path: str, required: bool = True, prefix: str = "") -> str:
    value = data.get(key, None)
    if value is None and not required:
        return ""
    _want(isinstance(value, str) and bool(value.strip()), path, prefix + key,
          "a non-empty string")
    return value


def _symbols(raw: object, path: str) -> SymbolTable:
    _want(isinstance(raw, dict), path, "symbols", "a table of name = { kind = ..., ... }")
    table = SymbolTable()
    for name, spec in raw.items():
        key = f"symbols.{name}"
        _want(isinstance(spec, dict), path, key, "a table with at least 'kind'")
        unknown = set(spec) - _SYMBOL_KEYS
        _want(not unknown, path, f"{key}.{min(unknown) if unknown else ''}",
              f"one of {sorted(_SYMBOL_KEYS)} (unknown key)")
        kind = spec.get("kind")
        _want(kind in KINDS, path, f"{key}.kind", f"one of {', '.join(KINDS)}")
        try:
            canon = canonical_name(name)
        except ParseError as exc:
            raise CatalogError(path, key, f"a LaTeX identifier ({exc.message})") from None
        try:
            domain = parse_domain(spec.get("domain", "integer >= 1" if kind == "index"
                                           else "real"))
        except ValueError as exc:
            raise CatalogError(path, f"{key}.domain", str(exc)) from None
        shape = spec.get("shape", [])
        _want(isinstance(shape, list) and all(isinstance(s, str | int) for s in shape), path,
              f"{key}.shape", "a list of sizes such as [\"n\", 3]")
        _want(kind not in ("vector", "matrix") or len(shape) <= (1 if kind == "vector" else 2),
              path, f"{key}.shape", "at most one size for a vector, two for a matrix")
        args = spec.get("args", [])
        _want(isinstance(args, list) and all(isinstance(a, str) for a in args), path,
              f"{key}.args", "a list of argument names")
        _want(kind != "function" or bool(args), path, f"{key}.args",
              "the arguments of the function, e.g. [\"z\", \"y\"]")
        try:
            pyname = check_pyname(spec.get("name", pyname_of(canon)))
            args = [canonical_name(a) for a in args]
        except (ValueError, ParseError) as exc:
            raise CatalogError(path, f"{key}.name", str(exc)) from None
        dist = spec.get("distribution", "")
        _want(dist == "" or (isinstance(dist, str) and bool(_DISTRIBUTION.match(dist))), path,
              f"{key}.distribution", "a distribution such as 'Bernoulli(1-p)'")
        table.declare(Decl(canon, kind, domain, pyname, tuple(str(s) for s in shape),
                           tuple(args), dist))
    for decl in table.decls.values():
        for a in decl.args:
            _want(a in table.decls, path, f"symbols.{decl.latex}.args",
                  f"declared names; {a!r} is not declared")
    return table


def _checks(raw: object, where: str, prefix: str) -> tuple[Check, ...]:
    _want(isinstance(raw, list) and bool(raw), where, prefix,
          "a non-empty array of tables [[checks]]")
    checks = []
    for n, c in enumerate(raw):
        key = f"{prefix}[{n}]"
        _want(isinstance(c, dict), where, key, "a table")
        _want(c.get("kind") in CHECK_KINDS, where, f"{key}.kind",
              f"one of {', '.join(CHECK_KINDS)}")
        allowed = {"kind", "latex", "note"} | _CHECK_KEYS.get(c["kind"], set())
        extra = set(c) - allowed
        _want(not extra, where, f"{key}.{min(extra) if extra else ''}",
              f"one of {', '.join(sorted(allowed))} (unknown key)")
        latex = _string(c, "latex", where, required=CHECK_KINDS[c["kind"]][1], prefix=key + ".")
        names = {}
        for field_ in sorted(_CHECK_KEYS.get(c["kind"], ())):
            if field_ == "ranges":
                ranges = c.get("ranges")
                _want(isinstance(ranges, dict) and bool(ranges) and all(
                    isinstance(v, list) and len(v) == 2 and all(isinstance(x, int) for x in v)
                    for v in ranges.values()), where, f"{key}.ranges",
                      "a table name = [low, high] of integers")
                names[field_] = tuple((k, v[0], v[1]) for k, v in ranges.items())
                continue
            text = _string(c, field_, where, prefix=key + ".")
            if field_ in ("wrt", "step"):
                try:
                    text = canonical_name(text)
                except ParseError as exc:
                    raise CatalogError(where, f"{key}.{field_}",
                                       f"a declared name ({exc.message})") from None
            names[field_] = text
        checks.append(Check(c["kind"], latex, c.get("note", ""), **names))
    return tuple(checks)


def _variants(raw: object, where: str) -> tuple[Variant, ...]:
    _want(isinstance(raw, list), where, "variants", "an array of tables [[variants]]")
    out = []
    for n, v in enumerate(raw):
        key = f"variants[{n}]"
        _want(isinstance(v, dict) and set(v) <= {"name", "definitions", "checks", "constraints"},
              where, key, "a table with name, definitions, checks and constraints")
        constraints = v.get("constraints", [])
        _want(isinstance(constraints, list) and all(isinstance(c, str) for c in constraints),
              where, f"{key}.constraints", "an array of LaTeX comparisons")
        defs = v.get("definitions", [])
        _want(isinstance(defs, list) and all(isinstance(d, str) for d in defs) and bool(defs),
              where, f"{key}.definitions", "a non-empty array of LaTeX definitions")
        out.append(Variant(_string(v, "name", where, prefix=key + "."), tuple(defs),
                           _checks(v.get("checks", [{"kind": "equality"}]), where,
                                   f"{key}.checks"), tuple(constraints)))
    return tuple(out)


def symbol_table(spec: dict, path: str = "<symbols>") -> SymbolTable:
    """A symbol table from the ``[symbols]`` table of a formula file (a dict), validated."""
    return _symbols(spec, path)


def load_formula(path: str | Path, text: str | None = None) -> Formula:
    """Read and validate one formula file; raise CatalogError on any schema problem."""
    where = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8") if text is None else text)
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(where, "(file)", f"a readable UTF-8 file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(where, "(file)", f"valid TOML ({exc})") from None
    unknown = set(data) - _TOP
    _want(not unknown, where, min(unknown) if unknown else "", f"one of {sorted(_TOP)} "
          "(unknown key)")
    fid = _string(data, "id", where)
    _want(bool(_ID.match(fid)), where, "id", "lower-case letters, digits and '-' (a file id)")
    title = data.get("title")
    _want(isinstance(title, dict) and set(title) == {"en", "fr"}, where, "title",
          "a table with exactly 'en' and 'fr'")
    checks = _checks(data.get("checks", [{"kind": "parse"}]), where, "checks")
    defs = data.get("definitions", [])
    _want(isinstance(defs, list) and all(isinstance(d, str) and d.strip() for d in defs), where,
          "definitions", "an array of LaTeX strings such as 'a = \\sigma(z)'")
    constraints = data.get("constraints", [])
    _want(isinstance(constraints, list) and all(isinstance(c, str) and c.strip()
                                                for c in constraints), where, "constraints",
          "an array of LaTeX comparisons such as 'F \\le W + 2P'")
    expect = data.get("expect", "verified")
    _want(expect in ("verified", "refuted"), where, "expect", "'verified' or 'refuted'")
    erratum = data.get("erratum", {})
    _want(isinstance(erratum, dict) and set(erratum) <= {"note", "corrected", "definitions"},
          where, "erratum", "a table with 'note', 'corrected' and optionally 'definitions'")
    fixed_defs = erratum.get("definitions", [])
    _want(isinstance(fixed_defs, list) and all(isinstance(d, str) for d in fixed_defs), where,
          "erratum.definitions", "an array of LaTeX definitions that replace printed ones for "
          "the corrected form")
    _want((expect == "refuted") == bool(erratum), where, "erratum",
          "present exactly when expect = 'refuted' (the note and the corrected form)")
    table = _symbols(data.get("symbols", {}), where)
    program = _program(data.get("program"), where, table)
    _want(program is not None or not any(c.kind == "backward" for c in checks), where,
          "program", "a [program] table: the formula has backward checks")
    cell = _cell(data.get("cell"), where, table)
    _want(cell is not None or not any(c.kind in ("cell-backward", "bptt") for c in checks),
          where, "cell", "a [cell] table: the formula has cell-backward or bptt checks")
    aliases = data.get("aliases", [])
    _want(isinstance(aliases, list) and all(isinstance(a, str) and _ID.match(a) for a in aliases),
          where, "aliases", "an array of short names like the id (lower-case, digits, '-')")
    mdp = _mdp(data.get("mdp"), where, table)
    plots = _plots(data.get("plots", []), where, table)
    labels = data.get("labels", {})
    _want(isinstance(labels, dict) and all(isinstance(v, str) for v in labels.values()), where,
          "labels", "a table of strings")
    return Formula(
        id=fid, title_en=_string(title, "en", where, prefix="title."),
        title_fr=_string(title, "fr", where, prefix="title."),
        latex=_string(data, "latex", where), table=table, program=program, cell=cell,
        aliases=tuple(aliases), plots=tuple(plots), mdp=mdp,
        path=where, definitions=tuple(defs), checks=tuple(checks), expect=expect,
        erratum_note=_string(erratum, "note", where, prefix="erratum.") if erratum else "",
        corrected=_string(erratum, "corrected", where, prefix="erratum.") if erratum else "",
        corrected_definitions=tuple(fixed_defs),
        source=_string(data, "source", where, required=False),
        reading=_string(data, "reading", where, required=False),
        notes=_string(data, "notes", where, required=False), labels=dict(labels),
        constraints=tuple(constraints), variants=_variants(data.get("variants", []), where),
    )


def catalog_dir() -> Path:
    """The shipped catalog: ``formulas/`` in a checkout, ``symnn/_catalog`` in a wheel."""
    packaged = Path(str(resources.files("symnn"))) / "_catalog"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "formulas"


def formula_files(paths: list[str | Path]) -> list[Path]:
    """Expand folders into their ``*.toml`` files, sorted; files are kept as given."""
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.glob("*.toml")) if p.is_dir() else [p])
    return files


def load_catalog(paths: list[str | Path] | None = None) -> list[Formula | CatalogError]:
    """Load every formula; a bad file becomes a CatalogError in the list, the rest still load."""
    out: list[Formula | CatalogError] = []
    seen: dict[str, str] = {}
    for f in formula_files(paths or [catalog_dir()]):
        try:
            formula = load_formula(f)
        except CatalogError as exc:
            out.append(exc)
            continue
        if formula.id in seen:
            out.append(CatalogError(str(f), "id", f"a unique id; {formula.id!r} is also in "
                                    f"{seen[formula.id]}"))
            continue
        seen[formula.id] = str(f)
        out.append(formula)
    return out
