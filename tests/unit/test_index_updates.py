"""Building and updating an index on the fake encoder: what each run records, re-embeds
and removes, refusing another model's index, surviving Ctrl-C, and the lock.

Nothing here depends on what the vectors mean, so the deterministic ``encoder``
stands in for the model (the real model's tests are in integration/test_index.py).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from qa.answer.ask import answer_question
from qa.cli.main import main
from qa.errors import IndexBusy, IndexUnusable
from qa.index.builder import IndexReport, build_index
from qa.index.generations import index_lock
from qa.index.manifest import read_manifest
from qa.index.reader import Index
from qa.index.vectors import VectorIndex

from helpers.corpus import FIXTURE_DOCS as FIXTURES
from helpers.fake_encoder import FakeEncoder
from helpers.index_files import (
    answers,
    build_corpus,
    chunk_ids,
    generations,
    make_corpus,
    vector_ids,
)

MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

Opener = Callable[[Path], Index]


class InterruptingEncoder(FakeEncoder):
    """Ctrl-C arrives during its ``interrupt_on``-th batch of passages."""

    def __init__(self, interrupt_on: int = 1) -> None:
        super().__init__()
        self.interrupt_on = interrupt_on

    def encode_many(self, texts: list[str], progress: object = None) -> np.ndarray:
        """Encode, or raise KeyboardInterrupt on the chosen call."""
        if self.calls + 1 == self.interrupt_on:
            self.calls += 1
            raise KeyboardInterrupt
        return super().encode_many(texts)


@pytest.fixture
def corpus_index(tmp_path: Path, encoder: FakeEncoder) -> tuple[Path, Path, IndexReport]:
    """A fresh index of the small corpus: (folder, index dir, first report)."""
    return build_corpus(tmp_path, encoder)


def test_unchanged_folder_is_not_reindexed(
    corpus_index: tuple[Path, Path, IndexReport], encoder: FakeEncoder
) -> None:
    folder, index_dir, _ = corpus_index
    before = read_manifest(index_dir)
    assert before is not None
    report = build_index([folder], index_dir, embedder=encoder)
    assert report.unchanged == 3
    assert report.indexed == [] and report.removed == [] and report.new_chunks == 0
    after = read_manifest(index_dir)
    assert after == before
    assert generations(index_dir) == {before.generation}


def test_deleted_file_is_removed_with_its_vectors(
    corpus_index: tuple[Path, Path, IndexReport], encoder: FakeEncoder, open_index: Opener
) -> None:
    folder, index_dir, _ = corpus_index
    gone = str(folder / "guide.md")
    old_ids = set(chunk_ids(open_index(index_dir), gone))
    assert old_ids
    (folder / "guide.md").unlink()
    report = build_index([folder], index_dir, embedder=encoder)
    assert report.removed == [gone]
    assert report.indexed == [] and report.unchanged == 2
    index = open_index(index_dir)
    assert gone not in index.manifest.documents
    assert index.document_by_source(gone) is None
    assert not old_ids & vector_ids(index)
    assert index.vector_count == index.counts()[1]
    result = answer_question(index, encoder, "How many hours of sun do tomatoes need?")
    assert all(p.source != gone for p in result.passages)


def test_adding_a_file_from_another_folder_keeps_what_was_indexed(
    tmp_path: Path, encoder: FakeEncoder, open_index: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sources are stored as the user named them (relative here); indexing one more file
    from elsewhere must not take relative sources for deleted files."""
    project = tmp_path / "project"
    make_corpus(project / "notes")
    monkeypatch.chdir(project)
    first = build_index([Path("notes")], tmp_path / "index", embedder=encoder)
    assert len(first.indexed) == 3
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "extra.txt").write_text("The harbour opens at dawn every day.\n")
    monkeypatch.chdir(elsewhere)
    second = build_index([Path("extra.txt")], tmp_path / "index", embedder=encoder)
    assert second.indexed == ["extra.txt"] and second.removed == []
    assert len(open_index(tmp_path / "index").manifest.documents) == 4


def test_index_from_another_model_is_refused_then_rebuilt(
    corpus_index: tuple[Path, Path, IndexReport], encoder: FakeEncoder, open_index: Opener
) -> None:
    folder, index_dir, _ = corpus_index
    path = index_dir / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["model_sha256"] = "0" * 64
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(IndexUnusable, match=r"qa index --rebuild"):
        open_index(index_dir)

    report = build_index([folder], index_dir, embedder=encoder)
    assert report.rebuilt is not None and "model" in report.rebuilt
    assert len(report.indexed) == 3
    assert open_index(index_dir).manifest.model_sha256 == MODEL_SHA256


def test_interrupted_update_leaves_the_previous_index_whole(
    corpus_index: tuple[Path, Path, IndexReport], encoder: FakeEncoder, open_index: Opener
) -> None:
    folder, index_dir, _ = corpus_index
    before = read_manifest(index_dir)
    expected = answers(open_index(index_dir), encoder)
    gens = generations(index_dir)
    with open(folder / "utf8.txt", "ab") as f:
        f.write(b"\nA new closing line.\n")
    shutil.copyfile(FIXTURES / "article.html", folder / "article.html")

    interrupting = InterruptingEncoder()
    with pytest.raises(KeyboardInterrupt):
        build_index([folder], index_dir, embedder=interrupting)
    assert interrupting.calls == 1

    assert read_manifest(index_dir) == before
    assert generations(index_dir) == gens
    assert answers(open_index(index_dir), encoder) == expected

    report = build_index([folder], index_dir, embedder=encoder)
    assert sorted(report.indexed) == [str(folder / "article.html"), str(folder / "utf8.txt")]
    assert len(open_index(index_dir).manifest.documents) == 4


def test_interrupted_rebuild_leaves_the_previous_index_whole(
    corpus_index: tuple[Path, Path, IndexReport], encoder: FakeEncoder, open_index: Opener
) -> None:
    """Ctrl-C during `qa index --rebuild` must not cost the user the index they had."""
    folder, index_dir, _ = corpus_index
    before = read_manifest(index_dir)
    expected = answers(open_index(index_dir), encoder)
    gens = generations(index_dir)

    with pytest.raises(KeyboardInterrupt):
        build_index([folder], index_dir, rebuild=True, embedder=InterruptingEncoder())

    assert read_manifest(index_dir) == before
    assert answers(open_index(index_dir), encoder) == expected
    assert generations(index_dir) == gens


def test_index_is_busy_while_another_indexer_holds_the_lock(
    tmp_path: Path, encoder: FakeEncoder
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copyfile(FIXTURES / "utf8.txt", folder / "utf8.txt")
    index_dir = tmp_path / "index"
    with index_lock(index_dir), pytest.raises(IndexBusy) as busy:
        build_index([folder], index_dir, embedder=encoder)
    message = str(busy.value)
    assert "another qa is updating the index" in message and str(index_dir) in message
    assert "\n" not in message
    assert read_manifest(index_dir) is None and not generations(index_dir)
    # Once the other indexer is done, indexing works.
    assert build_index([folder], index_dir, embedder=encoder).indexed == [
        os.path.join(str(folder), "utf8.txt")
    ]


def test_an_update_reads_the_old_vectors_once(
    tmp_path: Path, encoder: FakeEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check that the old index is whole reads its vectors; the update starts from
    those rather than reading the file a second time."""
    folder = make_corpus(tmp_path / "docs")
    index_dir = tmp_path / "index"
    build_index([folder], index_dir, embedder=encoder)
    (folder / "basil.txt").write_text("Basil likes warm nights.\n", encoding="utf-8")
    reads: list[Path] = []
    real = VectorIndex.load

    def counted(cls: type[VectorIndex], path: Path) -> VectorIndex:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(VectorIndex, "load", classmethod(counted))
    report = build_index([folder], index_dir, embedder=encoder)
    assert report.indexed == [str(folder / "basil.txt")] and not report.rebuilt
    assert len(reads) == 1


def test_a_loaded_model_means_quotations_are_parsed_here(
    tmp_path: Path, encoder: FakeEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the model loaded (a test session, the chat's re-index) no child is started:
    it would cost more than the parse."""
    from qa.index import builder as indexer

    def no_worker() -> None:
        raise AssertionError("a quote worker was started though the model was loaded")

    monkeypatch.setattr(indexer, "QuoteWorker", no_worker)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "note.txt").write_text("“We will find the money,” said Jane Okafor.\n", "utf-8")
    build_index([folder], tmp_path / "index", embedder=encoder)
    result = CliRunner().invoke(main, ["quotes", "--json", "--index", str(tmp_path / "index")])
    assert result.exit_code == 0
    assert [json.loads(line)["speaker"] for line in result.stdout.splitlines()] == ["Jane Okafor"]
