"""Where a follow-up's answer is likely: the documents and places of the answers before.

A conversation stays on its subject: "What did he say?" after "Who is Choi Jung-hoon?"
is about the same document, most often the same few paragraphs. ``Focus`` carries that
from the conversation layer to retrieval, which adds those documents' passages to the
candidates and raises their scores, without locking them in: a better passage elsewhere
still wins, and a question naming something new gets no focus at all.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """A span of one indexed document (document offsets)."""

    source: str
    start: int
    end: int


@dataclass(frozen=True)
class Focus:
    """What a follow-up question carries from the conversation into retrieval."""

    # Documents of the answers before, most recent first.
    sources: tuple[str, ...] = ()
    # The last answers' spans: passages near them are preferred (the story goes on).
    near: tuple[Place, ...] = ()
    # Spans already shown: "What else did he say?" leaves them out.
    shown: tuple[Place, ...] = ()
    leave_out_shown: bool = False
    # Words of the turns before, for the keyword channel (a follow-up's own words are
    # few: "Why?").
    context_words: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.sources or self.context_words)
