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
