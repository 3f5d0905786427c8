"""The index: what it records, exact offsets, incremental updates, and surviving interruption."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np
import pytest
from click.testing import CliRunner

from qa.answer.ask import answer_question
from qa.cli.main import main
from qa.embedding.encoder import Embedder
from qa.errors import IndexBusy, IndexUnusable
from qa.index.builder import IndexReport, build_index
from qa.index.generations import index_lock
from qa.index.manifest import read_manifest
from qa.index.reader import Index
from qa.ingest.chunking import CHUNKER_VERSION

from helpers.corpus import BROKEN_FIXTURES as BROKEN
from helpers.corpus import FIXTURE_DOCS as FIXTURES
from helpers.corpus import GOOD_FIXTURES as GOOD
from helpers.corpus import SAMPLE_ARTICLE as SAMPLE

QA = str(Path(sys.executable).parent / "qa")

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
# How the .txt/.md fixtures are encoded, to decode them independently of qa.
TEXT_ENCODINGS = {
    "utf8.txt": "utf-8",
    "latin1.txt": "latin-1",
    "utf16_bom.txt": "utf-16",
    "guide.md": "utf-8",
}
ARTICLE_QUESTION = "What weapons has Russia given the North Korean soldiers?"
CORPUS_QUESTION = "How many hours of sun do tomatoes need?"

Opener = Callable[[Path], Index]


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


def answers(index: Index, embedder: Embedder, question: str = CORPUS_QUESTION) -> dict:
    """What `qa ask --json` would print for ``question``."""
    return answer_question(index, embedder, question).to_json()


class InterruptingEmbedder(Embedder):
    """The real model, but Ctrl-C arrives during its ``interrupt_on``-th batch of
    passages (the small corpus is encoded in one batch: every sentence, then the chunk
    means)."""

    def __init__(self, inner: Embedder, interrupt_on: int = 1) -> None:
        super().__init__()
        self.inner = inner
        self.interrupt_on = interrupt_on
        self.calls = 0

    def encode_passages(self, texts: list[str], threads: int | None = None) -> np.ndarray:
        """Encode with the shared model, or raise KeyboardInterrupt on the chosen call."""
        self.calls += 1
        if self.calls == self.interrupt_on:
            raise KeyboardInterrupt
        return self.inner.encode_passages(texts, threads)


@pytest.fixture
def corpus_index(tmp_path: Path, embedder: Embedder) -> tuple[Path, Path, IndexReport]:
    """A fresh index of the small corpus: (folder, index dir, first report)."""
    folder = make_corpus(tmp_path / "docs")
    index_dir = tmp_path / "index"
    report = build_index([folder], index_dir, embedder=embedder)
    assert len(report.indexed) == 3
    return folder, index_dir, report


# --- round trip -----------------------------------------------------------------------


def test_manifest_records_model_chunker_and_document_hashes(
    sample_index: tuple[Path, Path], open_index: Opener
) -> None:
    index_dir, source = sample_index
    index = open_index(index_dir)
    m = index.manifest
    assert m.model_name == MODEL_NAME
    assert m.model_sha256 == MODEL_SHA256
    assert m.dimensions == 384
    assert m.chunker_version == CHUNKER_VERSION
    assert m.documents == {str(source): sha256(source)}
    on_disk = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk["model_sha256"] == MODEL_SHA256 and on_disk["generation"] == m.generation


def test_every_chunk_has_one_vector(sample_index: tuple[Path, Path], open_index: Opener) -> None:
    index = open_index(sample_index.index_dir)
    documents, chunks = index.store.counts()
    assert documents == 1 and chunks > 1
    assert index.vectors.ntotal == chunks == index.manifest.chunks
    assert index.vectors.d == 384
    assert vector_ids(index) == set(index.store.iter_chunk_ids())


def test_formats_manifest_hashes_every_indexed_file(
    formats_index: tuple[IndexReport, Path, Path], open_index: Opener
) -> None:
    _, index_dir, folder = formats_index
    index = open_index(index_dir)
    assert index.manifest.documents == {str(folder / n): sha256(folder / n) for n in GOOD}
    assert index.vectors.ntotal == index.store.counts()[1] == index.manifest.chunks


@pytest.mark.parametrize("which", ["sample", "formats"])
def test_index_folder_holds_no_pickles(
    which: str, sample_index: tuple[Path, Path], formats_index: tuple[IndexReport, Path, Path]
) -> None:
    index_dir = sample_index.index_dir if which == "sample" else formats_index.index_dir
    files = [p for p in index_dir.rglob("*") if p.is_file()]
    assert any(p.name == "vectors.faiss" for p in files)
    for path in files:
        with open(path, "rb") as f:
            assert f.read(1) != b"\x80", f"{path} looks like a pickle"


# --- offsets for every format -----------------------------------------------------------


def qa_text(index_dir: Path, source: str) -> str:
    """What `qa text SOURCE` prints, decoded without newline translation."""
    result = CliRunner().invoke(main, ["text", source, "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode("utf-8")


@pytest.mark.parametrize("name", GOOD)
def test_chunk_offsets_point_into_what_qa_text_prints(
    name: str, formats_index: tuple[IndexReport, Path, Path], open_index: Opener
) -> None:
    _, index_dir, folder = formats_index
    index = open_index(index_dir)
    source = str(folder / name)
    doc = index.store.document_by_source(source)
    assert doc is not None
    printed = qa_text(index_dir, source)
    assert printed == doc.text
    chunks = index.store.chunks(chunk_ids(index, source)).values()
    assert chunks
    for chunk in chunks:
        passage = doc.text[chunk.start : chunk.end]
        assert passage.strip() and passage == passage.strip()
        assert printed[chunk.start : chunk.end] == passage
        for s, e in chunk.sentences:
            assert chunk.start <= s < e <= chunk.end
            assert printed[s:e] in passage


@pytest.mark.parametrize("name", sorted(TEXT_ENCODINGS))
def test_text_formats_store_the_decoded_file(
    name: str, formats_index: tuple[IndexReport, Path, Path], open_index: Opener
) -> None:
    _, index_dir, folder = formats_index
    doc = open_index(index_dir).store.document_by_source(str(folder / name))
    assert doc is not None
    assert doc.text == (folder / name).read_bytes().decode(TEXT_ENCODINGS[name])


def test_broken_files_are_skipped_with_a_reason_and_good_ones_indexed(
    formats_index: tuple[IndexReport, Path, Path],
) -> None:
    report, _, folder = formats_index
    assert sorted(report.indexed) == sorted(str(folder / n) for n in GOOD)
    reasons = dict(report.skipped)
    assert sorted(reasons) == sorted(str(folder / n) for n in BROKEN)
    for source, reason in reasons.items():
        assert reason.strip() and "\n" not in reason and len(reason) < 100, (source, reason)
        assert "Traceback" not in reason
    assert reasons[str(folder / "encrypted.pdf")] == "encrypted PDF (password required)"
    assert dict(report.warnings)[str(folder / "partly_scanned.pdf")] == "page 2 has no text layer"


# --- incremental updates ----------------------------------------------------------------


def test_unchanged_folder_is_not_reindexed(
    corpus_index: tuple[Path, Path, IndexReport], embedder: Embedder
) -> None:
    folder, index_dir, _ = corpus_index
    before = read_manifest(index_dir)
    assert before is not None
    report = build_index([folder], index_dir, embedder=embedder)
    assert report.unchanged == 3
    assert report.indexed == [] and report.removed == [] and report.new_chunks == 0
    after = read_manifest(index_dir)
    assert after == before
    assert generations(index_dir) == {before.generation}


def test_editing_one_file_reembeds_only_that_file(
    corpus_index: tuple[Path, Path, IndexReport], embedder: Embedder, open_index: Opener
) -> None:
    folder, index_dir, _ = corpus_index
    edited = folder / "utf8.txt"
    with open(edited, "ab") as f:
        f.write(b"\n\nThe lighthouse keeper feeds seventeen grey cats every morning.\n")
    report = build_index([folder], index_dir, embedder=embedder)
    assert report.indexed == [str(edited)]
    assert report.unchanged == 2
    index = open_index(index_dir)
    assert report.new_chunks == len(chunk_ids(index, str(edited))) > 0
    assert index.manifest.documents[str(edited)] == sha256(edited)
    result = answer_question(index, embedder, "Who feeds the seventeen grey cats?")
    assert result.passages[0].source == str(edited)
    assert "seventeen grey cats" in result.passages[0].text


def test_deleted_file_is_removed_with_its_vectors(
    corpus_index: tuple[Path, Path, IndexReport], embedder: Embedder, open_index: Opener
) -> None:
    folder, index_dir, _ = corpus_index
    gone = str(folder / "guide.md")
    old_ids = set(chunk_ids(open_index(index_dir), gone))
    assert old_ids
    (folder / "guide.md").unlink()
    report = build_index([folder], index_dir, embedder=embedder)
    assert report.removed == [gone]
    assert report.indexed == [] and report.unchanged == 2
    index = open_index(index_dir)
    assert gone not in index.manifest.documents
    assert index.store.document_by_source(gone) is None
    assert not old_ids & vector_ids(index)
    assert index.vectors.ntotal == index.store.counts()[1]
    result = answer_question(index, embedder, "How many hours of sun do tomatoes need?")
    assert all(p.source != gone for p in result.passages)


def test_adding_a_file_from_another_folder_keeps_what_was_indexed(
    tmp_path: Path, embedder: Embedder, open_index: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sources are stored as the user named them (relative here); indexing one more file
    from elsewhere must not take relative sources for deleted files."""
    project = tmp_path / "project"
    make_corpus(project / "notes")
    monkeypatch.chdir(project)
    first = build_index([Path("notes")], tmp_path / "index", embedder=embedder)
    assert len(first.indexed) == 3
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "extra.txt").write_text("The harbour opens at dawn every day.\n")
    monkeypatch.chdir(elsewhere)
    second = build_index([Path("extra.txt")], tmp_path / "index", embedder=embedder)
    assert second.indexed == ["extra.txt"] and second.removed == []
    assert len(open_index(tmp_path / "index").manifest.documents) == 4


def test_index_from_another_model_is_refused_then_rebuilt(
    corpus_index: tuple[Path, Path, IndexReport], embedder: Embedder, open_index: Opener
) -> None:
    folder, index_dir, _ = corpus_index
    path = index_dir / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["model_sha256"] = "0" * 64
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(IndexUnusable, match=r"qa index --rebuild"):
        open_index(index_dir)

    report = build_index([folder], index_dir, embedder=embedder)
    assert report.rebuilt is not None and "model" in report.rebuilt
    assert len(report.indexed) == 3
    assert open_index(index_dir).manifest.model_sha256 == MODEL_SHA256


# --- interruption and locking -----------------------------------------------------------


def test_interrupted_update_leaves_the_previous_index_whole(
    corpus_index: tuple[Path, Path, IndexReport], embedder: Embedder, open_index: Opener
) -> None:
    folder, index_dir, _ = corpus_index
    before = read_manifest(index_dir)
    expected = answers(open_index(index_dir), embedder)
    gens = generations(index_dir)
    with open(folder / "utf8.txt", "ab") as f:
        f.write(b"\nA new closing line.\n")
    shutil.copyfile(FIXTURES / "article.html", folder / "article.html")

    interrupting = InterruptingEmbedder(embedder)
    with pytest.raises(KeyboardInterrupt):
        build_index([folder], index_dir, embedder=interrupting)
    assert interrupting.calls == 1

    assert read_manifest(index_dir) == before
    assert generations(index_dir) == gens
    assert answers(open_index(index_dir), embedder) == expected

    report = build_index([folder], index_dir, embedder=embedder)
    assert sorted(report.indexed) == [str(folder / "article.html"), str(folder / "utf8.txt")]
    assert len(open_index(index_dir).manifest.documents) == 4


def test_interrupted_rebuild_leaves_the_previous_index_whole(
    corpus_index: tuple[Path, Path, IndexReport], embedder: Embedder, open_index: Opener
) -> None:
    """Ctrl-C during `qa index --rebuild` must not cost the user the index they had."""
    folder, index_dir, _ = corpus_index
    before = read_manifest(index_dir)
    expected = answers(open_index(index_dir), embedder)
    gens = generations(index_dir)

    with pytest.raises(KeyboardInterrupt):
        build_index([folder], index_dir, rebuild=True, embedder=InterruptingEmbedder(embedder))

    assert read_manifest(index_dir) == before
    assert answers(open_index(index_dir), embedder) == expected
    assert generations(index_dir) == gens


def interrupt_qa_index(folder: Path, index_dir: Path, sig: int, log: Path) -> int:
    """Run `qa index` in a real process and send it ``sig`` once it has begun a new
    generation folder; returns its exit status."""
    before = generations(index_dir)
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [QA, "index", str(folder), "--index", str(index_dir)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            while not generations(index_dir) - before:
                assert proc.poll() is None, "qa index ended before it could be interrupted"
                assert time.monotonic() < deadline, "qa index never started a generation"
                time.sleep(0.02)
            time.sleep(0.3)
            proc.send_signal(sig)
            return proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_killed_or_interrupted_qa_index_leaves_the_previous_index_whole(
    tmp_path: Path, embedder: Embedder, open_index: Opener
) -> None:
    """A real `qa index` over 30 articles, killed (SIGKILL), then interrupted (SIGINT)."""
    folder = tmp_path / "docs"
    folder.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    (folder / "copy-00.txt").write_text(text, encoding="utf-8")
    index_dir = tmp_path / "index"
    build_index([folder], index_dir, embedder=embedder)
    before = read_manifest(index_dir)
    assert before is not None
    expected = answers(open_index(index_dir), embedder, ARTICLE_QUESTION)
    assert expected["answer"] is not None
    for i in range(1, 30):
        (folder / f"copy-{i:02}.txt").write_text(
            f"{text}\nThis is edition {i} of the article.\n", encoding="utf-8"
        )

    status = interrupt_qa_index(folder, index_dir, signal.SIGKILL, tmp_path / "kill.log")
    assert status == -signal.SIGKILL
    assert read_manifest(index_dir) == before
    assert answers(open_index(index_dir), embedder, ARTICLE_QUESTION) == expected

    status = interrupt_qa_index(folder, index_dir, signal.SIGINT, tmp_path / "int.log")
    output = (tmp_path / "int.log").read_text(encoding="utf-8", errors="replace")
    assert status == 130, output
    assert "interrupted" in output and "Traceback" not in output
    assert read_manifest(index_dir) == before
    assert answers(open_index(index_dir), embedder, ARTICLE_QUESTION) == expected
    # The interrupted run cleaned up after itself, and after the killed run too.
    assert generations(index_dir) == {before.generation}

    report = build_index([folder], index_dir, embedder=embedder)
    assert len(report.indexed) == 29 and report.unchanged == 1 and not report.skipped
    after = read_manifest(index_dir)
    assert after is not None and len(after.documents) == 30
    assert after.chunks == open_index(index_dir).vectors.ntotal
    assert generations(index_dir) == {after.generation, before.generation}
    assert answers(open_index(index_dir), embedder, ARTICLE_QUESTION)["answer"] is not None


def test_index_is_busy_while_another_indexer_holds_the_lock(
    tmp_path: Path, embedder: Embedder
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copyfile(FIXTURES / "utf8.txt", folder / "utf8.txt")
    index_dir = tmp_path / "index"
    with index_lock(index_dir), pytest.raises(IndexBusy) as busy:
        build_index([folder], index_dir, embedder=embedder)
    message = str(busy.value)
    assert "another qa is updating the index" in message and str(index_dir) in message
    assert "\n" not in message
    assert read_manifest(index_dir) is None and not generations(index_dir)
    # Once the other indexer is done, indexing works.
    assert build_index([folder], index_dir, embedder=embedder).indexed == [
        os.path.join(str(folder), "utf8.txt")
    ]


def test_encode_many_gives_each_text_its_own_vector_in_input_order(embedder: Embedder) -> None:
    """Texts are encoded in batches of like token counts, not in the order given (and
    not by their length in characters): each row still belongs to its own text."""
    texts = [
        "Tomatoes need six hours of sun.",
        "In 1973–74, OAPEC's 5,000,000 bbl/d cut (≈7%) hit the U.S., Japan and the EEC.",
        "Yes.",
        "Basil likes warm nights and well-drained soil, and it hates a cold draught at dusk.",
    ] * 20
    many = embedder.encode_many(texts)
    one_by_one = np.vstack([embedder.encode([t]) for t in texts[:4]] * 20)
    assert many.shape == (80, 384)
    assert np.allclose(many, one_by_one, atol=1e-5)
    counts = embedder.token_counts(texts[:4])
    assert counts[1] > counts[3] and len(texts[1]) < len(texts[3])  # why characters mislead


class _UnloadedStubEmbedder:
    """Stands in for a model not yet loaded (as in `qa index`), without loading one."""

    name, sha256, dimensions = MODEL_NAME, MODEL_SHA256, 384
    loaded = False

    def load(self) -> None:
        self.loaded = True

    def encode_many(self, texts: list[str], progress: object = None) -> np.ndarray:
        rng = np.random.default_rng(len(texts))
        out = rng.normal(size=(len(texts), self.dimensions)).astype(np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_quotations_are_parsed_by_a_worker_while_the_model_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_index: Opener
) -> None:
    """With the model still to load, documents holding quotations go to the worker
    process (the others need no parse), and what it finds is what is stored."""
    from qa.index import builder as indexer
    from qa.ingest.chunking import chunk_text
    from qa.ingest.extract import extract
    from qa.quotes import extract_quotes

    submitted: list[str] = []

    class Watched(indexer.QuoteWorker):
        def submit(self, text: str, *rest: object) -> int:
            submitted.append(text[:20])
            return super().submit(text, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(indexer, "QuoteWorker", Watched)
    monkeypatch.setattr(indexer, "_model_load_is_slow", lambda: True)  # as in a fresh `qa`
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copyfile(SAMPLE, folder / "article.txt")
    (folder / "plain.txt").write_text("Nothing here is quoted.\n", encoding="utf-8")
    build_index([folder], tmp_path / "index", embedder=_UnloadedStubEmbedder())  # type: ignore[arg-type]

    extracted = extract(SAMPLE)
    assert submitted == [extracted.text[:20]]
    layout = chunk_text(extracted)
    expected = extract_quotes(
        extracted.text,
        [(p.start, p.end) for p in layout.paragraphs],
        [s for chunk in layout.chunks for s in chunk.sentences],
    )
    stored = open_index(tmp_path / "index").store.quotes()
    assert [(q.start, q.end, q.speaker, q.mention, q.how) for q in stored] == [
        (q.start, q.end, q.speaker, q.mention, q.how) for q in expected
    ]


def test_an_update_reads_the_old_vectors_once(
    tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check that the old index is whole reads its vectors; the update starts from
    those rather than reading the file a second time."""
    from qa.index import vectors

    folder = make_corpus(tmp_path / "docs")
    index_dir = tmp_path / "index"
    build_index([folder], index_dir, embedder=embedder)
    (folder / "basil.txt").write_text("Basil likes warm nights.\n", encoding="utf-8")
    reads: list[Path] = []
    real = vectors.read_index

    def counted(path: Path) -> object:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(vectors, "read_index", counted)
    report = build_index([folder], index_dir, embedder=embedder)
    assert report.indexed == [str(folder / "basil.txt")] and not report.rebuilt
    assert len(reads) == 1


def test_a_loaded_model_means_quotations_are_parsed_here(
    tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
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
    build_index([folder], tmp_path / "index", embedder=embedder)
    result = CliRunner().invoke(main, ["quotes", "--json", "--index", str(tmp_path / "index")])
    assert result.exit_code == 0
    assert [json.loads(line)["speaker"] for line in result.stdout.splitlines()] == ["Jane Okafor"]
