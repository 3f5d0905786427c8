"""Named steps of a build where a test can stop the indexer (``QA_TEST_PAUSE_AT``).

Interruption safety is only believable when it is tried at every step of a build, and
waiting on timings would make such tests slow and flaky; so the builder calls
``checkpoint(name)`` at each step, inert unless that variable names it.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

PAUSE_ENV = "QA_TEST_PAUSE_AT"
_paused: set[str] = set()


def checkpoint(name: str) -> None:
    """Test hook, inert unless ``QA_TEST_PAUSE_AT`` equals ``name``: then say so on stderr
    and wait there until SIGCONT, so a test can kill the process at exactly this point of
    a build (SIGKILL), interrupt it (SIGINT, as Ctrl-C) or let it go on (SIGCONT).

    The main thread waits asleep rather than the process stopping itself (SIGSTOP): a
    signal sent to a stopped process waits in the process's queue, and on SIGCONT any of
    its threads may take it (OpenBLAS and OpenMP keep threads that do not block SIGINT),
    so the main thread could run past this point, to the manifest's rename, before the
    interrupt reached it. Sent to a running process whose main thread sleeps with nothing
    pending, the kernel hands it to the main thread, whose sleep it ends at once.
    """
    if os.environ.get(PAUSE_ENV) != name or name in _paused:
        return
    _paused.add(name)  # once: a run let go on from here passes freely
    if threading.current_thread() is not threading.main_thread():
        sys.stderr.write(f"qa: test pause at {name}\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGSTOP)  # no handlers off the main thread
        return
    resumed = threading.Event()
    previous = signal.signal(signal.SIGCONT, lambda signum, frame: resumed.set())
    try:
        sys.stderr.write(f"qa: test pause at {name}\n")
        sys.stderr.flush()
        while not resumed.is_set():
            time.sleep(0.01)  # a SIGCONT before the first sleep is seen at the next check
    finally:
        signal.signal(signal.SIGCONT, previous)
