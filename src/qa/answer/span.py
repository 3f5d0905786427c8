"""The answering words: the span of sentences that answers, and the short answer in it.

"How many" wants a number, "when" a date, "who" a name, "where" a place. Knowing that
lets the answer step prefer the sentence that holds such words, and show the exact words
("10,000", "Kursk", "2007") as a short answer inside their sentence. Everything here is
regular expressions over the text: it runs per question in microseconds, with no model,
and an answer type is only assumed when the question's wording makes it plain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qa.answer.question import Question
from qa.text.fold import fold
from qa.text.terms import STOPWORDS, stems

# Answer spans: a neighbouring sentence scoring at least this share of the best joins it
# (chosen on the development sets: SQuAD answer-span hit@1 0.705 -> 0.746 with the
# pointing-back rule, spans 188 -> 232 characters on average; taking a following sentence
# that points back: 0.751 -> 0.762 on 2,500 SQuAD questions, COVID-QA 0.492 -> 0.506,
# spans 232 -> 247 characters; then this ratio 0.5 -> 0.4: SQuAD 0.762 -> 0.768, COVID-QA
# 0.506 -> 0.509, spans 247 -> 260 characters, two sentences or more in 38% -> 46% of
# answers. Lower gains little more: 0.35 gives 0.768 at 266 characters); never over 500.
NEIGHBOUR_RATIO = 0.4
MAX_SPAN_CHARS = 500
# A sentence that opens like this leans on the one before it.
_POINTS_BACK = re.compile(
    r"^\W*(?:this|that|these|those|it|its|he|she|his|her|they|their|such|there|then|"
    r"however|but|also|thus|therefore|the\s+latter|the\s+former|as\s+a\s+result)\b",
    re.IGNORECASE,
)
# A "sentence" opening in lower case is the rest of one that a line break cut ("San
# Diego, Cal.;" / "on behalf of the Respondent." in a transcript's list of counsel).
_CARRIES_ON = re.compile(r"^[\"'“‘(]?[a-z]")
# A neighbour joins only when it is a sentence: one ending in a stop, a question or an
# exclamation mark (a closing quote or bracket, or footnote marks "[7][8]", may follow).
# A heading, a table row or a caption next to the answer ("2.2 GB/s | 0.094 GB/s"
# before "Thus, roughly speaking, simdjson can parse … at about 2 GB/s.") is not what
# the answer leans on.
_ENDS_A_SENTENCE = re.compile(r"[.!?…][\"'”’)\]»]*(?:\[\d+\])*$")

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


@dataclass(frozen=True)
class SentenceSpan:
    """Words of the wanted kind: offsets into the sentence they were found in."""

    start: int
    end: int


def _all_asked(text: str, asked: frozenset[str]) -> bool:
    words = [fold(w) for w in re.findall(r"\w+", text)]
    return all(w in asked or w in STOPWORDS for w in words)


def _names(sentence: str, asked: frozenset[str], places_only: bool) -> list[SentenceSpan]:
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
        out.append(SentenceSpan(start, end))
    return out


def words_of_type(sentence: str, question: Question) -> list[SentenceSpan]:
    """Spans of ``sentence`` of the kind the question wants that it does not already say
    (none when it wants no plain kind)."""
    kind, asked = question.wanted, question.own_words
    if kind is None:
        return []
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
        out.append(SentenceSpan(start, start + len(text)))
    return out


# A sentence that cannot answer keeps this share of its score: a question ("Want to know
# more about Erin Spiceland?"), or one adding under ``MIN_NEW_WORDS`` words to the
# question's own (a heading, a teaser, a link line that repeats the name asked about).
NOT_ANSWERING = 0.01
MIN_NEW_WORDS = 1
_QUESTION_END = re.compile(r"\?[\s\"'”’»)]*$")


def answering_scores(
    text: str, sentences: tuple[tuple[int, int], ...], scores: np.ndarray, question: Question
) -> np.ndarray:
    """Sentence scores for choosing the answer sentence: those that only ask, or only
    repeat the question's words, fall behind one that says something new. The passage's
    score is left as it is: such a sentence still shows the passage is on the subject."""
    out = np.array(scores, dtype=np.float32, copy=True)
    out[~can_answer(text, sentences, question)] *= NOT_ANSWERING
    return out


def can_answer(
    text: str,
    sentences: Sequence[tuple[int, int]],
    question: Question,
    terms: Sequence[set[str]] | None = None,
) -> np.ndarray:
    """Which sentences could answer: not a question, and saying at least
    ``MIN_NEW_WORDS`` words besides the question's own. With ``terms`` (each sentence's
    stemmed content terms, as the reranker has them) the words are not read again: it
    runs on every candidate passage."""
    asked = question.own_words
    asked_stems = set(stems(sorted(asked))) if terms is not None else set()
    out = np.ones(len(sentences), dtype=bool)
    for i, (s, e) in enumerate(sentences):
        sentence = text[s:e]
        if terms is not None:
            new = terms[i] - asked_stems
        else:
            new = {fold(x) for x in re.findall(r"\w+", sentence)} - (asked | STOPWORDS)
        if len(new) < MIN_NEW_WORDS or _QUESTION_END.search(sentence):
            out[i] = False
    return out


def answer_span(
    text: str,
    sentences: tuple[tuple[int, int], ...],
    scores: np.ndarray,
    question: Question | None = None,
) -> tuple[int, int]:
    """The best sentence, with at most one neighbour: the one it cannot stand without.

    A "sentence" opening in lower case is the tail of one a line break cut, and takes
    the piece before it. A sentence that opens by pointing back ("This created…", "He
    later…") takes the one before it, whose words it depends on. Otherwise the
    sentence after it joins when that one points back to it, since it carries on the
    same subject (the question's words in one sentence, the answer in the next: "…the
    Ten Commandments … show Christians how to live. This has traditionally been called
    the 'third use of the law'."); else a neighbour scoring at least ``NEIGHBOUR_RATIO`` of the best
    joins, the higher-scored of the two, rather than one guessed. One neighbour, not
    two: a third sentence rarely holds what the two do not, and a reader looking for
    the answering sentence meets a paragraph instead ("…faces a maximum of 10 years.
    Sentencing is scheduled for Feb. 14. He was arrested in April…" for "When is the
    sentencing scheduled?"). When no neighbour has joined and the ``question`` asks for
    no plain kind of answer ("what caused…", "which intern…"), the sentence after it
    joins: the best one often only repeats the question's words ("A hole was found in
    the right fuselage."), and what it asks comes next ("A ground service worker said
    he had grazed the aircraft with a tug."). For a number or a date the sentence
    stays alone: its short answer is taken from the span, and a figure in the next
    sentence is most often one of something else. A neighbour joins only when it is
    a sentence, not a heading or a table row. Never more than ``MAX_SPAN_CHARS``.
    """
    sents = sentences
    best = int(np.argmax(scores))
    start, end = sents[best]

    def joins(i: int) -> bool:
        lo, hi = min(sents[i][0], start), max(sents[i][1], end)
        return (
            hi - lo <= MAX_SPAN_CHARS
            and _ENDS_A_SENTENCE.search(text[sents[i][0] : sents[i][1]]) is not None
        )

    if (
        best > 0
        and _CARRIES_ON.match(text[start:end])
        and end - sents[best - 1][0] <= MAX_SPAN_CHARS
    ):
        return sents[best - 1][0], end  # the tail of a sentence a line break cut
    if best > 0 and _POINTS_BACK.match(text[start:end]) is not None:
        if joins(best - 1):
            return sents[best - 1][0], end
        return start, end
    options = []
    if best > 0 and joins(best - 1):
        options.append((float(scores[best - 1]), best - 1, best))
    if best + 1 < len(sents) and joins(best + 1):
        following = text[sents[best + 1][0] : sents[best + 1][1]]
        if _POINTS_BACK.match(following):
            return start, sents[best + 1][1]
        options.append((float(scores[best + 1]), best, best + 1))
    if options:
        score, lo, hi = max(options)
        if score >= NEIGHBOUR_RATIO * float(scores[best]):
            return sents[lo][0], sents[hi][1]
    if (
        question is not None
        and question.wanted is None
        and best + 1 < len(sents)
        and joins(best + 1)
    ):
        return start, sents[best + 1][1]
    return start, end
