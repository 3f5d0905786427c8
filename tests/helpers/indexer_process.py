"""A real `qa index` process that tests can stop at a named point of its run.

The indexer calls ``qa.index.checkpoints.checkpoint(name)`` at each step of a build; with
``QA_TEST_PAUSE_AT=name`` in its environment the process announces that point on
stderr and waits there for SIGCONT. From there a test kills it (SIGKILL), interrupts it
(SIGINT, which the kernel hands to the waiting main thread), or lets it go on — at
exactly that step, every time, with no sleeps to tune.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time
from pathlib import Path

from helpers.cli import HANG_SECONDS, QA

# Every point a build passes, in order (a removal-only update passes all but the four
# marked *, which need new text; a run with nothing to do stops after "base-copied").
POINTS = (
    "start",  # build_index entered, lock not yet taken
    "locked",
    "swept",  # old generations and temp files of killed runs removed
    "discovered",
    "generation-created",  # the new generation folder exists, empty
    "base-copied",  # the previous store copied, its vectors read
    "extracted",  # * a new or changed document's text extracted
    "quotes",  # * its quotations found (spaCy)
    "model-loaded",  # * the embedding model loaded
    "embedded",  # * chunk and sentence vectors computed
    "stored",  # * the first new document written to the new store
    "removed",  # a deleted document dropped from the new store and vectors
    "store-written",  # committed and closed
    "vectors-written",
    "synced",  # both files and the folder fsynced
    "manifest-temp",  # the new manifest written to its temp file, not yet renamed
    "manifest-swapped",  # the rename done: the new generation is current
    "committed",  # old generations swept
)


class Indexer:
    """One `qa index` process, started paused at ``point`` (or not paused at all)."""

    def __init__(self, folder: Path, index_dir: Path, point: str | None, *extra: str) -> None:
        env = dict(os.environ)
        env.pop("QA_TEST_PAUSE_AT", None)
        if point:
            env["QA_TEST_PAUSE_AT"] = point
        self.point = point
        self.proc = subprocess.Popen(
            [QA, "index", str(folder), "--index", str(index_dir), *extra],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self.paused = False
        self.early = ""  # what it printed on stderr before pausing

    def wait_paused(self) -> bool:
        """Wait until the process stops at its point; False if it ended without reaching
        it (its output is then in ``finish``)."""
        assert self.proc.stderr is not None
        selector = selectors.DefaultSelector()
        selector.register(self.proc.stderr, selectors.EVENT_READ)
        deadline = time.monotonic() + HANG_SECONDS
        announce = f"qa: test pause at {self.point}\n".encode()
        line = b""
        while line != announce:
            if line.endswith(b"\n"):
                self.early += line.decode("utf-8", errors="replace")
                line = b""
            assert selector.select(timeout=max(0.0, deadline - time.monotonic())), "qa hung"
            byte = os.read(self.proc.stderr.fileno(), 1)  # unbuffered: finish() reads on
            if not byte:
                return False
            line += byte
        selector.close()
        self.paused = True
        return True

    def kill(self) -> int:
        """SIGKILL: nothing of the process's own runs after this."""
        self.proc.send_signal(signal.SIGKILL)
        return self.finish()[0]

    def interrupt(self) -> tuple[int, str]:
        """Ctrl-C at the paused point: the main thread, asleep there, takes it at once."""
        self.proc.send_signal(signal.SIGINT)
        return self.finish()

    def resume(self) -> None:
        self.proc.send_signal(signal.SIGCONT)
        self.paused = False

    def finish(self) -> tuple[int, str]:
        """Wait for the end; the exit status and everything it printed."""
        try:
            out, err = self.proc.communicate(timeout=HANG_SECONDS)
        except BaseException:
            self.proc.kill()
            self.proc.wait()
            raise
        text = self.early + (out + err).decode("utf-8", errors="replace")
        return self.proc.returncode, text
