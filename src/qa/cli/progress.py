"""Progress as plain lines, for `qa index` writing to a pipe, a file or a CI log.

On a terminal Rich draws a bar; anywhere else a bar cannot be drawn, and printing
nothing left a 3 MB one-line file indexing for fifteen silent minutes. So there each
stage gets a line when it starts and ends, another at most every ``every`` seconds
while it moves, and a "still …" line every ``quiet_for`` seconds while it does not
(one long file is read, split and parsed with no progress call at all).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.index.ray_build import JobProgress


def elapsed(seconds: float) -> str:
    """``12 s``, ``3 min 05 s``."""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min {seconds % 60:02d} s"


class ProgressLines:
    """A progress callback (stage, done, total) that writes a few plain lines."""

    def __init__(
        self,
        write: Callable[[str], None],
        every: float = 10.0,
        quiet_for: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.write = write
        self.every = every
        self.quiet_for = quiet_for
        self.clock = clock
        self.started = clock()
        self.last_line = self.started
        self.state: tuple[str, int, int] | None = None
        self._lock = threading.Lock()

    def _line(self, prefix: str, stage: str, done: int, total: int) -> None:
        now = self.clock()
        count = f" {done}/{total}" if total > 1 else ""
        self.write(f"qa: {prefix}{stage}{count} ({elapsed(now - self.started)})")
        self.last_line = now

    def __call__(self, stage: str, done: int, total: int) -> None:
        with self._lock:
            new_stage = self.state is None or self.state[0] != stage
            self.state = (stage, done, total)
            finished = total > 1 and done >= total
            if new_stage or finished or self.clock() - self.last_line >= self.every:
                self._line("", stage, done, total)

    def tick(self) -> None:
        """Say the stage is still running when nothing was written for ``quiet_for`` s."""
        with self._lock:
            if self.state is not None and self.clock() - self.last_line >= self.quiet_for:
                self._line("still ", *self.state)


@contextmanager
def progress_lines(write: Callable[[str], None]) -> Iterator[ProgressLines]:
    """A ``ProgressLines`` whose "still …" lines come from a thread of its own, which
    ends with the block."""
    lines = ProgressLines(write)
    stop = threading.Event()

    def watch() -> None:
        # Ctrl-C and SIGTERM go to the main thread, which stops the build at once: a
        # signal the kernel hands to this thread would reach the build only at its
        # next bytecode check, perhaps after it committed what the user interrupted.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        while not stop.wait(1.0):
            lines.tick()

    thread = threading.Thread(target=watch, name="qa-progress", daemon=True)
    thread.start()
    try:
        yield lines
    finally:
        stop.set()
        thread.join(timeout=2.0)


def job_status(progress: JobProgress) -> str:
    """``16/26 files, 616 chunks, 14.4 chunks/s, about 1 min 05 s left``: what a
    distributed job (``qa index --ray``) has done and how long it has to go."""
    parts = [
        f"{progress.files_done}/{progress.files_total} files",
        f"{progress.chunks} chunks",
        f"{progress.chunks_per_second:.1f} chunks/s",
    ]
    if progress.skipped:
        parts.append(f"{progress.skipped} skipped")
    eta = progress.eta_seconds
    if eta is not None and progress.files_done < progress.files_total:
        parts.append(f"about {elapsed(eta)} left")
    return ", ".join(parts)


class JobProgressLines:
    """A job progress callback that writes a plain line when the job starts and ends
    and at most every ``every`` seconds between, for pipes, files and CI logs."""

    def __init__(
        self,
        write: Callable[[str], None],
        every: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.write = write
        self.every = every
        self.clock = clock
        self.last_line: float | None = None
        self.finished = False

    def __call__(self, progress: JobProgress) -> None:
        now = self.clock()
        finished = progress.files_done >= progress.files_total
        if self.finished:
            return
        if self.last_line is None or finished or now - self.last_line >= self.every:
            self.write(f"qa: on Ray: {job_status(progress)} ({elapsed(progress.seconds)})")
            self.last_line = now
            self.finished = finished
