"""Showing untrusted document text safely, for the CLI and the chat alike.

Document text never reaches a terminal as markup or raw bytes: it goes into Rich
``Text`` objects (never parsed as markup) with control, escape and bidi-override
characters shown as visible escapes, so a document cannot restyle the terminal, clear
it, set its title or write to its clipboard, and cannot reorder what is shown.

The visible form is Python's, as in a string literal: ``\\x1b`` for ESC and the other
C0/C1 controls and DEL, ``\\r`` for a lone CR (which would overwrite the line on a
terminal), ``\\u202e`` for a bidi control. It is unambiguous, copyable, and what one
would search for. Tab and line feed are layout and are kept (``one_line`` escapes them
too), and the CR of a CRLF line end is just a line end. This is display only: offsets
and stored text are never changed, and ``qa ask --json`` carries the exact text (the
same characters, as JSON ``\\u`` escapes: ``json_line``). This module imports nothing
heavy, so the chat's first frame can use it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rich.text import Text

NOT_FOUND = "Not found in these documents"
# What a quotation without an attributed speaker shows in its speaker's place.
NO_SPEAKER = "no speaker named"

# C0 controls but tab and line feed, DEL, C1 controls, and the bidi formatting
# characters (ALM, LRM/RLM, the embeddings and overrides, the isolates).
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(rf"[{_UNSAFE}]")
_CONTROL_ONE_LINE = re.compile(rf"[\t\n{_UNSAFE}]")
# What a JSON line escapes beyond what ``json.dumps`` does: characters a terminal or a
# viewer acts on even inside a string (C1 controls, DEL, bidi controls, and the
# line/paragraph separators some JSON consumers treat as line ends).
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


_MNEMONIC = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(m: re.Match[str]) -> str:
    """The visible form of one character, as Python writes it in a string literal."""
    char = m.group()
    if char == "\r" and m.string.startswith("\n", m.end()) and m.re is _CONTROL:
        return ""  # the CR of a CRLF: the LF after it already ends the line
    code = ord(char)
    if char in _MNEMONIC:
        return _MNEMONIC[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """Control, escape and bidi-override characters shown as visible escapes."""
    return _CONTROL.sub(_escape, text)


def one_line(text: str) -> str:
    """``printable``, with line breaks and tabs escaped too: for what must stay on one
    line, such as a file name (``a\\nb.txt``) in a citation or the index summary."""
    return _CONTROL_ONE_LINE.sub(_escape, text)


def json_line(obj: Any) -> str:
    """``obj`` as one line of JSON that decodes to exactly ``obj``, with no character a
    terminal would act on: ``json.dumps`` escapes C0 controls, and C1 controls, DEL and
    bidi controls are written as ``\\u`` escapes too (same string once decoded)."""
    return _JSON_UNSAFE.sub(
        lambda m: f"\\u{ord(m.group()):04x}", json.dumps(obj, ensure_ascii=False)
    )


def highlighted(text: str, start: int, end: int, style: str = "bold reverse") -> Text:
    """``text`` shown literally with ``text[start:end]`` styled (offsets survive escaping)."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    body = Text(printable(text[:start]))
    body.append(printable(text[start:end]), style=style)
    body.append(printable(text[end:]))
    return body
