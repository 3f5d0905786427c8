"""Reading the quote index: every quotation with its speaker and citation.

The quotations were found at index time (``qa.quotes.extract_quotes``) and stored
with the document, so listing them, filtering by speaker or finding who said a phrase
needs no model and no parse: a table read and the document texts for citations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from qa.citations import Citation, cite
from qa.embedding.encoder import Encoder
from qa.index.reader import Index
from qa.index.store import StoredQuote
from qa.quotes.names import name_matches
from qa.text.fold import find_phrase, normalize_for_match
from qa.text.safe import NO_SPEAKER
from qa.text.terms import content_terms, keywords, quoted_phrases


@dataclass(frozen=True)
class QuoteHit:
    quote: str  # exactly the document's text at [start, end)
    speaker: str | None
    source: str
    start: int
    end: int
    citation: Citation
    how: str | None  # how the speaker was found: named, pronoun, description, continued
    attribution: str | None  # the words that name the speaker, as the text has them
    sentence: str  # the quotation with the text around it, for context

    def speaker_label(self) -> str:
        """Who said it, and how the text says so when it is not by name."""
        if self.speaker is None:
            return NO_SPEAKER
        if self.how == "pronoun" and self.attribution:
            return f"{self.speaker} (“{self.attribution}” in the text)"
        return self.speaker

    def to_json(self) -> dict[str, Any]:
        return {
            "quote": self.quote,
            "speaker": self.speaker,
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "citation": str(self.citation),
        }


def _line_around(text: str, start: int, end: int, limit: int = 400) -> str:
    """The line or paragraph around a quotation, cut to ``limit`` characters."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    hi = len(text) if hi == -1 else hi
    lo = max(lo, start - limit // 2)
    hi = min(hi, end + limit // 2)
    return text[lo:hi]


def quote_hit(index: Index, q: StoredQuote) -> QuoteHit:
    doc = index.document(q.doc_id)
    return QuoteHit(
        quote=doc.text[q.start : q.end],
        speaker=q.speaker,
        source=doc.source,
        start=q.start,
        end=q.end,
        citation=cite(doc, q.start, q.end),
        how=q.how,
        attribution=doc.text[q.mention[0] : q.mention[1]] if q.mention else None,
        sentence=_line_around(doc.text, q.start, q.end),
    )


def matching_speakers(index: Index, speaker: str) -> list[str]:
    """The stored speaker names that ``speaker`` names, as a reader would type it
    ("Zelensky" matches "Volodymyr Zelenskyy"); the distinct names are few next to
    the quotations, so matching them, not every quotation, keeps this cheap at scale."""
    return sorted(s for s in index.speakers() if name_matches(speaker, s))


def list_quotes(
    index: Index,
    speaker: str | None = None,
    limit: int | None = None,
    about: str | None = None,
    encoder: Encoder | None = None,
) -> list[QuoteHit]:
    """Quotations in document order (the first ``limit`` when given); with ``speaker``,
    only those whose speaker matches the name as a reader would type it ("Zelensky",
    "President Zelenskyy"); with ``about`` (and an ``encoder``), the speaker's
    quotations on that topic first (``rank_by_topic``), or with no speaker, the
    quotations of the passages nearest the topic, those on it first."""
    if speaker is None and about is not None and encoder is not None:
        return rank_by_topic(index, encoder, quotes_near(index, encoder, about), about)[:limit]
    if speaker is None:
        quotes = index.quotes()
        return [quote_hit(index, q) for q in quotes[:limit]]
    names = matching_speakers(index, speaker)
    if about is None or encoder is None:
        return [quote_hit(index, q) for q in index.quotes_by(names, limit)]
    hits = [quote_hit(index, q) for q in index.quotes_by(names, TOPIC_RANKED)]
    return rank_by_topic(index, encoder, hits, about)[:limit]


# A speaker's quotations ranked by a topic, at most: a prolific speaker in a large
# archive has thousands; these are read from the stored vectors, no model run.
TOPIC_RANKED = 2000
# How much the sentence before a quotation counts for its topic ("Asked about the
# layoffs, she said: “…”"), and how much the topic's own words in the quotation's
# paragraph do, next to the quotation's own sentences' meaning.
_CONTEXT_WEIGHT = 0.3
_TOPIC_WORDS_WEIGHT = 0.3


# Chunks read for "quotations about TOPIC" with no speaker named: the nearest by meaning
# and by the topic's words.
_TOPIC_CHUNKS = 50


def quotes_near(index: Index, encoder: Encoder, topic: str) -> list[QuoteHit]:
    """The quotations in the passages nearest ``topic``, in document order."""
    vector = encoder.encode([topic])[0]
    ids = [i for i, _ in index.dense(vector, _TOPIC_CHUNKS)]
    ids += [i for i, _ in index.lexical(keywords(topic), _TOPIC_CHUNKS)]
    chunks = index.chunks(dict.fromkeys(ids))
    spans: dict[int, list[tuple[int, int]]] = {}
    for chunk in chunks.values():
        spans.setdefault(chunk.doc_id, []).append((chunk.start, chunk.end))
    return [
        quote_hit(index, q)
        for q in index.quotes(spans)
        if any(s < q.end and q.start < e for s, e in spans[q.doc_id])
    ]


def rank_by_topic(
    index: Index, encoder: Encoder, hits: list[QuoteHit], topic: str
) -> list[QuoteHit]:
    """``hits`` with those on ``topic`` first: by the meaning of the sentences they are
    in (stored sentence vectors against the topic's), the sentence before them, and the
    topic's words around them. Ties keep document order."""
    if not hits:
        return []
    vector = encoder.encode([topic])[0]
    topic_terms = set(content_terms(topic))
    sentences: dict[str, list[tuple[int, int, float]]] = {}
    for source in dict.fromkeys(hit.source for hit in hits):
        chunks = index.chunks(index.chunk_ids(source))
        stored = index.sentence_vectors(chunks)
        rows: list[tuple[int, int, float]] = []
        for chunk_id, chunk in chunks.items():
            vectors = stored.get(chunk_id)
            if vectors is not None:
                cosines = vectors @ vector
                rows.extend(
                    (s, e, float(c)) for (s, e), c in zip(chunk.sentences, cosines, strict=False)
                )
        sentences[source] = sorted(rows)

    def score(hit: QuoteHit) -> float:
        rows = sentences.get(hit.source, [])
        own = [c for s, e, c in rows if s < hit.end and hit.start < e]
        before = [c for s, e, c in rows if e <= hit.start]
        meaning = max(own, default=0.0) + _CONTEXT_WEIGHT * (before[-1] if before else 0.0)
        words = set(content_terms(hit.sentence)) & topic_terms
        shared = len(words) / len(topic_terms) if topic_terms else 0.0
        return meaning + _TOPIC_WORDS_WEIGHT * shared

    return sorted(hits, key=lambda hit: -score(hit))


def by_speaker(hits: Iterable[QuoteHit]) -> dict[str | None, list[QuoteHit]]:
    """Quotations grouped by speaker, the most quoted first, unattributed ones last."""
    groups: dict[str | None, list[QuoteHit]] = {}
    for hit in hits:
        groups.setdefault(hit.speaker, []).append(hit)
    ordered = sorted(groups.items(), key=lambda kv: (kv[0] is None, -len(kv[1]), kv[0] or ""))
    return dict(ordered)


def speakers(index: Index) -> list[str]:
    """Every named speaker, once, in alphabetical order."""
    return sorted(index.speakers())


# Chunks the lexical channel looks at to find the documents a phrase may be quoted in.
_PHRASE_CHUNKS = 200


def _documents_with_words(index: Index, phrase: str) -> set[int]:
    phrases = quoted_phrases(f'"{phrase}"')
    ids = [i for i, _ in index.phrase_hits(phrases, _PHRASE_CHUNKS)]
    return {c.doc_id for c in index.chunks(ids).values()}


_NOT_ASCII_ALNUM = re.compile(r"[^0-9a-z]+")


def quotes_holding(index: Index, phrase: str) -> list[QuoteHit]:
    """Quotations whose words hold ``phrase`` (case, quotes, dashes and spaces folded).

    Only documents whose chunks hold the phrase's words are read, so this stays cheap on
    a large index. Folding a quotation with its offset map costs about a millisecond, and
    a common phrase's documents hold thousands (150-250 ms a question at 100k chunks):
    a plain-ASCII quotation is first checked for the phrase's letters and digits in
    order, which folding never changes, and only those that hold them are folded.
    """
    needle = _NOT_ASCII_ALNUM.sub("", normalize_for_match(phrase))
    hits = []
    doc_ids = _documents_with_words(index, phrase)
    documents = index.documents(doc_ids)
    for q in index.quotes(doc_ids):
        text = documents[q.doc_id].text[q.start : q.end]
        if text.isascii() and needle not in _NOT_ASCII_ALNUM.sub("", text.lower()):
            continue
        if find_phrase(text, phrase) is not None:
            hits.append(quote_hit(index, q))
    return hits


def quote_around(index: Index, doc_id: int, start: int, end: int) -> QuoteHit | None:
    """The quotation that holds most of the span ``[start, end)`` of a document."""
    held = index.quote_holding(doc_id, start, end)
    return quote_hit(index, held) if held else None
