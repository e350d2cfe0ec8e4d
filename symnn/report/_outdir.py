"""Output folders written whole or not at all.

A build writes into a new, empty folder next to the output (so nothing already there, such as
a planted symlink, is ever followed) and is then moved into place; a build that fails leaves
the previous output as it was and removes its own temporary folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["keep_unchanged", "OutputError", "discard", "new_output_folder", "move_into_place",
           "prune"]


class OutputError(ValueError):
    """The output path is of the wrong type (a file, a symlink) or its parent is missing."""


def new_output_folder(out: Path) -> Path:
    """A new empty folder next to ``out``, after checking ``out`` can be replaced by a
    folder: it is absent or a real folder (not a symlink, not a file)."""
    if out.is_symlink():
        raise OutputError(f"{out} is a symbolic link; give a folder")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder")
    parent = out.absolute().parent
    if not parent.is_dir():
        raise OutputError(f"{parent} is not a folder")
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    mask = os.umask(0)
    os.umask(mask)
    tmp.chmod(0o777 & ~mask)  # mkdtemp's 0700 would make the published folder private
    return tmp


def keep_unchanged(out: Path, tmp: Path) -> None:
    """Copy the regular files of an existing ``out`` into the new folder ``tmp`` (times kept),
    so that a page whose text does not change is not rewritten. Symbolic links and anything
    else that is not a regular file or folder are left behind: the new folder holds none."""
    if not out.is_dir() or out.is_symlink():
        return
    for folder, _, files in os.walk(out):  # never descends into a linked folder
        here = Path(folder)
        for name in files:
            src = here / name
            if src.is_symlink() or not src.is_file():
                continue
            dst = tmp / src.relative_to(out)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst, follow_symlinks=False)


def prune(tmp: Path, written: list[Path]) -> None:
    """Remove from the new folder ``tmp`` every file this build did not write: the copies
    :func:`keep_unchanged` made of pages whose formula is gone (or was not selected)."""
    keep = {Path(p).absolute() for p in written}
    for folder, _, files in os.walk(tmp):
        for name in files:
            path = Path(folder, name)
            if path.absolute() not in keep:
                path.unlink()


def move_into_place(tmp: Path, out: Path) -> None:
    """Replace ``out`` by the finished folder ``tmp`` (renames in the same parent)."""
    old = None
    if out.is_dir() and not out.is_symlink():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.absolute().parent))
        os.rename(out, old / "previous")
    try:
        os.rename(tmp, out)
    except OSError:
        if old is not None:  # put the previous output back
            os.rename(old / "previous", out)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def discard(tmp: Path) -> None:
    """Remove an unfinished build folder."""
    shutil.rmtree(tmp, ignore_errors=True)
