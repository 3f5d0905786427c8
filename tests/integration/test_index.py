"""The index: what it records, exact offsets, incremental updates, and surviving interruption."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from qa.answer.ask import answer_question
from qa.cli.main import main
from qa.embedding.encoder import Embedder
from qa.index.builder import IndexReport, build_index
from qa.index.manifest import read_manifest
from qa.index.reader import Index
from qa.ingest.chunking import CHUNKER_VERSION

from helpers.corpus import BROKEN_FIXTURES as BROKEN
from helpers.corpus import GOOD_FIXTURES as GOOD
from helpers.corpus import SAMPLE_ARTICLE as SAMPLE
from helpers.index_files import (
    answers,
    build_corpus,
    chunk_ids,
    generations,
    sha256,
    vector_file,
    vector_ids,
)

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

Opener = Callable[[Path], Index]


@pytest.fixture
def corpus_index(tmp_path: Path, embedder: Embedder) -> tuple[Path, Path, IndexReport]:
    """A fresh index of the small corpus: (folder, index dir, first report)."""
    return build_corpus(tmp_path, embedder)


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
    documents, chunks = index.counts()
    assert documents == 1 and chunks > 1
    assert index.vector_count == chunks == index.manifest.chunks
    assert vector_file(index).dimensions == 384
    assert vector_ids(index) == set(index.chunk_ids())


def test_formats_manifest_hashes_every_indexed_file(
    formats_index: tuple[IndexReport, Path, Path], open_index: Opener
) -> None:
    _, index_dir, folder = formats_index
    index = open_index(index_dir)
    assert index.manifest.documents == {str(folder / n): sha256(folder / n) for n in GOOD}
    assert index.vector_count == index.counts()[1] == index.manifest.chunks


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
    doc = index.document_by_source(source)
    assert doc is not None
    printed = qa_text(index_dir, source)
    assert printed == doc.text
    chunks = index.chunks(chunk_ids(index, source)).values()
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
    doc = open_index(index_dir).document_by_source(str(folder / name))
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


# --- interruption and locking -----------------------------------------------------------


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
    assert after.chunks == open_index(index_dir).vector_count
    assert generations(index_dir) == {after.generation, before.generation}
    assert answers(open_index(index_dir), embedder, ARTICLE_QUESTION)["answer"] is not None


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
    stored = open_index(tmp_path / "index").quotes()
    assert [(q.start, q.end, q.speaker, q.mention, q.how) for q in stored] == [
        (q.start, q.end, q.speaker, q.mention, q.how) for q in expected
    ]
