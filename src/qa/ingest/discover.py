"""Which files a run reads: folders walked, only regular files of a supported type.

Opening a named pipe blocks until something writes to it and a device can be endless,
so only regular files (or links to them) are ever opened; symlinked folders are
reported and never followed, so a link loop cannot trap the walk.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from qa.files import not_regular
from qa.ingest.extract import SUPPORTED_SUFFIXES
from qa.ingest.extract.libraries import require_libraries


@dataclass(frozen=True)
class SourceFile:
    source: str  # the path as the user named it (joined with the folder walk)
    path: Path


def file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as a document, found without opening it, or None.

    Opening a named pipe blocks until something writes to it and a device can be
    endless, so only regular files (or links to them) are ever opened; a link loop or
    a dangling link is named as such, not as a missing file.
    """
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop"
        if path.is_symlink():
            return "broken link"
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return "no such file or folder"
        return f"cannot read file: {exc.strerror or type(exc).__name__}"
    return not_regular(mode)


def _walk(
    given: Path,
    source_root: str,
    consider: Callable[[str, Path], None],
    skipped: list[tuple[str, str]],
) -> None:
    """Walk one folder: files go to ``consider``; symlinked and unreadable folders are
    reported in ``skipped`` (``os.walk`` would pass over both without a word)."""

    def as_source(full: str) -> str:
        return os.path.normpath(os.path.join(source_root, os.path.relpath(full, given)))

    def unreadable(exc: OSError) -> None:
        where = as_source(exc.filename) if exc.filename else source_root
        skipped.append((where, f"cannot read folder: {exc.strerror or type(exc).__name__}"))

    for dirpath, dirnames, filenames in os.walk(given, onerror=unreadable):
        kept = []
        for name in sorted(dirnames):
            if name.startswith("."):
                continue
            full = os.path.join(dirpath, name)
            if os.path.islink(full):
                skipped.append((as_source(full), "symlinked folder not followed"))
            else:
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not name.startswith("."):
                full = os.path.join(dirpath, name)
                consider(as_source(full), Path(full))


def discover(paths: Iterable[Path]) -> tuple[list[SourceFile], list[tuple[str, str]]]:
    """Files to index under ``paths`` (folders walked recursively, hidden entries
    skipped), and the paths that cannot be indexed, each with its reason.

    Symlinked folders are reported and never followed, so a link loop cannot trap the
    walk; an unreadable folder is reported rather than silently missing. Only regular
    files are returned, so indexing never opens a named pipe or a device (which would
    block or never end). Raises MissingLibrary when a format among the files found
    cannot be read in this installation (``qa.ingest.extract.libraries``).
    """
    files: list[SourceFile] = []
    skipped: list[tuple[str, str]] = []
    seen: set[str] = set()

    def consider(source: str, path: Path) -> None:
        if source in seen:
            return
        seen.add(source)
        problem = file_problem(path)
        if problem:
            skipped.append((source, problem))
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            skipped.append((source, f"unsupported file type {path.suffix or '(none)'}"))
        else:
            files.append(SourceFile(source, path))

    for given in paths:
        source_root = os.path.normpath(str(given))
        if given.is_dir():
            _walk(given, source_root, consider, skipped)
        else:
            consider(source_root, given)
    require_libraries({f.path.suffix for f in files})
    return files, skipped
