"""A Ctrl-C during the import of a compiled library is held, then raised: never lost,
never read as "not installed" (``qa.interrupts``)."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from qa.interrupts import interrupt_held


def test_a_ctrl_c_inside_is_raised_after_the_block() -> None:
    finished = False
    with pytest.raises(KeyboardInterrupt), interrupt_held():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler runs here: it must not raise inside
        finished = True
    assert finished


def test_without_a_ctrl_c_nothing_is_raised_and_the_handler_is_restored() -> None:
    before = signal.getsignal(signal.SIGINT)
    with interrupt_held():
        pass
    assert signal.getsignal(signal.SIGINT) is before


def test_off_the_main_thread_it_changes_nothing() -> None:
    seen: list[object] = []

    def work() -> None:
        with interrupt_held():
            seen.append(signal.getsignal(signal.SIGINT))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [signal.getsignal(signal.SIGINT)]
