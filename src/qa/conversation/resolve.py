"""Follow-up questions made standalone: "What did he say?" -> "What did Choi Jung-hoon say?".

(First version: the question is taken as it is; the rules come next.)
"""

from __future__ import annotations

from dataclasses import dataclass

from qa.conversation.turns import Conversation


@dataclass(frozen=True)
class Reading:
    """How a question was understood in its conversation."""

    question: str  # as asked
    understood_as: str  # the standalone question answered (shown as "understood as")
    follow_up: bool = False  # it needed the turns before
    what_else: bool = False  # "What else did he say?": leave out what was shown
    # Other standalone questions it could be, when two readings fit ("he": two men).
    alternatives: tuple[str, ...] = ()
    ambiguity: str | None = None  # "“he” may be A or B"
    # Words of the turns before that retrieval adds to the question's own ("Why?").
    context_words: tuple[str, ...] = ()


def resolve(question: str, conversation: Conversation) -> Reading:
    """The standalone reading of ``question`` after the turns of ``conversation``."""
    text = question.strip()
    return Reading(text, text)
