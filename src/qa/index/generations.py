"""Generations of an index folder: the writer's lock, which generations are live, the
sweep of dead ones, and the commit that makes a new one current.

A build writes a complete new generation folder, then replaces the manifest atomically
(``commit_generation``); until that rename, readers see the previous generation whole.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from qa.errors import IndexBusy, IndexUnusable
from qa.index.checkpoints import checkpoint
from qa.index.manifest import read_manifest, remove_stale_temp_files


@contextlib.contextmanager
def index_lock(index_dir: Path) -> Iterator[None]:
    """One writer per index: a second `qa index` is told, never allowed to interleave."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy(
                f"another qa is updating the index at {index_dir}; try again when it finishes"
            ) from None
        # flock belongs to the open file: the kernel drops it when this process ends,
        # however it ends (SIGKILL included), so a dead indexer never leaves a stale lock.
        try:
            checkpoint("locked")
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def new_generation_name() -> str:
    return f"gen-{time.time_ns():x}-{os.getpid()}"


def live_generations(index_dir: Path) -> set[str]:
    """Generations a reader may be using: the one the manifest names, even if the
    index is otherwise unusable, or every one when the manifest cannot be read."""
    try:
        manifest = read_manifest(index_dir)
    except IndexUnusable:
        return {entry.name for entry in index_dir.glob("gen-*")}
    return {manifest.generation} if manifest else set()


def sweep_generations(index_dir: Path, keep: set[str]) -> None:
    """Remove generation folders no manifest points at (left by killed runs, or old),
    and manifest temp files a killed run left; the caller holds the index lock."""
    for entry in index_dir.glob("gen-*"):
        if entry.name not in keep and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
    remove_stale_temp_files(index_dir)
