"""A Ctrl-C held across the import of a compiled library, then raised.

A KeyboardInterrupt that lands while a compiled module initialises can come out as an
ImportError (pybind11 turns whatever the init meets into one), or be cleared by code
that tries an optional import and moves on. Either way the user's Ctrl-C is lost, and
worse, read as "not installed": `qa index` interrupted 0.95 s in once took onnxruntime
for missing, went on to the end on torch and exited 0. So the few imports of heavy
compiled libraries hold the interrupt for their length (half a second at most) and
raise it right after. Only the main thread receives signals, so elsewhere this does
nothing.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def interrupt_held() -> Iterator[None]:
    """Hold SIGINT for the block (on the main thread only), then raise it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    except ValueError:  # not the main interpreter
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt
