"""A shared archive on object storage: `qa --index s3://bucket/prefix` against a real
S3 server (SeaweedFS on loopback). Every command reads it; readers answer from the last
commit while a writer appends, move to the new one at their next question, and a writer
killed mid-update leaves the last commit whole for the next writer to build on."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from qa.embedding.encoder import Embedder
from qa.index.reader import manifest_signature, open_index
from qa.session import Session

from helpers.cli import QA, run_qa
from helpers.corpus import SAMPLE_ARTICLE
from helpers.indexer_process import Indexer
from helpers.s3_server import SeaweedS3

TROOPS = "How many North Korean soldiers were sent to Russia?"
TUNGSTEN_QUESTION = "What is the boiling point of tungsten?"
TUNGSTEN = (
    "Tungsten boils at 5,828 kelvin, the highest boiling point of any metal.\n\n"
    '"Nothing else comes close," said Marie Curtis, a metallurgist.\n'
)


@pytest.fixture
def archive(
    s3_server: SeaweedS3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, Path]:
    """A new bucket holding the sample article's index, the ``AWS_*`` variables set (for
    this process and the `qa` processes it starts), and the documents' folder."""
    for key, value in s3_server.env().items():
        monkeypatch.setenv(key, value)
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copyfile(SAMPLE_ARTICLE, docs / SAMPLE_ARTICLE.name)
    uri = f"s3://{s3_server.bucket}/{uuid.uuid4().hex[:12]}/archive"
    status, out, err = run_qa("index", str(docs), "--index", uri)
    assert status == 0, err
    assert "1 indexed" in out + err and uri in out + err
    return uri, docs


def _ask(uri: str, question: str) -> dict:
    status, out, err = run_qa("ask", question, "--index", uri, "--json")
    assert status == 0, err
    return json.loads(out)


def test_every_command_reads_an_archive_on_s3(archive: tuple[str, Path], sample_index):
    uri, docs = archive
    answer = _ask(uri, TROOPS)["answer"]
    local = json.loads(run_qa("ask", TROOPS, "--index", str(sample_index.index_dir), "--json")[1])
    assert (answer["text"], answer["start"], answer["end"]) == (
        local["answer"]["text"],
        local["answer"]["start"],
        local["answer"]["end"],
    )
    assert answer["citation"].startswith(str(docs / SAMPLE_ARTICLE.name))

    status, out, _ = run_qa("quotes", "--index", uri, "--json")
    assert status == 0 and len(out.splitlines()) >= 5
    status, out, _ = run_qa("text", SAMPLE_ARTICLE.name, "--index", uri)
    assert status == 0 and out == SAMPLE_ARTICLE.read_text(encoding="utf-8")
    status, out, _ = run_qa("verify", "watching passively", "--index", uri, "--json")
    assert status == 0 and json.loads(out)["matches"][0]["grade"] == "exact"


def test_readers_answer_from_the_last_commit_while_a_writer_appends_and_is_killed(
    archive: tuple[str, Path],
):
    uri, docs = archive
    (docs / "tungsten.txt").write_text(TUNGSTEN, encoding="utf-8")
    writer = Indexer(docs, Path(uri), "store-written")  # rows written, commit not yet
    assert writer.wait_paused()
    # Two readers at once, in processes of their own, while the writer holds its rows.
    readers = [
        subprocess.Popen(
            [QA, "ask", q, "--index", uri, "--json"], stdout=subprocess.PIPE, text=True
        )
        for q in (TROOPS, TUNGSTEN_QUESTION)
    ]
    troops, tungsten = (json.loads(r.communicate(timeout=300)[0]) for r in readers)
    assert "10,000 soldiers" in troops["answer"]["text"]
    assert tungsten["answer"] is None  # the uncommitted document is not seen
    assert writer.kill() != 0

    assert "10,000 soldiers" in _ask(uri, TROOPS)["answer"]["text"]
    index = open_index(Path(uri))
    assert index is not None and list(index.manifest.documents) == [str(docs / SAMPLE_ARTICLE.name)]
    # The next writer restores the tables to the commit and adds the document once.
    status, out, err = run_qa("index", str(docs), "--index", uri)
    assert status == 0 and "1 indexed, 1 unchanged" in out + err
    index = open_index(Path(uri))
    assert index is not None and len(index.manifest.documents) == 2
    assert index.counts()[1] == len(index.chunk_ids()) == index.manifest.chunks
    answer = _ask(uri, TUNGSTEN_QUESTION)["answer"]
    assert "5,828 kelvin" in answer["text"]


def test_a_chat_session_on_s3_moves_to_a_new_commit_at_its_next_question(
    archive: tuple[str, Path], embedder: Embedder
):
    uri, docs = archive
    session = Session(Path(uri), embedder=embedder)
    session.open_or_build(lambda paths, rebuild: pytest.fail("built"), notify=print)
    assert session.ask(TUNGSTEN_QUESTION).answer is None
    signature = manifest_signature(Path(uri))
    (docs / "tungsten.txt").write_text(TUNGSTEN, encoding="utf-8")
    status, _, err = run_qa("index", str(docs), "--index", uri)  # another machine's writer
    assert status == 0, err
    assert manifest_signature(Path(uri)) != signature
    answer = session.ask(TUNGSTEN_QUESTION).answer
    assert answer is not None and "5,828 kelvin" in answer.text
    assert "tungsten.txt" in session.status() or session.status().startswith("2 documents")


def test_a_missing_bucket_or_endpoint_is_a_one_line_error(
    s3_server: SeaweedS3, monkeypatch: pytest.MonkeyPatch
):
    for key, value in s3_server.env().items():
        monkeypatch.setenv(key, value)
    status, _, err = run_qa("ask", "anything", "--index", "s3://qa-no-such-bucket/x")
    assert status != 0 and err.strip() == (
        "qa: error: the index at s3://qa-no-such-bucket/x cannot be used: "
        "the bucket qa-no-such-bucket does not exist"
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    status, _, err = run_qa("index", str(SAMPLE_ARTICLE), "--index", f"s3://{s3_server.bucket}/x")
    assert status != 0 and len(err.strip().splitlines()) == 1
    assert "cannot reach the object store at http://127.0.0.1:9" in err
