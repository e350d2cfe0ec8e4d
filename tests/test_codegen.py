"""`symnn codegen`: the generated modules are importable, lint-clean, correct and reproducible."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_dtypes import widened_kernels

from symnn.catalog import load_catalog
from symnn.check import FormulaResult
from symnn.check._kernelcheck import check_kernels
from symnn.check._numdiff import complex_step, richardson
from symnn.check._points import sample
from symnn.cli import EXIT_OK, EXIT_UNREADABLE, main
from symnn.derive import batch_derivation, definition_groups
from symnn.emit import load_module
from symnn.read import parse_condition
from symnn.report import codegen_source, generate, slug

ROOT = Path(__file__).resolve().parent.parent
CATALOG = [f for f in load_catalog() if not isinstance(f, Exception)]
BY_ID = {f.id: f for f in CATALOG}
SUBSET = [BY_ID[i] for i in ("sigmoid", "relu", "batch-normalization", "gru-cell")]


@pytest.fixture(scope="module")
def numpy_source(catalog_results) -> str:
    return codegen_source(CATALOG, "numpy", results=catalog_results)


@pytest.fixture(scope="module")
def numpy_module(numpy_source):
    return load_module(numpy_source, "symnn_generated_numpy")


def _ruff(path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", "check", *extra, str(path)],
                          capture_output=True, text=True, cwd=path.parent)


def test_generated_module_passes_ruff(numpy_source, tmp_path):
    """The module passes `ruff check` with ruff's defaults and with this project's rules."""
    path = tmp_path / "kernels.py"
    path.write_text(numpy_source, encoding="utf-8")
    isolated = _ruff(path, "--isolated")
    assert isolated.returncode == 0, isolated.stdout
    ours = _ruff(path, "--config", str(ROOT / "pyproject.toml"))
    assert ours.returncode == 0, ours.stdout


def test_generated_module_imports_only_numpy(numpy_source):
    """Besides the standard library, the NumPy module imports numpy and nothing else."""
    imports = {line.split()[1] for line in numpy_source.splitlines()
               if line.startswith("import ")}
    assert imports <= {"numpy", "math", "functools"}, imports


def _derivative_pairs():
    """(formula, its constraints for this variant, function name, derivative name). At
    collection: the names do not depend on the verdict, so none is computed (a placeholder
    result; the module under test is the verified one)."""
    for formula in CATALOG:
        made = generate(formula, result=FormulaResult(formula.id, "", "", "read", True))
        names = [f.split("(", 1)[0].removeprefix("def ").strip() for f in made.functions]
        groups = {slug(formula.id) + (f"__{slug(label)}" if label else ""): constraints
                  for label, _, _, constraints in definition_groups(formula)}
        for name in names:
            if "__d_" in name:
                of = name.rsplit("__d_", 1)[0]
                yield formula, groups[of.rsplit("__", 1)[0]], of, name


@pytest.mark.parametrize("formula,constraints,of,grad", list(_derivative_pairs()),
                         ids=lambda v: v if isinstance(v, str) else getattr(v, "id", ""))
def test_every_generated_derivative_matches_a_numerical_derivative(numpy_module, formula,
                                                                   constraints, of, grad):
    """d(of)/d(wrt) from the module agrees with Richardson differences of `of` from the same
    module at points sampled in the declared domains (kinks excluded)."""
    f, g = getattr(numpy_module, of), getattr(numpy_module, grad)
    args = f.__code__.co_varnames[:f.__code__.co_argcount]
    wrt = grad.rsplit("__d_", 1)[1]
    decls = {d.pyname: d for d in formula.table.decls.values()}
    rng = np.random.default_rng(0)
    conditions = tuple(parse_condition(c, formula.table) for c in constraints)
    drawn = sample([decls[a].sympy() for a in args], decls, {}, conditions, rng, 64)
    values = list(drawn.values())
    n = len(values[0])
    try:  # complex step where the code is analytic, Richardson otherwise (ReLU: max, select)
        numeric = complex_step(f, values, args.index(wrt))
        assert np.isfinite(numeric.value).sum() >= 32
    except (TypeError, AssertionError):
        numeric = richardson(f, values, args.index(wrt))
    stated = np.broadcast_to(g(*[values[args.index(a)] for a in
                                 g.__code__.co_varnames[:g.__code__.co_argcount]]), (n,))
    ok = np.isfinite(numeric.value)
    assert ok.sum() >= 32
    tol = 100 * numeric.error + 1e-9 * np.maximum(1, np.abs(stated))
    close = np.abs(stated - numeric.value) <= tol
    # at a kink, a stated value between the one-sided derivatives is a convention
    between = numeric.kink & (numeric.lower - tol <= stated) & (stated <= numeric.upper + tol)
    assert np.all((close | between)[ok])


def test_generated_batch_kernels_pass_the_kernel_check(numpy_module):
    """The batch-norm forward/backward in the module pass the complex-step kernel check."""
    deriv = batch_derivation(BY_ID["batch-normalization"])
    assert all(r.ok for r in check_kernels(deriv, numpy_module, seed=4))


def test_every_generated_elementwise_kernel_keeps_float32(numpy_module):
    """Every formula's kernel and derivative returns float32 for float32 input."""
    assert widened_kernels(numpy_module) == []


def test_generated_sigmoid_is_finite_far_out(numpy_module):
    """The stable rewrites reach the code: sigmoid and tanh stay finite at |z| = 800."""
    z = np.array([-800.0, 800.0])
    np.testing.assert_array_equal(numpy_module.sigmoid(z), [0.0, 1.0])
    np.testing.assert_array_equal(numpy_module.tanh__g(z), [-1.0, 1.0])


def test_docstrings_carry_the_latex_titles_and_the_verification(numpy_module):
    """Each function's docstring has both titles, the LaTeX and how it was verified."""
    doc = numpy_module.sigmoid__g__d_z.__doc__
    assert "Sigmoid / Sigmoïde" in doc and "g(z)(1-g(z))" in doc
    assert "complex step" in doc and "points" in doc
    assert "batch-normalization" in numpy_module.batch_normalization_backward.__doc__


def test_formulas_without_a_kernel_are_listed_with_a_reason(numpy_source):
    """Formulas with nothing elementwise to compute are named in the module docstring."""
    head = numpy_source.split('"""', 2)[1]
    assert "value_function: it holds sums" in head
    assert "q_learning: it holds sums" in head


def test_codegen_is_byte_identical_across_runs(tmp_path):
    """Two runs of `symnn codegen` write the same bytes."""
    outs = [tmp_path / "a.py", tmp_path / "b.py"]
    for out in outs:
        assert main(["codegen", "sigmoid", "batchnorm", "-o", str(out)]) == EXIT_OK
    assert outs[0].read_bytes() == outs[1].read_bytes()


def test_codegen_writes_nothing_but_its_output(tmp_path, monkeypatch):
    """Only the -o file appears: nothing in the working folder or in formulas/."""
    monkeypatch.chdir(tmp_path)
    catalog_before = {p: p.stat().st_mtime_ns for p in (ROOT / "formulas").iterdir()}
    (tmp_path / "out").mkdir()
    assert main(["codegen", "relu", "-o", "out/kernels.py"]) == EXIT_OK
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "out", "out/kernels.py"]
    assert {p: p.stat().st_mtime_ns for p in (ROOT / "formulas").iterdir()} == catalog_before


def test_codegen_into_a_missing_folder_exits_2(tmp_path, capsys):
    """An output path whose folder does not exist is an input error; nothing is created."""
    assert main(["codegen", "relu", "-o", str(tmp_path / "no" / "k.py")]) == EXIT_UNREADABLE
    assert "is not a folder" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()


def test_codegen_unknown_formula_exits_2(capsys):
    """An unknown id is an input error listing the known ids."""
    assert main(["codegen", "no-such-formula"]) == EXIT_UNREADABLE
    assert "sigmoid" in capsys.readouterr().err


@pytest.mark.parametrize("backend", ["torch", "jax"])
def test_other_backends_agree_with_the_numpy_module(backend, numpy_module, catalog_results):
    """Optional: the PyTorch / JAX modules give the NumPy module's values (sigmoid, ReLU, the
    batch-norm kernels, and the GRU sequence with its BPTT)."""
    lib = pytest.importorskip(backend)
    mod = load_module(codegen_source(SUBSET, backend, results=catalog_results),
                      f"symnn_generated_{backend}")
    tensor = ((lambda a: lib.tensor(a, dtype=lib.float64)) if backend == "torch"
              else (lambda a: lib.numpy.asarray(a)))
    if backend == "jax":
        lib.config.update("jax_enable_x64", True)
    z = np.linspace(-30, 30, 13)
    for name in ("sigmoid", "sigmoid__g__d_z", "relu", "relu__g__d_z"):
        np.testing.assert_allclose(np.asarray(getattr(mod, name)(tensor(z))),
                                   getattr(numpy_module, name)(z), rtol=1e-12, atol=1e-15)
    rng = np.random.default_rng(0)
    x, dy = rng.normal(2, 3, size=(8, 3)), rng.normal(size=(8, 3))
    gamma, beta = rng.normal(size=3), rng.normal(size=3)
    y, saved = mod.batch_normalization_forward(tensor(x), tensor(gamma), tensor(beta), 1e-5)
    grads = mod.batch_normalization_backward(tensor(dy), saved, tensor(gamma), tensor(beta))
    y_np, saved_np = numpy_module.batch_normalization_forward(x, gamma, beta, 1e-5)
    grads_np = numpy_module.batch_normalization_backward(dy, saved_np, gamma, beta)
    for a, b in zip((y, *grads), (y_np, *grads_np), strict=True):
        np.testing.assert_allclose(np.asarray(a), b, rtol=1e-10, atol=1e-12)
    shapes = [(3, 5), (3, 1), (3, 2), (3, 3), (3, 1), (3, 2), (3, 3), (3, 1)]
    params = [rng.normal(size=s) for s in shapes]
    xs, c0 = [rng.normal(size=(2, 4)) for _ in range(3)], rng.normal(size=(3, 4))
    ups = [rng.normal(size=(3, 4)) for _ in range(3)]
    _, saves = mod.gru_cell_sequence([tensor(x) for x in xs], tensor(c0),
                                     *(tensor(p) for p in params))
    theirs = mod.gru_cell_bptt([tensor(u) for u in ups], saves, *(tensor(p) for p in params))
    _, saves_np = numpy_module.gru_cell_sequence(xs, c0, *params)
    ours = numpy_module.gru_cell_bptt(ups, saves_np, *params)
    for a, b in zip((*theirs[0], *theirs[1:]), (*ours[0], *ours[1:]), strict=True):
        np.testing.assert_allclose(np.asarray(a), b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("fid", ["gru-cell", "lstm-cell"])
def test_generated_cells_match_the_matrix_evaluator_and_work_on_batches(numpy_module, fid):
    """The GRU and (corrected: output and candidate) LSTM kernels equal symnn's matrix reading of
    the statement, one column at a time, and a batch of columns gives the columns' results."""
    from symnn.check._matrices import evaluate_arrays
    from symnn.derive import corrected_definitions, evaluate
    from symnn.read import parse_statement

    formula = BY_ID[fid]
    fn = getattr(numpy_module, fid.replace("-", "_"))
    defs = corrected_definitions(formula)
    rhs = evaluate(parse_statement(formula.corrected or formula.latex, formula.table).rhs, defs)
    decls = {d.pyname: d for d in formula.table.decls.values()}
    rng = np.random.default_rng(0)
    sizes = {"n_a": 3, "n_x": 2}
    args = fn.__code__.co_varnames[:fn.__code__.co_argcount]

    samples = {"x_t", "a_t_1", "c_t_1"}  # per-sample columns; weights and biases are shared

    def shape(name: str, m: int) -> tuple[int, ...]:
        dims = [sum(sizes[p.strip()] for p in str(e).split("+")) for e in decls[name].shape]
        if decls[name].kind == "vector":
            return (dims[0], m if name in samples else 1)
        return tuple(dims)

    batch = {a: rng.normal(size=shape(a, 5)) for a in args}
    out = fn(**batch)
    assert out.shape == (3, 5)
    for j in range(5):
        column = {a: v[:, j:j + 1] if a in samples else v for a, v in batch.items()}
        symbols = {decls[a].sympy(): v for a, v in column.items()}
        np.testing.assert_allclose(out[:, j:j + 1], evaluate_arrays(rhs, symbols), rtol=1e-12)


def test_codegen_output_file_gets_the_umask_mode_not_0600(tmp_path):
    """codegen -o writes through a temporary file, then gives it the mode open() would."""
    import os

    from symnn.cli import main

    out = tmp_path / "k.py"
    mask = os.umask(0o022)
    try:
        assert main(["codegen", "sigmoid", "-o", str(out)]) == 0
    finally:
        os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o644
