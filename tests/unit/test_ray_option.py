"""`qa index --ray` before any Ray starts: what it refuses, in one line, and the
progress it shows (no Ray, no model)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from qa.cli.progress import JobProgressLines, job_status
from qa.index.ray_build import JobProgress

from helpers.cli import assert_one_line_error, qa


def _progress(done: int, seconds: float, skipped: int = 0) -> JobProgress:
    return JobProgress(
        files_done=done,
        files_total=400,
        chunks=done * 30,
        skipped=skipped,
        seconds=seconds,
        committed_files=0,
    )


def test_job_progress_says_files_chunks_rate_and_time_left() -> None:
    assert job_status(_progress(100, 150.0, skipped=2)) == (
        "100/400 files, 3000 chunks, 20.0 chunks/s, 2 skipped, about 7 min 30 s left"
    )
    assert job_status(_progress(400, 600.0)) == "400/400 files, 12000 chunks, 20.0 chunks/s"
    assert _progress(0, 5.0).eta_seconds is None


def test_job_progress_lines_come_every_ten_seconds_and_once_at_the_end() -> None:
    lines: list[str] = []
    now = [0.0]
    write = JobProgressLines(lines.append, every=10.0, clock=lambda: now[0])
    for done in range(0, 401, 4):  # a batch of 4 files a second
        now[0] = done / 4
        write(_progress(done, now[0]))
    write(_progress(400, now[0] + 2))  # the commit after the last file
    assert len(lines) == 11  # the start, every 10 s, the end (not again for the commit)
    assert lines[0].startswith("qa: on Ray: 0/400 files")
    assert lines[-1] == "qa: on Ray: 400/400 files, 12000 chunks, 120.0 chunks/s (1 min 40 s)"


def test_ray_refuses_a_sqlite_store_and_optimize_in_one_line(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    index = str(tmp_path / "index")
    result = qa("index", str(docs), "--index", index, "--ray", "--store", "sqlite")
    assert_one_line_error(result, "--ray writes Lance tables")
    result = qa("index", "--index", index, "--ray", "--optimize")
    assert_one_line_error(result, "--ray and --optimize")


def test_a_path_after_ray_is_not_taken_for_an_address(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    result = qa("index", "--ray", str(docs), "--index", str(tmp_path / "index"))
    assert_one_line_error(result, "put --ray after the paths")


def test_without_ray_installed_it_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Tungsten boils at 5,828 kelvin.\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray: ImportError
    result = qa("index", str(docs), "--index", str(tmp_path / "index"), "--ray")
    assert_one_line_error(result, message="indexing on Ray needs Ray: pip install 'qa[cluster]'")
