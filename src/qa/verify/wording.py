"""Matching a quote by its words: ``exact``, ``normalized`` and ``fuzzy`` matches.

The text is there character for character (``exact``); it is there once case,
quotation marks, dashes, spacing, line breaks and line-end hyphens are set aside
(``normalized``); or something close is there, a word or two differing, and the
reporter must see which (``fuzzy``, with a word diff). Every hit is an exact span of
the stored text.

Candidates come from the FTS5 table (any of the quote's words), never from a scan of
every document, so the cost stays flat as the index grows; no model is needed.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq, Levenshtein

from qa.index.store import DocumentText
from qa.text.contractions import write_out_word
from qa.text.fold import HYPHENATIONS, Hyphenation, fold_with_map, original_span
from qa.text.terms import keywords
from qa.verify.model import GRADES, DiffPart, Grade

if TYPE_CHECKING:
    from qa.index.reader import Index

# How many chunks the lexical channel offers. A quote is a sentence or two, so the
# chunk holding it shares most of its rarer words and ranks near the top.
CANDIDATE_CHUNKS = 50
# Fuzzy matches need this share of the quote's words in place (1 - word edits / words).
# 0.75 lets one word in four differ: one changed word from a 4-word quote up, two from
# an 8-word sentence; an unrelated sentence that shares a few words scores far lower.
FUZZY_THRESHOLD = 0.75
# A rough alignment (RapidFuzz partial ratio over words, 0-100) below this is not
# refined: a run that passes the threshold scores at least 66.7 there (every edit costs
# it at most one shared word, and edits are at most a third of the quote's words).
_ROUGH_CUTOFF = 60.0
# How many words each end of the rough alignment may move when it is refined.
_SLACK = 3
# Marks that may surround a quote as typed; they are not part of what was said.
_QUOTE_MARKS = "\"'“”„«»‘’‚′″"
# Between two words, these end a sentence or a quotation.
_BOUNDARY_MARKS = frozenset(_QUOTE_MARKS + ".!?;:…()[]")
# A word: from a word character to a word character, keeping inner apostrophes,
# hyphens and digit commas ("don't", "Jong-un", "10,000"), leaving outer punctuation.
_WORD = re.compile(r"\w(?:\S*\w)?")


def strip_quote_marks(text: str) -> str:
    """``text`` without the spaces and quotation marks around it."""
    return text.strip().strip(_QUOTE_MARKS).strip()


def wording_hits(index: Index, quote: str) -> tuple[list[Hit], list[int]]:
    """Every exact, normalized and fuzzy hit of ``quote`` (without its quotation marks),
    and the chunks the keyword channel offered, best first (the meaning search starts
    from them too)."""
    regions, chunk_ids = _regions(index, quote)
    hits: list[Hit] = []
    for region in regions:
        hits.extend(_exact_hits(region, quote))
        for hyphenation in HYPHENATIONS:
            hits.extend(_folded_hits(region, quote, hyphenation))
    return hits, chunk_ids


# --- candidates ---------------------------------------------------------------------------


@dataclass
class _Region:
    """A stretch of one document around overlapping candidate chunks, folded once."""

    doc: DocumentText
    start: int
    end: int
    rank: int  # best lexical rank of its chunks: orders equally good matches
    windows: list[tuple[int, int]]  # each candidate chunk, widened (document offsets)


def _regions(index: Index, quote: str) -> tuple[list[_Region], list[int]]:
    """The candidate chunks, widened so a quote crossing a chunk boundary is whole in
    at least one window, and merged per document where they overlap; and the chunks."""
    hits = index.lexical(keywords(quote), CANDIDATE_CHUNKS)
    chunks = index.chunks(chunk_id for chunk_id, _ in hits)
    margin = 2 * len(quote) + 200  # the document may spell it longer (spaces, hyphens)
    windows: dict[int, list[tuple[int, int, int]]] = {}
    for rank, (chunk_id, _) in enumerate(hits):
        chunk = chunks.get(chunk_id)
        if chunk is not None:
            windows.setdefault(chunk.doc_id, []).append(
                (chunk.start - margin, chunk.end + margin, rank)
            )
    regions: list[_Region] = []
    for doc_id, spans in windows.items():
        doc = index.document(doc_id)
        current: _Region | None = None
        for start, end, rank in sorted(spans):
            start, end = max(0, start), min(len(doc.text), end)
            if current is not None and start <= current.end:
                current.end = max(current.end, end)
                current.rank = min(current.rank, rank)
                current.windows.append((start, end))
            else:
                current = _Region(doc, start, end, rank, [(start, end)])
                regions.append(current)
    return regions, [chunk_id for chunk_id, _ in hits]


# --- matching -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """A graded span of one document, before its citation and speaker are looked up."""

    grade: Grade
    doc: DocumentText
    start: int
    end: int
    rank: int  # orders equally good hits: the keyword channel's rank, or the meaning's
    similarity: float = 1.0
    word_edits: int = 0
    diff: tuple[DiffPart, ...] = ()
    weight: float = 0.0  # added to the similarity when ranking (a quotation's words first)
    why_not: str | None = None  # set on a near miss: why it is not a match

    def sort_key(self) -> tuple[int, float, int, int, int]:
        return (
            GRADES.index(self.grade),
            -(self.similarity + self.weight),
            self.rank,
            self.doc.id,
            self.start,
        )


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _whole_words(text: str, start: int, end: int) -> bool:
    """False when the span starts or ends inside a word ("passive" in "passively"):
    a quote is words, and part of a word is not the word."""
    if start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        return False
    return not (end < len(text) and _is_word_char(text[end - 1]) and _is_word_char(text[end]))


def _exact_hits(region: _Region, quote: str) -> list[Hit]:
    text = region.doc.text
    hits = []
    at = text.find(quote, region.start, region.end)
    while at != -1:
        if _whole_words(text, at, at + len(quote)):
            hits.append(Hit("exact", region.doc, at, at + len(quote), region.rank))
        at = text.find(quote, at + 1, region.end)
    return hits


@dataclass(frozen=True)
class _Folded:
    """``source[start:end]`` folded one way, with its offset map and its words: their
    spans in ``source`` and their folded forms, which are what gets compared."""

    source: str
    text: str
    origin: list[int]
    offset: int
    spans: list[tuple[int, int]]
    keys: list[str]

    @classmethod
    def of(
        cls, source: str, hyphenation: Hyphenation, start: int = 0, end: int | None = None
    ) -> _Folded:
        folded, origin = fold_with_map(source[start:end], hyphenation)
        spans, keys = [], []
        for m in _WORD.finditer(folded):
            first, last = original_span(origin, m.start(), m.end())
            spans.append((first + start, last + start))
            keys.append(m.group())
        return cls(source, folded, origin, start, spans, keys)

    @cached_property
    def starts(self) -> list[int]:
        """Where each word starts in ``source``, for finding the words of a window."""
        return [start for start, _ in self.spans]

    def boundary_after(self, k: int) -> bool:
        """Whether a quotation mark or sentence stop stands between words k and k + 1."""
        between = self.source[self.spans[k][1] : self.spans[k + 1][0]]
        return any(ch in _BOUNDARY_MARKS for ch in between)

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The span in ``source`` of the folded span ``[start, end)``."""
        first, last = original_span(self.origin, start, end)
        return first + self.offset, last + self.offset

    def opens_sentence(self, k: int) -> bool:
        """Whether word ``k`` opens the text or a sentence (its capital says nothing)."""
        if k == 0:
            return True
        between = self.source[self.spans[k - 1][1] : self.spans[k][0]]
        return any(ch in ".!?:" for ch in between)

    def spelled(self, i: int, j: int) -> str:
        """Words ``i`` to ``j - 1`` as the source spells them, with the punctuation
        between, and whitespace and line breaks shown as single spaces."""
        return " ".join(self.source[self.spans[i][0] : self.spans[j - 1][1]].split())


def _folded_hits(region: _Region, quote: str, hyphenation: Hyphenation) -> list[Hit]:
    """Normalized and fuzzy matches with line-end hyphens read one way."""
    doc = _Folded.of(region.doc.text, hyphenation, region.start, region.end)
    query = _Folded.of(quote, hyphenation)
    hits = _normalized_hits(region, doc, query.text.rstrip(" "))
    for window in region.windows:
        hit = _fuzzy_hit(region, doc, query, window)
        if hit is not None:
            hits.append(hit)
    return hits


def _normalized_hits(region: _Region, doc: _Folded, target: str) -> list[Hit]:
    hits = []
    at = doc.text.find(target) if target else -1
    while at != -1:
        if _whole_words(doc.text, at, at + len(target)):
            start, end = doc.original(at, at + len(target))
            hits.append(Hit("normalized", region.doc, start, end, region.rank))
        at = doc.text.find(target, at + 1)
    return hits


def _fuzzy_hit(
    region: _Region, doc: _Folded, query: _Folded, window: tuple[int, int]
) -> Hit | None:
    """The best word-for-word alignment of the quote within one candidate window, if
    close enough, with its word diff."""
    lo, hi = bisect_left(doc.starts, window[0]), bisect_left(doc.starts, window[1])
    aligned = align_words(query.keys, doc.keys[lo:hi])
    if aligned is None:
        return None
    i, j = _trim_edges(doc, lo + aligned[0], lo + aligned[1], query)
    edits = Levenshtein.distance(query.keys, doc.keys[i:j])
    similarity = 1 - edits / max(len(query.keys), j - i)
    if similarity < FUZZY_THRESHOLD:
        return None
    diff = _word_diff(doc, i, j, query)
    start, end = doc.spans[i][0], doc.spans[j - 1][1]
    return Hit("fuzzy", region.doc, start, end, region.rank, similarity, edits, diff)


def _trim_edges(doc: _Folded, i: int, j: int, query: _Folded) -> tuple[int, int]:
    """Words ``i`` to ``j - 1`` without an edge word that differs from the quote's and
    stands across a quotation mark or sentence stop: the alignment takes a neighbouring
    word as a changed one ("it, “They" for "Honestly they"), but a word outside the
    quoted sentence is not what the quote misremembers."""
    while j - i > 1 and doc.keys[i] != query.keys[0] and doc.boundary_after(i):
        i += 1
    while j - i > 1 and doc.keys[j - 1] != query.keys[-1] and doc.boundary_after(j - 2):
        j -= 1
    return i, j


def align_words(query: list[str], doc: list[str]) -> tuple[int, int] | None:
    """The run ``doc[i:j]`` closest to ``query`` word for word, as (i, j).

    RapidFuzz's partial ratio finds the rough place; then each end may move a few words
    to take a word the quote misses or drop one it added. Fewest edits win, then most
    words in common (a dropped word is an edit either way, but keeping the run whole
    keeps what the document says), then a run as long as the quote (so a changed last
    word is shown as changed, not as missing).
    """
    if not query or not doc:
        return None
    if len(doc) > len(query):
        rough = fuzz.partial_ratio_alignment(query, doc, score_cutoff=_ROUGH_CUTOFF)
        if rough is None:
            return None
        i0, j0 = rough.dest_start, rough.dest_end
    else:
        i0, j0 = 0, len(doc)
    best: tuple[tuple[int, int, int], int, int] | None = None
    for i in range(max(0, i0 - _SLACK), min(len(doc), i0 + _SLACK + 1)):
        for j in range(max(i + 1, j0 - _SLACK), min(len(doc), j0 + _SLACK) + 1):
            run = doc[i:j]
            key = (
                Levenshtein.distance(query, run),
                -LCSseq.similarity(query, run),
                abs(len(run) - len(query)),
            )
            if best is None or key < best[0]:
                best = (key, i, j)
    if best is None:
        return None
    return best[1], best[2]


def _word_diff(doc: _Folded, i: int, j: int, query: _Folded) -> tuple[DiffPart, ...]:
    """The word diff from the document's words ``i`` to ``j - 1`` to the quote's, each
    side spelled as it is written."""
    matcher = difflib.SequenceMatcher(None, doc.keys[i:j], query.keys, autojunk=False)
    parts: list[DiffPart] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(DiffPart("equal", doc.spelled(i + a1, i + a2)))
            continue
        if a2 > a1:
            opens = doc.opens_sentence(i + a1)
            parts.append(DiffPart("delete", doc.spelled(i + a1, i + a2), opens))
        if b2 > b1:
            parts.append(DiffPart("insert", query.spelled(b1, b2), query.opens_sentence(b1)))
    return tuple(parts)


def word_diff(text: str, start: int, end: int, quote: str) -> tuple[tuple[DiffPart, ...], int]:
    """The word diff from ``text[start:end]`` to ``quote``, and how many words differ
    (changed, added or dropped): what a paraphrase shows beside the real words."""
    doc = _Folded.of(text, "join", start, end)
    query = _Folded.of(quote, "join")
    if not doc.keys or not query.keys:
        return (), max(len(doc.keys), len(query.keys))
    edits = Levenshtein.distance(query.keys, doc.keys)
    return _word_diff(doc, 0, len(doc.keys), query), edits


def _written_out(keys: list[str]) -> tuple[list[str], list[int]]:
    """``keys`` with contractions written out, and for each the key it came from, so
    "they’re" and "they are" align word for word."""
    out: list[str] = []
    owner: list[int] = []
    for n, key in enumerate(keys):
        parts = write_out_word(key)
        out.extend(parts)
        owner.extend([n] * len(parts))
    return out, owner


def closest_run(text: str, start: int, end: int, quote: str) -> tuple[int, int] | None:
    """The run of words in ``text[start:end]`` closest to ``quote`` word for word (as
    the fuzzy grade aligns them, contractions written out), as a span of ``text``;
    None when none is near."""
    doc = _Folded.of(text, "join", start, end)
    query = _Folded.of(quote, "join")
    doc_words, owner = _written_out(doc.keys)
    aligned = align_words(_written_out(query.keys)[0], doc_words)
    if aligned is None:
        return None
    i, j = _trim_edges(doc, owner[aligned[0]], owner[aligned[1] - 1] + 1, query)
    return doc.spans[i][0], doc.spans[j - 1][1]
