"""What `qa verify` answers: graded matches, each an exact span of a document.

A reporter checking a remembered quote needs to know how close the documents come:
character for character (``exact``); the same once case, quotation marks, dashes,
spacing and line-end hyphens are set aside (``normalized``); a word or two differing
(``fuzzy``); or the same statement in other words (``paraphrase``). Every match is
``doc.text[start:end]``, with a word diff against the user's version, so what is shown
and cited is always the document's own words. When nothing is close, the nearest
passages may still be shown, each saying why it is not a match ("it says the
opposite"), never as a match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from qa.citations import Citation
from qa.text.contractions import written_out

Grade = Literal["exact", "normalized", "fuzzy", "paraphrase"]
GRADES: tuple[Grade, ...] = ("exact", "normalized", "fuzzy", "paraphrase")


@dataclass(frozen=True)
class DiffPart:
    """A run of a word diff: words both have (``equal``), words only the document has
    (``delete``), or words only the quote has (``insert``)."""

    op: Literal["equal", "delete", "insert"]
    text: str
    # Whether its first word opens its wording or a sentence: a capital there is no name.
    opens: bool = False


_WDIFF_MARKS = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}


def wdiff(parts: tuple[DiffPart, ...]) -> str:
    """The diff in wdiff style: ``[-document-] {+quote+}``."""
    return " ".join(_WDIFF_MARKS[p.op].format(p.text) for p in parts)


def only_contractions(parts: tuple[DiffPart, ...]) -> bool:
    """Whether the two wordings differ only by contractions ("they’re" / "they are"):
    the same words, said the same way, and a reporter should be told so, not that the
    statement is in other words."""
    changed = False
    deleted: list[str] = []
    for part in [*parts, DiffPart("equal", "")]:
        if part.op == "delete":
            deleted.append(part.text)
        elif part.op == "insert":
            if _words(" ".join(deleted)) != _words(part.text):
                return False
            deleted, changed = [], True
        elif deleted:
            return False
    return changed


def _words(text: str) -> list[str]:
    return written_out(text).casefold().split()


@dataclass(frozen=True)
class VerifyMatch:
    """One place in the documents and how close it comes to the quote as given."""

    grade: Grade
    source: str
    start: int
    end: int
    text: str  # the document's text[start:end]
    citation: Citation
    # 1.0 for exact and normalized; for fuzzy the share of the quote's words in place;
    # for paraphrase (and a nearest passage) the cosine of the two wordings' meanings.
    similarity: float
    word_edits: int  # words to change, add or drop to turn the document's into the quote
    diff: tuple[DiffPart, ...] = ()  # empty for exact and normalized
    speaker: str | None = None  # who the text says spoke these words, when quoted
    quoted: bool = False  # inside a quotation (speaker or not), not the writer's own words
    why_not: str | None = None  # for a nearest passage: why it is not a match

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "grade": self.grade,
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "citation": str(self.citation),
            "diff": wdiff(self.diff),
            "similarity": round(self.similarity, 3),
            "speaker": self.speaker,
        }
        if self.why_not is not None:
            del data["grade"]
            data["why_not"] = self.why_not
        return data


@dataclass(frozen=True)
class VerifyResult:
    query: str  # as given, quotation marks and all
    matches: tuple[VerifyMatch, ...]  # best first; empty when nothing is close
    # When nothing is close: the passages that came nearest, each with why it is not
    # a match (a reporter sees the real wording and judges).
    nearest: tuple[VerifyMatch, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.matches)

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "matches": [m.to_json() for m in self.matches],
            "nearest": [m.to_json() for m in self.nearest],
        }
