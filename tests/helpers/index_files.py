"""Looking at an index folder from a test: its generations, chunk and vector ids, and
the small corpus the index tests build."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import faiss

from qa.answer.ask import answer_question
from qa.embedding.encoder import Encoder
from qa.index.reader import Index

from helpers.corpus import FIXTURE_DOCS as FIXTURES

CORPUS_QUESTION = "How many hours of sun do tomatoes need?"


def sha256(path: Path) -> str:
    """The sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def generations(index_dir: Path) -> set[str]:
    """Names of the generation folders in an index folder."""
    return {p.name for p in index_dir.glob("gen-*") if p.is_dir()}


def make_corpus(folder: Path) -> Path:
    """A small, quick to embed folder: two plain text notes and a Markdown guide."""
    folder.mkdir(parents=True)
    for name in ("utf8.txt", "latin1.txt", "guide.md"):
        shutil.copyfile(FIXTURES / name, folder / name)
    return folder


def chunk_ids(index: Index, source: str) -> list[int]:
    """Store ids of the chunks of one document."""
    rows = index.store.conn.execute(
        "SELECT chunks.id FROM chunks JOIN documents ON documents.id = chunks.doc_id "
        "WHERE documents.source = ?",
        (source,),
    )
    return [r[0] for r in rows]


def vector_ids(index: Index) -> set[int]:
    """The chunk ids the FAISS index holds vectors for."""
    return set(faiss.vector_to_array(index.vectors.id_map).tolist())


def answers(index: Index, embedder: Encoder, question: str = CORPUS_QUESTION) -> dict:
    """What `qa ask --json` would print for ``question``."""
    return answer_question(index, embedder, question).to_json()
