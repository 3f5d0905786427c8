"""Opening an index folder for reading: manifest, store and vectors of one generation."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.embedding.model import DIMENSIONS, MODEL_SHA256
from qa.errors import IndexUnusable
from qa.files import sha256_file
from qa.index import vectors
from qa.index.manifest import MANIFEST_NAME, Manifest, read_manifest
from qa.index.store import Store, connect
from qa.ingest.chunking import CHUNKER_VERSION

STORE_NAME = "store.sqlite"
VECTORS_NAME = "vectors.faiss"
REBUILD = "run `qa index --rebuild`"


def damaged(index_dir: Path, detail: str) -> IndexUnusable:
    """The one-line error for an index whose files are unusable, saying what to run."""
    first = (str(detail).splitlines() or ["unreadable"])[0][:100]
    return IndexUnusable(f"the index at {index_dir} is damaged ({first}); {REBUILD}")


def manifest_signature(index_dir: Path) -> tuple[int, int, int] | None:
    """What identifies the current manifest file (inode, size, mtime): a new generation
    is swapped in by rename, so a change here is how a reader notices it cheaply."""
    try:
        st = (index_dir / MANIFEST_NAME).stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


# Files up to this size are hashed whenever the index is opened; larger ones (an
# archive of ~100k chunks and up, where hashing took 33-53 s per open at 1M chunks) are
# checked by size and SQLite's own page checks, and hashed whole by `qa index`.
FULL_CHECK_MAX_BYTES = 256 * 1024 * 1024


def check_files(index_dir: Path, manifest: Manifest, thorough: bool = False) -> None:
    """Raise IndexUnusable unless the generation's files are the ones its manifest recorded.

    Sizes catch truncation for free; the sha256 (about 1 s per GB, and an index is a few
    MB per thousand chunks) catches garbage inside a file, which SQLite and FAISS would
    otherwise read as data and turn into a wrong passage or score without a word. It is
    computed on every open below FULL_CHECK_MAX_BYTES, and always when ``thorough``.
    """
    gen = index_dir / manifest.generation
    if not gen.is_dir():
        raise damaged(index_dir, f"its generation {manifest.generation} is missing")
    recorded = (
        (STORE_NAME, manifest.store_bytes, manifest.store_sha256),
        (VECTORS_NAME, manifest.vectors_bytes, manifest.vectors_sha256),
    )
    for name, size, digest in recorded:
        path = gen / name
        try:
            found = path.stat().st_size
            if digest and found != size:
                raise damaged(index_dir, f"{name} has {found} bytes, {size} were written")
            hash_it = thorough or found <= FULL_CHECK_MAX_BYTES
            if digest and hash_it and sha256_file(path) != digest:
                raise damaged(index_dir, f"{name} is not the file that was written")
        except FileNotFoundError:
            raise damaged(index_dir, f"{name} is missing") from None
        except OSError as exc:
            raise damaged(index_dir, f"{name}: {exc.strerror or exc}") from None


@dataclass
class Index:
    """A consistent, read-only view of one index generation."""

    path: Path
    manifest: Manifest
    store: Store
    vectors: Any  # faiss.Index

    def close(self) -> None:
        self.store.conn.close()


def compatibility_problem(manifest: Manifest) -> str | None:
    """Why an index cannot be reused as it is by this build of qa, or None."""
    if manifest.model_sha256 != MODEL_SHA256:
        return f"it was built with another embedding model ({manifest.model_name})"
    if manifest.dimensions != DIMENSIONS:
        return (
            f"it holds {manifest.dimensions}-dimensional vectors, "
            f"this qa's model gives {DIMENSIONS}"
        )
    if manifest.chunker_version != CHUNKER_VERSION:
        return (
            f"it was chunked by chunker version {manifest.chunker_version}, "
            f"this qa uses {CHUNKER_VERSION}"
        )
    return None


def open_index(index_dir: Path) -> Index | None:
    """Open the current generation; None when there is no index yet.

    Raises IndexUnusable with a one-line remedy when the index is damaged or was made
    by a different model or chunker, so an answer is never given from mismatched data.
    """
    for attempt in range(3):
        manifest = read_manifest(index_dir)
        if manifest is None:
            return None
        problem = compatibility_problem(manifest)
        if problem:
            raise IndexUnusable(f"the index at {index_dir} cannot be used: {problem}; {REBUILD}")
        try:
            return open_generation(index_dir, manifest)
        except IndexUnusable:
            # A writer may have swapped in a new generation and swept this one between
            # our reading the manifest and opening its files: then try the new one.
            if attempt == 2 or read_manifest(index_dir) == manifest:
                raise
    raise AssertionError("unreachable")


def _id_summary(index: Any) -> tuple[int, int, int, int] | None:
    """(count, min, max, sum) of the chunk ids a FAISS id map holds, or None for an index
    without one: a vector file from another index with as many vectors fails here."""
    id_map = getattr(index, "id_map", None)
    if id_map is None:
        return None
    import faiss
    import numpy as np

    ids = faiss.vector_to_array(id_map).astype(np.int64)
    if not len(ids):
        return (0, 0, 0, 0)
    return (len(ids), int(ids.min()), int(ids.max()), int(ids.sum()))


def open_generation(index_dir: Path, manifest: Manifest, thorough: bool = False) -> Index:
    """The store and vectors of the manifest's generation, checked against it
    (``thorough``: every file hashed, however large)."""
    check_files(index_dir, manifest, thorough)
    gen = index_dir / manifest.generation
    store: Store | None = None
    try:
        store = Store(connect(gen / STORE_NAME, readonly=True))
        documents, chunks = store.counts()
        ids = store.chunk_id_summary()
        index = vectors.read_index(gen / VECTORS_NAME)
    except (sqlite3.Error, RuntimeError, OSError) as exc:
        if store is not None:
            store.conn.close()
        raise damaged(index_dir, str(exc)) from None
    problem = None
    if documents != len(manifest.documents) or chunks != manifest.chunks:
        problem = f"the store holds {chunks} chunks, the manifest says {manifest.chunks}"
    elif index.ntotal != manifest.chunks or index.d != manifest.dimensions:
        problem = f"{index.ntotal} vectors of {index.d} dimensions do not match the manifest"
    elif _id_summary(index) not in (None, ids):
        problem = "the vectors belong to other chunks"
    if problem:
        store.conn.close()
        raise damaged(index_dir, problem)
    return Index(index_dir, manifest, store, index)
