"""From candidates to an answer: rerank passages, pick the answering span, or say "not found".

Every candidate passage is scored on what it says (its cosine to the question), on its
best sentence (cosine, and how much of the question's weighted vocabulary it holds),
and on its fused rank. The best sentence of the best passage is the answer; each
passage shows its own best sentence as the highlight. When even the best passage
scores under a threshold calibrated on the evaluation sets, the answer is withheld and
the passages are still listed, marked weak: an honest "not found" beats a padded one.
All offsets are positions in the document's extracted text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from qa.citations import Citation, cite
from qa.embedding import Embedder
from qa.index import OpenIndex
from qa.lexical import ParsedQuery, content_terms, parse_query
from qa.retrieval import Candidate, gather_candidates

NOT_FOUND = "Not found in these documents"
RERANK_DEPTH = 30

# Weights of the passage and sentence scores (see scripts/fit_weights.py and the README's
# quality table for how they were chosen on the development sets).
W_PASSAGE_COS = 4.0
W_SENTENCE = 5.0
W_COVERAGE = 2.0
W_FUSED = 120.0
BIAS = -6.0
SENT_COS = 0.6
SENT_COVERAGE = 0.4
FOUND_THRESHOLD = 0.5


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    rank: int
    source: str
    start: int
    end: int
    text: str
    score: float
    highlight: Span
    citation: Citation
    match: str  # "exact" | "keyword" | "meaning"
    weak: bool


@dataclass(frozen=True)
class AnswerSpan:
    text: str
    source: str
    start: int
    end: int
    score: float
    citation: Citation


@dataclass(frozen=True)
class Answer:
    question: str
    answer: AnswerSpan | None
    passages: list[Passage]

    def to_json(self) -> dict:
        """The `qa ask --json` contract, field for field."""
        answer = None
        if self.answer is not None:
            a = self.answer
            answer = {"text": a.text, "source": a.source, "start": a.start, "end": a.end,
                      "score": round(a.score, 4), "citation": str(a.citation)}
        return {
            "question": self.question,
            "answer": answer,
            "passages": [
                {"rank": p.rank, "source": p.source, "start": p.start, "end": p.end,
                 "text": p.text, "score": round(p.score, 4),
                 "highlight": {"start": p.highlight.start, "end": p.highlight.end},
                 "citation": str(p.citation), "match": p.match}
                for p in self.passages
            ],
        }


def _idf(df: int, total: int) -> float:
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def _coverage(terms: set[str], weights: dict[str, float], total_weight: float) -> float:
    if total_weight <= 0:
        return 0.0
    return sum(weights[t] for t in terms if t in weights) / total_weight


@dataclass
class _Scored:
    candidate: Candidate
    chunk_start: int
    chunk_end: int
    doc_id: int
    sentence: tuple[int, int]
    sentence_score: float
    score: float


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def answer_question(
    index: OpenIndex, embedder: Embedder, question: str, k: int = 5
) -> Answer:
    """Answer one question from the index: top ``k`` passages and the best span."""
    question = question.strip()
    query = parse_query(question)
    if not question or not query.terms and not query.phrases:
        return Answer(question, None, [])
    qvec = embedder.encode([question])[0]
    candidates = gather_candidates(index, query, qvec, max(RERANK_DEPTH, k))
    scored = _rerank(index, query, qvec, candidates)
    scored.sort(key=lambda s: (not s.candidate.exact, -s.score))
    top = scored[:k]
    if not top:
        return Answer(question, None, [])
    found = top[0].score >= FOUND_THRESHOLD or top[0].candidate.exact
    passages = []
    for rank, s in enumerate(top, 1):
        doc = index.store.document_text(s.doc_id)
        passages.append(
            Passage(
                rank=rank,
                source=doc.source,
                start=s.chunk_start,
                end=s.chunk_end,
                text=doc.text[s.chunk_start : s.chunk_end],
                score=s.score,
                highlight=Span(*s.sentence),
                citation=cite(doc, s.chunk_start, s.chunk_end),
                match=s.candidate.match,
                weak=not found,
            )
        )
    answer = None
    if found:
        best = top[0]
        doc = index.store.document_text(best.doc_id)
        start, end = best.sentence
        answer = AnswerSpan(doc.text[start:end], doc.source, start, end, best.score,
                            cite(doc, start, end))
    return Answer(question, answer, passages)


def _rerank(
    index: OpenIndex, query: ParsedQuery, qvec: np.ndarray, candidates: list[Candidate]
) -> list[_Scored]:
    store = index.store
    ids = [c.chunk_id for c in candidates]
    chunks = store.chunks(ids)
    sentence_vectors = store.sentence_vectors(ids, index.manifest.dimensions)
    missing = [c.chunk_id for c in candidates if c.dense_score is None]
    if missing:
        for cid, vec in zip(missing, vectors_of(index, missing), strict=True):
            next(c for c in candidates if c.chunk_id == cid).dense_score = float(vec @ qvec)
    df, total = store.document_frequencies(query.terms)
    weights = {t: _idf(df.get(t, 0), max(total, 1)) for t in query.terms}
    total_weight = sum(weights.values())

    out = []
    for cand in candidates:
        chunk = chunks.get(cand.chunk_id)
        if chunk is None:
            continue
        doc = store.document_text(chunk.doc_id)
        text = doc.text
        context = ""
        if chunk.heading_index is not None:
            h = doc.paragraphs[chunk.heading_index]
            context = text[h.start : h.end]
        passage_terms = set(content_terms(f"{doc.title or ''} {context} {text[chunk.start:chunk.end]}"))
        coverage = _coverage(passage_terms, weights, total_weight)
        sents = chunk.sentences
        svecs = sentence_vectors.get(cand.chunk_id)
        if svecs is not None and len(svecs) == len(sents):
            cosines = svecs @ qvec
        else:
            cosines = np.zeros(len(sents))
        best_i, best_score = 0, -1.0
        for i, (s, e) in enumerate(sents):
            sent_cov = _coverage(set(content_terms(text[s:e])), weights, total_weight)
            score = SENT_COS * float(cosines[i]) + SENT_COVERAGE * sent_cov
            if cand.phrase_spans and any(s <= ps < e for ps, _ in cand.phrase_spans):
                score += 1.0
            if score > best_score:
                best_i, best_score = i, score
        logit = (W_PASSAGE_COS * (cand.dense_score or 0.0) + W_SENTENCE * min(best_score, 1.0)
                 + W_COVERAGE * coverage + W_FUSED * cand.fused + BIAS)
        out.append(_Scored(cand, chunk.start, chunk.end, chunk.doc_id, sents[best_i],
                           best_score, _sigmoid(logit)))
    return out


def vectors_of(index: OpenIndex, ids: list[int]) -> np.ndarray:
    from qa.vectors import vectors_for

    return vectors_for(index.vectors, ids)
