"""The `qa` command line: what a user sees, exit statuses, and one-line errors."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa.index.builder import IndexReport

from helpers.cli import QA, assert_one_line_error, qa, run_qa
from helpers.corpus import FIXTURE_DOCS, ROOT, SampleIndex

FIXTURES = FIXTURE_DOCS
GOOD = ("utf8.txt", "guide.md")
BAD = ("binary.txt", "empty.txt", "corrupt.pdf", "junk.docx")
ANSWER_KEYS = {"text", "source", "start", "end", "score", "citation", "short"}
PASSAGE_KEYS = {"rank", "source", "start", "end", "text", "score", "highlight", "citation", "match"}


def assert_contract(data: dict, question: str) -> None:
    """One `qa ask --json` object has the documented keys and shapes."""
    assert set(data) == {"question", "understood_as", "answer", "passages"}
    assert data["question"] == question
    if data["answer"] is not None:
        assert set(data["answer"]) == ANSWER_KEYS
    assert data["passages"]
    for rank, p in enumerate(data["passages"], 1):
        assert set(p) == PASSAGE_KEYS and p["rank"] == rank
        assert set(p["highlight"]) == {"start", "end"}
        assert p["match"] in {"exact", "keyword", "meaning"}


def mixed_folder(root: Path, names: tuple[str, ...]) -> Path:
    """A folder holding copies of the named fixture files."""
    folder = root / "mixed"
    folder.mkdir()
    for name in names:
        shutil.copyfile(FIXTURES / name, folder / name)
    return folder


# --- qa index ---------------------------------------------------------------------------


def test_index_prints_a_line_per_skipped_file_and_a_summary(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path, GOOD + BAD)
    index_dir = tmp_path / "index"
    result = qa("index", str(folder), "--index", str(index_dir))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for name in BAD:
        prefix = f"skipped {folder / name}: "
        skipped = [line for line in lines if line.startswith(prefix)]
        assert len(skipped) == 1, (name, result.output)
        assert skipped[0][len(prefix) :].strip(), skipped
    summary = re.compile(
        r"2 indexed, 0 unchanged, 0 removed, 4 skipped; \d+ new chunks, "
        rf"2 documents and \d+ chunks in {re.escape(str(index_dir))}; [\d.]+ s"
    )
    assert any(summary.fullmatch(line) for line in lines), result.output


def test_index_into_a_pipe_prints_plain_progress_lines(tmp_path: Path) -> None:
    """Without a terminal there is no bar, but stderr still says what is going on: a
    plain line per stage, and the summary on stdout as before."""
    folder = mixed_folder(tmp_path, GOOD)
    status, out, err = run_qa("index", str(folder), "--index", str(tmp_path / "index"))
    assert status == 0, out + err
    lines = err.splitlines()
    assert any(re.fullmatch(r"qa: reading 1/2 \(\d+ s\)", line) for line in lines), err
    assert any(re.fullmatch(r"qa: embedding \d+/\d+ \(\d+ s\)", line) for line in lines), err
    assert len(lines) < 20, err
    assert "\x1b" not in err and "\r" not in err  # no bar, no cursor movement
    assert "2 indexed, 0 unchanged" in out


def test_index_of_a_folder_of_thousands_of_files_reports_them_briefly(tmp_path: Path) -> None:
    """Thousands of unreadable or unsupported files: the one good document is indexed,
    the summary counts every skip, and the screen is not flooded with lines."""
    folder = mixed_folder(tmp_path, GOOD[:1])
    for n in range(1500):
        (folder / f"note-{n:04}.xyz").write_text("not a document")
    for n in range(500):
        (folder / f"blank-{n:04}.txt").write_text("  \n")
    result = qa("index", str(folder), "--index", str(tmp_path / "index"))
    assert result.exit_code == 0, result.output
    assert "1 indexed, 0 unchanged, 0 removed, 2000 skipped;" in result.output
    assert len(result.output.splitlines()) < 60
    assert "skipped 1480 more: unsupported file type .xyz" in result.output
    assert "skipped 480 more: empty document" in result.output


def test_index_of_only_bad_files_fails(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path, BAD)
    result = qa("index", str(folder), "--index", str(tmp_path / "index"))
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert sum(line.startswith("skipped ") for line in result.output.splitlines()) == len(BAD)


def test_index_of_a_missing_path_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = qa("index", "missing/path", "--index", "idx")
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "skipped missing/path: no such file or folder" in result.output.splitlines()


# --- qa ask -----------------------------------------------------------------------------


def test_ask_json_prints_one_json_line(sample_index: tuple[Path, Path]) -> None:
    question = "How many North Korean troops arrived in Russia?"
    result = qa("ask", "--json", question, "--index", str(sample_index.index_dir))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert_contract(data, question)
    assert data["answer"] is not None and "10,000" in data["answer"]["text"]
    assert data["answer"]["source"] == str(sample_index.source)


def test_ask_prints_the_answer_and_a_line_per_other_passage(sample_index: SampleIndex) -> None:
    """27 lines of whole passages used to push the answer off the screen: now the
    answer, then a line per other passage; --passages (-v) prints them whole."""
    question = "How many North Korean troops arrived in Russia?"
    result = qa("ask", question, "--index", str(sample_index.index_dir))
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip("\n").splitlines()
    assert len(lines) <= 12, result.stdout
    assert lines[1].startswith("Answer (score ") and "10,000" in lines[2]
    passages = [line for line in lines if re.match(r"\[\d\] ", line)]
    assert len(passages) == 4, result.stdout
    for line in passages:
        assert re.match(rf"\[\d\] {re.escape(str(sample_index.source))}, .*¶\d+.* — “.+”$", line)
    for flag in ("--passages", "-v"):
        full = qa("ask", question, flag, "--index", str(sample_index.index_dir))
        assert full.exit_code == 0, full.output
        assert full.stdout.startswith("\n".join(lines[:4]))
        assert len(full.stdout.splitlines()) > 20
        assert "Experts wonder: will they bolster Russian forces" in full.stdout


def test_ask_reads_questions_from_stdin(sample_index: tuple[Path, Path]) -> None:
    questions = [
        "Who is Lee Woong-gil?",
        "What weapons has Russia given the North Korean soldiers?",
        "Where will the soldiers' wages go?",
    ]
    stdin = "\n".join([questions[0], "", *questions[1:]]) + "\n"
    result = qa("ask", "--json", "-", "--index", str(sample_index.index_dir), input=stdin)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    for question, line in zip(questions, lines, strict=True):
        assert_contract(json.loads(line), question)


def test_ask_without_an_index_hints_at_qa_index(tmp_path: Path) -> None:
    index_dir = tmp_path / "no-index-here"
    index_dir.mkdir()
    result = qa("ask", "Who is Lee Woong-gil?", "--index", str(index_dir))
    assert_one_line_error(result, "qa index", str(index_dir))
    assert result.stderr.startswith(f"qa: error: no index at {index_dir};")  # not a crash


@pytest.mark.parametrize("command", [["ask", "Who is Lee Woong-gil?"], ["text", "notes.txt"]])
def test_damaged_manifest_asks_for_a_rebuild(command: list[str], tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    (index_dir / "manifest.json").write_text("{not json at all", encoding="utf-8")
    result = qa(*command, "--index", str(index_dir))
    assert_one_line_error(result, "qa index --rebuild")


# --- qa text ----------------------------------------------------------------------------


def test_text_prints_the_utf8_file_byte_for_byte(
    formats_index: tuple[IndexReport, Path, Path],
) -> None:
    _, index_dir, folder = formats_index
    source = folder / "utf8.txt"
    result = qa("text", str(source), "--index", str(index_dir))
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == source.read_bytes()


def test_text_of_the_sample_article_is_the_file(sample_index: tuple[Path, Path]) -> None:
    index_dir, source = sample_index
    result = qa("text", str(source), "--index", str(index_dir))
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == source.read_bytes()


def test_text_accepts_any_path_to_the_file_and_its_name(
    sample_index: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Indexed by an absolute path, the article is found by a relative one, by
    ``./``, through a symlink, and by its file name alone."""
    index_dir, source = sample_index
    monkeypatch.chdir(source.parent.parent)
    link = source.parent.parent / "article-link.txt"
    link.symlink_to(source)
    try:
        for typed in (f"docs/{source.name}", f"./docs/{source.name}", link.name, source.name):
            result = qa("text", typed, "--index", str(index_dir))
            assert result.exit_code == 0, (typed, result.output)
            assert result.stdout_bytes == source.read_bytes(), typed
    finally:
        link.unlink()


def test_text_of_an_unknown_source_is_a_one_line_error(sample_index: tuple[Path, Path]) -> None:
    result = qa("text", "nowhere/unknown.txt", "--index", str(sample_index.index_dir))
    assert_one_line_error(result, "nowhere/unknown.txt", "not in the index")


# --- the installed command ----------------------------------------------------------------


def test_installed_qa_help_works_and_import_is_cheap() -> None:
    result = subprocess.run([QA, "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for command in ("index", "ask", "text"):
        assert re.search(rf"^\s+{command}\b", result.stdout, re.MULTILINE), result.stdout
    check = (
        "import qa.cli, sys; "
        "assert 'torch' not in sys.modules and 'faiss' not in sys.modules "
        "and 'numpy' not in sys.modules"
    )
    imported = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=120
    )
    assert imported.returncode == 0, imported.stderr


@pytest.mark.parametrize("delay", [0.15, 0.25, 0.4, 0.6, 1.0])
def test_ctrl_c_at_any_moment_of_start_up_prints_no_traceback(
    delay: float, sample_index: tuple[Path, Path]
) -> None:
    """Ctrl-C while click and the core are still importing, or once `qa ask -` waits
    for questions: a short line and status 130, never a traceback. (Python's own
    start-up, the first ~30 ms here, is before any code of ours can catch it.)"""
    proc = subprocess.Popen(
        [QA, "ask", "-", "--index", str(sample_index.index_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err, err
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1].startswith("qa: interrupted"), err


def test_default_corpus_is_the_bundled_article_not_the_design_notes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The chat on the bundled document answers from the article alone: the project's
    own notes and figures in docs/design are never indexed as documents."""
    from qa.config import default_documents

    monkeypatch.chdir(ROOT)
    assert [p.as_posix() for p in default_documents()] == ["docs/north-korean-troops-in-russia.txt"]
    assert Path("docs/design/scale.md").is_file()
