"""The formula catalog: one TOML file per formula, validated against a schema.

A file that does not fit the schema raises :class:`CatalogError` naming the file, the key and
what was expected; unknown keys are errors, so a typo cannot silently disable a check.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

from ..read import (
    Decl,
    ParseError,
    SymbolTable,
    canonical_name,
    check_pyname,
    parse_domain,
    parse_statement,
    pyname_of,
)
from ._keys import MAX_KEY_PARTS, long_dotted_key
from ._model import CheckModel, SymbolModel, VariantModel, validate
from ._schema import BatchSpec, CatalogError, CellSpec, _cell, _mdp, _plots, _program, _want

__all__ = ["CatalogError", "Check", "Variant", "Formula", "BatchSpec", "load_formula",
           "formula_from_data", "load_catalog", "catalog_dir", "symbol_table", "CHECK_KINDS",
           "MAX_FILE_BYTES", "slug"]


def slug(text: str) -> str:
    """A Python name from an id or a variant label ("tanh, squared loss" -> tanh_squared_loss;
    "30-softmax" -> f_30_softmax: a name never starts with a digit)."""
    name = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
    return name if name and not name[0].isdigit() else f"f_{name}"

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
            "iteration, greedy, q-learning or mle (see symnn/check/_mdp.py)", False),
    "backward": ("`latex` is the gradient of sum_i dy_i y_i with respect to `wrt` (a batch "
                 "program, see [program]): proved for symbolic m two ways, for m = 2..6 by "
                 "plain differentiation, and checked through the generated kernels", True),
    "cell-backward": ("the backward of one cell step (reverse mode through the [cell] table) "
                      "gives the gradient of every input, carried state, weight and bias: the "
                      "generated kernels against complex-step derivatives of the forward kernel "
                      "at random sizes and batches", False),
    "property": ("an inequality or range in `latex` (`\\ge`, `\\le`, `<`, `\\in [a, b]`, "
                 "`... positive semidefinite` for a matrix expression) holds at sampled, simple "
                 "and wide points, violations confirmed at 50 digits; without `latex`, the "
                 "symbol the statement defines lies in its declared domain", False),
    "bptt": ("backpropagation through time over T = 1..5 steps: each step's contribution to a "
             "shared weight is the derivative through that step's copy alone, and their sum is "
             "the derivative of the unrolled sequence (complex step)", False),
}
#: Keys each check kind takes besides kind, latex and note.
_CHECK_KEYS = {"gradient": {"of", "wrt"}, "descent": {"of", "wrt", "step"},
               "backward": {"wrt"}, "mdp": {"role"},
               "windows": {"length", "window", "stride", "ranges"}}



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
    """One catalog entry, validated; LaTeX is kept verbatim and parsed later.

    ``symbols`` is the symbol table as the file declares it. ``table``, the one every later
    stage reads with, is the same table where each *defined* name (the left side of a
    definition, of a variant's or the erratum's, or of the statement ``name = ...``) is a plain
    real: a declared domain of a defined name is a claim about its definition (checked by
    ``check.verify``), never an assumption a reading or a proof may use (``\\sqrt{y^2}`` is not
    simplified to y because y is declared positive while ``y = -x^2 - 1``).
    """

    id: str
    title_en: str
    title_fr: str
    latex: str
    symbols: SymbolTable
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

    @property
    def slug(self) -> str:
        """The id as a Python name, the prefix of every generated function of the formula."""
        return slug(self.id)

    @cached_property
    def defined(self) -> dict[str, Decl]:
        """The declarations (as the file gives them) of the names the formula defines."""
        texts = [*self.definitions, *self.corrected_definitions,
                 *(d for v in self.variants for d in v.definitions), self.latex]
        if self.corrected:
            texts.append(self.corrected)
        by_pyname = {d.pyname: d for d in self.symbols.decls.values()}
        out: dict[str, Decl] = {}
        for text in texts:
            for name in _defined_names(text, self.symbols):
                decl = by_pyname.get(name)
                if decl is not None and decl.kind in ("scalar", "constant", "vector", "matrix"):
                    out[decl.latex] = decl
        return out

    @cached_property
    def table(self) -> SymbolTable:
        """The table to read with: defined names carry no declared domain (see the class)."""
        plain = [d for d in self.defined.values() if d.domain.assumptions != {"real": True}]
        if not plain:
            return self.symbols
        table = SymbolTable(dict(self.symbols.decls))
        real = parse_domain("real")
        for d in plain:
            table.decls[d.latex] = Decl(d.latex, d.kind, real, d.pyname, d.shape, d.args,
                                        d.distribution)
        return table


def _defined_names(text: str, table: SymbolTable) -> list[str]:
    """The Python names of what ``text`` defines when it reads as ``name = ...``, ``p_i = ...``
    or ``x_2 = ...`` (nothing for an update rule, an expression or an unreadable text: the
    error is said where the text is read for its meaning)."""
    import sympy as sp  # only when a formula is read, never at import

    try:
        st = parse_statement(text, table)
    except (ParseError, ValueError, RecursionError):
        return []
    if st.rel != "eq" or st.lhs is None:
        return []
    lhs = st.lhs
    if isinstance(lhs, sp.Indexed):
        return [str(lhs.base.label)]
    if isinstance(lhs, sp.Symbol):
        return [lhs.name]
    return []


_NEEDS_LATEX = {kind for kind, (_, needs) in CHECK_KINDS.items() if needs}


def _symbols(raw: dict[str, SymbolModel], path: str) -> SymbolTable:
    table = SymbolTable()
    named: dict[str, tuple[str, bool]] = {}  # pyname -> (key, given by `name`)
    for name, spec in raw.items():
        key = f"symbols.{name}"
        try:
            canon = canonical_name(name)
        except ParseError as exc:
            raise CatalogError(path, key, f"a LaTeX identifier ({exc.message})") from None
        default = "integer >= 1" if spec.kind == "index" else "real"
        try:
            domain = parse_domain(spec.domain if spec.domain is not None else default)
        except ValueError as exc:
            raise CatalogError(path, f"{key}.domain", str(exc)) from None
        _want(spec.kind not in ("vector", "matrix") or
              len(spec.shape) <= (1 if spec.kind == "vector" else 2),
              path, f"{key}.shape", "at most one size for a vector, two for a matrix")
        _want(spec.kind != "function" or bool(spec.args), path, f"{key}.args",
              "the arguments of the function, e.g. [\"z\", \"y\"]")
        _want(spec.kind == "function" or not spec.args, path, f"{key}.args",
              f"no arguments: only a function takes them (this {spec.kind} does not)")
        _want(spec.kind in ("vector", "matrix") or not spec.shape, path, f"{key}.shape",
              f"no shape: only a vector or a matrix has one (this {spec.kind} does not)")
        try:
            pyname = check_pyname(spec.name if spec.name is not None else pyname_of(canon))
            args = [canonical_name(a) for a in spec.args]
        except (ValueError, ParseError) as exc:
            raise CatalogError(path, f"{key}.name", str(exc)) from None
        _want(spec.name is None or not spec.name.startswith("_"), path, f"{key}.name",
              f"a name that does not start with '_' (got {spec.name!r}: names starting with "
              "'_' are kept for the helpers of generated code)")
        other, explicit = named.get(pyname, ("", False))
        _want(not other or not (explicit or spec.name is not None), path, f"{key}.name",
              f"a name no other symbol has ({pyname!r} is also the name of {other}): "
              "generated code takes arguments by these names")
        named.setdefault(pyname, (key, spec.name is not None))
        table.declare(Decl(canon, spec.kind, domain, pyname, tuple(str(s) for s in spec.shape),
                           tuple(args), spec.distribution or ""))
    for decl in table.decls.values():
        for a in decl.args:
            _want(a in table.decls, path, f"symbols.{decl.latex}.args",
                  f"declared names; {a!r} is not declared")
    return table


def _checks(raw: list[CheckModel], where: str, prefix: str) -> tuple[Check, ...]:
    checks = []
    for n, c in enumerate(raw):
        key = f"{prefix}[{n}]"
        allowed = {"kind", "latex", "note"} | _CHECK_KEYS.get(c.kind, set())
        extra = c.model_fields_set - allowed
        _want(not extra, where, f"{key}.{min(extra) if extra else ''}",
              f"one of {', '.join(sorted(allowed))} for a {c.kind} check (unknown key)")
        _want(c.kind not in _NEEDS_LATEX or c.latex is not None, where, f"{key}.latex",
              f"a non-empty string (a {c.kind} check needs it)")
        names: dict = {}
        for field_ in sorted(_CHECK_KEYS.get(c.kind, ())):
            value = getattr(c, field_)
            _want(value is not None and (field_ != "ranges" or bool(value)), where,
                  f"{key}.{field_}", "a table name = [low, high] of integers"
                  if field_ == "ranges" else "a non-empty string")
            if field_ == "ranges":
                names[field_] = tuple((k, v[0], v[1]) for k, v in value.items())
                continue
            if field_ in ("wrt", "step"):
                try:
                    value = canonical_name(value)
                except ParseError as exc:
                    raise CatalogError(where, f"{key}.{field_}",
                                       f"a declared name ({exc.message})") from None
            names[field_] = value
        checks.append(Check(c.kind, c.latex or "", c.note, **names))
    return tuple(checks)


def _variants(raw: list[VariantModel], where: str) -> tuple[Variant, ...]:
    return tuple(Variant(v.name, tuple(v.definitions),
                         _checks(v.checks, where, f"variants[{n}].checks"), tuple(v.constraints))
                 for n, v in enumerate(raw))


def symbol_table(spec: dict, path: str = "<symbols>") -> SymbolTable:
    """A symbol table from the ``[symbols]`` table of a formula file (a dict), validated."""
    model = validate({"id": "x", "title": {"en": "x", "fr": "x"}, "latex": "x",
                      "symbols": spec}, path)
    return _symbols(model.symbols, path)


#: Files larger than this are not read (a formula file is a few kilobytes).
MAX_FILE_BYTES = 1 << 20


def load_formula(path: str | Path, text: str | None = None) -> Formula:
    """Read and validate one formula file; raise CatalogError on any schema problem."""
    where = str(path)
    try:
        if text is None:
            # a regular file only, opened without blocking: a FIFO, /dev/zero or a folder is
            # an error at once, not a hang or an endless read
            _want(stat.S_ISREG(os.stat(path).st_mode), where, "(file)",
                  "a regular file (not a folder, device or pipe)")
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as fh:
                _want(stat.S_ISREG(os.fstat(fd).st_mode), where, "(file)",
                      "a regular file (not a folder, device or pipe)")
                raw = fh.read(MAX_FILE_BYTES + 1)
            _want(len(raw) <= MAX_FILE_BYTES, where, "(file)",
                  f"a formula file of at most {MAX_FILE_BYTES} bytes")
            text = raw.decode("utf-8")
        deep = long_dotted_key(text)
        _want(deep is None, where, f"(line {deep})", f"a key of at most {MAX_KEY_PARTS} "
              "dotted parts (a longer one is refused before the TOML is read)")
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(where, "(file)", f"a readable UTF-8 file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(where, "(file)", f"valid TOML ({exc})") from None
    except RecursionError:
        raise CatalogError(where, "(file)", "TOML nested less deeply") from None
    return formula_from_data(data, where)


def formula_from_data(data: dict, where: str) -> Formula:
    """A Formula from a file's parsed TOML: the schema (:mod:`._model`), then the checks a
    type cannot express (declared names, readable identifiers)."""
    m = validate(data, where)
    checks = _checks(m.checks, where, "checks")
    erratum = m.erratum
    _want((m.expect == "refuted") == (erratum is not None), where, "erratum",
          "present exactly when expect = 'refuted' (the note and the corrected form)")
    table = _symbols(m.symbols, where)
    program = _program(m.program, where, table)
    _want(program is not None or not any(c.kind == "backward" for c in checks), where,
          "program", "a [program] table: the formula has backward checks")
    cell = _cell(m.cell, where, table)
    _want(cell is not None or not any(c.kind in ("cell-backward", "bptt") for c in checks),
          where, "cell", "a [cell] table: the formula has cell-backward or bptt checks")
    return Formula(
        id=m.id, title_en=m.title.en, title_fr=m.title.fr, latex=m.latex, symbols=table,
        program=program, cell=cell, aliases=tuple(m.aliases),
        plots=tuple(_plots(m.plots, where, table)), mdp=_mdp(m.mdp, where, table),
        path=where, definitions=tuple(m.definitions), checks=checks, expect=m.expect,
        erratum_note=erratum.note if erratum else "",
        corrected=erratum.corrected if erratum else "",
        corrected_definitions=tuple(erratum.definitions) if erratum else (),
        source=m.source or "", reading=m.reading or "", notes=m.notes or "",
        labels=dict(m.labels), constraints=tuple(m.constraints),
        variants=_variants(m.variants, where),
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
