"""`qa index --ray`: the same index a plain build makes, embedded by Ray actors on a local
Ray with two CPUs (as CI has), and a job stopped half-way goes on with what is left."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qa.answer.ask import ask
from qa.embedding.encoder import Embedder
from qa.errors import InterruptedPartway
from qa.index.builder import build_index
from qa.index.lance_store import LANCE_IVF, open_tables, read_rows
from qa.index.lance_tables import CHUNKS, DOCUMENTS, QUOTES, TERMS, connect, read_commit
from qa.index.location import IndexPath
from qa.index.ray_build import JobProgress, build_index_on_ray
from qa.index.reader import open_index

from helpers.cli import HANG_SECONDS, QA, run_qa
from helpers.corpus import FIXTURE_DOCS, SAMPLE_ARTICLE
from helpers.s3_server import SeaweedS3

DOCUMENTS_COPIED = ("article.html", "three_pages.pdf", "report.docx", "guide.md")
QUESTIONS = (
    "How many North Korean soldiers were sent to Russia?",
    'Who said "cannon fodder"?',
    "What is the boiling point of tungsten?",
)


def _corpus(folder: Path) -> Path:
    """The sample article, four formats, a dozen short notes (so the job has batches
    to spread and commit one by one) and a file that is not what its name says."""
    folder.mkdir()
    shutil.copyfile(SAMPLE_ARTICLE, folder / SAMPLE_ARTICLE.name)
    for name in DOCUMENTS_COPIED:
        shutil.copyfile(FIXTURE_DOCS / name, folder / name)
    # Twelve metals, no two notes alike: near-twins tie in ranking, and a tie is broken
    # by chunk id, which follows the order files were stored in (not the same here).
    metals = (
        "tungsten", "osmium", "rhenium", "tantalum", "molybdenum", "niobium",
        "iridium", "ruthenium", "hafnium", "technetium", "rhodium", "vanadium",
    )  # fmt: skip
    for n, metal in enumerate(metals):
        (folder / f"note-{n:02d}.txt").write_text(
            f"Note {n} on {metal}.\n\n"
            f"The boiling point of {metal} was measured again in trial {n}. "
            f'"It held at {5000 + 37 * n} kelvin," said Dr. Ana Ruiz, who ran trial {n}.\n',
            encoding="utf-8",
        )
    (folder / "broken.pdf").write_bytes(b"this is not a PDF at all")
    return folder


def _all(table: Any) -> list[dict[str, Any]]:
    return list(read_rows(table, None, list(table.schema.names)))


def _tables(index_dir: Path) -> dict[str, Any]:
    """The committed tables of the index at ``index_dir``."""
    db = connect(index_dir)
    commit = read_commit(db, index_dir)
    assert commit is not None
    return dict(open_tables(db, commit[1], index_dir))


def _rows(index_dir: Path) -> dict[str, Any]:
    """Everything a build wrote, keyed by what does not depend on the order rows were
    stored in: documents by source, chunks and quotations by source and position."""
    tables = _tables(index_dir)
    documents = {r["id"]: r for r in _all(tables[DOCUMENTS])}
    chunks = {}
    for r in _all(tables[CHUNKS]):
        source = documents[r["doc_id"]]["source"]
        chunks[(source, r["ordinal"])] = r
    quotes = sorted(
        (documents[r["doc_id"]]["source"], r["start"], r["end"], r["speaker"], r["how"])
        for r in _all(tables[QUOTES])
    )
    terms = {r["term"]: r["chunks"] for r in _all(tables[TERMS])}
    by_source = {d["source"]: d for d in documents.values()}
    return {"documents": by_source, "chunks": chunks, "quotes": quotes, "terms": terms}


@pytest.fixture(scope="module")
def plain_and_ray(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder, ray_local: None
) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("ray")
    docs = _corpus(root / "docs")
    build_index([docs], root / "plain", embedder=embedder, storage="lance")
    report = build_index_on_ray([docs], root / "ray")
    assert len(report.indexed) == 17
    assert report.skipped == [(str(docs / "broken.pdf"), "corrupt or unreadable PDF")]
    return docs, root / "plain", root / "ray"


def test_a_ray_build_is_the_plain_build(plain_and_ray: tuple[Path, Path, Path]):
    _, plain_dir, ray_dir = plain_and_ray
    plain, ray = _rows(plain_dir), _rows(ray_dir)
    assert ray["documents"].keys() == plain["documents"].keys()
    for source, doc in plain["documents"].items():
        other = ray["documents"][source]
        for column in ("format", "title", "content_hash", "text", "page_starts", "paragraphs"):
            assert other[column] == doc[column], (source, column)
    assert ray["chunks"].keys() == plain["chunks"].keys()
    for key, chunk in plain["chunks"].items():
        other = ray["chunks"][key]
        for column in ("start", "end", "heading", "sentences", "body", "terms"):
            assert other[column] == chunk[column], (key, column)
        assert np.allclose(other["vector"], chunk["vector"], atol=1e-6), key
        mine = np.frombuffer(other["sentence_vectors"], dtype=np.float16).astype(np.float32)
        theirs = np.frombuffer(chunk["sentence_vectors"], dtype=np.float16).astype(np.float32)
        assert np.allclose(mine, theirs, atol=1e-3), key  # one float16 step
    assert ray["quotes"] == plain["quotes"] and ray["quotes"]
    assert ray["terms"] == plain["terms"]


def test_a_ray_build_answers_as_the_plain_build(
    plain_and_ray: tuple[Path, Path, Path], embedder: Embedder
):
    _, plain_dir, ray_dir = plain_and_ray
    plain, ray = open_index(plain_dir), open_index(ray_dir)
    assert plain is not None and ray is not None
    for question in QUESTIONS:
        a = ask(plain, embedder, question).to_json()
        b = ask(ray, embedder, question).to_json()
        assert {**b["answer"], "score": None} == {**a["answer"], "score": None}, question
        assert b["answer"]["score"] == pytest.approx(a["answer"]["score"], abs=1e-3)
        assert [(p["source"], p["start"], p["end"]) for p in b["passages"][:3]] == [
            (p["source"], p["start"], p["end"]) for p in a["passages"][:3]
        ]
    answer = ask(ray, embedder, QUESTIONS[0]).to_json()["answer"]
    assert answer is not None and "10,000" in answer["text"]


def test_a_stopped_job_keeps_its_commits_and_goes_on_from_there(
    plain_and_ray: tuple[Path, Path, Path], tmp_path: Path, embedder: Embedder
):
    docs, plain_dir, _ = plain_and_ray
    index_dir = tmp_path / "index"
    seen: list[JobProgress] = []

    def stop_after_first_commit(progress: JobProgress) -> None:
        seen.append(progress)
        if 0 < progress.committed_files < progress.files_total:
            raise KeyboardInterrupt

    with pytest.raises(InterruptedPartway) as stopped:
        build_index_on_ray([docs], index_dir, progress=stop_after_first_commit, commit_seconds=0.0)
    saved, total = stopped.value.saved, stopped.value.total
    assert 0 < saved < total == 18
    # What was committed is an index readers use, whole.
    partial = open_index(index_dir)
    assert partial is not None
    assert 0 < len(partial.manifest.documents) <= saved
    assert ask(partial, embedder, "What did Dr. Ana Ruiz say?").passages

    # Started again, the job embeds only what no commit holds.
    report = build_index_on_ray([docs], index_dir)
    assert report.unchanged == len(partial.manifest.documents)
    assert len(report.indexed) + report.unchanged == 17
    resumed, plain = _rows(index_dir), _rows(plain_dir)
    assert resumed["documents"].keys() == plain["documents"].keys()
    assert resumed["chunks"].keys() == plain["chunks"].keys()  # no chunk twice
    assert resumed["quotes"] == plain["quotes"] and resumed["terms"] == plain["terms"]

    # And once more: nothing left to do, nothing started.
    again = build_index_on_ray([docs], index_dir)
    assert not again.indexed and again.unchanged == 17


def test_qa_index_ray_on_the_command_line(plain_and_ray: tuple[Path, Path, Path], tmp_path: Path):
    """A `qa` process starting its own local Ray: progress lines on a pipe, the bad
    file listed and the job going on, then an answer from the index it made."""
    docs, _, _ = plain_and_ray
    index_dir = tmp_path / "index"
    done = run_qa("index", str(docs), "--index", str(index_dir), "--ray")
    assert done.returncode == 0, done.stderr
    assert "qa: on Ray: 18/18 files" in done.stderr
    assert "skipped" in done.stdout and "broken.pdf: corrupt or unreadable PDF" in done.stdout
    assert "17 indexed, 0 unchanged, 0 removed, 1 skipped" in done.stdout
    assert "Traceback" not in done.stderr + done.stdout
    asked = run_qa("ask", QUESTIONS[0], "--json", "--index", str(index_dir))
    assert asked.returncode == 0, asked.stderr
    assert "10,000" in json.loads(asked.stdout)["answer"]["text"]


def test_ctrl_c_stops_a_ray_job_at_once_and_leaves_the_index_as_it_was(
    plain_and_ray: tuple[Path, Path, Path], tmp_path: Path
):
    """Ctrl-C on a `qa index --ray` process while its actors work: it stops within
    seconds with the one line that says what is left, and the index it had (none here)."""
    docs, _, _ = plain_and_ray
    index_dir = tmp_path / "index"
    process = subprocess.Popen(
        [QA, "index", str(docs), "--index", str(index_dir), "--ray"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    first = process.stderr.readline()  # the job started: Ray is up, the actors starting
    assert first.startswith("qa: on Ray: 0/18 files"), first
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=HANG_SECONDS)
    assert process.returncode == 130, (out, err)
    assert err.splitlines()[-1] == "qa: interrupted; the index is as it was before this run"
    assert "Traceback" not in out + err
    assert open_index(index_dir) is None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ray_node(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`ray start ... --block` in a process group of its own, which holds every process
    of the node (its servers and workers), so that the test can stop exactly those."""
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "ray"), "start", *args, "--block"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _ray_status(address: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "ray"), "status", "--address", address],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def two_nodes() -> Iterator[tuple[str, dict[str, str]]]:
    """A Ray cluster of two nodes with one CPU each, as `ray start` makes one on real
    machines (here both on this one): its address, and the environment to reach it."""
    port = _free_port()
    env = dict(os.environ, RAY_AUTH_MODE="disabled")
    common = ("--num-cpus=1", "--disable-usage-stats")
    nodes = [_ray_node("--head", f"--port={port}", "--include-dashboard=false", *common, env=env)]
    try:
        address = f"127.0.0.1:{port}"
        for _ in range(60):
            status = _ray_status(address, env)
            if status.returncode == 0:
                break
            time.sleep(1)
        nodes.append(_ray_node(f"--address={address}", *common, env=env))
        for _ in range(60):
            status = _ray_status(address, env)
            if "/2.0 CPU" in status.stdout:
                break
            time.sleep(1)
        else:
            pytest.fail(f"the second node did not join: {status.stdout} {status.stderr}")
        yield address, env
    finally:
        for node in reversed(nodes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(node.pid, signal.SIGKILL)
            node.wait()


def test_qa_index_ray_on_a_cluster_by_its_address(
    plain_and_ray: tuple[Path, Path, Path], two_nodes: tuple[str, dict[str, str]], tmp_path: Path
):
    """`--ray ADDRESS` runs the job on a cluster someone started (two nodes): the same
    documents and chunks as the plain build, and the cluster is left running."""
    docs, plain_dir, _ = plain_and_ray
    address, env = two_nodes
    index_dir = tmp_path / "index"
    done = run_qa("index", str(docs), "--index", str(index_dir), "--ray", address, env=env)
    assert done.returncode == 0, done.stderr
    assert "17 indexed, 0 unchanged, 0 removed, 1 skipped" in done.stdout
    built, plain = _rows(index_dir), _rows(plain_dir)
    assert built["chunks"].keys() == plain["chunks"].keys()
    assert built["quotes"] == plain["quotes"]
    status = _ray_status(address, env)
    assert "/2.0 CPU" in status.stdout  # still up: qa stops only a Ray it started


def test_a_long_job_trains_its_vector_index_on_all_its_rows(
    plain_and_ray: tuple[Path, Path, Path],
    tmp_path: Path,
    embedder: Embedder,
    monkeypatch: pytest.MonkeyPatch,
):
    """Past EXACT_MAX chunks (made 1 here) an index gets its vector index from the rows
    it has. A job that then grows it fourfold or more (committing as it goes) trains it
    again on all its rows at its last commit, and folds every row in, so that no
    partition stays fitted to a small early sample of the archive."""
    import qa.index.lance_writer

    monkeypatch.setattr(qa.index.lance_writer, "EXACT_MAX", 1)
    docs, plain_dir, _ = plain_and_ray
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("note-00.txt", "note-01.txt"):
        shutil.copyfile(docs / name, folder / name)
    index_dir = tmp_path / "index"
    small = build_index_on_ray([folder], index_dir)
    assert small.chunks == 2 and open_index(index_dir).manifest.vector_index == LANCE_IVF
    (early,) = [ix for ix in _tables(index_dir)[CHUNKS].list_indices() if "vector" in ix.columns]

    shutil.copytree(docs, folder, dirs_exist_ok=True)
    report = build_index_on_ray([folder], index_dir, commit_seconds=0.0)
    assert report.unchanged == 2 and report.chunks >= 4 * small.chunks
    chunks = _tables(index_dir)[CHUNKS]
    (vector_index,) = [ix for ix in chunks.list_indices() if "vector" in ix.columns]
    assert vector_index.index_uuid != early.index_uuid  # trained again
    assert (vector_index.num_indexed_rows, vector_index.num_unindexed_rows) == (report.chunks, 0)
    ray, plain = open_index(index_dir), open_index(plain_dir)
    assert ray is not None and plain is not None
    for question in QUESTIONS:  # the same answers (scores move with 8-bit codes)
        a = ask(plain, embedder, question).to_json()["answer"]
        b = ask(ray, embedder, question).to_json()["answer"]
        where = [(Path(x["source"]).name, x["start"], x["end"], x["text"]) for x in (a, b)]
        assert where[1] == where[0], question  # in another folder, the same passage


def test_a_ray_job_writes_an_archive_on_s3(
    plain_and_ray: tuple[Path, Path, Path],
    s3_server: SeaweedS3,
    monkeypatch: pytest.MonkeyPatch,
    embedder: Embedder,
):
    """`--index s3://…` with `--ray`: the driver writes the tables to object storage,
    and readers there get the plain build's documents, chunks and answers."""
    for key, value in s3_server.env().items():
        monkeypatch.setenv(key, value)
    docs, plain_dir, _ = plain_and_ray
    uri = IndexPath(f"s3://{s3_server.bucket}/{uuid.uuid4().hex[:12]}/ray")
    report = build_index_on_ray([docs], uri)
    assert len(report.indexed) == 17
    archived, plain = _rows(uri), _rows(plain_dir)
    assert archived["chunks"].keys() == plain["chunks"].keys()
    assert archived["quotes"] == plain["quotes"]
    index = open_index(uri)
    assert index is not None
    answer = ask(index, embedder, QUESTIONS[0]).to_json()["answer"]
    assert answer is not None and "10,000" in answer["text"]
