"""Named steps of a build where a test can stop the indexer (``QA_TEST_PAUSE_AT``).

Interruption safety is only believable when it is tried at every step of a build, and
waiting on timings would make such tests slow and flaky; so the builder calls
``checkpoint(name)`` at each step, inert unless that variable names it.
"""

from __future__ import annotations

import os
import signal
import sys

PAUSE_ENV = "QA_TEST_PAUSE_AT"
_paused: set[str] = set()


def checkpoint(name: str) -> None:
    """Test hook, inert unless ``QA_TEST_PAUSE_AT`` equals ``name``: then say so on stderr
    and stop this process (SIGSTOP), so a test can kill it at exactly this point of a
    build (SIGKILL, or SIGINT then SIGCONT) or let it go on (SIGCONT).
    """
    if os.environ.get(PAUSE_ENV) == name and name not in _paused:
        _paused.add(name)  # once: a run let go on from here passes freely
        sys.stderr.write(f"qa: test pause at {name}\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGSTOP)
