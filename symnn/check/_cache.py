"""The verification cache: a formula file's result on disk, reused while nothing it depends on
changed.

The key is the SHA-256 of the formula file's bytes, the seed, the symnn version and a hash of
symnn's own source files (so an edited checkout never reuses stale verdicts), and the versions
of sympy, numpy, mpmath and latex2sympy2_extended. An entry is the FormulaResult as JSON, written
to a temporary file in the cache folder and renamed into place (atomic on POSIX and Windows):
concurrent runs may both compute a result, never read half of one. Failed runs (``error``:
a budget exceeded, an internal error) are not cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from functools import cache
from importlib import metadata
from pathlib import Path

from ._results import CheckResult, FormulaResult

__all__ = ["ResultCache", "cache_dir"]

_DEPENDENCIES = ("sympy", "numpy", "mpmath", "latex2sympy2_extended")
_FORMAT = 1  # bump when the entry layout changes


def cache_dir() -> Path:
    """``$SYMNN_CACHE_DIR``, else the platform's user cache folder (platformdirs)."""
    if os.environ.get("SYMNN_CACHE_DIR"):
        return Path(os.environ["SYMNN_CACHE_DIR"])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("symnn", appauthor=False)) / "verify"


@cache
def _environment() -> str:
    from symnn import __version__

    digest = hashlib.sha256(f"{_FORMAT} symnn {__version__}".encode())
    for name in _DEPENDENCIES:
        try:
            digest.update(f" {name} {metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f" {name} -".encode())
    package = Path(__file__).resolve().parent.parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _from_dict(d: dict) -> FormulaResult:
    checks = [CheckResult.from_dict(c) for c in d.pop("checks")]
    corrected = [CheckResult.from_dict(c) for c in d.pop("corrected_checks")]
    return FormulaResult(**d, checks=checks, corrected_checks=corrected)


class ResultCache:
    """FormulaResults on disk, keyed by formula file content, seed and versions."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = cache_dir() if folder is None else folder

    def key(self, path: str | Path, seed: int) -> str | None:
        """The entry's name for the formula file at ``path``; None when it cannot be read."""
        try:
            content = Path(path).read_bytes()
        except OSError:
            return None
        digest = hashlib.sha256(content)
        digest.update(f"\0seed {seed}\0{_environment()}".encode())
        return digest.hexdigest()

    def get(self, key: str | None) -> FormulaResult | None:
        if key is None:
            return None
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            return _from_dict(data)
        except (OSError, ValueError, TypeError, KeyError):
            return None  # missing, or damaged: verify again

    def put(self, key: str | None, result: FormulaResult) -> None:
        if key is None or result.status == "error":
            return
        with contextlib.suppress(OSError):  # a read-only or full disk only costs speed
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(asdict(result), out, sort_keys=True)
                os.replace(tmp, self.folder / f"{key}.json")
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
