"""A real `qa index` killed (SIGKILL) or interrupted (Ctrl-C, SIGINT) at every step of
its run: the previous index stays whole and answers as before, nothing it leaves
behind troubles the next run, and the next run completes and answers.

Each process is stopped at a named step by the indexer's test hook (see
``indexer_process``), so every step is hit exactly, every time. Steps that need no new
embeddings are tried on a removal-only update, which never loads the model (about half
a second a process); the steps of embedding new text are tried on an added document.
A few kills land by time instead: at start-up, and a few milliseconds after letting a
paused run go on, wherever that happens to be.
"""

from __future__ import annotations

import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from qa.answer.ask import answer_question
from qa.embedding.encoder import Embedder
from qa.index.builder import build_index
from qa.index.manifest import Manifest, read_manifest
from qa.index.reader import open_index

from helpers.cli import run_qa
from helpers.corpus import FIXTURE_DOCS
from helpers.indexer_process import Indexer
from helpers.model_cache import CachedEmbedder

QUESTION = "How many hours of sun do tomatoes need?"
TUNGSTEN = "What is the boiling point of tungsten?"
NEW_DOC = (
    "Tungsten boils at 5,828 kelvin, the highest boiling point of any metal.\n\n"
    '"Nothing else comes close," said Marie Curtis, a metallurgist.\n'
)
# Steps after which the new manifest is current: a kill there keeps the new index.
AFTER_SWAP = {"manifest-swapped", "committed"}
REMOVAL_POINTS = (
    "start",
    "locked",
    "swept",
    "discovered",
    "generation-created",
    "base-copied",
    "removed",
    "store-written",
    "vectors-written",
    "synced",
    "manifest-temp",
    "manifest-swapped",
    "committed",
)
SIGNALS = ("SIGKILL", "SIGINT")


@dataclass
class World:
    """A corpus folder and its index (restored from ``pristine`` before every kill),
    with what the index answered before the update and after a complete one."""

    folder: Path
    index_dir: Path
    pristine: Path
    before: Manifest
    expected: dict[str, dict]  # question -> answer JSON, from the index before the update
    after_documents: set[str]  # the documents once the update is done
    expected_after: dict[str, dict]  # the answers once the update is done

    def restore(self) -> None:
        shutil.rmtree(self.index_dir)
        shutil.copytree(self.pristine, self.index_dir)


_cached: dict[int, CachedEmbedder] = {}


def cached(embedder: Embedder) -> CachedEmbedder:
    """The session's model behind one cache for this module: the same two questions
    and the same few notes are encoded over and over here."""
    return _cached.setdefault(id(embedder), CachedEmbedder(embedder))


def answers(index_dir: Path, embedder: Embedder, questions: list[str]) -> dict[str, dict]:
    """What `qa ask --json` gives for each question, from the index's current generation."""
    model = cached(embedder)
    index = open_index(index_dir)
    assert index is not None
    try:
        return {q: answer_question(index, model, q).to_json() for q in questions}
    finally:
        index.close()


def make_world(root: Path, embedder: Embedder, change: str) -> World:
    """Index three notes, keep a copy of that index, then make ``change`` to the folder:
    "remove" one note, or "add" one."""
    folder = root / "docs"
    folder.mkdir(parents=True)
    for name in ("utf8.txt", "latin1.txt", "guide.md"):
        shutil.copyfile(FIXTURE_DOCS / name, folder / name)
    index_dir = root / "index"
    build_index([folder], index_dir, embedder=embedder)
    before = read_manifest(index_dir)
    assert before is not None and before.store_sha256
    expected = answers(index_dir, embedder, [QUESTION, TUNGSTEN])
    assert "six hours" in expected[QUESTION]["answer"]["text"]
    assert expected[TUNGSTEN]["answer"] is None
    pristine = root / "pristine"
    shutil.copytree(index_dir, pristine)
    documents = set(before.documents)
    if change == "remove":
        (folder / "utf8.txt").unlink()
        documents.discard(str(folder / "utf8.txt"))
    else:
        (folder / "tungsten.txt").write_text(NEW_DOC, encoding="utf-8")
        documents.add(str(folder / "tungsten.txt"))
    build_index([folder], index_dir, embedder=cached(embedder))
    expected_after = answers(index_dir, embedder, [QUESTION, TUNGSTEN])
    world = World(folder, index_dir, pristine, before, expected, documents, expected_after)
    world.restore()
    return world


@pytest.fixture(scope="module")
def removal(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> World:
    """A removal-only update: no model load in the `qa index` process."""
    return make_world(tmp_path_factory.mktemp("removal"), embedder, "remove")


@pytest.fixture(scope="module")
def addition(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> World:
    """An update that extracts, parses and embeds a new document."""
    return make_world(tmp_path_factory.mktemp("addition"), embedder, "add")


def stop(run: Indexer, sig: str) -> str:
    """Kill or interrupt a paused run, check how it ended, and return what it printed."""
    if sig == "SIGKILL":
        assert run.kill() == -signal.SIGKILL
        return ""
    status, output = run.interrupt()
    assert status == 130, output
    assert "interrupted" in output and "Traceback" not in output, output
    return output


def assert_whole(world: World, embedder: Embedder, may_be_updated: bool) -> None:
    """The index opens and answers as before the update (or, when the kill came after
    the manifest swap, holds exactly the update's documents)."""
    current = read_manifest(world.index_dir)
    assert current is not None
    if current == world.before:
        assert answers(world.index_dir, embedder, [QUESTION, TUNGSTEN]) == world.expected
    else:
        assert may_be_updated, "the manifest changed though the run was stopped before its swap"
        assert set(current.documents) == world.after_documents
        assert answers(world.index_dir, embedder, [QUESTION, TUNGSTEN]) == world.expected_after


def assert_clean_after_next_run(world: World, embedder: Embedder) -> None:
    """Once the next run is done: it holds the update, answers, and only the current
    generation (and the one before it, kept for readers) remains, with no temp files."""
    current = read_manifest(world.index_dir)
    assert current is not None and set(current.documents) == world.after_documents
    assert answers(world.index_dir, embedder, [QUESTION, TUNGSTEN]) == world.expected_after
    allowed = {"manifest.json", ".lock", current.generation, world.before.generation}
    left = {p.name for p in world.index_dir.iterdir()}
    assert left <= allowed, left - allowed
    for gen in world.index_dir.glob("gen-*"):
        assert {p.name for p in gen.iterdir()} == {"store.sqlite", "vectors.faiss"}


def next_run(world: World, embedder: Embedder, by_cli: bool) -> None:
    """The next `qa index` completes (a real process, or this one, which is quicker and
    meets the same files on disk), then everything is clean."""
    if by_cli:
        status, out, err = run_qa("index", str(world.folder), "--index", str(world.index_dir))
        assert status == 0, out + err
        assert "Traceback" not in out + err
    else:
        report = build_index([world.folder], world.index_dir, embedder=cached(embedder))
        assert not report.rebuilt and not report.skipped
    assert_clean_after_next_run(world, embedder)


@pytest.mark.parametrize("sig", SIGNALS)
@pytest.mark.parametrize("point", REMOVAL_POINTS)
def test_update_stopped_at_each_step(
    point: str, sig: str, removal: World, embedder: Embedder
) -> None:
    removal.restore()
    run = Indexer(removal.folder, removal.index_dir, point)
    assert run.wait_paused(), run.finish()
    output = stop(run, sig)
    assert_whole(removal, embedder, may_be_updated=point in AFTER_SWAP)
    if sig == "SIGINT":  # the line says what Ctrl-C left: the old index, or the update
        saved = read_manifest(removal.index_dir) != removal.before
        assert ("already saved" in output) == saved, output
        assert ("as it was before this run" in output) == (not saved), output
    next_run(removal, embedder, by_cli=sig == "SIGKILL")


@pytest.mark.parametrize("sig", SIGNALS)
@pytest.mark.parametrize("delay", [0.0, 0.006, 0.03])
def test_update_stopped_at_odd_moments(
    delay: float, sig: str, removal: World, embedder: Embedder
) -> None:
    """Let a run go on from "locked", then stop it a few milliseconds later, inside
    whatever it is doing then (a copy, a write, an fsync, C code): it may even finish."""
    removal.restore()
    run = Indexer(removal.folder, removal.index_dir, "locked")
    assert run.wait_paused(), run.finish()
    run.resume()
    time.sleep(delay)
    run.proc.send_signal(getattr(signal, sig))
    status, output = run.finish()
    # 130: stopped by qa's Ctrl-C handling; -SIGINT: the signal came after qa was done
    # and Python ended by it (as a shell expects), with nothing printed.
    assert status in (0, -signal.SIGKILL, 130, -signal.SIGINT), output
    assert "Traceback" not in output, output
    assert_whole(removal, embedder, may_be_updated=True)
    next_run(removal, embedder, by_cli=False)


@pytest.mark.parametrize("delay", [0.0, 0.15])
def test_killed_during_start_up(delay: float, removal: World, embedder: Embedder) -> None:
    """SIGKILL while Python and qa are still starting."""
    removal.restore()
    run = Indexer(removal.folder, removal.index_dir, None)
    time.sleep(delay)
    assert run.kill() in (0, -signal.SIGKILL)
    assert_whole(removal, embedder, may_be_updated=True)
    next_run(removal, embedder, by_cli=False)


@pytest.mark.parametrize(
    ("point", "sig", "rebuild"),
    [
        ("extracted", "SIGKILL", False),
        ("extracted", "SIGINT", False),
        ("quotes", "SIGINT", False),
        ("generation-created", "SIGINT", True),
        ("model-loaded", "SIGINT", False),
        ("stored", "SIGKILL", True),
    ],
)
def test_update_of_new_text_stopped(
    point: str, sig: str, rebuild: bool, addition: World, embedder: Embedder
) -> None:
    """Steps that read, parse and embed new text (each past "model-loaded" costs a
    model load in the `qa index` process, so these are fewer); "rebuild" runs
    `qa index --rebuild`, which must not cost the index the user had either."""
    addition.restore()
    run = Indexer(addition.folder, addition.index_dir, point, *(["--rebuild"] if rebuild else []))
    assert run.wait_paused(), run.finish()
    stop(run, sig)
    assert_whole(addition, embedder, may_be_updated=False)
    # The next run, in this process with its loaded model, embeds only the new note.
    report = build_index([addition.folder], addition.index_dir, embedder=cached(embedder))
    assert report.indexed == [str(addition.folder / "tungsten.txt")] and not report.rebuilt
    assert_clean_after_next_run(addition, embedder)
