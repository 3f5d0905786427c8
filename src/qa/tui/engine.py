"""The core behind the chat: open or build the index, load the model, answer.

Every method here may be slow (FAISS, spaCy, torch), so the app calls them only from
thread workers; heavy modules are imported inside the methods so that importing this
module (and drawing the first frame) never imports torch.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qa.answers import Answer
    from qa.embedding import Embedder
    from qa.index import OpenIndex
    from qa.quotes.listing import QuoteHit
    from qa.store import DocumentText

Progress = Callable[[str, int, int], None]


class EngineError(Exception):
    """A problem the user can fix (no index, nothing to index); shown in the status line."""


def _age(seconds: float) -> str:
    """A short, human index age (``5 s``, ``3 min``, ``2 h``, ``4 d``)."""
    if seconds < 60:
        return f"{int(seconds)} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


class Engine:
    """Owns the open index and the embedder; thread-safe through one lock."""

    def __init__(
        self,
        index_dir: Path,
        paths: list[Path] | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.index_dir = index_dir
        self.paths = paths
        self._embedder = embedder
        self.index: OpenIndex | None = None
        self._lock = threading.RLock()
        # The manifest file the open index was read from: when another process (a
        # `qa index` in another terminal) swaps in a new generation, this changes.
        self._signature: tuple[int, int, int] | None = None

    # -- start-up ---------------------------------------------------------------
    def _default_paths(self) -> list[Path]:
        """What to index: the given paths, docs/ for the default index, else the indexed files."""
        from qa.cli import DEFAULT_DOCS, DEFAULT_INDEX, default_documents

        if self.paths:
            return list(self.paths)
        if self.index_dir == DEFAULT_INDEX and DEFAULT_DOCS.is_dir():
            return default_documents()
        if self.index is not None:
            return sorted(Path(s) for s in self.index.manifest.documents)
        raise EngineError(
            f"no index at {self.index_dir}; start with `qa chat PATH --index {self.index_dir}`"
        )

    def prepare(self, progress: Progress) -> None:
        """Open the index (building it first when there is none) and load the model."""
        from qa.embedding import Embedder
        from qa.index import manifest_signature, open_index
        from qa.manifest import IndexError_

        with self._lock:
            self._signature = manifest_signature(self.index_dir)
            rebuild = False
            try:
                opened = open_index(self.index_dir)
            except IndexError_:
                if not self.paths and not self._can_build_default():
                    raise
                opened, rebuild = None, True
            if self._embedder is None:
                self._embedder = Embedder()
            if opened is None:
                self._build(self._default_paths(), progress, rebuild)
                self._signature = manifest_signature(self.index_dir)
                opened = open_index(self.index_dir)
                if opened is None:
                    raise EngineError(f"nothing could be indexed into {self.index_dir}")
            self.index = opened
            progress("loading model", 0, 1)
            self._embedder.load()

    def _can_build_default(self) -> bool:
        from qa.cli import DEFAULT_DOCS, DEFAULT_INDEX

        return self.index_dir == DEFAULT_INDEX and DEFAULT_DOCS.is_dir()

    def _build(self, paths: list[Path], progress: Progress, rebuild: bool = False) -> Any:
        from qa.indexer import build_index

        report = build_index(
            paths, self.index_dir, rebuild=rebuild, embedder=self._embedder, progress=progress
        )
        if not (report.indexed or report.unchanged):
            raise EngineError("nothing in " + ", ".join(map(str, paths)) + " could be indexed")
        return report

    def reindex(self, progress: Progress) -> None:
        """Index again (only changed files are re-embedded), then reopen the new generation."""
        from qa.index import manifest_signature, open_index

        with self._lock:
            paths = self._default_paths()
            self._build(paths, progress)
            self._signature = manifest_signature(self.index_dir)
            opened = open_index(self.index_dir)
            if opened is None:
                raise EngineError(f"no index at {self.index_dir}")
            old, self.index = self.index, opened
            if old is not None:
                old.close()

    def _follow(self) -> None:
        """Answer from the newest generation: reopen when the manifest file changed.

        The open generation stays usable meanwhile (its vectors are in memory, and its
        SQLite file stays readable while open even if the indexer sweeps it), so a
        question asked during another process's re-index gets the old index's answer,
        and the next one after the swap gets the new index's. A manifest that now
        names a damaged index raises its one-line error rather than answering from the
        old data as if nothing were wrong.
        """
        from qa.index import manifest_signature, open_index

        signature = manifest_signature(self.index_dir)
        if self.index is None or signature == self._signature:
            return
        opened = open_index(self.index_dir)
        if opened is None:
            raise EngineError(
                f"the index at {self.index_dir} was removed; press ctrl+r to index again"
            )
        old, self.index, self._signature = self.index, opened, signature
        old.close()

    @staticmethod
    def _damaged(index_dir: Path, exc: Exception) -> Exception:
        """A store error met at query time (a damaged page) as the one-line remedy."""
        from qa.index import damaged

        return damaged(index_dir, f"store: {exc}")

    # -- use ----------------------------------------------------------------------
    def status(self) -> str:
        """Documents, chunks, model and index age, for the status line."""
        if self.index is None:
            return "no index"
        m = self.index.manifest
        age = _age(max(0.0, time.time() - (m.updated or m.created)))
        model = m.model_name.rsplit("/", 1)[-1]
        docs = len(m.documents)
        return (
            f"{docs} document{'s' if docs != 1 else ''} · {m.chunks} chunks · {model}"
            f" · index {age} old"
        )

    def ask(self, question: str, k: int = 5) -> Answer:
        """The core's answer to one question (quote questions from the quote index)."""
        import sqlite3

        from qa.asking import ask

        with self._lock:
            if self.index is None or self._embedder is None:
                raise EngineError("the index is not open yet")
            self._follow()
            try:
                return ask(self.index, self._embedder, question, k=k)
            except sqlite3.DatabaseError as exc:
                raise self._damaged(self.index_dir, exc) from None

    def quotes(self) -> list[QuoteHit] | None:
        """Every quotation of the open index, in document order; None before it opens."""
        import sqlite3

        from qa.quotes.listing import list_quotes

        with self._lock:
            if self.index is None:
                return None
            try:
                return list_quotes(self.index.store)
            except sqlite3.DatabaseError as exc:
                raise self._damaged(self.index_dir, exc) from None

    def document(self, source: str) -> DocumentText | None:
        """The full text of an indexed document, for the source pane."""
        import sqlite3

        with self._lock:
            if self.index is None:
                return None
            try:
                return self.index.store.document_by_source(source)
            except sqlite3.DatabaseError:
                # Called on the UI thread, where an exception would end the chat: the
                # pane stays shut, and the next question reports the damage.
                return None

    def close(self) -> None:
        """Close the index, unless a worker still holds it (quitting mid-load must not
        wait for the model; the process is ending anyway)."""
        if not self._lock.acquire(blocking=False):
            return
        try:
            if self.index is not None:
                self.index.close()
                self.index = None
        finally:
            self._lock.release()
