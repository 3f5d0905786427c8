"""Words, phrases and FTS5 queries: the lexical side of retrieval.

Terms are lower-cased, accent-folded and Porter-stemmed exactly as SQLite's
``porter unicode61`` tokenizer does, so what the query asks for is what FTS5 indexed,
and the same terms score sentences for the answer span.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from qa.textfold import find_folded

_WORD = re.compile(r"\w+", re.UNICODE)
# Straight or curly double quotes around a phrase (at least one word character).
_PHRASE = re.compile(r"[\"“”„«»]([^\"“”„«»]*\w[^\"“”„«»]*)[\"“”„«»]")

# A question is a sentence or two; a pasted page is cut to its first words, so the
# lexical query stays fast.
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


def fold(word: str) -> str:
    """Lower-case and strip diacritics, as unicode61 remove_diacritics does."""
    if word.isascii():  # nothing to decompose: the common case, kept cheap
        return word.lower()
    return _fold_accented(word)


@lru_cache(maxsize=65536)
def _fold_accented(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the question as typed
    phrases: tuple[str, ...]  # text inside double quotes: exact phrases
    terms: tuple[str, ...]  # distinct content terms (stemmed), in order


def parse_query(question: str) -> ParsedQuery:
    phrases = tuple(p.strip() for p in _PHRASE.findall(question) if p.strip())
    terms = tuple(dict.fromkeys(content_terms(question)))[:MAX_QUERY_TERMS]
    if not terms:  # a question of stopwords only ("who is it?") still searches
        terms = tuple(dict.fromkeys(stems(words(question))))[:MAX_QUERY_TERMS]
    return ParsedQuery(question, phrases, terms)


def _fts_phrase(text: str) -> str:
    tokens = words(text)
    return '"' + " ".join(tokens) + '"' if tokens else ""


def fts_any_terms(query: ParsedQuery) -> str:
    """An FTS5 query matching any content term (BM25 ranks by how many and how rare)."""
    seen = dict.fromkeys(w for w in words(query.text) if w not in STOPWORDS)
    if not seen:
        seen = dict.fromkeys(words(query.text))
    return " OR ".join(f'"{w}"' for w in list(seen)[:MAX_QUERY_TERMS])


def fts_all_phrases(query: ParsedQuery) -> str:
    """An FTS5 query requiring every quoted phrase, in order, word for word."""
    parts = [p for p in (_fts_phrase(ph) for ph in query.phrases) if p]
    return " AND ".join(parts)


def find_phrase(text: str, phrase: str) -> tuple[int, int] | None:
    """Offsets in ``text`` of ``phrase`` matched with case, quotes, dashes, whitespace and
    line-end hyphens folded; None when absent. Offsets are exact positions in the
    original text. The folding lives in ``qa.textfold``, shared with ``qa verify``."""
    return find_folded(text, phrase)
