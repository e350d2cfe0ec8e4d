"""The formula file schema: every problem names the file and the key; the rest still loads."""

from __future__ import annotations

import pytest

from symnn.catalog import CatalogError, catalog_dir, load_catalog, load_formula

GOOD = """
id = "demo"
title = { en = "Demo", fr = "Démo" }
latex = 'y = 2 x'
checks = [{ kind = "claim", latex = 'y - x = x' }]
[symbols]
x = { kind = "scalar" }
y = { kind = "scalar" }
"""


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_loads_with_its_symbols(tmp_path):
    """A well-formed file loads, with its checks and declared names."""
    f = load_formula(_write(tmp_path, "demo.toml", GOOD))
    assert f.id == "demo" and set(f.table.decls) == {"x", "y"} and f.checks[0].kind == "claim"


# (id, change applied to GOOD, key named in the error, fragment of what was expected)
BROKEN = [
    ("invalid-toml", lambda t: t + "\nthis is not toml", "(file)", "valid TOML"),
    ("unknown-top-key", lambda t: t.replace("checks =", "chekcs ="), "chekcs", "unknown key"),
    ("missing-latex", lambda t: t.replace("latex = 'y = 2 x'", ""), "latex", "non-empty"),
    ("missing-french-title", lambda t: t.replace(', fr = "Démo"', ""), "title", "'fr'"),
    ("bad-id", lambda t: t.replace('"demo"', '"../../etc/x"'), "id", "lower-case"),
    ("bad-domain", lambda t: t.replace('x = { kind = "scalar" }',
                                       'x = { kind = "scalar", domain = "blue" }'),
     "symbols.x.domain", "unknown domain"),
    ("bad-kind", lambda t: t.replace('x = { kind = "scalar" }', 'x = { kind = "tensor" }'),
     "symbols.x.kind", "one of"),
    ("unknown-symbol-key", lambda t: t.replace('x = { kind = "scalar" }',
                                               'x = { kind = "scalar", shap = [2] }'),
     "symbols.x.shap", "unknown key"),
    ("function-without-args", lambda t: t.replace('y = { kind = "scalar" }',
                                                  'y = { kind = "function" }'),
     "symbols.y.args", "arguments"),
    ("unknown-check-kind", lambda t: t.replace('kind = "claim"', 'kind = "guess"'),
     "checks[0].kind", "one of"),
    ("claim-without-latex", lambda t: t.replace(", latex = 'y - x = x'", ""),
     "checks[0].latex", "non-empty"),
    ("refuted-without-erratum",
     lambda t: t.replace('id = "demo"', 'id = "demo"\nexpect = "refuted"'),
     "erratum", "corrected"),
    ("constraint-not-a-list",
     lambda t: t.replace('id = "demo"', 'id = "demo"\nconstraints = "x > 0"'),
     "constraints", "array"),
    ("unsafe-code-name", lambda t: t.replace('x = { kind = "scalar" }',
                                             'x = { kind = "scalar", name = "__class__" }'),
     "symbols.x.name", "not a safe identifier"),
    ("helper-code-name", lambda t: t.replace('x = { kind = "scalar" }',
                                             'x = { kind = "scalar", name = "_sigmoid" }'),
     "symbols.x.name", "does not start with '_'"),
    ("two-symbols-one-name", lambda t: t.replace('x = { kind = "scalar" }',
                                                 'x = { kind = "scalar", name = "q" }')
     .replace('y = { kind = "scalar" }', 'y = { kind = "scalar", name = "q" }'),
     "symbols.y.name", "a name no other symbol has"),
    ("name-taken-from-another-symbol", lambda t: t.replace('x = { kind = "scalar" }',
                                                           'x = { kind = "scalar", name = "y" }'),
     "symbols.y.name", "a name no other symbol has"),
]


@pytest.mark.parametrize(("change", "key", "fragment"), [b[1:] for b in BROKEN],
                         ids=[b[0] for b in BROKEN])
def test_schema_error_names_file_key_and_expectation(tmp_path, change, key, fragment):
    """Each schema violation raises CatalogError naming the file, the key and what was expected."""
    path = _write(tmp_path, "demo.toml", change(GOOD))
    with pytest.raises(CatalogError) as err:
        load_formula(path)
    assert err.value.path == str(path) and err.value.key == key
    assert fragment in err.value.expected


def test_duplicate_id_is_reported_and_the_first_file_kept(tmp_path):
    """Two files with one id: the second is an error naming the first; the first loads."""
    _write(tmp_path, "a.toml", GOOD)
    _write(tmp_path, "b.toml", GOOD)
    first, second = load_catalog([tmp_path])
    assert first.id == "demo" and isinstance(second, CatalogError) and second.key == "id"


def test_bad_file_does_not_stop_the_others(tmp_path):
    """A broken file among good ones becomes one error; the good ones still load."""
    _write(tmp_path, "a.toml", "not = [toml")
    _write(tmp_path, "b.toml", GOOD)
    items = load_catalog([tmp_path])
    assert isinstance(items[0], CatalogError) and items[1].id == "demo"


def test_shipped_catalog_loads_without_errors():
    """Every shipped formula file fits the schema."""
    items = load_catalog()
    assert items and not [i for i in items if isinstance(i, CatalogError)]


def test_shipped_catalog_starts_with_the_seed_items():
    """The seed's formulas come first: chain rule, update, conv size, batch norm, RNN gate."""
    ids = [f.id for f in load_catalog()]
    assert ids[:5] == ["backprop-chain-rule", "weight-update", "conv-output-size",
                       "batch-normalization", "rnn-gate"]


def test_catalog_dir_is_the_formulas_folder_in_a_checkout():
    """From a checkout, the shipped catalog is formulas/."""
    assert catalog_dir().name in ("formulas", "_catalog") and any(catalog_dir().glob("*.toml"))


def _variant(name: str, old: str, new: str):
    """A shipped formula file with ``old`` replaced by ``new``."""
    path = catalog_dir() / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    return load_formula(path, text.replace(old, new, 1))


def test_equality_check_on_an_update_rule_is_an_error_not_a_refutation():
    """An equality check on an update rule is a mistake in the file: status error, not refuted."""
    from symnn.check import verify_formula

    formula = _variant("02-weight-update.toml", '{ kind = "reference", latex',
                       '{ kind = "equality" }, { kind = "reference", latex')
    result = verify_formula(formula)
    assert (result.status, "needs an equation" in result.error) == ("error", True)


def test_descent_check_on_an_equation_is_an_error_not_a_refutation():
    """A descent check on a statement without an arrow is a mistake in the file, not refuted."""
    from symnn.check import verify_formula

    formula = _variant("02-weight-update.toml", r"w\longleftarrow w-", "w = w-")
    result = verify_formula(formula)
    assert (result.status, "needs an update rule" in result.error) == ("error", True)


@pytest.mark.parametrize("name", ["05-batch-normalization.toml", "08-gru-cell.toml"])
def test_an_id_starting_with_a_digit_gives_valid_kernel_names(name):
    """Ids may start with a digit (the schema allows it); kernels are named f_<id> and verify."""
    from symnn.check import verify_formula

    path = catalog_dir() / name
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    formula = load_formula(path, text.replace(first, 'id = "5-kernel"', 1))
    result = verify_formula(formula)
    assert (result.status, formula.slug) == ("verified", "f_5_kernel"), result.error


def test_two_ids_of_one_cell_each_get_their_own_kernel_names():
    """The GRU under another id, then under its own: each verifies (kernels cached per name)."""
    from symnn.check import verify_formula

    path = catalog_dir() / "08-gru-cell.toml"
    text = path.read_text(encoding="utf-8")
    other = load_formula(path, text.replace(text.splitlines()[0], 'id = "gru-again"', 1))
    results = [verify_formula(f) for f in (other, load_formula(path))]
    assert [r.status for r in results] == ["verified", "verified"], [r.error for r in results]
