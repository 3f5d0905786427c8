"""Opening an index folder for reading: manifest, store and vectors of one generation."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from qa.embedding.model import DIMENSIONS, MODEL_SHA256
from qa.errors import IndexUnusable
from qa.files import sha256_file
from qa.index.lance_store import LanceStore, LanceVectors
from qa.index.lance_tables import commit_version, is_lance_index
from qa.index.manifest import MANIFEST_NAME, Manifest, read_manifest
from qa.index.store import (
    ChunkText,
    DocumentText,
    Store,
    StoredChunk,
    StoredQuote,
)
from qa.index.vectors import VectorIndex
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
    is swapped in by rename, so a change here is how a reader notices it cheaply. (On
    Lance tables, the version of the commit table.)"""
    if is_lance_index(index_dir):
        version = commit_version(index_dir)
        return None if version is None else (version, 0, 0)
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


class Index:
    """A consistent, read-only view of one index generation, read through its methods:
    the dense and keyword channels, chunks, documents and quotations. Its store and
    vectors stay inside, so a change of either touches this class, not its callers."""

    def __init__(
        self,
        path: Path,
        manifest: Manifest,
        store: Store | LanceStore,
        vectors: VectorIndex | LanceVectors,
    ):
        self.path = path
        self.manifest = manifest
        self._store = store
        self._vectors = vectors
        self._sources: dict[int, str] | None = None
        self._ids: dict[str, int] = {}

    # -- the dense channel --------------------------------------------------------
    def dense(self, query_vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The ``k`` chunks nearest a question's vector: (chunk id, cosine)."""
        return self._vectors.search(query_vector, k)

    def chunk_vectors(self, ids: list[int]) -> np.ndarray:
        """The stored vectors of these chunks, in order."""
        return self._vectors.vectors_for(ids)

    @property
    def vector_count(self) -> int:
        return self._vectors.ntotal

    # -- the keyword channel ------------------------------------------------------
    def lexical(self, words: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """Chunks holding any of ``words`` (folded words), best BM25 first."""
        return self._store.lexical_search(words, limit)

    def phrase_hits(self, phrases: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """Chunks holding every one of ``phrases`` word for word, best BM25 first."""
        return self._store.phrase_search(phrases, limit)

    def term_frequencies(self, terms: Iterable[str]) -> tuple[dict[str, int], int]:
        """How many chunks hold each stemmed term, and how many chunks there are."""
        return self._store.document_frequencies(terms)

    # -- chunks and documents -----------------------------------------------------
    def chunks(self, ids: Iterable[int]) -> dict[int, StoredChunk]:
        return self._store.chunks(ids)

    def chunk_ids(self, source: str | None = None) -> list[int]:
        """Every chunk id, in order (of one document, when ``source`` names it)."""
        return self._store.chunk_ids(source)

    def chunk_texts(self, chunks: Iterable[StoredChunk]) -> dict[int, ChunkText]:
        return self._store.chunk_texts(chunks)

    def sentence_vectors(self, ids: Iterable[int]) -> dict[int, np.ndarray]:
        return self._store.sentence_vectors(ids, self.manifest.dimensions)

    def document(self, doc_id: int) -> DocumentText:
        return self._store.document_text(doc_id)

    def documents(self, doc_ids: Iterable[int]) -> dict[int, DocumentText]:
        """Several documents' text and layout: on Lance tables in one read, where one
        read each cost ~2.5 ms (on object storage, a round trip)."""
        return self._store.document_texts(doc_ids)

    def _source_map(self) -> dict[int, str]:
        # Kept for the generation's life: a generation never changes.
        if self._sources is None:
            self._sources = {d.id: d.source for d in self._store.documents().values()}
            self._ids = {source: doc_id for doc_id, source in self._sources.items()}
        return self._sources

    def source(self, doc_id: int) -> str:
        """A document's source path, without reading its text."""
        return self._source_map()[doc_id]

    def document_id(self, source: str) -> int | None:
        """The id of the document at ``source``, or None, without reading its text."""
        self._source_map()
        return self._ids.get(source)

    def document_by_source(self, source: str) -> DocumentText | None:
        return self._store.document_by_source(source)

    def counts(self) -> tuple[int, int]:
        """(documents, chunks)."""
        return self._store.counts()

    # -- quotations ---------------------------------------------------------------
    def quotes(self, doc_ids: Iterable[int] | None = None) -> list[StoredQuote]:
        return self._store.quotes(doc_ids)

    def quote_holding(self, doc_id: int, start: int, end: int) -> StoredQuote | None:
        """The quotation that holds most (over half) of the span ``[start, end)`` of a
        document: whose words a passage, a verified quote or an answer are."""
        best, best_overlap = None, 0
        for q in self._store.quotes([doc_id]):
            overlap = min(end, q.end) - max(start, q.start)
            if overlap > best_overlap and overlap * 2 > end - start:
                best, best_overlap = q, overlap
        return best

    def quotes_by(self, speakers: Iterable[str], limit: int | None = None) -> list[StoredQuote]:
        return self._store.quotes_by(speakers, limit)

    def count_quotes_by(self, speakers: Iterable[str]) -> int:
        return self._store.count_quotes_by(speakers)

    def speakers(self) -> list[str]:
        return self._store.speakers()

    def detach_vectors(self) -> VectorIndex:
        """Close the index and hand its vectors over: an update starts from the vectors
        its check has just read whole, rather than reading them again (1.5 GB at 1M
        chunks)."""
        self.close()
        if not isinstance(self._vectors, VectorIndex):
            raise TypeError("an index on Lance tables keeps its vectors in its chunks table")
        return self._vectors

    def close(self) -> None:
        self._store.close()


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
    if is_lance_index(index_dir):
        return open_lance_index(index_dir)
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


def open_lance_index(index_dir: Path) -> Index | None:
    """The committed index on Lance tables (``qa.index.lance_store``), or None."""
    from qa.index.lance_store import open_lance
    from qa.index.lance_tables import store_errors

    with store_errors(index_dir):
        opened = open_lance(index_dir)
    if opened is None:
        return None
    manifest, store, vectors = opened
    problem = compatibility_problem(manifest)
    if problem:
        raise IndexUnusable(f"the index at {index_dir} cannot be used: {problem}; {REBUILD}")
    return Index(index_dir, manifest, store, vectors)


def open_generation(index_dir: Path, manifest: Manifest, thorough: bool = False) -> Index:
    """The store and vectors of the manifest's generation, checked against it
    (``thorough``: every file hashed, however large)."""
    check_files(index_dir, manifest, thorough)
    gen = index_dir / manifest.generation
    store: Store | None = None
    try:
        store = Store.open(gen / STORE_NAME)
        documents, chunks = store.counts()
        ids = store.chunk_id_summary()
        index = VectorIndex.load(gen / VECTORS_NAME)
    except (sqlite3.Error, RuntimeError, OSError) as exc:
        if store is not None:
            store.close()
        raise damaged(index_dir, str(exc)) from None
    problem = None
    if documents != len(manifest.documents) or chunks != manifest.chunks:
        problem = f"the store holds {chunks} chunks, the manifest says {manifest.chunks}"
    elif index.ntotal != manifest.chunks or index.dimensions != manifest.dimensions:
        problem = (
            f"{index.ntotal} vectors of {index.dimensions} dimensions do not match the manifest"
        )
    elif index.id_summary() not in (None, ids):
        problem = "the vectors belong to other chunks"
    if problem:
        store.close()
        raise damaged(index_dir, problem)
    return Index(index_dir, manifest, store, index)
