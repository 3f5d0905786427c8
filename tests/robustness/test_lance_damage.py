"""A damaged index on Lance tables: a lost data file, a garbled commit, a commit naming
a table version that is gone. Each is one line saying the index is damaged and what to
run, never a traceback or an answer from broken data; `qa index --rebuild` mends it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from qa.embedding.encoder import Embedder
from qa.index.builder import build_index
from qa.index.lance_tables import COMMITS, connect

from helpers.cli import run_qa
from helpers.corpus import SAMPLE_ARTICLE

QUESTION = "How many North Korean soldiers were sent to Russia?"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    root = tmp_path_factory.mktemp("lance-damage")
    docs = root / "docs"
    docs.mkdir()
    shutil.copyfile(SAMPLE_ARTICLE, docs / SAMPLE_ARTICLE.name)
    build_index([docs], root / "index", embedder=embedder, storage="lance")
    return root


@pytest.fixture
def index_dir(pristine: Path, tmp_path: Path) -> Path:
    shutil.copytree(pristine / "index", tmp_path / "index")
    return tmp_path / "index"


def assert_damaged_then_mended(index_dir: Path, pristine: Path) -> None:
    status, out, err = run_qa("ask", QUESTION, "--index", str(index_dir))
    assert status == 1 and not out
    assert err.startswith(f"qa: error: the index at {index_dir} ") and err.count("\n") == 1
    assert "run `qa index --rebuild`" in err and "Traceback" not in err and ".rs:" not in err
    status, out, err = run_qa(
        "index", str(pristine / "docs"), "--index", str(index_dir), "--rebuild"
    )
    assert status == 0, err
    status, out, err = run_qa("ask", QUESTION, "--index", str(index_dir))
    assert status == 0 and "10,000 soldiers" in out, err


def test_a_lost_data_file(index_dir: Path, pristine: Path):
    victim = next(index_dir.glob("chunks-*.lance/data/*.lance"))
    victim.unlink()
    assert_damaged_then_mended(index_dir, pristine)


def test_a_garbled_commit(index_dir: Path, pristine: Path):
    connect(index_dir).open_table(COMMITS).add(
        pa.table({"manifest": ['{"generation": "../../etc"']}), mode="overwrite"
    )
    assert_damaged_then_mended(index_dir, pristine)


def test_a_commit_naming_a_version_that_is_gone(index_dir: Path, pristine: Path):
    for manifest in index_dir.glob("quotes-*.lance/_versions/*.manifest"):
        manifest.unlink()
    assert_damaged_then_mended(index_dir, pristine)
