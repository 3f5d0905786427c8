"""Several processes on one index: two `qa index` at once, and a chat that stays open
while another process re-indexes.

The `qa index` processes are real; a test stops one at a named step of its run (see
``indexer_process``) to hold the situation still while it looks.
"""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

from qa.answer.ask import answer_question
from qa.embedding.encoder import Embedder
from qa.errors import IndexBusy, IndexUnusable
from qa.index.builder import build_index
from qa.index.generations import index_lock
from qa.index.manifest import read_manifest
from qa.index.reader import open_index
from qa.session import Session

from helpers.cli import run_qa
from helpers.corpus import FIXTURE_DOCS
from helpers.indexer_process import Indexer

QUESTION = "How many hours of sun do tomatoes need?"
TUNGSTEN = "What is the boiling point of tungsten?"
BUSY = "another qa is updating the index at"


def corpus(tmp_path: Path, embedder: Embedder) -> tuple[Path, Path]:
    """Three notes in a folder, indexed: (folder, index dir)."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("utf8.txt", "latin1.txt", "guide.md"):
        shutil.copyfile(FIXTURE_DOCS / name, folder / name)
    index_dir = tmp_path / "index"
    build_index([folder], index_dir, embedder=embedder)
    return folder, index_dir


def assert_busy(status: int, out: str, err: str, index_dir: Path) -> None:
    """Refused: exit 1, one line saying another qa is at work, the index untouched."""
    assert status == 1, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and BUSY in lines[0] and str(index_dir) in lines[0], err
    assert "Traceback" not in out + err


# --- two indexers -----------------------------------------------------------------------


def test_second_qa_index_is_refused_while_the_first_runs(
    tmp_path: Path, embedder: Embedder
) -> None:
    folder, index_dir = corpus(tmp_path, embedder)
    (folder / "utf8.txt").unlink()
    first = Indexer(folder, index_dir, "locked")
    assert first.wait_paused(), first.finish()

    assert_busy(*run_qa("index", str(folder), "--index", str(index_dir)), index_dir)
    assert_busy(*run_qa("index", str(folder), "--index", str(index_dir), "--rebuild"), index_dir)

    first.resume()
    status, output = first.finish()
    assert status == 0 and "1 removed" in output, output
    # With the first one done, the next is let in (and finds nothing to do).
    status, out, err = run_qa("index", str(folder), "--index", str(index_dir))
    assert status == 0 and "0 removed" in out, out + err


@pytest.mark.parametrize("sig", ["SIGKILL", "SIGINT"])
def test_a_dead_indexer_leaves_no_lock_behind(sig: str, tmp_path: Path, embedder: Embedder) -> None:
    """The lock is the kernel's (flock), held by the open file: it goes with the process,
    even one killed outright, so there is no stale lock to clear by hand."""
    folder, index_dir = corpus(tmp_path, embedder)
    (folder / "utf8.txt").unlink()
    holder = Indexer(folder, index_dir, "base-copied")
    assert holder.wait_paused(), holder.finish()
    assert_busy(*run_qa("index", str(folder), "--index", str(index_dir)), index_dir)
    if sig == "SIGKILL":
        assert holder.kill() == -signal.SIGKILL
    else:
        assert holder.interrupt()[0] == 130
    assert (index_dir / ".lock").exists()  # the file stays; the lock does not

    status, out, err = run_qa("index", str(folder), "--index", str(index_dir))
    assert status == 0 and "1 removed" in out, out + err


def test_lock_held_in_one_process_refuses_another(tmp_path: Path, embedder: Embedder) -> None:
    """The lock is per index folder and across processes: this test process holds it, a
    real `qa index` is refused, and a chat's re-index (ctrl+r) is told the same."""
    folder, index_dir = corpus(tmp_path, embedder)
    engine = Session(index_dir, [folder], embedder=embedder)
    engine.prepare(lambda *_: None)
    with index_lock(index_dir):
        assert_busy(*run_qa("index", str(folder), "--index", str(index_dir)), index_dir)
        with pytest.raises(IndexBusy, match=BUSY) as busy:
            engine.reindex(lambda *_: None)
        assert "\n" not in str(busy.value)
        # Refused, the chat still answers from the index it has.
        assert "six hours" in engine.ask(QUESTION).answer.text
    engine.close()


# --- a chat open while another process re-indexes -------------------------------------------


def test_chat_answers_from_the_old_index_during_a_reindex_then_from_the_new(
    tmp_path: Path, embedder: Embedder
) -> None:
    folder, index_dir = corpus(tmp_path, embedder)
    engine = Session(index_dir, [folder], embedder=embedder)
    engine.prepare(lambda *_: None)
    first = engine.index.manifest.generation
    assert engine.ask(TUNGSTEN).answer is None
    assert "six hours" in engine.ask(QUESTION).answer.text

    # Another terminal: `qa index` of a new note, held just before its manifest swap.
    (folder / "tungsten.txt").write_text(
        "Tungsten boils at 5,828 kelvin, the highest boiling point of any metal.\n",
        encoding="utf-8",
    )
    writer = Indexer(folder, index_dir, "manifest-temp")
    assert writer.wait_paused(), writer.finish()
    # Everything new is written but not yet current: the chat answers as before.
    assert engine.ask(TUNGSTEN).answer is None
    assert engine.index.manifest.generation == first
    writer.resume()
    status, output = writer.finish()
    assert status == 0, output

    # The next question is answered from the new generation.
    answer = engine.ask(TUNGSTEN).answer
    assert answer is not None and "5,828" in answer.text
    second = engine.index.manifest.generation
    assert second != first and engine.status().startswith("4 documents")

    # Two more updates by other processes: the second sweeps the generation the chat
    # has open. Its vectors are in memory and its SQLite file stays readable while
    # open, so the chat's source pane and quote list keep working until it moves on.
    guide = str(folder / "guide.md")
    reader = open_index(index_dir)
    assert reader is not None and reader.manifest.generation == second
    for name in ("utf8.txt", "latin1.txt"):
        (folder / name).unlink()
        status, out, err = run_qa("index", str(folder), "--index", str(index_dir))
        assert status == 0 and "1 removed" in out, out + err
    assert not (index_dir / second).exists()
    doc = engine.document(guide)
    assert doc is not None and "six hours of sun" in doc.text
    assert engine.quotes() is not None
    old = answer_question(reader, embedder, QUESTION).to_json()
    assert "six hours" in old["answer"]["text"]
    reader.close()

    # The next question follows to the newest generation, which has only two notes.
    assert "six hours" in engine.ask(QUESTION).answer.text
    current = read_manifest(index_dir)
    assert current is not None and engine.index.manifest.generation == current.generation
    assert engine.status().startswith("2 documents")

    # A manifest damaged under the open chat is reported, not papered over.
    (index_dir / "manifest.json").write_text("{", encoding="utf-8")
    with pytest.raises(IndexUnusable, match="qa index --rebuild") as damaged:
        engine.ask(QUESTION)
    assert "\n" not in str(damaged.value)
    engine.close()
