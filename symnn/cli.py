"""The ``symnn`` command: ``verify`` the catalog, ``check`` one claim, ``derive``, ``codegen``.

Exit codes (documented in the README): 0 everything holds as expected; 1 something is refuted
(or an expected erratum holds); 2 some input could not be read; 3 undecided (cannot evaluate, no
admissible point, tested on too little of the domain, over budget).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from . import __version__
from .catalog import (
    BUDGETS,
    BudgetExceeded,
    CatalogError,
    Formula,
    InternalError,
    load_catalog,
    run_isolated,
    valid_points,
    valid_seconds,
    valid_seed,
)
from .check import (
    DEFAULT_POINTS,
    VERDICTS,
    FormulaResult,
    ResultCache,
    check_claim,
    compare,
    verify_all,
    verify_formula,
)
from .derive import Definitions, DeriveError, derivations, evaluate
from .emit import BACKENDS
from .read import (
    ParseError,
    SymbolTable,
    parse_statement,
    warm_up,
)
from .report import (
    OutputError,
    PrintableStream,
    Unverified,
    backward_text,
    cell_text,
    check_text,
    claim_json,
    codegen_source,
    discard,
    formula_table,
    keep_unchanged,
    move_into_place,
    new_output_folder,
    prune,
    results_json,
)

__all__ = ["main", "check_claim", "EXIT_OK", "EXIT_REFUTED",
           "EXIT_UNREADABLE", "EXIT_UNDECIDED"]

EXIT_OK, EXIT_REFUTED, EXIT_UNREADABLE, EXIT_UNDECIDED = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM

def _cmd_check(args: argparse.Namespace) -> int:
    try:
        result = check_claim(args.claim, args.assume, args.where, seed=args.seed,
                             points=args.points, seconds=args.time_limit,
                             gradient=args.gradient)
    except InternalError as exc:  # a bug of symnn: neither an answer nor undecided
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except BudgetExceeded as exc:
        print(f"UNDECIDED: {exc} (budget; raise --time-limit)", file=sys.stderr)
        return EXIT_UNDECIDED
    except (ParseError, DeriveError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(claim_json(args.claim, result) if args.json else check_text(result))
    return VERDICTS[result.verdict]


def _warm_up() -> None:
    """Run one small claim through every stage in this process, so that the forked children
    (one per formula) start with the grammars, printers and simplifier already loaded."""
    warm_up()
    table = SymbolTable(auto=True)
    claim = parse_statement(r"\frac{d}{dz}\log(1+e^{z}) = \sigma(z)", table)
    compare(evaluate(claim.lhs, Definitions()), claim.rhs, table, points=8)


def _progress(total: int, quiet: bool) -> Callable[[FormulaResult, bool], None] | None:
    """One line per formula as it ends, on stderr, only on a terminal."""
    if quiet or not sys.stderr.isatty():
        return None
    count, start = [0], time.monotonic()

    def say(result: FormulaResult, cached: bool) -> None:
        count[0] += 1
        where = "cached" if cached else f"{time.monotonic() - start:.1f} s"
        print(f"[{count[0]}/{total}] {result.id}: {result.status} ({where})", file=sys.stderr,
              flush=True)
    return say


def verify_many(formulas: list[Formula], args: argparse.Namespace,
                quiet: bool = False) -> list[FormulaResult]:
    """The catalog's results: cached, or verified in parallel under the budgets."""
    cache = None if args.no_cache else ResultCache()
    if not all(cache and cache.get(cache.key(f.path, args.seed)) for f in formulas):
        _warm_up()  # once here, not once per forked child
    return verify_all(formulas, args.seed, seconds=args.time_limit, workers=args.jobs,
                      cache=cache, done=_progress(len(formulas), quiet), verify=verify_formula)


def _cmd_verify(args: argparse.Namespace) -> int:
    loaded = load_catalog(args.paths or None)
    formulas = [f for f in loaded if not isinstance(f, CatalogError)]
    verified = iter(verify_many(formulas, args, quiet=args.json))
    results = [FormulaResult(id=item.path, title_en="(formula file)", title_fr="",
                             status="error", as_expected=False, error=str(item))
               if isinstance(item, CatalogError) else next(verified) for item in loaded]
    if not results:
        print("error: no formula files found", file=sys.stderr)
        return EXIT_UNREADABLE
    print(results_json(results) if args.json else formula_table(results))
    if any(r.status == "error" for r in results):
        return EXIT_UNREADABLE
    if all(r.as_expected or r.status == "undecided" for r in results) and \
            any(r.status == "undecided" for r in results):
        return EXIT_UNDECIDED
    return EXIT_OK if all(r.as_expected for r in results) else EXIT_REFUTED


def _select(paths: list[str], ids: list[str], say_bad: bool = True
            ) -> tuple[list[Formula] | None, list[CatalogError]]:
    """The formulas named by id or alias (all when ``ids`` is empty) and the files that could
    not be read (said on stderr with ``say_bad``); None (after saying which) when a name is
    unknown."""
    loaded = load_catalog(paths or None)
    bad = [f for f in loaded if isinstance(f, CatalogError)]
    for exc in bad if say_bad else ():
        print(f"error: {exc}", file=sys.stderr)
    known = {name: f for f in loaded if not isinstance(f, CatalogError)
             for name in (*f.aliases, f.id)}
    unknown = [i for i in ids if i not in known]
    if unknown:
        for exc in () if say_bad else bad:  # the file the id may be in could not be read
            print(f"error: {exc}", file=sys.stderr)
        ids_known = sorted({f.id for f in known.values()})
        print(f"error: no formula {', '.join(map(repr, unknown))}; "
              + (f"known: {', '.join(ids_known)}" if ids_known else "no formula could be read"),
              file=sys.stderr)
        return None, bad
    if not known:
        print("error: no formula could be read" if bad else "error: no formula file found",
              file=sys.stderr)
        return None, bad
    chosen = [known[i] for i in ids] if ids else list(known.values())
    return list({f.id: f for f in chosen}.values()), bad


def _one_line(text: str) -> str:
    """File text on one line: its newlines (and U+2028) cannot forge lines of the output."""
    return " ".join(text.split())


def _derive_text(formula: Formula) -> str:
    """What ``symnn derive`` prints for a formula (run in the budgeted child)."""
    found = derivations(formula)
    batch = backward_text(formula) if formula.program else ""
    batch += cell_text(formula) if formula.cell else ""
    lines = [f"{formula.id}: {_one_line(formula.title_en)} / {_one_line(formula.title_fr)}",
             f"  {_one_line(formula.latex)}"]
    if batch:
        lines.append(batch)
    elif not found:
        lines.append("  (no gradient checks: nothing to derive)")
    for d in found:
        lines += ["", f"[{d.label or 'as printed'}]", f"  LaTeX: {d.latex()}",
                  f"  SymPy: {d.gradient}"]
    return "\n".join(lines) + "\n"


def _cmd_derive(args: argparse.Namespace) -> int:
    chosen, _ = _select(args.paths, [args.id], say_bad=False)
    if chosen is None:
        return EXIT_UNREADABLE
    try:
        text = run_isolated(_derive_text, chosen[0], seconds=args.time_limit,
                            what=f"derivation of {chosen[0].id}", passthrough=_READ_ERRORS)
    except (*_READ_ERRORS, BudgetExceeded) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    sys.stdout.write(text)
    return EXIT_OK


def _nothing_written(chosen: list[Formula]) -> str:
    """What a refused codegen run dropped: the module is written whole or not at all."""
    ids = sorted(f.id for f in chosen)
    return (f"  no module written: none of the {len(ids)} formula(s) of this run is generated "
            f"({', '.join(ids)}); leave out the formula named above (give the ids to keep) "
            "or fix it")


def _cmd_codegen(args: argparse.Namespace) -> int:
    chosen, bad = _select(args.paths, args.ids)
    if chosen is None:
        return EXIT_UNREADABLE
    try:
        results = {r.id: r for r in verify_many(chosen, args, quiet=True)}
        source = run_isolated(codegen_source, chosen, args.backend, args.seed,
                              args.include_refuted, results,
                              seconds=args.time_limit * len(chosen), what="codegen",
                              passthrough=_READ_ERRORS)
    except Unverified as exc:  # refuted: 1; could not be verified (unreadable, budget): 2
        print(f"error: {exc}", file=sys.stderr)
        errors = [r for r in results.values() if r.status == "error"]
        for r in errors:
            print(f"  {r.id}: {r.error}", file=sys.stderr)
        print(_nothing_written(chosen), file=sys.stderr)
        if errors:
            return EXIT_UNREADABLE
        return EXIT_REFUTED if any(r.status == "refuted" for r in results.values()) \
            else EXIT_UNDECIDED
    except (*_READ_ERRORS, BudgetExceeded) as exc:
        print(f"error: {exc}", file=sys.stderr)
        print(_nothing_written(chosen), file=sys.stderr)
        return EXIT_UNREADABLE
    if args.output is None:
        sys.stdout.write(source)
    else:
        out = Path(args.output)
        if not out.parent.is_dir():
            print(f"error: {out.parent} is not a folder", file=sys.stderr)
            return EXIT_UNREADABLE
        if out.is_dir():
            print(f"error: {out} is a folder, not a file", file=sys.stderr)
            return EXIT_UNREADABLE
        # a new file moved into place: a symlink at out is replaced, never followed
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=out.parent,
                                         prefix=f".{out.name}.", delete=False) as tmp:
            tmp.write(source)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp.name, 0o666 & ~mask)  # as open() would make it, not mkstemp's 0600
        os.replace(tmp.name, out)
        print(f"wrote {out} ({source.count(chr(10) + 'def ')} functions, {args.backend})",
              file=sys.stderr)
    return EXIT_UNREADABLE if bad else EXIT_OK


_READ_ERRORS = (ParseError, DeriveError, ValueError)


def _cmd_docs(args: argparse.Namespace) -> int:
    formulas, bad = _select(args.paths, args.ids)
    if formulas is None:
        return EXIT_UNREADABLE
    try:
        from .report.docs import build_docs
    except ImportError as exc:  # matplotlib / latex2mathml: the docs extra
        print(f"error: {exc}; pip install 'symnn[docs]'", file=sys.stderr)
        return EXIT_UNREADABLE
    formats = ("md", "html") if args.format == "both" else (args.format,)
    results = {r.id: r for r in verify_many(formulas, args, quiet=True)}
    out = Path(args.output)
    try:  # built whole in a new folder, then moved into place: a failure leaves out as it was
        tmp = new_output_folder(out)
        keep_unchanged(out, tmp)
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        written = run_isolated(partial(build_docs, results=results), tmp, formulas, args.seed,
                               formats, seconds=args.time_limit * len(formulas), what="docs",
                               passthrough=_READ_ERRORS)
        prune(tmp, written)  # pages of formulas no longer built do not survive
        move_into_place(tmp, out)
    except (*_READ_ERRORS, BudgetExceeded, OSError) as exc:
        discard(tmp)
        print(f"error: {exc}; {out} is left as it was", file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"wrote {len(written)} files under {args.output}", file=sys.stderr)
    return EXIT_UNREADABLE if bad or any(r.status == "error" for r in results.values()) \
        else EXIT_OK


def _cache_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-cache", action="store_true",
                        help="verify again, ignoring and not updating the verification cache")
    parser.add_argument("--jobs", "-j", type=int, default=None,
                        help="formulas verified at once (default: the available cores)")


def _arg(check: Callable[[str], object]) -> Callable[[str], object]:
    """An argparse type from a validator: its ValueError becomes argparse's message (exit 2)."""
    def convert(text: str) -> object:
        try:
            return check(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    convert.__name__ = check.__name__.removeprefix("valid_")
    return convert


_SECONDS, _POINTS, _SEED = _arg(valid_seconds), _arg(valid_points), _arg(valid_seed)


def build_parser() -> argparse.ArgumentParser:

    parser = argparse.ArgumentParser(prog="symnn", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"symnn {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="verify formula files (default: the shipped catalog)")
    verify.add_argument("paths", nargs="*", help="formula files or folders of *.toml")
    verify.add_argument("--json", action="store_true", help="print JSON")
    verify.add_argument("--seed", type=_SEED, default=0, help="seed of the sampled points")
    verify.add_argument("--time-limit", type=_SECONDS, default=BUDGETS["formula_seconds"],
                        metavar="SECONDS", help="budget of one formula's verification")
    _cache_options(verify)
    verify.set_defaults(run=_cmd_verify)
    derive = sub.add_parser("derive", help="print the gradients a formula derives")
    derive.add_argument("id", help="a formula id, e.g. backprop-chain-rule")
    derive.add_argument("paths", nargs="*", help="formula files or folders (default: catalog)")
    derive.add_argument("--time-limit", type=_SECONDS, default=BUDGETS["formula_seconds"],
                        metavar="SECONDS", help="budget of the derivation")
    derive.set_defaults(run=_cmd_derive)
    codegen = sub.add_parser("codegen", help="write a module of verified kernels")
    codegen.add_argument("ids", nargs="*", help="formula ids or aliases (default: all)")
    codegen.add_argument("-o", "--output", help="the module to write (default: stdout)")
    codegen.add_argument("--backend", choices=sorted(BACKENDS), default="numpy")
    codegen.add_argument("--seed", type=_SEED, default=0, help="seed of the verification")
    codegen.add_argument("--time-limit", type=_SECONDS, default=BUDGETS["formula_seconds"],
                        metavar="SECONDS", help="budget per formula (the run gets N times it)")
    codegen.add_argument("--include-refuted", action="store_true",
                         help="write a refuted formula or one in error as a function that raises")
    codegen.add_argument("--catalog", dest="paths", action="append", default=[],
                         metavar="PATH", help="formula files or folders (default: catalog)")
    _cache_options(codegen)
    codegen.set_defaults(run=_cmd_codegen)
    docs = sub.add_parser("docs", help="write the documentation pages (English and French)")
    docs.add_argument("ids", nargs="*", help="formula ids or aliases (default: all)")
    docs.add_argument("-o", "--output", required=True, help="the folder to write")
    docs.add_argument("--format", choices=["md", "html", "both"], default="both")
    docs.add_argument("--seed", type=_SEED, default=0, help="seed of the verification")
    docs.add_argument("--time-limit", type=_SECONDS, default=BUDGETS["formula_seconds"],
                        metavar="SECONDS", help="budget per formula (the run gets N times it)")
    docs.add_argument("--catalog", dest="paths", action="append", default=[],
                      metavar="PATH", help="formula files or folders (default: catalog)")
    _cache_options(docs)
    docs.set_defaults(run=_cmd_docs)
    check = sub.add_parser("check", help="check one claim typed in LaTeX")
    check.add_argument("claim", help=r"an equation, e.g. '\frac{d}{dz}e^{2z} = 2e^{2z}'")
    check.add_argument("--assume", action="append", default=[], metavar="COND",
                       help="narrow a domain: 'x > 0', 'x >= 0', '0 < p < 1', 'n integer >= 1'")
    check.add_argument("--where", action="append", default=[], metavar="DEF",
                       help=r"define a name used in the claim: 'a = \sigma(z)'")
    check.add_argument("--json", action="store_true", help="print JSON")
    check.add_argument("--gradient", action="store_true",
                       help="a derivative claim: run the gradient check alone (no proof)")
    check.add_argument("--seed", type=_SEED, default=0)
    check.add_argument("--points", type=_POINTS, default=DEFAULT_POINTS)
    check.add_argument("--time-limit", type=_SECONDS, default=BUDGETS["formula_seconds"],
                       metavar="SECONDS", help="budget of the check")
    check.set_defaults(run=_cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    # SIGTERM (a kill, subprocess.run's timeout) unwinds like Ctrl-C: run_isolated's finally
    # then kills the child's process group, so no child outlives the command.
    previous = signal.signal(signal.SIGTERM, _terminated)
    streams = sys.stdout, sys.stderr  # file text (titles, keys) must not drive the terminal
    sys.stdout, sys.stderr = PrintableStream(sys.stdout), PrintableStream(sys.stderr)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("symnn: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except SystemExit as exc:
        if exc.code == EXIT_TERMINATED:
            print("symnn: terminated", file=sys.stderr)
        raise
    except BrokenPipeError:  # `symnn derive X | head`: the reader left; that is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    finally:
        signal.signal(signal.SIGTERM, previous)
        sys.stdout, sys.stderr = streams


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(EXIT_TERMINATED)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
