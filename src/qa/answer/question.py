"""A question, parsed once: what it asks, in the forms every later step needs.

``Question.parse`` reads the question's text once: its quoted phrases (matched word
for word), its terms (stemmed, for the reranker's coverage), its keywords (folded, for
the keyword channel), the kind of answer its wording makes plain ("how many" wants a
number, "when" a date, "who" a name, "where" a place), and whether it asks about
quotations ("Who said 'cannon fodder'?", "What did Blinken say?", "quotes by Lee
Woong-gil"), which are answered from the quote index by speaker and word for word, not
by meaning: a reporter asking who said something wants the person and the exact words,
or to hear that nobody in the documents said them. Everything here is regular
expressions over the text: microseconds a question, no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from qa.quotes.verbs import ASKED_SPEECH_VERBS, WHO_SAID_VERBS
from qa.text.fold import fold
from qa.text.terms import (
    MAX_QUERY_TERMS,
    STOPWORDS,
    content_terms,
    keywords,
    quoted_phrases,
    stems,
    words,
)

AnswerType = Literal["number", "date", "person", "place"]

# A lone surrogate (what Python makes of invalid UTF-8 in argv) cannot be encoded:
# the tokenizer rejects it and it cannot be printed. It stands for bytes that were
# no text, so it becomes U+FFFD, as any decoder would show them.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_WORD = re.compile(r"\w+")

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


def asked_type(question: str) -> AnswerType | None:
    """The answer type the question's wording makes plain, or None."""
    if _WHO_IS_NAME.match(question):
        return None
    for kind, pattern in _ASKS:
        if pattern.search(question):
            return kind  # type: ignore[return-value]
    return None


# -- questions about quotations ------------------------------------------------------
_END = r"[\s?.!]*$"
_WHO_SAID = re.compile(
    r"^\s*who\s+(?:" + WHO_SAID_VERBS + r"|used\s+the\s+"
    r"(?:words?|phrase|term|expression)|called\s+\w+|described\s+\w+(?:\s+as)?)"
    r"\s*[:,]?\s*(?P<phrase>.+?)" + _END,
    re.IGNORECASE,
)
_BY_SPEAKER = (
    re.compile(
        r"^\s*what\s+(?:did|does|has|have|had)\s+(?P<name>.+?)\s+(?:"
        + ASKED_SPEECH_VERBS
        + r")\b.*$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\s*(?:show\s+(?:me\s+)?|list\s+|find\s+|give\s+me\s+)?(?:all\s+)?(?:the\s+)?"
        r"(?:direct\s+)?(?:quotes|quotations?|quote)\s+(?:by|from|of)\s+(?P<name>.+?)" + _END,
        re.IGNORECASE,
    ),
    re.compile(r"^\s*(?P<name>[^?]+?)['’]s?\s+(?:quotes|quotations)" + _END, re.IGNORECASE),
)
# "Did Okafor say the reserve will run dry?": a phrase and the person asked about.
_DID_SAY = re.compile(
    r"^\s*(?:did|does|has|had)\s+(?P<name>.+?)\s+(?:really\s+|ever\s+|actually\s+)?"
    r"(?:say|said|tell\s+\w+|claim|claimed|write|wrote|warn|warned)\b\s*[:,]?\s*"
    r"(?P<phrase>.+?)" + _END,
    re.IGNORECASE,
)
_MARKS = "\"'“”„«»‘’‚"
_PRONOUNS = frozenset("he she they it we you i him her them this that".split())


@dataclass(frozen=True)
class QuoteAsk:
    """What a quote question asks: who said ``phrase``, what ``speaker`` said, or, with
    both, whether ``speaker`` said ``phrase``."""

    phrase: str | None = None
    speaker: str | None = None


def _phrase(raw: str) -> str:
    """The words asked about: the quoted part if any, without marks or a leading 'that'."""
    quoted = re.search(r"[\"“„«](.+)[\"”»]", raw) or re.search(
        r"(?:^|\s)['‘](.+?)['’](?=[\s?.!,]|$)", raw
    )
    text = quoted.group(1) if quoted else raw
    text = re.sub(r"^(?:that|the\s+words?)\s+", "", text.strip(), flags=re.IGNORECASE)
    return text.strip().strip(_MARKS).strip(" ,")


def parse_quote_ask(question: str) -> QuoteAsk | None:
    """The quote question ``question`` asks, or None when it is an ordinary question."""
    match = _WHO_SAID.match(question)
    if match:
        phrase = _phrase(match.group("phrase"))
        return QuoteAsk(phrase=phrase) if phrase else None
    match = _DID_SAY.match(question)
    if match:
        name = match.group("name").strip().strip(_MARKS).strip()
        phrase = _phrase(match.group("phrase"))
        # A phrase of words that mean something: "Did Okafor say no?" asks nothing of
        # the quote index.
        if content_terms(phrase) and name.casefold() not in _PRONOUNS and name[:1].isupper():
            return QuoteAsk(phrase=phrase, speaker=name)
    for pattern in _BY_SPEAKER:
        match = pattern.match(question)
        if match:
            name = match.group("name").strip().strip(_MARKS).strip()
            if name and name.casefold() not in _PRONOUNS:
                return QuoteAsk(speaker=name)
    return None


@dataclass(frozen=True)
class Question:
    """One question as every step of the answer path reads it."""

    text: str  # as asked, stripped (the answer and ``--json`` echo it)
    phrases: tuple[str, ...]  # text inside double quotes: matched word for word
    terms: tuple[str, ...]  # distinct content terms (stemmed), in order
    keywords: tuple[str, ...]  # distinct folded words for the keyword channel, in order
    own_words: frozenset[str]  # folded words but stopwords: not its own answer
    wanted: AnswerType | None  # the kind of answer its wording makes plain
    quote_ask: QuoteAsk | None  # what it asks of the quote index, if it asks that

    @classmethod
    def parse(cls, raw: str) -> Question:
        text = _LONE_SURROGATE.sub("\ufffd", raw).strip()
        phrases = quoted_phrases(text)
        terms = tuple(dict.fromkeys(content_terms(text)))[:MAX_QUERY_TERMS]
        if not terms:  # a question of stopwords only ("who is it?") still searches
            terms = tuple(dict.fromkeys(stems(words(text))))[:MAX_QUERY_TERMS]
        return cls(
            text=text,
            phrases=phrases,
            terms=terms,
            keywords=keywords(text),
            own_words=frozenset(fold(w) for w in _WORD.findall(text)) - STOPWORDS,
            wanted=asked_type(text),
            quote_ask=parse_quote_ask(text),
        )

    @property
    def searchable(self) -> bool:
        """Whether there is anything to look for (an empty or all-punctuation question
        has neither terms nor phrases)."""
        return bool(self.text) and bool(self.terms or self.phrases)
