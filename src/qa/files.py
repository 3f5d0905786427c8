"""File helpers every layer may use: content hashes and durable folder updates."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path


def sha256_file(path: Path) -> str:
    """A file's content hash, read in blocks (documents and model weights alike)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_SPECIAL_FILES: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISFIFO, "named pipe"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISDIR, "folder"),
)


def not_regular(mode: int) -> str | None:
    """Why a file of this ``st_mode`` is never opened as a document, or None for a
    regular file: reading a named pipe blocks until something writes to it, and a
    device may never end. The one check, for discovery and extraction alike."""
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _SPECIAL_FILES if test(mode)), None)
    return f"not a regular file ({kind})" if kind else "not a regular file"
