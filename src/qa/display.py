"""Showing untrusted document text safely, for the CLI and the chat alike.

Document text never reaches a terminal as markup or raw bytes: it goes into Rich
``Text`` objects (never parsed as markup) with control, escape and bidi-override
characters shown as visible escapes, so a document cannot restyle the terminal, set
its title or write to its clipboard. This module imports nothing heavy, so the chat's
first frame can use it.
"""

from __future__ import annotations

import re

from rich.text import Text

NOT_FOUND = "Not found in these documents"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Control, escape and bidi-override characters shown as visible escapes."""
    return _CONTROL.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


def highlighted(text: str, start: int, end: int, style: str = "bold reverse") -> Text:
    """``text`` shown literally with ``text[start:end]`` styled (offsets survive escaping)."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    body = Text(printable(text[:start]))
    body.append(printable(text[start:end]), style=style)
    body.append(printable(text[end:]))
    return body
