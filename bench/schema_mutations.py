"""Type mutations of the shipped formula files: every key of every file replaced by a value of
each TOML type (and a few shapes that crashed hand-written validators). Prints how many copies
load, how many are catalog errors, and how many raise anything else (the goal: none).

    python bench/schema_mutations.py
"""

from __future__ import annotations

import copy
import time
import tomllib
from collections import Counter

from symnn.catalog import CatalogError, catalog_dir, formula_from_data, key_paths


def _nested(depth: int) -> list:
    value: list = ["x"]
    for _ in range(depth):
        value = [value]
    return value


VALUES = [0, -1, 1.5, float("nan"), True, "", "x", [], [1], ["x"], {}, {"a": 1},
          [{"kind": []}], _nested(3000), {"a": {"b": {"c": 1}}}]


def main() -> None:
    outcome: Counter = Counter()
    crashes: list[str] = []
    start = time.perf_counter()
    for f in sorted(catalog_dir().glob("*.toml")):
        data = tomllib.loads(f.read_text(encoding="utf-8"))
        for path in key_paths(data):
            for value in VALUES:
                copy_ = copy.deepcopy(data)
                node = copy_
                for k in path[:-1]:
                    node = node[k]
                node[path[-1]] = value
                try:
                    formula_from_data(copy_, f.name)
                    outcome["loads"] += 1
                except CatalogError:
                    outcome["catalog error"] += 1
                except Exception as exc:  # counting what escapes is the point
                    outcome["crash"] += 1
                    crashes.append(f"{f.name} {path} = {value!r:.30}: {type(exc).__name__}")
    total = sum(outcome.values())
    print(f"{total} mutated copies in {time.perf_counter() - start:.1f} s: "
          + ", ".join(f"{k} {v}" for k, v in sorted(outcome.items())))
    for line in crashes[:20]:
        print("  crash:", line)


if __name__ == "__main__":
    main()
