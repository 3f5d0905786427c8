"""Finding candidate passages: dense and lexical channels, fused, exact phrases first.

The dense channel (MiniLM vectors in FAISS) finds passages that mean what the question
asks; the lexical channel (SQLite FTS5, BM25) finds the names, numbers and rare words
that vectors blur. Reciprocal-rank fusion merges their rankings without having to
compare their incomparable scores. A phrase the user put in double quotes is matched
word for word, and passages holding it are never ranked under meaning-only hits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qa.answer.model import Match
from qa.answer.question import Question
from qa.index.reader import Index
from qa.text.fold import find_phrase

RRF_K = 60
DENSE_DEPTH = 100
LEXICAL_DEPTH = 100
PHRASE_DEPTH = 200


@dataclass
class Candidate:
    """A passage either channel found, with its ranks and scores in each."""

    chunk_id: int
    dense_rank: int | None = None
    dense_score: float | None = None  # cosine similarity to the question
    lexical_rank: int | None = None
    lexical_score: float | None = None  # BM25 (higher is better)
    exact: bool = False  # holds every quoted phrase word for word
    phrase_spans: list[tuple[int, int]] = field(default_factory=list)
    fused: float = 0.0

    @property
    def match(self) -> Match:
        """Which channel found it: word for word, by keywords or by meaning."""
        if self.exact:
            return Match.EXACT
        d = 1 / (RRF_K + self.dense_rank) if self.dense_rank else 0.0
        lex = 1 / (RRF_K + self.lexical_rank) if self.lexical_rank else 0.0
        return Match.KEYWORD if lex > d else Match.MEANING


def lexical_hits(
    index: Index, question: Question, context_words: tuple[str, ...] = ()
) -> list[tuple[int, float]]:
    """The keyword channel's ranking: (chunk id, BM25) of the best ``LEXICAL_DEPTH``;
    ``context_words`` (a follow-up's earlier turns) are searched with the question's."""
    words = tuple(dict.fromkeys(question.keywords + context_words))
    return index.lexical(words, LEXICAL_DEPTH)


def gather_candidates(
    index: Index,
    query: Question,
    query_vector: np.ndarray,
    depth: int,
    dense_weight: float = 1.0,
    lexical_weight: float = 1.0,
    lexical: list[tuple[int, float]] | None = None,
) -> list[Candidate]:
    """The ``depth`` best candidates by fused rank, exact-phrase hits first.

    ``lexical`` is the keyword channel's ranking when already run (``lexical_hits``):
    `qa ask` runs it while the question is being embedded.
    """
    pool: dict[int, Candidate] = {}

    def get(chunk_id: int) -> Candidate:
        cand = pool.get(chunk_id)
        if cand is None:
            cand = pool[chunk_id] = Candidate(chunk_id)
        return cand

    for rank, (chunk_id, score) in enumerate(index.dense(query_vector, DENSE_DEPTH), 1):
        cand = get(chunk_id)
        cand.dense_rank, cand.dense_score = rank, score
        cand.fused += dense_weight / (RRF_K + rank)
    if lexical is None:
        lexical = lexical_hits(index, query)
    for rank, (chunk_id, score) in enumerate(lexical, 1):
        cand = get(chunk_id)
        cand.lexical_rank, cand.lexical_score = rank, score
        cand.fused += lexical_weight / (RRF_K + rank)

    exact_ids: set[int] = set()
    if query.phrases:
        hits = index.phrase_hits(query.phrases, PHRASE_DEPTH)
        chunks = index.chunks(cid for cid, _ in hits)
        for chunk_id, _ in hits:
            chunk = chunks.get(chunk_id)
            if chunk is None:
                continue
            text = index.document(chunk.doc_id).text
            spans = []
            for phrase in query.phrases:
                found = find_phrase(text[chunk.start : chunk.end], phrase)
                if found is None:
                    break
                spans.append((chunk.start + found[0], chunk.start + found[1]))
            else:
                cand = get(chunk_id)
                cand.exact = True
                cand.phrase_spans = spans
                exact_ids.add(chunk_id)

    ranked = sorted(pool.values(), key=lambda c: (not c.exact, -c.fused))
    return ranked[: max(depth, len(exact_ids))]
