"""The text a passage is embedded as: its words, with the title and heading they sit under.

A chunk's own words rarely name the subject its section is about; the heading and the
document title do, and questions often do too.
"""

from __future__ import annotations

import re

_SPACE_RUN = re.compile(r"\s+")


def embedding_text(title: str | None, heading: str | None, body: str) -> str:
    """Whitespace folded (PDF line breaks carry no meaning), context first."""
    parts = [p for p in (title, heading) if p]
    parts.append(body)
    return _SPACE_RUN.sub(" ", ". ".join(parts)).strip()
