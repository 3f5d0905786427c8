"""What an answer is: the typed values the answer path hands to the CLI and the chat.

An ``Answer`` holds the answering span (or None: "not found"), the passages that
support it, and notes; its ``kind`` says what it is (a passage's sentence, a
quotation, reported speech, or nothing found), so the renderers only choose styles
and never guess from strings. Every offset is a position in the document's extracted
text, and every text is exactly the document's text at those offsets.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from qa.citations import Citation


class Match(StrEnum):
    """How a passage was found: word for word (``exact``), by the keyword channel, by
    meaning, or from the quote index (a direct ``quote``, or ``reported`` speech)."""

    EXACT = "exact"
    KEYWORD = "keyword"
    MEANING = "meaning"
    QUOTE = "quote"
    REPORTED = "reported"

    @property
    def is_quotation(self) -> bool:
        """Whether the passage comes from the quote index, with a speaker to show: a
        direct quotation, or a sentence reporting what someone said (which is the
        writer's words, not theirs: only ``QUOTE`` may be copied as their quote)."""
        return self in (Match.QUOTE, Match.REPORTED)


class AnswerKind(StrEnum):
    """What an answer is, for the renderers to style."""

    PASSAGE = "passage"  # the best sentence(s) of the best passage
    QUOTATION = "quotation"  # a direct quotation, with its speaker
    REPORTED = "reported"  # what the text reports someone saying, not quoted
    NOT_FOUND = "not_found"  # nothing in the documents answers


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    rank: int
    source: str
    start: int
    end: int
    text: str
    score: float
    highlight: Span
    citation: Citation
    match: Match
    weak: bool
    speaker: str | None = None  # quote answers: who the text says spoke

    @property
    def highlighted_text(self) -> str:
        """The words of its highlight (document offsets, inside the passage)."""
        return self.text[self.highlight.start - self.start : self.highlight.end - self.start]


@dataclass(frozen=True)
class AnswerSpan:
    text: str
    source: str
    start: int
    end: int
    score: float
    citation: Citation
    speaker: str | None = None  # quote answers: who the text says spoke
    # The exact words that answer, inside the span, when the question's type is plain
    # ("how many" -> "10,000"); document offsets like start/end.
    short: Span | None = None
    short_text: str | None = None


@dataclass(frozen=True)
class Answer:
    question: str
    answer: AnswerSpan | None
    passages: list[Passage]
    # Quoted phrases of the question that no passage holds word for word.
    missing_phrases: tuple[str, ...] = ()
    # What the reader should know before the answer: who is quoted, the nearest
    # wording of a phrase the documents do not hold word for word.
    notes: tuple[str, ...] = ()
    # In a conversation: the standalone question that was answered ("What did he
    # say?" -> "What did Choi Jung-hoon say?"); None when asked alone.
    understood_as: str | None = None
    # When a follow-up fits two readings ("he": two men named just before), the other
    # standalone questions, and what was ambiguous ("“he” may be A or B").
    alternatives: tuple[str, ...] = ()
    ambiguity: str | None = None
    # Each document's best passage score for the question alone, before any focus of
    # a conversation (not in ``--json``): what the conversation layer weighs to tell
    # which document a conversation is about, without its own preference feeding back.
    document_scores: tuple[tuple[str, float], ...] = ()

    @property
    def kind(self) -> AnswerKind:
        if self.answer is None:
            return AnswerKind.NOT_FOUND
        first = self.passages[0].match if self.passages else None
        if first is Match.REPORTED:
            return AnswerKind.REPORTED
        if any(p.match.is_quotation for p in self.passages):
            return AnswerKind.QUOTATION
        return AnswerKind.PASSAGE

    @property
    def is_quotation(self) -> bool:
        """A quotation or reported speech: the answer has a speaker (or says it has none)."""
        return self.kind in (AnswerKind.QUOTATION, AnswerKind.REPORTED)

    @property
    def is_direct_quote(self) -> bool:
        """The speaker's own words: shown as "X said:" and copied with their name.
        Reported speech is not, since its words are the writer's."""
        return self.kind is AnswerKind.QUOTATION

    def to_json(self) -> dict[str, Any]:
        """The `qa ask --json` contract, field for field. ``understood_as`` is the
        standalone question answered (the question itself when it needed nothing from
        before). Answers from the quote index add ``speaker`` to the answer and passages;
        ``notes`` appears when there are any, ``alternatives`` and ``ambiguity`` when a
        follow-up fitted two readings."""
        answer = None
        if self.answer is not None:
            a = self.answer
            answer = {
                "text": a.text,
                "source": a.source,
                "start": a.start,
                "end": a.end,
                "score": round(a.score, 4),
                "citation": str(a.citation),
                "short": None
                if a.short is None
                else {"text": a.short_text, "start": a.short.start, "end": a.short.end},
            }
            if a.speaker is not None or any(p.match.is_quotation for p in self.passages):
                answer["speaker"] = a.speaker
        data: dict[str, Any] = {
            "question": self.question,
            "understood_as": self.understood_as or self.question,
            "answer": answer,
            "passages": [
                {
                    "rank": p.rank,
                    "source": p.source,
                    "start": p.start,
                    "end": p.end,
                    "text": p.text,
                    "score": round(p.score, 4),
                    "highlight": {"start": p.highlight.start, "end": p.highlight.end},
                    "citation": str(p.citation),
                    "match": p.match.value,
                }
                | ({"speaker": p.speaker} if p.match.is_quotation else {})
                for p in self.passages
            ],
        }
        if self.notes:
            data["notes"] = list(self.notes)
        if self.alternatives:
            data["alternatives"] = list(self.alternatives)
            data["ambiguity"] = self.ambiguity
        return data
