"""Matching a quote by its meaning: the ``paraphrase`` grade.

A reporter's version of a quote is rarely word for word: "they will" for "they’ll",
"know" for "realize", "the world's strongest" for "strongest in the world", a clause
left out. Such a version shares too few words in place for a fuzzy match, but the same
statement has nearly the same sentence vector. So the quote is embedded once, the
chunks nearest it (and those the keyword channel offered) are read, and every sentence
in them, every quotation and a quotation's part of a sentence, is a candidate, scored
first by its stored sentence vector and its share of the quote's words. The best few
are embedded as they stand (a quotation without its "he said"; contractions written
out on both sides), and one is a paraphrase only when both the meaning and the words
agree and no claim differs (``qa.verify.claims``: a negation, a number, a name, a
clause added). Quotations come before the writer's own sentences: a quote is usually
someone's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from qa.index.store import DocumentText, StoredQuote
from qa.text.contractions import written_out
from qa.text.terms import content_terms
from qa.verify.claims import conflict
from qa.verify.wording import Hit, closest_run, word_diff

if TYPE_CHECKING:
    from qa.embedding.encoder import Encoder
    from qa.index.reader import Index

# Chunks read: the nearest by meaning, and the keyword channel's best.
DENSE_CHUNKS = 20
KEYWORD_CHUNKS = 20
# Candidates embedded as they stand, best first by their first score.
EMBEDDED = 12
# A paraphrase needs its wording's meaning this close to the quote's (cosine) ...
MIN_SIMILARITY = 0.8
# ... and this share of the quote's content words (stems) among its own, or a meaning
# closer still: a statement in quite other words is recognised only when very close.
MIN_SHARED_WORDS = 0.4
CLOSE_SIMILARITY = 0.85
# A quotation's words come before the writer's own sentence when this close.
QUOTED_BONUS = 0.03
# Below this the nearest passage is not worth showing at all.
NEAREST_SIMILARITY = 0.5
# How much the shared words count in the first score, next to the stored vector's cosine.
_WORDS_WEIGHT = 0.5
# A short phrase ("nature will recover") may stand for a few words of a long sentence:
# the closest run of words is tried too when the quote has at most this many words and
# at most this share of the sentence's. A longer quote stands for the whole sentence
# or quotation, which is what a reporter checks.
_PHRASE_WORDS = 8
_WINDOW_SHARE = 0.5
_WORD = re.compile(r"\w(?:\S*\w)?")
_TRIM = " \t\n\r\"'“”„«»‘’‚,;:—–-"


@dataclass
class _Candidate:
    doc: DocumentText
    start: int
    end: int
    quoted: bool
    first_score: float
    # Whether the stored vector is this very text's (a whole sentence): no need to
    # embed it again.
    stored_exact: bool
    similarity: float = 0.0
    # Where the claims are checked: a window's text with the words just before it (a
    # "not" before "cutting services" belongs to what the window says).
    claim_start: int = -1


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the spaces, quotation marks and commas at its ends."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def _shared(quote_terms: set[str], text: str) -> float:
    """The share of the quote's content words (stems) that ``text`` has."""
    if not quote_terms:
        return 0.0
    return len(quote_terms & set(content_terms(text))) / len(quote_terms)


def _units(
    sentences: tuple[tuple[int, int], ...], vectors: np.ndarray, quotes: list[StoredQuote]
) -> list[tuple[int, int, bool, bool, np.ndarray]]:
    """The spans of one chunk a quote may be, each with whether it is quoted, whether
    the vector is its own, and the vector standing for it: each sentence of the
    writer's own, each quotation's part of a sentence, and each quotation of a few
    sentences whole (its sentences' mean)."""
    units: list[tuple[int, int, bool, bool, np.ndarray]] = []
    for (s, e), vector in zip(sentences, vectors, strict=False):
        inside = [q for q in quotes if q.start < e and s < q.end]
        quoted_chars = sum(min(e, q.end) - max(s, q.start) for q in inside)
        for q in inside:
            whole = q.start <= s and e <= q.end
            units.append((max(s, q.start), min(e, q.end), True, whole, vector))
        if quoted_chars < 0.6 * (e - s):
            units.append((s, e, False, True, vector))
    for q in quotes:
        covered = [
            v for (s, e), v in zip(sentences, vectors, strict=False) if q.start < e and s < q.end
        ]
        if 1 < len(covered) <= 6:
            mean = np.mean(covered, axis=0)
            units.append((q.start, q.end, True, False, mean / (np.linalg.norm(mean) or 1.0)))
    return units


def _words_before(text: str, start: int, lower: int, count: int = 3) -> int:
    """Where the ``count`` words before ``start`` begin, not before ``lower``."""
    words = list(_WORD.finditer(text, lower, start))
    return words[-count].start() if len(words) >= count else lower


def paraphrase_hits(
    index: Index, encoder: Encoder, quote: str, keyword_chunks: list[int]
) -> tuple[list[Hit], list[Hit]]:
    """Paraphrases of ``quote`` (best first) and the nearest passages by meaning that
    are not, each with why not."""
    vector = encoder.encode([written_out(quote)])[0]
    ids = list(dict.fromkeys([i for i, _ in index.dense(vector, DENSE_CHUNKS)]))
    ids += [i for i in keyword_chunks[:KEYWORD_CHUNKS] if i not in ids]
    chunks = index.chunks(ids)
    stored = index.sentence_vectors(ids)
    doc_ids = sorted({c.doc_id for c in chunks.values()})
    quotes: dict[int, list[StoredQuote]] = {d: [] for d in doc_ids}
    for q in index.quotes(doc_ids):
        quotes[q.doc_id].append(q)
    docs = {d: index.document(d) for d in doc_ids}
    quote_terms = set(content_terms(quote))
    quote_words = len(_WORD.findall(quote))

    seen: dict[tuple[int, int, int], _Candidate] = {}
    for chunk_id, chunk in chunks.items():
        vectors = stored.get(chunk_id)
        if vectors is None:
            continue
        doc = docs[chunk.doc_id]
        near = [q for q in quotes[chunk.doc_id] if q.start < chunk.end and chunk.start < q.end]
        for s, e, quoted, exact, unit_vector in _units(chunk.sentences, vectors, near):
            start, end = _trimmed(doc.text, s, e)
            if end - start < 2:
                continue
            cosine = float(unit_vector @ vector)
            score = cosine + _WORDS_WEIGHT * _shared(quote_terms, doc.text[start:end])
            key = (doc.id, start, end)
            if key not in seen or seen[key].first_score < score:
                seen[key] = _Candidate(doc, start, end, quoted, score, exact, cosine)

    best = sorted(seen.values(), key=lambda c: -c.first_score)[:EMBEDDED]
    for c in list(best):
        unit_words = len(_WORD.findall(c.doc.text[c.start : c.end]))
        if quote_words <= _PHRASE_WORDS and quote_words <= _WINDOW_SHARE * unit_words:
            run = closest_run(c.doc.text, c.start, c.end, quote)
            if run is not None and run != (c.start, c.end):
                claim_start = _words_before(c.doc.text, run[0], c.start)
                best.append(
                    _Candidate(c.doc, *run, c.quoted, c.first_score, False, 0.0, claim_start)
                )
    if not best:
        return [], []
    # A whole sentence's stored vector is its own, unless contractions are written out.
    texts = {id(c): written_out(c.doc.text[c.start : c.end]) for c in best}
    again = [
        c
        for c in best
        if not c.stored_exact or texts[id(c)] != " ".join(c.doc.text[c.start : c.end].split())
    ]
    embedded = encoder.encode([texts[id(c)] for c in again])
    for c, unit_vector in zip(again, embedded, strict=True):
        c.similarity = float(unit_vector @ vector)

    found: list[Hit] = []
    nearest: list[Hit] = []
    for rank, c in enumerate(sorted(best, key=lambda c: -c.similarity)):
        text = c.doc.text[c.start : c.end]
        diff, edits = word_diff(c.doc.text, c.start, c.end, quote)
        if c.claim_start >= 0:
            why_not = conflict(word_diff(c.doc.text, c.claim_start, c.end, quote)[0])
        else:
            why_not = conflict(diff)
        shared = _shared(quote_terms, text)
        if why_not is None and c.similarity < MIN_SIMILARITY:
            why_not = "too different in meaning"
        if why_not is None and shared < MIN_SHARED_WORDS and c.similarity < CLOSE_SIMILARITY:
            why_not = "too few of the same words"
        weight = QUOTED_BONUS if c.quoted else 0.0
        hit = Hit("paraphrase", c.doc, c.start, c.end, rank, c.similarity, edits, diff, weight)
        if why_not is None:
            found.append(hit)
        elif c.similarity >= NEAREST_SIMILARITY:
            nearest.append(replace(hit, why_not=why_not))
    return found, nearest
