"""`qa index` without a terminal: plain progress lines, a few, and never a long
silence (qa.cli.progress, on a fake clock)."""

from __future__ import annotations

from qa.cli.progress import ProgressLines, elapsed


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_each_stage_starts_and_ends_with_a_line_and_moves_every_ten_seconds() -> None:
    clock, lines = Clock(), []
    progress = ProgressLines(lines.append, every=10.0, quiet_for=30.0, clock=clock)
    for done in range(1, 2001):  # two thousand small files in two seconds
        clock.now += 0.001
        progress("reading", done, 2000)
    assert lines == ["qa: reading 1/2000 (0 s)", "qa: reading 2000/2000 (2 s)"]
    lines.clear()
    progress("loading model", 0, 1)
    clock.now += 12
    progress("loading model", 1, 1)
    for n in range(0, 30001, 1000):  # 30 batches, 2 s each
        clock.now += 2
        progress("embedding", n, 30000)
    assert lines[0] == "qa: loading model (2 s)"
    assert lines[1] == "qa: loading model (14 s)"  # ten seconds on: a line
    assert lines[2] == "qa: embedding 0/30000 (16 s)"
    assert lines[-1] == "qa: embedding 30000/30000 (1 min 16 s)"
    assert 6 <= len(lines) <= 10


def test_a_long_file_without_progress_calls_is_never_silent_for_long() -> None:
    clock, lines = Clock(), []
    progress = ProgressLines(lines.append, every=10.0, quiet_for=30.0, clock=clock)
    progress.tick()
    assert lines == []  # nothing has started: nothing to say
    progress("reading", 1, 1)
    for _ in range(15 * 60):  # fifteen minutes on one 3 MB file, ticked every second
        clock.now += 1
        progress.tick()
    assert lines[0] == "qa: reading (0 s)"
    assert lines[1] == "qa: still reading (30 s)"
    assert lines[-1] == "qa: still reading (15 min 00 s)"
    assert len(lines) == 31


def test_elapsed() -> None:
    assert [elapsed(s) for s in (0, 59.9, 60, 605)] == ["0 s", "59 s", "1 min 00 s", "10 min 05 s"]
