"""A session over one index: what the CLI and the chat both drive.

It opens the index (building it first when there is none: the bundled documents'
index is built, and rebuilt when it was made by another model or chunker, on its own;
any other is the user's to build), loads the model, follows a newer generation that
another process swaps in, and answers: questions, quotations, a document's text, a
re-index. Every method may be slow (FAISS, SQLite, the model), so the chat calls them
only from thread workers; heavy modules are imported inside the methods, so importing
this module (and drawing the chat's first frame) imports none of them.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qa.config import DEFAULT_DOCS, default_documents, is_default_index
from qa.errors import IndexUnusable, SessionError

if TYPE_CHECKING:
    from qa.answer.model import Answer
    from qa.answer.quotations import QuoteHit
    from qa.citations import Citation
    from qa.conversation import Conversation, Reading
    from qa.embedding.encoder import Encoder
    from qa.index.builder import IndexReport
    from qa.index.reader import Index
    from qa.index.store import DocumentText
    from qa.verify import VerifyResult

Progress = Callable[[str, int, int], None]

# How many documents (the first, by path) an example question may be drawn from.
SAMPLED_DOCUMENTS = 5


@dataclass(frozen=True)
class DocumentFacts:
    """What an example question may be made of: one document's title, text and the
    named speakers it quotes (most quoted first)."""

    source: str
    title: str | None
    text: str
    speakers: tuple[str, ...]


@dataclass(frozen=True)
class Overview:
    """What the index holds, for the chat's first screen: every document, and the
    first few documents' facts for an example question."""

    documents: tuple[str, ...]
    samples: tuple[DocumentFacts, ...]


Build = Callable[[list[Path], bool], "IndexReport"]


def _age(seconds: float) -> str:
    """A short, human index age (``5 s``, ``3 min``, ``2 h``, ``4 d``)."""
    if seconds < 60:
        return f"{int(seconds)} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


class Session:
    """Owns the open index and the encoder; thread-safe through one lock."""

    def __init__(
        self,
        index_dir: Path,
        paths: list[Path] | None = None,
        embedder: Encoder | None = None,
    ) -> None:
        self.index_dir = index_dir
        self.paths = paths
        self._embedder = embedder
        self.index: Index | None = None
        self._lock = threading.RLock()
        # The manifest file the open index was read from: when another process (a
        # `qa index` in another terminal) swaps in a new generation, this changes.
        self._signature: tuple[int, int, int] | None = None
        # The last build's per-file warnings and skips ("page.html: little text for the
        # page's size ..."), from its IndexReport, for the chat's indexing notices.
        self.notices: list[str] = []

    # -- start-up ---------------------------------------------------------------
    def _default_paths(self, remedy: str) -> list[Path]:
        """What to index: the given paths, docs/ for the default index, else the indexed
        files; with none of these, a SessionError ending in ``remedy``."""
        if self.paths:
            return list(self.paths)
        if is_default_index(self.index_dir):
            return default_documents()
        if self.index is not None:
            return sorted(Path(s) for s in self.index.manifest.documents)
        raise SessionError(f"no index at {self.index_dir}; {remedy}")

    def _encoder(self) -> Encoder:
        """The session's encoder; when none was given, the real model, made here and
        loaded on its first use (if ever)."""
        from qa.embedding.encoder import Embedder

        if self._embedder is None:
            self._embedder = Embedder()
        return self._embedder

    def prepare(self, progress: Progress) -> None:
        """The chat's start-up: open the index (building it first when there is none)
        and load the model."""
        with self._lock:
            encoder = self._encoder()
            start_loading = getattr(encoder, "start_loading", None)
            if callable(start_loading):
                start_loading()  # the real model: overlaps opening or building the index
            self.open_or_build(
                lambda paths, rebuild: self._build(paths, progress, rebuild),
                notify=lambda _line: None,
                remedy=f"start with `qa chat PATH --index {self.index_dir}`",
            )
            progress("loading model", 0, 1)
            encoder.load()

    def open_or_build(
        self, build: Build, notify: Callable[[str], None], remedy: str | None = None
    ) -> Index:
        """Open the index, building it first when there is none: from the session's
        paths, or the bundled documents for their index, which is also rebuilt when it
        was made by another model or chunker (``notify`` tells why, ``build`` builds and
        raises SessionError when nothing could be indexed). Any other index is the
        user's to build, so a missing one is a SessionError ending in ``remedy``."""
        from qa.index.reader import manifest_signature, open_index

        remedy = remedy or f"build one with `qa index PATH --index {self.index_dir}`"
        with self._lock:
            self._signature = manifest_signature(self.index_dir)
            rebuild = False
            try:
                opened = open_index(self.index_dir)
            except IndexUnusable as exc:
                if not self.paths and not is_default_index(self.index_dir):
                    raise
                notify(f"qa: {exc}; rebuilding it now")
                opened, rebuild = None, True
            if opened is None:
                paths = self._default_paths(remedy)
                if not rebuild and not self.paths:
                    notify(
                        f"qa: no index yet; indexing {DEFAULT_DOCS}/ into {self.index_dir}/ first"
                    )
                build(paths, rebuild)
                self._signature = manifest_signature(self.index_dir)
                opened = open_index(self.index_dir)
                if opened is None:
                    raise SessionError(f"nothing could be indexed into {self.index_dir}")
            self.index = opened
            return opened

    def _build(self, paths: list[Path], progress: Progress, rebuild: bool = False) -> IndexReport:
        from qa.index.builder import build_index

        report = build_index(
            paths, self.index_dir, rebuild=rebuild, embedder=self._embedder, progress=progress
        )
        self.notices = [f"{source}: {warning}" for source, warning in report.warnings] + [
            f"skipped {source}: {reason}" for source, reason in report.skipped
        ]
        if not (report.indexed or report.unchanged):
            raise SessionError("nothing in " + ", ".join(map(str, paths)) + " could be indexed")
        return report

    def reindex(self, progress: Progress) -> None:
        """Index again (only changed files are re-embedded), then reopen the new generation."""
        from qa.index.reader import manifest_signature, open_index

        with self._lock:
            paths = self._default_paths(f"start with `qa chat PATH --index {self.index_dir}`")
            self._build(paths, progress)
            self._signature = manifest_signature(self.index_dir)
            opened = open_index(self.index_dir)
            if opened is None:
                raise SessionError(f"no index at {self.index_dir}")
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
        from qa.index.reader import manifest_signature, open_index

        signature = manifest_signature(self.index_dir)
        if self.index is None or signature == self._signature:
            return
        opened = open_index(self.index_dir)
        if opened is None:
            raise SessionError(
                f"the index at {self.index_dir} was removed; press ctrl+r to index again"
            )
        old, self.index, self._signature = self.index, opened, signature
        old.close()

    @staticmethod
    def _damaged(index_dir: Path, exc: Exception) -> Exception:
        """A store error met at query time (a damaged page) as the one-line remedy."""
        from qa.index.reader import damaged

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

    def overview(self) -> Overview:
        """The indexed documents (sorted by path) and the facts of the first few: what
        the chat's first screen lists and draws its example question from."""
        with self._lock:
            if self.index is None:
                return Overview((), ())
            sources = tuple(sorted(self.index.manifest.documents))
            samples = []
            for source in sources[:SAMPLED_DOCUMENTS]:
                doc = self.index.document_by_source(source)
                if doc is None:
                    continue
                named = Counter(q.speaker for q in self.index.quotes([doc.id]) if q.speaker)
                speakers = tuple(name for name, _ in named.most_common())
                samples.append(DocumentFacts(source, doc.title, doc.text, speakers))
            return Overview(sources, tuple(samples))

    def _answer(self, call: Callable[[Index, Encoder], Answer]) -> Answer:
        """``call`` on the newest generation and the model, under the lock; a store error
        met on the way as the one-line remedy."""
        import sqlite3

        with self._lock:
            if self.index is None or self._embedder is None:
                raise SessionError("the index is not open yet")
            self._follow()
            try:
                return call(self.index, self._embedder)
            except sqlite3.DatabaseError as exc:
                raise self._damaged(self.index_dir, exc) from None
            except (OSError, RuntimeError, ValueError) as exc:
                # On object storage a question can meet a dropped connection or a
                # refused request: said in one line, as a failure to open would be.
                if self.index.manifest.storage != "lance":
                    raise
                from qa.index.lance_tables import store_error

                raise store_error(self.index_dir, exc) from None

    def ask(self, question: str, k: int = 5) -> Answer:
        """The core's answer to one question (quote questions from the quote index)."""
        from qa.answer.ask import ask

        return self._answer(lambda index, encoder: ask(index, encoder, question, k=k))

    def converse(
        self, conversation: Conversation, question: str, k: int = 5, reading: Reading | None = None
    ) -> Answer:
        """The answer to ``question`` as the next turn of ``conversation`` (a follow-up
        is resolved from the turns before, and the turn is added); with ``reading``, that
        reading is asked as it is (the chat's pick between two readings)."""
        from qa.conversation import converse

        return self._answer(
            lambda index, encoder: converse(index, encoder, conversation, question, k, reading)
        )

    def quotes(self, speaker: str | None = None, about: str | None = None) -> list[QuoteHit] | None:
        """Every quotation of the open index in document order (only ``speaker``'s, by
        any form of the name, when given); with ``about``, those on that topic first
        (the model is loaded for it). None before the index opens."""
        import sqlite3

        from qa.answer.quotations import list_quotes

        with self._lock:
            if self.index is None:
                return None
            encoder = self._encoder() if about is not None else None
            try:
                return list_quotes(self.index, speaker, about=about, encoder=encoder)
            except sqlite3.DatabaseError as exc:
                raise self._damaged(self.index_dir, exc) from None

    def speakers(self) -> list[str]:
        """Every named speaker, once, alphabetically."""
        from qa.answer.quotations import speakers

        with self._lock:
            return speakers(self.index) if self.index is not None else []

    def verify(self, text: str) -> VerifyResult:
        """Whether ``text`` is in the documents, and how exactly. The model is loaded
        only when its words are not there, exactly or nearly (to look for it by meaning)."""
        import sqlite3

        from qa.verify import verify

        with self._lock:
            if self.index is None:
                raise SessionError("the index is not open yet")
            self._follow()
            try:
                return verify(self.index, text, encoder=self._encoder())
            except sqlite3.DatabaseError as exc:
                raise self._damaged(self.index_dir, exc) from None

    def document(self, source: str) -> DocumentText | None:
        """The full text of an indexed document, for the source pane."""
        import sqlite3

        with self._lock:
            if self.index is None:
                return None
            try:
                return self.index.document_by_source(source)
            except sqlite3.DatabaseError:
                # Called on the UI thread, where an exception would end the chat: the
                # pane stays shut, and the next question reports the damage.
                return None

    def cite(self, source: str, start: int, end: int) -> Citation | None:
        """The citation of ``[start, end)`` in an indexed document (its own paragraph,
        not that of the passage around it); None when the document is not open."""
        from qa.citations import cite

        doc = self.document(source)
        return None if doc is None else cite(doc, start, end)

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
