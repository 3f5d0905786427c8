"""An update of an index on Lance tables killed (SIGKILL) or interrupted (Ctrl-C) at
each step: readers still get the last commit whole, and the next run restores the
tables to it and completes the update once (no row written twice, no table left over).

The Lance counterpart of ``test_interruptions`` (whose generation folders and manifest
file an index on Lance tables does not have): the same named steps, stopped exactly by
the indexer's test hook (``indexer_process``).
"""

from __future__ import annotations

import shutil
import signal
from dataclasses import dataclass
from pathlib import Path

import pytest

from qa.answer.ask import answer_question
from qa.embedding.encoder import Embedder
from qa.index.builder import build_index
from qa.index.lance_tables import COMMITS, connect, table_names
from qa.index.reader import open_index

from helpers.corpus import FIXTURE_DOCS
from helpers.indexer_process import Indexer

QUESTION = "How many hours of sun do tomatoes need?"
TUNGSTEN = "What is the boiling point of tungsten?"
NEW_DOC = (
    "Tungsten boils at 5,828 kelvin, the highest boiling point of any metal.\n\n"
    '"Nothing else comes close," said Marie Curtis, a metallurgist.\n'
)
# After these the new commit is written: a kill there keeps the update.
AFTER_COMMIT = {"manifest-swapped", "committed"}
ADD_POINTS = (
    "start",
    "locked",
    "swept",
    "discovered",
    "extracted",
    "embedded",
    "stored",
    "lance-flushed",
    "store-written",
    "manifest-swapped",
    "committed",
)
REMOVE_POINTS = ("discovered", "removed", "lance-flushed", "store-written", "manifest-swapped")
INTERRUPT_POINTS = ("embedded", "lance-flushed", "store-written", "committed")


@dataclass
class World:
    folder: Path
    index_dir: Path
    pristine: Path
    expected: dict[str, dict]
    after_documents: set[str]
    expected_after: dict[str, dict]

    def restore(self) -> None:
        shutil.rmtree(self.index_dir)
        shutil.copytree(self.pristine, self.index_dir)


def answers(index_dir: Path, embedder: Embedder) -> dict[str, dict]:
    index = open_index(index_dir)
    assert index is not None
    return {q: answer_question(index, embedder, q).to_json() for q in (QUESTION, TUNGSTEN)}


def make_world(root: Path, embedder: Embedder, change: str) -> World:
    folder = root / "docs"
    folder.mkdir(parents=True)
    for name in ("utf8.txt", "latin1.txt", "guide.md"):
        shutil.copyfile(FIXTURE_DOCS / name, folder / name)
    index_dir = root / "index"
    build_index([folder], index_dir, embedder=embedder, storage="lance")
    expected = answers(index_dir, embedder)
    assert "six hours" in expected[QUESTION]["answer"]["text"]
    pristine = root / "pristine"
    shutil.copytree(index_dir, pristine)
    if change == "remove":
        (folder / "guide.md").unlink()
    else:
        (folder / "tungsten.txt").write_text(NEW_DOC, encoding="utf-8")
    build_index([folder], index_dir, embedder=embedder)
    after = open_index(index_dir)
    assert after is not None
    world = World(
        folder,
        index_dir,
        pristine,
        expected,
        set(after.manifest.documents),
        answers(index_dir, embedder),
    )
    assert (world.expected_after[TUNGSTEN]["answer"] is None) == (change == "remove")
    world.restore()
    return world


@pytest.fixture(scope="module")
def addition(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> World:
    return make_world(tmp_path_factory.mktemp("lance-add"), embedder, "add")


@pytest.fixture(scope="module")
def removal(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> World:
    return make_world(tmp_path_factory.mktemp("lance-remove"), embedder, "remove")


def check_stopped_and_next_run(world: World, point: str, sig: str, embedder: Embedder) -> None:
    world.restore()
    run = Indexer(world.folder, world.index_dir, point)
    assert run.wait_paused(), run.finish()
    if sig == "SIGKILL":
        assert run.kill() == -signal.SIGKILL
    else:
        status, output = run.interrupt()
        assert status == 130 and "interrupted" in output and "Traceback" not in output, output
    index = open_index(world.index_dir)
    assert index is not None
    if set(index.manifest.documents) == world.after_documents:
        assert point in AFTER_COMMIT, "readers saw an update that was never committed"
        assert answers(world.index_dir, embedder) == world.expected_after
    else:
        assert answers(world.index_dir, embedder) == world.expected

    report = build_index([world.folder], world.index_dir, embedder=embedder)
    assert not report.rebuilt and not report.skipped
    index = open_index(world.index_dir)
    assert index is not None and set(index.manifest.documents) == world.after_documents
    assert answers(world.index_dir, embedder) == world.expected_after
    # Every row once: the stopped run's uncommitted rows went with the restore.
    assert index.counts()[1] == len(index.chunk_ids()) == index.manifest.chunks
    ids = [q.id for q in index.quotes()]
    assert len(ids) == len(set(ids))
    committed = {name for name, _ in index.manifest.tables.values()}
    assert table_names(connect(world.index_dir)) == committed | {COMMITS}


@pytest.mark.parametrize("point", ADD_POINTS)
def test_an_addition_killed_at_each_step(point: str, addition: World, embedder: Embedder):
    check_stopped_and_next_run(addition, point, "SIGKILL", embedder)


@pytest.mark.parametrize("point", REMOVE_POINTS)
def test_a_removal_killed_at_each_step(point: str, removal: World, embedder: Embedder):
    check_stopped_and_next_run(removal, point, "SIGKILL", embedder)


@pytest.mark.parametrize("point", INTERRUPT_POINTS)
def test_an_addition_interrupted_at_each_step(point: str, addition: World, embedder: Embedder):
    check_stopped_and_next_run(addition, point, "SIGINT", embedder)
