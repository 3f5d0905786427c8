"""One folder of every kind of bad input, indexed by the real `qa index` end to end.

A user points `qa index` at a messy folder: empty and binary files, odd encodings, a
50 MB log, a line of a million characters, broken PDFs and Word files, link loops, a
file they cannot read, a named pipe, names with spaces, line breaks and non-Latin
letters. The run must finish, index what can be indexed, list everything else with a
one-line reason, never print a traceback, and answer questions from the good files.

The tests run as root here and in CI, and ``chmod 000`` does not stop root, so when
the test is root the `qa index` process gives up root's power to override file
permissions before it starts (or, where it may not, runs as ``nobody``): the
unreadable file is then really unreadable. Large files are generated here, never
committed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import qa.embedding.encoder
from qa.cli.main import main
from qa.embedding.encoder import Embedder
from qa.ingest.extract.plaintext import MAX_TEXT_BYTES
from qa.text.safe import one_line

from helpers.cli import run_qa
from helpers.corpus import FIXTURE_DOCS, SAMPLE_ARTICLE

NOBODY = 65534
# A guard against a hang (a named pipe opened for reading blocks forever), not a
# timing assertion: a run that works takes well under a minute.
HANG_GUARD_SECONDS = 900

TROOPS = "How many North Korean troops arrived in Russia?"
LANTERNS = "How many visitors did the Beijing lantern festival draw?"
LIGHTHOUSE = "What colour was the lighthouse on Gull Island painted?"

CHINESE_NAME = "новости 北京.txt"
NEWLINE_NAME = "a\nb.txt"
SPACES_NAME = "notes with spaces (draft) [v2].md"


def _good_files(folder: Path) -> dict[str, str]:
    """Three good articles and good files with awkward names; name -> why it is here."""
    shutil.copyfile(SAMPLE_ARTICLE, folder / SAMPLE_ARTICLE.name)
    shutil.copyfile(FIXTURE_DOCS / "report.docx", folder / "report.docx")
    shutil.copyfile(FIXTURE_DOCS / "article.html", folder / "article.html")
    (folder / CHINESE_NAME).write_text(
        "The Beijing lantern festival drew forty thousand visitors to the river park "
        "in February, the organisers said.\n",
        encoding="utf-8",
    )
    (folder / NEWLINE_NAME).write_text(
        "The lighthouse on Gull Island was painted bright orange in 1987 by volunteers "
        "from the harbour club.\n",
        encoding="utf-8",
    )
    (folder / SPACES_NAME).write_text(
        "# Draft Notes\n\nThe draft notes list the ferry timetable for the winter months.\n",
        encoding="utf-8",
    )
    shutil.copyfile(FIXTURE_DOCS / "utf16_bom.txt", folder / "utf16-bom.txt")
    shutil.copyfile(FIXTURE_DOCS / "latin1.txt", folder / "latin1.txt")
    # A single line of a million characters: a hex dump with no space or stop. Every
    # piece is cut at the chunk limit; it is indexed, not refused.
    (folder / "one-line-1m.txt").write_text(("0123456789abcdef" * 62_500)[:1_000_000])
    # Invalid UTF-8: truncated multi-byte sequences and stray continuation bytes in
    # otherwise English text; decoded by the fallback detector as a code page.
    (folder / "invalid-utf8.txt").write_bytes(
        b"The market report for Z\xc3\xbcrich lists prices in \xe2\x82 and \x80\x80 bytes.\n"
        b"Caf\xe9 owners say the winter season was better than expected this year.\n"
    )
    (folder / "sub").mkdir()
    (folder / "sub" / "inner.txt").write_text("The inner note names the ferry to Gull Island.\n")
    return {
        name: "good"
        for name in (
            SAMPLE_ARTICLE.name,
            "report.docx",
            "article.html",
            CHINESE_NAME,
            NEWLINE_NAME,
            SPACES_NAME,
            "utf16-bom.txt",
            "latin1.txt",
            "one-line-1m.txt",
            "invalid-utf8.txt",
            "sub/inner.txt",
        )
    }


def _bad_files(folder: Path) -> dict[str, str]:
    """Every bad input; relative name -> the one-line reason `qa index` must give."""
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_bytes(b" \r\n\t\n   \n")
    (folder / "empty\nname.txt").write_bytes(b"")
    (folder / "[bold red]markup[link=x].txt").write_bytes(b"\n\n")
    shutil.copyfile(FIXTURE_DOCS / "binary.txt", folder / "binary.txt")
    # 50 MB of real prose, generated here: refused by size before it is read.
    line = SAMPLE_ARTICLE.read_bytes()
    with open(folder / "huge-50mb.txt", "wb") as fh:
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    for name in ("corrupt.pdf", "encrypted.pdf", "scanned.pdf", "junk.docx"):
        shutil.copyfile(FIXTURE_DOCS / name, folder / name)
    (folder / "scripts-only.html").write_text(
        "<html><head><script>var a = 1;</script></head><body>"
        "<script>document.write('hello')</script><style>p {color: red}</style></body></html>"
    )
    (folder / "notes.xyz").write_text("not a document type")
    sub = folder / "sub"
    os.symlink("..", sub / "parent")  # a folder link to its parent: a loop
    os.symlink(".", folder / "here")  # a folder link to the folder itself
    os.symlink("self.txt", folder / "self.txt")  # a file link to itself
    os.symlink("missing.txt", folder / "dangling.txt")
    locked = folder / "locked.txt"
    locked.write_text("A perfectly good article that nobody may read.\n")
    locked.chmod(0)
    locked_folder = folder / "locked-folder"
    locked_folder.mkdir()
    (locked_folder / "hidden-inside.txt").write_text("Never reached.\n")
    locked_folder.chmod(0)
    os.mkfifo(folder / "pipe.txt")
    too_large = f"file too large (over {MAX_TEXT_BYTES // (1024 * 1024)} MB)"
    return {
        "empty.txt": "empty document",
        "blank.md": "empty document",
        "empty\nname.txt": "empty document",
        "[bold red]markup[link=x].txt": "empty document",
        "binary.txt": "binary file, not text",
        "huge-50mb.txt": too_large,
        "corrupt.pdf": "corrupt or unreadable PDF",
        "encrypted.pdf": "encrypted PDF (password required)",
        "scanned.pdf": "PDF has no text layer (probably scanned)",
        "junk.docx": "corrupt or unreadable DOCX",
        "scripts-only.html": "no readable text in the HTML",
        "notes.xyz": "unsupported file type .xyz",
        "sub/parent": "symlinked folder not followed",
        "here": "symlinked folder not followed",
        "self.txt": "symlink loop",
        "dangling.txt": "broken link",
        "locked.txt": "cannot read file: Permission denied",
        "locked-folder": "cannot read folder: Permission denied",
        "pipe.txt": "not a regular file (named pipe)",
    }


@contextlib.contextmanager
def traversable(path: Path) -> Iterator[None]:
    """Let other users pass through ``path``'s folders (search bit only, no listing)
    for the duration, then restore the modes: pytest's tmp folders are private."""
    changed: list[tuple[Path, int]] = []
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)
            changed.append((folder, stat.S_IMODE(mode)))
    try:
        yield
    finally:
        for folder, mode in changed:
            folder.chmod(mode)


def _drop_root_powers() -> None:
    """In the child, before exec: give up the capabilities that let root ignore file
    permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER), from the bounding
    set so that exec cannot regain them. The process stays uid 0 (it can still run the
    interpreter, wherever it is installed) but reads files as any user would. Where
    that is not allowed (no CAP_SETPCAP), become ``nobody`` instead."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop = 24
    for capability in (1, 2, 3):  # DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER
        if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            return


def as_unprivileged(*writable: Path) -> Callable[[], None] | None:
    """A ``preexec_fn`` under which file permissions apply to the child as to any user
    (None when not root: they already do). The folders given are made writable for
    the ``nobody`` fallback."""
    if os.geteuid() != 0:
        return None
    for folder in writable:
        folder.chmod(0o777)
    return _drop_root_powers


def skipped_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("skipped ")]


def test_bad_corpus_end_to_end(
    tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    good = _good_files(folder)
    bad = _bad_files(folder)
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "COLUMNS": "200",
    }
    env.pop("QA_DEBUG", None)
    source = {name: os.path.normpath(str(folder / name)) for name in [*good, *bad]}
    preexec = as_unprivileged(home, index_dir)

    try:
        with traversable(tmp_path):
            first, again = (
                run_qa(
                    *("index", str(folder), "--index", str(index_dir)),
                    env=env,
                    cwd=tmp_path,
                    preexec=preexec,
                    timeout=HANG_GUARD_SECONDS,
                    errors="strict",
                )
                for _ in range(2)
            )
    finally:
        (folder / "locked.txt").chmod(0o644)
        (folder / "locked-folder").chmod(0o755)

    for run in (first, again):
        assert run.returncode == 0, run.stdout + run.stderr
        assert "Traceback" not in run.stdout + run.stderr
        assert "Error" not in run.stdout + run.stderr
        # Every line is one printable line: no raw control character, none of a
        # file name's line breaks.
        for line in (run.stdout + run.stderr).splitlines():
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", line), repr(line)

    # Each bad input is listed once, on one line, with its reason; nothing else is.
    expected = sorted(f"skipped {one_line(source[name])}: {reason}" for name, reason in bad.items())
    assert sorted(skipped_lines(first.stdout)) == expected, first.stdout
    assert "skipped " + str(folder / "empty\\nname.txt") + ": empty document" in expected
    assert f"{len(good)} indexed, 0 unchanged, 0 removed, {len(bad)} skipped;" in first.stdout, (
        first.stdout
    )
    # A second run finds nothing new and says the same about the bad files.
    assert sorted(skipped_lines(again.stdout)) == expected, again.stdout
    assert f"0 indexed, {len(good)} unchanged, 0 removed, {len(bad)} skipped;" in again.stdout, (
        again.stdout
    )

    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["documents"]) == sorted(source[name] for name in good)
    assert manifest["chunks"] > 670  # the million-character line is in, cut into pieces

    # The good articles answer, whatever their names: `qa ask --json -` in-process with
    # the session's model (reading an index needs no write access).
    monkeypatch.setattr(qa.embedding.encoder, "Embedder", lambda: embedder)
    asked = CliRunner().invoke(
        main,
        ["ask", "--json", "-", "--index", str(index_dir)],
        input=f"{TROOPS}\n{LANTERNS}\n{LIGHTHOUSE}\n",
    )
    assert asked.exit_code == 0, asked.output
    assert "Traceback" not in asked.output
    answers = [json.loads(line) for line in asked.stdout.splitlines()]
    assert [a["question"] for a in answers] == [TROOPS, LANTERNS, LIGHTHOUSE]
    expected_answers = [
        (SAMPLE_ARTICLE.name, "10,000"),
        (CHINESE_NAME, "forty thousand"),
        (NEWLINE_NAME, "bright orange"),
    ]
    for answer, (name, words) in zip(answers, expected_answers, strict=True):
        assert answer["answer"] is not None, answer
        assert answer["answer"]["source"] == source[name]
        assert words in answer["answer"]["text"]


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_index_of_a_named_pipe_given_directly_does_not_hang(tmp_path: Path, kind: str) -> None:
    """`qa index pipe.txt` (the pipe named on the command line, not found by the walk)
    is refused with its reason instead of blocking on open()."""
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    target = pipe if kind == "file" else tmp_path
    result = CliRunner().invoke(main, ["index", str(target), "--index", str(tmp_path / "idx")])
    assert result.exit_code == 1
    assert f"skipped {pipe}: not a regular file (named pipe)" in result.output.splitlines()
    assert "Traceback" not in result.output


def test_extract_refuses_a_named_pipe_without_opening_it(tmp_path: Path) -> None:
    from qa.errors import ExtractionError
    from qa.ingest.extract import extract

    for suffix in (".txt", ".md", ".html", ".pdf", ".docx"):
        pipe = tmp_path / f"pipe{suffix}"
        os.mkfifo(pipe)
        with pytest.raises(ExtractionError, match=r"^not a regular file \(named pipe\)$"):
            extract(pipe)


def test_oversize_text_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The size cap is checked on the open file: a huge file costs no read at all."""
    import qa.ingest.extract.plaintext as plaintext
    from qa.errors import ExtractionError
    from qa.ingest.extract import extract

    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(MAX_TEXT_BYTES + 1)  # sparse: no real data to read
    reads: list[int] = []
    real_open = Path.open

    class Spy:
        """The opened file, counting reads."""

        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> Spy:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def fileno(self) -> int:
            return self.handle.fileno()

        def read(self, n: int = -1) -> bytes:
            reads.append(n)
            return self.handle.read(n)

    def counting_open(self: Path, *args: Any, **kwargs: Any) -> Spy:
        return Spy(real_open(self, *args, **kwargs))

    monkeypatch.setattr(plaintext.Path, "open", counting_open)
    with pytest.raises(ExtractionError, match=r"^file too large \(over 10 MB\)$"):
        extract(big)
    assert reads == []
