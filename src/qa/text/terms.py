"""Words and terms: the vocabulary the keyword index and the reranker share.

Terms are lower-cased, accent-folded and Porter-stemmed exactly as SQLite's
``porter unicode61`` tokenizer does, so what the query asks for is what FTS5 indexed,
and the same terms score sentences for the answer span.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

from qa.text.fold import fold

_WORD = re.compile(r"\w+", re.UNICODE)
# Straight or curly double quotes around a phrase (at least one word character).
_PHRASE = re.compile(r"[\"“”„«»]([^\"“”„«»]*\w[^\"“”„«»]*)[\"“”„«»]")
# A question is a sentence or two; a pasted page is cut to its first words, so the
# keyword query stays fast.
MAX_QUERY_TERMS = 64


STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are aren as at be because been
    before being below between both but by can could did didn do does doesn doing don down
    during each else ever few for from further had has have having he her here hers herself
    him himself his how i if in into is isn it its itself just let me might more most must
    my myself no nor not now of off on once only or other ought our ours ourselves out over
    own same shall she should so some such than that the their theirs them themselves then
    there these they this those through to too under until up upon us very was wasn we were
    weren what when where which while who whom whose why will with within without would you
    your yours yourself yourselves s t d ll m re ve also per via
    """.split()
)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("porter")


def words(text: str) -> list[str]:
    """Folded words of ``text``. Every candidate passage and sentence goes through here
    on each question, so plain-ASCII text (most of it) takes one regex pass, not a
    Unicode decomposition per word (that was half the reranker's time)."""
    if text.isascii():
        return _WORD.findall(text.lower())
    return [fold(w) for w in _WORD.findall(text)]


def stems(tokens: list[str]) -> list[str]:
    return _stemmer().stemWords(tokens)


def content_terms(text: str) -> list[str]:
    """Stemmed words that carry meaning (no stopwords), in order, with repeats."""
    return stems([w for w in words(text) if w not in STOPWORDS])


def quoted_phrases(text: str) -> tuple[str, ...]:
    """The phrases of ``text`` in double quotes (straight or curly), stripped."""
    return tuple(p.strip() for p in _PHRASE.findall(text) if p.strip())


def keywords(text: str, limit: int = MAX_QUERY_TERMS) -> tuple[str, ...]:
    """Distinct folded words of ``text`` but stopwords (all of them when that leaves
    none), in order, the first ``limit``: what the keyword channel looks for."""
    folded = words(text)
    kept = tuple(dict.fromkeys(w for w in folded if w not in STOPWORDS))
    return (kept or tuple(dict.fromkeys(folded)))[:limit]
