"""Copying: the OSC 52 escape inside tmux, and the file every copy is also saved to.

Textual copies with OSC 52, which tmux swallows unless it is wrapped in tmux's
passthrough; and a terminal may ignore OSC 52 altogether, so each copy is also written to
``INDEX/last-copy.txt``, where the reader can always find it.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

LAST_COPY = "last-copy.txt"


def tmux_passthrough(text: str) -> str | None:
    """The OSC 52 sequence that copies ``text``, wrapped in tmux's passthrough so it
    reaches the terminal; None outside tmux (Textual's own sequence reaches it there)."""
    if not os.environ.get("TMUX"):
        return None
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"\x1bPtmux;\x1b\x1b]52;c;{data}\a\x1b\\"


def last_copy_path(index_dir: Path) -> Path:
    """Where the last copy is saved: beside the index it was copied from."""
    return index_dir / LAST_COPY


def save_last_copy(index_dir: Path, text: str) -> Path:
    """Write ``text`` to ``INDEX/last-copy.txt`` (the folder made if need be) and return
    the path; raises OSError when it cannot be written."""
    path = last_copy_path(index_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path
