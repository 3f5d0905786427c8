"""A damaged or foreign index is refused in one line that says what to run, by every
command that reads it and by the chat's engine — never a traceback, never an answer
from mismatched data — and `qa index --rebuild` brings it back.

Each case damages a copy of one healthy index. Nothing here depends on what the
vectors mean, so the index is built, and commands run in this process through Click's
runner, with the tests' fake encoder: the whole matrix loads no model. A few run as
real processes too; they only ever see a refusal.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner, Result

from qa.cli.main import main
from qa.errors import IndexUnusable
from qa.index.builder import build_index
from qa.index.manifest import read_manifest
from qa.session import Session

from helpers.cli import run_qa
from helpers.corpus import FIXTURE_DOCS, SAMPLE_ARTICLE
from helpers.fake_encoder import FakeEncoder

QUESTION = "How many hours of sun do tomatoes need?"
QUOTE = "Tomatoes need six hours of sun."
# Words of the long document, whose text the query-time case damages.
ARTICLE_WORDS = "Kim Jong-un"
ARTICLE_CHARS = 5000  # enough text to overflow a 4 KiB SQLite page, quick to embed
REBUILD = "qa index --rebuild"


class Healthy(NamedTuple):
    """A healthy index of ``folder``, a smaller one of other documents, and what the
    healthy one answers."""

    folder: Path
    index_dir: Path
    other_dir: Path
    answer: dict


def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands get the fake encoder instead of loading the model."""
    model = FakeEncoder()
    monkeypatch.setattr("qa.embedding.encoder.Embedder", lambda *a, **k: model)
    monkeypatch.setattr("qa.index.builder.Embedder", lambda *a, **k: model)


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Healthy:
    embedder = FakeEncoder()
    root = tmp_path_factory.mktemp("damaged")
    folder = root / "docs"
    folder.mkdir()
    shutil.copyfile(FIXTURE_DOCS / "guide.md", folder / "guide.md")
    text = SAMPLE_ARTICLE.read_text(encoding="utf-8")
    cut = text.index("\n", ARTICLE_CHARS)
    (folder / SAMPLE_ARTICLE.name).write_text(text[:cut] + "\n", encoding="utf-8")
    index_dir = root / "index"
    build_index([folder], index_dir, embedder=embedder)
    other = root / "other"
    other.mkdir()
    shutil.copyfile(FIXTURE_DOCS / "utf8.txt", other / "utf8.txt")
    other_dir = root / "other-index"
    build_index([other], other_dir, embedder=embedder)
    with pytest.MonkeyPatch.context() as patch:
        fake_model(patch)
        result = CliRunner().invoke(main, ["ask", QUESTION, "--json", "--index", str(index_dir)])
    answer = json.loads(result.stdout)["answer"]
    assert "six hours" in answer["text"]
    return Healthy(folder, index_dir, other_dir, answer)


@pytest.fixture
def shared_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands get the fake encoder instead of loading the model."""
    fake_model(monkeypatch)


# --- the damage -------------------------------------------------------------------------


def gen(index_dir: Path) -> Path:
    """The current generation folder."""
    manifest = read_manifest(index_dir)
    assert manifest is not None
    return index_dir / manifest.generation


def edit_manifest(index_dir: Path, change: Callable[[dict], object]) -> None:
    """Rewrite manifest.json after ``change`` edits its parsed JSON."""
    path = index_dir / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def without_checksums(data: dict) -> None:
    """As a manifest written before qa recorded its files' sizes and hashes."""
    for key in ("store_bytes", "store_sha256", "vectors_bytes", "vectors_sha256"):
        data.pop(key, None)


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def garbage_in_middle(path: Path) -> None:
    """Overwrite 4 KiB in the middle of a file with garbage, keeping its size."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4096] = bytes((i * 37 + 11) % 256 for i in range(4096))[
        : len(data) - middle
    ]
    path.write_bytes(bytes(data))


def garbage_in_document_text(path: Path) -> None:
    """Overwrite the pages holding the long document's text (SQLite overflow pages):
    the store still opens and counts its rows, and fails only when a query reads them."""
    conn = sqlite3.connect(path)
    pages = [
        r[0]
        for r in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'documents' AND pagetype = 'overflow'"
        )
    ]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    assert pages
    with open(path, "r+b") as f:
        for page in pages:
            f.seek((page - 1) * page_size)
            f.write(b"\xff" * page_size)


def other_vectors(healthy: Healthy, index_dir: Path) -> None:
    shutil.copyfile(gen(healthy.other_dir) / "vectors.faiss", gen(index_dir) / "vectors.faiss")


def wrong_types(data: dict) -> None:
    data["chunks"] = "five"
    data["documents"] = ["guide.md"]


Damage = Callable[[Healthy, Path], object]
CASES: dict[str, Damage] = {
    "vectors truncated": lambda h, d: truncate(gen(d) / "vectors.faiss"),
    "vectors missing": lambda h, d: (gen(d) / "vectors.faiss").unlink(),
    "vectors zero bytes": lambda h, d: (gen(d) / "vectors.faiss").write_bytes(b""),
    "vectors of another index": other_vectors,
    "vectors of another index, old manifest": lambda h, d: (
        other_vectors(h, d),
        edit_manifest(d, without_checksums),
    ),
    "store garbage in the middle": lambda h, d: garbage_in_middle(gen(d) / "store.sqlite"),
    "store truncated": lambda h, d: truncate(gen(d) / "store.sqlite"),
    "store truncated, old manifest": lambda h, d: (
        truncate(gen(d) / "store.sqlite"),
        edit_manifest(d, without_checksums),
    ),
    "store missing": lambda h, d: (gen(d) / "store.sqlite").unlink(),
    "manifest not JSON": lambda h, d: (d / "manifest.json").write_text('{"generation": "gen-'),
    "manifest empty": lambda h, d: (d / "manifest.json").write_bytes(b""),
    "manifest a JSON list": lambda h, d: (d / "manifest.json").write_text("[1, 2]"),
    "manifest missing keys": lambda h, d: edit_manifest(
        d, lambda m: (m.pop("generation"), m.pop("model_sha256"))
    ),
    "manifest wrong types": lambda h, d: edit_manifest(d, wrong_types),
    "manifest names a missing generation": lambda h, d: edit_manifest(
        d, lambda m: m.update(generation="gen-0-0")
    ),
    "manifest names a path outside": lambda h, d: edit_manifest(
        d, lambda m: m.update(generation="../other-index")
    ),
    "manifest chunk count wrong": lambda h, d: edit_manifest(
        d, lambda m: m.update(chunks=m["chunks"] + 3)
    ),
    "another model": lambda h, d: edit_manifest(
        d, lambda m: m.update(model_name="another/model", model_sha256="0" * 64)
    ),
    "another chunker version": lambda h, d: edit_manifest(
        d, lambda m: m.update(chunker_version="0")
    ),
    "another number of dimensions": lambda h, d: edit_manifest(
        d, lambda m: m.update(dimensions=768)
    ),
}
# Damage only a query meets: the index opens, and the first read of the pages fails.
QUERY_TIME = {
    "store document pages garbage, old manifest": lambda h, d: (
        garbage_in_document_text(gen(d) / "store.sqlite"),
        edit_manifest(d, without_checksums),
    ),
}


def damaged_copy(healthy: Healthy, tmp_path: Path, damage: Damage) -> Path:
    index_dir = tmp_path / "index"
    shutil.copytree(healthy.index_dir, index_dir)
    damage(healthy, index_dir)
    return index_dir


def assert_refused(result: Result) -> str:
    """Exit 1, one line on stderr naming the remedy, nothing on stdout, no traceback."""
    assert result.exit_code == 1, (result.output, result.exception)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("qa: error: ") and REBUILD in lines[0], lines[0]
    assert "Traceback" not in result.output
    assert result.stdout == ""
    return lines[0]


def commands(index_dir: Path, quote: str = QUOTE) -> list[list[str]]:
    """Every command that reads an index, aimed at ``index_dir``."""
    where = ["--index", str(index_dir)]
    return [["ask", QUESTION, "--json", *where], ["quotes", *where], ["verify", quote, *where]]


def assert_rebuild_recovers(healthy: Healthy, index_dir: Path) -> None:
    """`qa index --rebuild` succeeds on the damaged index, which then answers as before."""
    runner = CliRunner()
    result = runner.invoke(
        main, ["index", str(healthy.folder), "--index", str(index_dir), "--rebuild"]
    )
    assert result.exit_code == 0, (result.output, result.exception)
    asked = runner.invoke(main, ["ask", QUESTION, "--json", "--index", str(index_dir)])
    assert asked.exit_code == 0, asked.output
    assert json.loads(asked.stdout)["answer"] == healthy.answer
    for command in commands(index_dir)[1:]:
        assert runner.invoke(main, command).exit_code == 0


@pytest.mark.usefixtures("shared_model")
@pytest.mark.parametrize("case", sorted(CASES))
def test_damaged_index_is_refused_in_one_line_then_rebuilt(
    case: str, healthy: Healthy, tmp_path: Path, encoder: FakeEncoder
) -> None:
    index_dir = damaged_copy(healthy, tmp_path, CASES[case])
    runner = CliRunner()
    for command in commands(index_dir):
        assert_refused(runner.invoke(main, command))

    engine = Session(index_dir, embedder=encoder)
    with pytest.raises(IndexUnusable) as refused:
        engine.prepare(lambda *_: None)
    assert REBUILD in str(refused.value) and "\n" not in str(refused.value)

    assert_rebuild_recovers(healthy, index_dir)


@pytest.mark.usefixtures("shared_model")
@pytest.mark.parametrize("case", sorted(QUERY_TIME))
def test_damage_met_at_query_time_is_one_line_too(
    case: str, healthy: Healthy, tmp_path: Path, encoder: FakeEncoder
) -> None:
    index_dir = damaged_copy(healthy, tmp_path, QUERY_TIME[case])
    runner = CliRunner()
    for command in commands(index_dir, ARTICLE_WORDS):
        message = assert_refused(runner.invoke(main, command))
        assert "damaged" in message

    engine = Session(index_dir, embedder=encoder)
    engine.prepare(lambda *_: None)  # it opens: only reading the text fails
    with pytest.raises(IndexUnusable) as refused:
        engine.ask(QUESTION)
    assert REBUILD in str(refused.value) and "\n" not in str(refused.value)
    engine.close()

    assert_rebuild_recovers(healthy, index_dir)


@pytest.mark.slow  # starts `qa` processes
@pytest.mark.parametrize("case", ["vectors truncated", "manifest not JSON", "another model"])
def test_real_processes_refuse_in_one_line(case: str, healthy: Healthy, tmp_path: Path) -> None:
    """The same through `qa` processes: what a user at a terminal sees."""
    index_dir = damaged_copy(healthy, tmp_path, CASES[case])
    for command in commands(index_dir):
        status, out, err = run_qa(*command)
        assert status == 1 and out == "", (out, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and REBUILD in lines[0] and "Traceback" not in err, err


@pytest.mark.usefixtures("shared_model")
def test_damaged_default_index_is_rebuilt_on_first_use(
    healthy: Healthy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default index/ of docs/ is qa's own to rebuild: it says so and answers."""
    project = tmp_path / "project"
    shutil.copytree(healthy.folder, project / "docs")
    monkeypatch.chdir(project)
    runner = CliRunner()
    assert runner.invoke(main, ["index"]).exit_code == 0
    (project / "index" / "manifest.json").write_text("not json")
    result = runner.invoke(main, ["ask", QUESTION, "--json"])
    assert result.exit_code == 0, result.output
    assert "damaged" in result.stderr and "rebuilding it now" in result.stderr
    assert json.loads(result.stdout)["answer"]["text"] == healthy.answer["text"]
