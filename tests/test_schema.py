"""The formula-file schema (pydantic): every wrong type in any key is a catalog error naming
the file and the key path, never a crash; the other files are still verified."""

from __future__ import annotations

import copy
import json
import shutil
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symnn import cli
from symnn.catalog import CatalogError, catalog_dir, formula_from_data, key_paths, load_formula

FILES = sorted(catalog_dir().glob("*.toml"))
DATA = {f.name: tomllib.loads(f.read_text(encoding="utf-8")) for f in FILES}


def _nested(depth: int) -> list:
    value: list = ["x"]
    for _ in range(depth):
        value = [value]
    return value


#: Values of every TOML type, and some shapes that crashed hand-written validators.
VALUES = st.one_of(
    st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=True), st.booleans(),
    st.text(max_size=8), st.just([]), st.just({}), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.just([{"kind": []}]), st.just(_nested(3000)), st.just({"a": {"b": {"c": 1}}}),
)
CASES = [(name, path) for name, data in DATA.items() for path in key_paths(data)]


def _replace(data: dict, path: tuple, value: object) -> dict:
    out = copy.deepcopy(data)
    node = out
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return out


@settings(max_examples=400, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=st.sampled_from(CASES), value=VALUES)
def test_a_value_of_any_type_in_any_key_is_a_catalog_error_or_valid(case, value):
    """Replacing any key of any shipped file by a value of another type never crashes."""
    name, path = case
    try:
        formula_from_data(_replace(DATA[name], path, value), name)
    except CatalogError as exc:
        assert exc.path == name and exc.key and exc.expected


@pytest.mark.parametrize(("path", "value", "key"), [
    (("checks", 0, "kind"), [], "checks[0].kind"),
    (("symbols", "x", "domain"), 1, "symbols.x.domain"),
    (("symbols", "x", "name"), 1, "symbols.x.name"),
    (("aliases",), _nested(3000), "aliases[0]"),
    (("variants", 0, "checks", 1, "wrt"), True, "variants[0].checks[1].wrt"),
])
def test_the_error_names_the_key_path_that_is_wrong(path, value, key):
    """The catalog error of a wrongly typed key names its full path."""
    data = _replace(DATA["01-backprop-chain-rule.toml"], path, value)
    with pytest.raises(CatalogError) as info:
        formula_from_data(data, "f.toml")
    assert info.value.key == key


def test_program_inputs_must_be_names():
    """A number among the batch program's inputs is an error at program.inputs[0]."""
    data = _replace(DATA["05-batch-normalization.toml"], ("program", "inputs"), [1])
    with pytest.raises(CatalogError, match=r"program\.inputs\[0\].*a string \(got an integer\)"):
        formula_from_data(data, "bn.toml")


def test_an_unknown_key_is_named_as_an_unknown_key():
    """A misspelt top-level key is rejected by name."""
    data = dict(DATA["11-sigmoid.toml"], chekcs=[])
    with pytest.raises(CatalogError, match="'chekcs': no such key here"):
        formula_from_data(data, "f.toml")


def test_a_byte_order_mark_is_accepted(tmp_path):
    """A file saved with a UTF-8 BOM reads like the same file without one."""
    src = catalog_dir() / "11-sigmoid.toml"
    bom = tmp_path / "sigmoid.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + src.read_bytes())
    assert load_formula(bom).latex == load_formula(src).latex


def test_a_mistyped_file_is_reported_and_the_others_still_verify(tmp_path, capsys):
    """`symnn verify` on a folder with one mistyped file: exit 2, the other file verified."""
    shutil.copy(catalog_dir() / "13-relu.toml", tmp_path / "13-relu.toml")
    bad = (catalog_dir() / "11-sigmoid.toml").read_text(encoding="utf-8")
    (tmp_path / "11-sigmoid.toml").write_text(bad.replace('id = "sigmoid"', "id = 3"))
    code = cli.main(["verify", str(tmp_path), "--json"])
    results = {r["id"] or Path(r["error"].split(":")[0]).name: r
               for r in json.loads(capsys.readouterr().out)["results"]}
    assert code == 2
    assert results["relu"]["status"] == "verified"
    assert any("key 'id'" in (r["error"] or "") for r in results.values())


@pytest.mark.parametrize(("key", "value"), [("args", ["x"]), ("shape", [3])])
def test_a_scalar_with_arguments_or_a_shape_is_a_catalog_error(key, value):
    """args belong to functions and shape to vectors and matrices: elsewhere an error."""
    data = _replace(DATA["11-sigmoid.toml"], ("symbols", "z", key), value)
    with pytest.raises(CatalogError, match=rf"symbols\.z\.{key}"):
        formula_from_data(data, "f.toml")
