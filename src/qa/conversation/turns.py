"""The turns of one conversation, and what each names.

Each turn keeps the question as asked, the standalone question it was understood as,
the answer (with its document and offsets) and the mentions a later "he", "they" or
"there" may point back to: people, organizations, places, figures and things, most
salient first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from qa.answer.model import Answer

MentionKind = Literal["person", "group", "place", "time", "number", "thing"]


@dataclass(frozen=True)
class Mention:
    """Something a turn names: ``text`` as written, its kind, and for people a guess
    of the pronoun that refers to them ("he", "she" or None when the text gives none)."""

    text: str
    kind: MentionKind
    pronoun: Literal["he", "she"] | None = None
    plural: bool = False
    in_question: bool = False  # named in the question (the turn's topic), not only the answer


@dataclass(frozen=True)
class Turn:
    question: str
    understood_as: str
    answer: Answer
    mentions: tuple[Mention, ...] = ()
    speaker: str | None = None  # the speaker of a quote answer


@dataclass
class Conversation:
    """The turns so far, oldest first; ``clear`` starts a new conversation."""

    turns: list[Turn] = field(default_factory=list)

    def add(self, turn: Turn) -> None:
        self.turns.append(turn)

    def clear(self) -> None:
        self.turns.clear()

    def forget_last(self) -> Turn | None:
        """Take back the last turn (to ask it again with another reading)."""
        return self.turns.pop() if self.turns else None

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    def __len__(self) -> int:
        return len(self.turns)
