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
from typing import Any

from qa.errors import IndexBusy, IndexUnusable
from qa.files import fsync_dir, sha256_file
from qa.index.checkpoints import checkpoint
from qa.index.manifest import (
    Manifest,
    new_manifest,
    read_manifest,
    remove_stale_temp_files,
    write_manifest,
)
from qa.index.reader import STORE_NAME, VECTORS_NAME


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


def commit_generation(
    index_dir: Path,
    generation: str,
    *,
    model: tuple[str, str, int],
    chunk_target_chars: int,
    documents: dict[str, str],
    chunks: int,
    vector_kind: str,
    vector_params: dict[str, Any],
    created: float | None = None,
) -> Manifest:
    """Make a written generation current, the one way every writer does it (the
    builder, and bench/scale's synthetic archives): its files and folder are synced,
    their sizes and sha256 recorded in a new manifest, and that manifest swapped in by
    rename, the commit point. ``model`` is (name, weights sha256, dimensions);
    ``documents`` maps each source to its content hash; ``created`` is the base
    generation's creation time on an update."""
    gen_dir = index_dir / generation
    for name in (STORE_NAME, VECTORS_NAME):
        with open(gen_dir / name, "rb") as f:
            os.fsync(f.fileno())
    fsync_dir(gen_dir)
    checkpoint("synced")
    store_path, vectors_path = gen_dir / STORE_NAME, gen_dir / VECTORS_NAME
    manifest = new_manifest(
        generation,
        model=model,
        chunk_target_chars=chunk_target_chars,
        documents=documents,
        chunks=chunks,
        vector_kind=vector_kind,
        created=created,
        vector_params=vector_params,
        store_bytes=store_path.stat().st_size,
        store_sha256=sha256_file(store_path),
        vectors_bytes=vectors_path.stat().st_size,
        vectors_sha256=sha256_file(vectors_path),
    )
    write_manifest(index_dir, manifest)
    checkpoint("manifest-swapped")
    return manifest
