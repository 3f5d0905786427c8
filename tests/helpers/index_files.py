"""Looking at an index folder from a test: its generations, chunk and vector ids, and
the small corpus the index tests build."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from qa.answer.ask import answer_question
from qa.embedding.encoder import Encoder
from qa.index.builder import IndexReport, build_index
from qa.index.reader import VECTORS_NAME, Index
from qa.index.vectors import VectorIndex

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


def build_corpus(tmp_path: Path, encoder: Encoder) -> tuple[Path, Path, IndexReport]:
    """The small corpus indexed fresh with ``encoder``: (folder, index dir, report)."""
    folder = make_corpus(tmp_path / "docs")
    index_dir = tmp_path / "index"
    report = build_index([folder], index_dir, embedder=encoder)
    assert len(report.indexed) == 3
    return folder, index_dir, report


def chunk_ids(index: Index, source: str) -> list[int]:
    """Store ids of the chunks of one document."""
    return index.chunk_ids(source)


def vector_file(index: Index) -> VectorIndex:
    """The index's vector file, read on its own."""
    return VectorIndex.load(index.path / index.manifest.generation / VECTORS_NAME)


def vector_ids(index: Index) -> set[int]:
    """The chunk ids the FAISS index holds vectors for."""
    return {int(i) for i in vector_file(index).all_vectors()[0]}


def answers(index: Index, embedder: Encoder, question: str = CORPUS_QUESTION) -> dict:
    """What `qa ask --json` would print for ``question``."""
    return answer_question(index, embedder, question).to_json()
