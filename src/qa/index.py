"""Opening an index folder for reading: manifest, store and vectors of one generation."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa import vectors
from qa.chunking import CHUNKER_VERSION
from qa.embedding import MODEL_SHA256
from qa.manifest import IndexError_, Manifest, read_manifest
from qa.store import Store, connect

STORE_NAME = "store.sqlite"
VECTORS_NAME = "vectors.faiss"


@dataclass
class OpenIndex:
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
    if manifest.chunker_version != CHUNKER_VERSION:
        return (
            f"it was chunked by chunker version {manifest.chunker_version}, "
            f"this qa uses {CHUNKER_VERSION}"
        )
    return None


def open_index(index_dir: Path) -> OpenIndex | None:
    """Open the current generation; None when there is no index yet.

    Raises IndexError_ with a one-line remedy when the index is damaged or was made
    by a different model or chunker, so an answer is never given from mismatched data.
    """
    manifest = read_manifest(index_dir)
    if manifest is None:
        return None
    problem = compatibility_problem(manifest)
    if problem:
        raise IndexError_(
            f"the index at {index_dir} cannot be used: {problem}; run `qa index --rebuild`"
        )
    gen = index_dir / manifest.generation
    try:
        store = Store(connect(gen / STORE_NAME, readonly=True))
        store.counts()
        index = vectors.read_index(gen / VECTORS_NAME)
    except (sqlite3.Error, RuntimeError, OSError) as exc:
        raise IndexError_(
            f"the index at {index_dir} is damaged ({str(exc).splitlines()[0][:80]}); "
            "run `qa index --rebuild`"
        ) from None
    if index.ntotal != manifest.chunks or index.d != manifest.dimensions:
        raise IndexError_(
            f"the index at {index_dir} is damaged (vectors do not match the manifest); "
            "run `qa index --rebuild`"
        )
    return OpenIndex(index_dir, manifest, store, index)
