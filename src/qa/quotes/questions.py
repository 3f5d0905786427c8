"""Questions about quotations: "Who said 'cannon fodder'?", "What did Blinken say?",
"quotes by Lee Woong-gil". These are answered from the quote index, by speaker and
word for word, not by meaning: a reporter asking who said something wants the person
and the exact words, or to hear that nobody in the documents said them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_END = r"[\s?.!]*$"
_WHO_SAID = re.compile(
    r"^\s*who\s+(?:said|says|has\s+said|stated|wrote|warned|used\s+the\s+"
    r"(?:words?|phrase|term|expression)|called\s+\w+|described\s+\w+(?:\s+as)?)"
    r"\s*[:,]?\s*(?P<phrase>.+?)" + _END,
    re.IGNORECASE,
)
_BY_SPEAKER = (
    re.compile(
        r"^\s*what\s+(?:did|does|has|have|had)\s+(?P<name>.+?)\s+(?:say|said|tell|told|"
        r"state|stated|warn|warned|think|thought|add|added|claim|claimed)\b.*$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\s*(?:show\s+(?:me\s+)?|list\s+|find\s+|give\s+me\s+)?(?:all\s+)?(?:the\s+)?"
        r"(?:direct\s+)?(?:quotes|quotations?|quote)\s+(?:by|from|of)\s+(?P<name>.+?)" + _END,
        re.IGNORECASE,
    ),
    re.compile(r"^\s*(?P<name>[^?]+?)['’]s?\s+(?:quotes|quotations)" + _END, re.IGNORECASE),
)
_MARKS = "\"'“”„«»‘’‚"
_PRONOUNS = frozenset("he she they it we you i him her them this that".split())


@dataclass(frozen=True)
class QuoteQuestion:
    """What a quote question asks: who said ``phrase``, or what ``speaker`` said."""

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


def parse_quote_question(question: str) -> QuoteQuestion | None:
    """The quote question ``question`` asks, or None when it is an ordinary question."""
    match = _WHO_SAID.match(question)
    if match:
        phrase = _phrase(match.group("phrase"))
        return QuoteQuestion(phrase=phrase) if phrase else None
    for pattern in _BY_SPEAKER:
        match = pattern.match(question)
        if match:
            name = match.group("name").strip().strip(_MARKS).strip()
            if name and name.casefold() not in _PRONOUNS:
                return QuoteQuestion(speaker=name)
    return None
