"""What kind of words a question wants, and where a sentence has them.

"How many" wants a number, "when" a date, "who" a name, "where" a place. Knowing that
lets the answer step prefer the sentence that holds such words, and show the exact words
("10,000", "Kursk", "2007") as a short answer inside their sentence. Everything here is
regular expressions over the text: it runs per question in microseconds, with no model,
and an answer type is only assumed when the question's wording makes it plain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from qa.lexical import STOPWORDS, fold

AnswerType = Literal["number", "date", "person", "place"]

# The question word must open the question, or follow a word or two ("In what year",
# "For whom"): a "who" or "when" later on is a relative clause, not what is asked.
_OPENING = r"^\W*(?:\w+\W+){0,2}?"
_ASKS = (
    (
        "date",
        re.compile(
            _OPENING + r"(?:when\b|(?:what|which)\s+(?:year|years|date|day|month|century"
            r"|decade|era)\b|how\s+long\s+ago\b)",
            re.IGNORECASE,
        ),
    ),
    (
        "number",
        re.compile(
            _OPENING + r"(?:how\s+(?:many|much|long|old|far|large|big|tall|high|often|wide"
            r"|deep|heavy|fast)\b|(?:what|which)\s+(?:percentage|percent|number|amount"
            r"|proportion|share|size|population|age)\b)",
            re.IGNORECASE,
        ),
    ),
    (
        "place",
        re.compile(
            _OPENING + r"(?:where\b|(?:what|which)\s+(?:city|cities|country|countries|state"
            r"|town|region|continent|place|island|river|province|county|location|area"
            r"|nation|village)\b)",
            re.IGNORECASE,
        ),
    ),
    ("person", re.compile(_OPENING + r"(?:who|whom|whose)\b", re.IGNORECASE)),
)
# "Who was Thomas Martin?" asks what someone is, not for a name.
_WHO_IS_NAME = re.compile(r"^\W*who\s+(?:is|was|are|were)\s+[A-Z][\w.'’ -]*\W*$")
# "How long", "how far": the number with its unit is the answer ("738 days").
_MEASURE = re.compile(r"\bhow\s+(?:long|old|far|tall|high|wide|deep|heavy|fast|big|large)\b", re.I)
_UNIT_AFTER = re.compile(
    r"\s+(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries"
    r"|century|km|kilometres?|kilometers?|miles?|metres?|meters?|m|cm|mm|feet|foot|ft"
    r"|inches|inch|kg|kilograms?|tons?|tonnes?|pounds?|lb|mph|km/h|percent|%)\b",
    re.IGNORECASE,
)

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|thousand|million|billion|trillion|dozen|half"
)
_SCALE = r"(?:\s+(?:hundred|thousand|million|billion|trillion))?"
_UNIT = r"(?:\s?(?:%|percent|per\s+cent))?"
# A number word starts a word ("someone", "often" and "weight" hold none), and its first
# letter is one of few: checked first, the pattern skips most positions at once (29
# against 81 microseconds a sentence on SQuAD's; the reranker runs it on every sentence
# of every candidate of a "how many" question).
_NUMBER = re.compile(
    r"(?:[$€£]\s?)?(?:\d[\d,]*(?:\.\d+)?"
    + _SCALE
    + _UNIT
    + r"|\b(?=[bdefhmnost])(?:"
    + _NUMBER_WORDS
    + r")(?:[\s-](?:"
    + _NUMBER_WORDS
    + r"))*"
    + _UNIT
    + r")\b",
    re.IGNORECASE,
)
_MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\."
)
_DATE = re.compile(
    r"\b(?:(?:\d{1,2}\s+)?(?:" + _MONTHS + r")(?:\s+\d{1,2})?(?:,?\s+\d{3,4})?"
    r"|(?:the\s+)?\d{1,2}(?:st|nd|rd|th)\s+century"
    r"|(?:the\s+)?(?:1[0-9]|20)\d0s"
    r"|(?:1[0-9]|20)\d{2}(?:\s*[–-]\s*\d{2,4})?)(?!\w)"
)
# A name: capitalised words, with particles, initials and hyphens inside.
_NAME = re.compile(
    r"\b[A-Z][\w’'.-]*(?:\s+(?:(?:de|da|del|der|van|von|bin|al|of|the|and)\s+)?[A-Z][\w’'.-]*)*"
)
_PLACE_CUE = re.compile(r"\b(?:in|at|near|from|to|into|on|across|outside|inside)\s+(?:the\s+)?$")
_NOT_NAMES = frozenset(
    """
    the a an in on at of for and but or if when while after before during this that these
    those it its he she they we i his her their our however although though since because
    as by with from to into according also yet still then there here
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    """.split()
)


def asked_type(question: str) -> AnswerType | None:
    """The answer type the question's wording makes plain, or None."""
    if _WHO_IS_NAME.match(question):
        return None
    for kind, pattern in _ASKS:
        if pattern.search(question):
            return kind  # type: ignore[return-value]
    return None


@dataclass(frozen=True)
class Candidate:
    start: int  # offsets into the sentence given to ``candidates``
    end: int


@lru_cache(maxsize=64)
def _question_words(question: str) -> frozenset[str]:
    """The question's own words (asked once per sentence scored: cached)."""
    return frozenset(fold(w) for w in re.findall(r"\w+", question)) - STOPWORDS


def _all_asked(text: str, asked: frozenset[str]) -> bool:
    words = [fold(w) for w in re.findall(r"\w+", text)]
    return all(w in asked or w in STOPWORDS for w in words)


def _names(sentence: str, asked: frozenset[str], places_only: bool) -> list[Candidate]:
    out = []
    for m in _NAME.finditer(sentence):
        words = m.group(0).split()
        while words and fold(words[0]).strip(".") in _NOT_NAMES:
            words = words[1:]
        while words and fold(words[-1]).strip(".’'") in _NOT_NAMES:
            words = words[:-1]
        if not words:
            continue
        text = " ".join(words)
        start = m.start() + m.group(0).find(words[0])
        end = start + len(text)
        text = text.rstrip(".’'")
        end = start + len(text)
        if _all_asked(text, asked):
            continue  # the question's own words are not its answer
        if places_only and not _PLACE_CUE.search(sentence[max(0, start - 12) : start]):
            continue
        if len(words) == 1 and not re.search(r"\w", sentence[:start]):
            continue  # a capital at the sentence's start says nothing
        out.append(Candidate(start, end))
    return out


def words_of_type(sentence: str, kind: AnswerType, question: str) -> list[Candidate]:
    """Spans of ``sentence`` of the wanted kind that the question does not already say."""
    asked = _question_words(question)
    if kind == "person":
        return _names(sentence, asked, places_only=False)
    if kind == "place":
        return _names(sentence, asked, places_only=True)
    pattern = _DATE if kind == "date" else _NUMBER
    out = []
    for m in pattern.finditer(sentence):
        text = m.group(0).strip()
        if not text or _all_asked(text, asked):
            continue
        start = m.start() + m.group(0).find(text)
        out.append(Candidate(start, start + len(text)))
    return out


def best_candidate(sentence: str, kind: AnswerType, question: str) -> Candidate | None:
    """The candidate nearest the question's own words in the sentence (where a reader's
    eye goes), or None when the sentence has none of the wanted kind. Numbers, dates and
    places only: names are found for ranking sentences, not shown as short answers."""
    found = words_of_type(sentence, kind, question)
    if not found or kind == "person":
        # Which of a sentence's names is the answer takes more than its shape (measured:
        # exact in 17% of SQuAD's "who" questions); a wrong name is worse than none.
        return None
    asked = _question_words(question)
    anchors = [m.span() for m in re.finditer(r"\w+", sentence) if fold(m.group(0)) in asked]
    if not anchors:
        return found[0]

    def closeness(c: Candidate) -> float:
        gaps = (max(0, c.start - end, start - c.end) for start, end in anchors)
        return sum(1 / (1 + gap) for gap in gaps)

    best = max(found, key=closeness)
    if kind == "number" and _MEASURE.search(question):
        unit = _UNIT_AFTER.match(sentence, best.end)
        if unit:
            best = Candidate(best.start, unit.end())
    return best
