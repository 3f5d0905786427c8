"""Where a follow-up's answer is likely: the documents and places of the answers before.

A conversation stays on its subject: "What did he say?" after "Who is Choi Jung-hoon?"
is about the same document, most often the same few paragraphs. ``Focus`` carries that
from the conversation layer to retrieval, which adds those documents' passages to the
candidates and raises their scores, without locking them in: a better passage elsewhere
still wins, and a question naming something new gets no focus at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qa.answer.rerank import ScoredPassage
from qa.answer.retrieve import Candidate
from qa.index.reader import Index


@dataclass(frozen=True)
class Place:
    """A span of one indexed document (document offsets)."""

    source: str
    start: int
    end: int


@dataclass(frozen=True)
class Focus:
    """What a follow-up question carries from the conversation into retrieval."""

    # Documents of the answers before, most weighed first, each with a weight in
    # (0, 1]: 1 for the conversation's main document.
    documents: tuple[tuple[str, float], ...] = ()
    # The last answers' spans: passages near them are preferred (the story goes on).
    near: tuple[Place, ...] = ()
    # Spans already shown: "What else did he say?" leaves them out.
    shown: tuple[Place, ...] = ()
    leave_out_shown: bool = False
    # Words of the turns before, for the keyword channel (a follow-up's own words are
    # few: "Why?").
    context_words: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(source for source, _ in self.documents)

    @property
    def main_sources(self) -> tuple[str, ...]:
        """The documents the conversation is about (``MAIN_WEIGHT`` or more); the rest
        only had a passage score for one of its questions."""
        return tuple(source for source, w in self.documents if w >= MAIN_WEIGHT)

    def __bool__(self) -> bool:
        return bool(self.documents or self.context_words)


# How much the conversation's documents and places weigh, as log-odds added to a
# passage's score: the conversation's main document this much (others by their
# weight); a passage holding or next to the last answer, more (stories are told in
# order, and a follow-up most often asks about the same few paragraphs).
DOCUMENT_WEIGHT = 8
NEAR_WEIGHT = 1.0
# A passage within this many characters of the last answer counts as next to it.
NEAR_CHARS = 1500
# How much of the focus may count toward judging a passage an answer (log-odds).
FOCUS_TRUST = 3.0
# A document weighing this much of the most weighed is one the conversation is about:
# its passages join the candidates, and a name none of them mentions moves on.
MAIN_WEIGHT = 0.5
# A focus document of at most this many chunks is searched whole; a longer one around
# the last answers only.
WHOLE_DOCUMENT_CHUNKS = 30
AROUND_CHUNKS = 3


def _doc_ids(index: Index, sources: tuple[str, ...]) -> dict[str, int]:
    out = {}
    for source in sources:
        doc_id = index.document_id(source)
        if doc_id is not None:
            out[source] = doc_id
    return out


def focus_candidates(index: Index, focus: Focus, known: set[int]) -> list[Candidate]:
    """Passages of the conversation's main documents that neither channel found ("Why?"
    has no words of its own to find the paragraph the conversation is in): the whole of
    a short document, the chunks around the last answers in a long one. (The others,
    dozens with a trace of evidence, are raised only where a channel found them: adding
    all their passages tripled the passages scored a turn.)"""
    wanted: list[int] = []
    for source in focus.main_sources:
        ids = index.chunk_ids(source)
        if len(ids) <= WHOLE_DOCUMENT_CHUNKS:
            wanted += ids
            continue
        chunks = index.chunks(ids)
        for place in focus.near:
            if place.source != source:
                continue
            at = [i for i, cid in enumerate(ids) if chunks[cid].start < place.end]
            hit = at[-1] if at else 0
            wanted += ids[max(0, hit - AROUND_CHUNKS) : hit + AROUND_CHUNKS + 1]
    return [Candidate(cid) for cid in dict.fromkeys(wanted) if cid not in known]


def answer_support(passage: ScoredPassage) -> float:
    """The score whether a passage answers is judged on: the question's own, raised by
    the focus at most ``FOCUS_TRUST`` log-odds. Where the conversation is makes a
    follow-up's passage likelier, not any passage of that document an answer ("What is
    the boiling point of tungsten?" in a talk about troops is still not found)."""
    bonus = min(passage.focus_bonus, FOCUS_TRUST)
    return 1 / (1 + math.exp(-(_logit(passage.unfocused) + bonus)))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def refocus(index: Index, focus: Focus, scored: list[ScoredPassage]) -> list[ScoredPassage]:
    """``scored`` with the focus's documents and places preferred, best first; with
    ``leave_out_shown`` ("What else…?"), sentences already shown are not answers again."""
    doc_ids = _doc_ids(index, focus.sources + tuple(p.source for p in focus.near))
    weight = {doc_ids[s]: w for s, w in focus.documents if s in doc_ids}
    near: dict[int, list[Place]] = {}
    for place in focus.near:
        if place.source in doc_ids:
            near.setdefault(doc_ids[place.source], []).append(place)
    shown: dict[int, list[Place]] = {}
    if focus.leave_out_shown:
        for place in focus.shown:
            doc = doc_ids.get(place.source) or _doc_ids(index, (place.source,)).get(place.source)
            if doc is not None:
                shown.setdefault(doc, []).append(place)
    for s in scored:
        bonus = 0.0
        bonus += DOCUMENT_WEIGHT * weight.get(s.doc_id, 0.0)
        gaps = [max(p.start - s.end, s.start - p.end, 0) for p in near.get(s.doc_id, ())]
        if gaps and min(gaps) == 0:
            bonus += NEAR_WEIGHT
        elif gaps and min(gaps) <= NEAR_CHARS:
            bonus += NEAR_WEIGHT / 2
        s.focus_bonus = bonus
        s.score = 1 / (1 + math.exp(-(_logit(s.score) + bonus)))
        for place in shown.get(s.doc_id, ()):
            for i, (a, b) in enumerate(s.sentences):
                if a < place.end and place.start < b:
                    s.sentence_scores[i] = -1.0
    scored.sort(key=lambda p: (not p.candidate.exact, -p.score))
    return scored
