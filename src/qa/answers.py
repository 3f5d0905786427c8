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
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from qa.answer_types import asked_type, best_candidate, words_of_type
from qa.citations import Citation, cite
from qa.embedding import Embedder
from qa.index import OpenIndex
from qa.lexical import ParsedQuery, content_terms, parse_query
from qa.retrieval import RRF_K, Candidate, gather_candidates, lexical_hits
from qa.scoring import (
    SENTENCE_FEATURES,
    Weights,
    coverage,
    default_weights,
    idf,
)
from qa.vectors import vectors_for

RERANK_DEPTH = 30
# Answer spans: a neighbouring sentence scoring at least this share of the best joins it
# (chosen on the development sets: SQuAD answer-span hit@1 0.705 -> 0.746 with the
# pointing-back rule, spans 188 -> 232 characters on average; taking a following sentence
# that points back: 0.751 -> 0.762 on 2,500 SQuAD questions, COVID-QA 0.492 -> 0.506,
# spans 232 -> 247 characters; then this ratio 0.5 -> 0.4: SQuAD 0.762 -> 0.768, COVID-QA
# 0.506 -> 0.509, spans 247 -> 260 characters, two sentences or more in 38% -> 46% of
# answers. Lower gains little more: 0.35 gives 0.768 at 266 characters); never over 500.
NEIGHBOUR_RATIO = 0.4
MAX_SPAN_CHARS = 500
# A sentence that opens like this leans on the one before it.
_POINTS_BACK = re.compile(
    r"^\W*(?:this|that|these|those|it|its|he|she|his|her|they|their|such|there|then|"
    r"however|but|also|thus|therefore|the\s+latter|the\s+former|as\s+a\s+result)\b",
    re.IGNORECASE,
)


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
    match: str  # "exact" | "keyword" | "meaning" | "quote"
    weak: bool
    speaker: str | None = None  # quote answers: who the text says spoke


@dataclass(frozen=True)
class AnswerSpan:
    text: str
    source: str
    start: int
    end: int
    score: float
    citation: Citation
    speaker: str | None = None  # quote answers: who the text says spoke
    # The exact words that answer, inside the span, when the question's type is plain
    # ("how many" -> "10,000"); document offsets like start/end.
    short: Span | None = None
    short_text: str | None = None


@dataclass(frozen=True)
class Answer:
    question: str
    answer: AnswerSpan | None
    passages: list[Passage]
    # Quoted phrases of the question that no passage holds word for word.
    missing_phrases: tuple[str, ...] = ()
    # What the reader should know before the answer: who is quoted, the nearest
    # wording of a phrase the documents do not hold word for word.
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """The `qa ask --json` contract, field for field. Answers from the quote index
        add ``speaker`` to the answer and passages; ``notes`` appears when there are any."""
        answer = None
        if self.answer is not None:
            a = self.answer
            answer = {
                "text": a.text,
                "source": a.source,
                "start": a.start,
                "end": a.end,
                "score": round(a.score, 4),
                "citation": str(a.citation),
                "short": None
                if a.short is None
                else {"text": a.short_text, "start": a.short.start, "end": a.short.end},
            }
            if a.speaker is not None or any(
                p.match in ("quote", "reported") for p in self.passages
            ):
                answer["speaker"] = a.speaker
        data = {
            "question": self.question,
            "answer": answer,
            "passages": [
                {
                    "rank": p.rank,
                    "source": p.source,
                    "start": p.start,
                    "end": p.end,
                    "text": p.text,
                    "score": round(p.score, 4),
                    "highlight": {"start": p.highlight.start, "end": p.highlight.end},
                    "citation": str(p.citation),
                    "match": p.match,
                }
                | ({"speaker": p.speaker} if p.match in ("quote", "reported") else {})
                for p in self.passages
            ],
        }
        if self.notes:
            data["notes"] = list(self.notes)
        return data


@dataclass
class ScoredPassage:
    """A candidate with its features and scores (kept for fitting and explaining)."""

    candidate: Candidate
    doc_id: int
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]
    sentence_features: np.ndarray  # one row per sentence, SENTENCE_FEATURES
    sentence_scores: np.ndarray
    features: np.ndarray  # PASSAGE_FEATURES
    score: float = 0.0

    @property
    def best_sentence(self) -> tuple[int, int]:
        return self.sentences[int(np.argmax(self.sentence_scores))]

    def answer_span(self, text: str) -> tuple[int, int]:
        """The best sentence, with a neighbour when it cannot stand alone.

        A sentence that opens by pointing back ("This created…", "He later…") takes the
        one before it, whose words it depends on; the sentence after it joins when that
        one points back to it, since it carries on the same subject (the question's
        words in one sentence, the answer in the next: "…the Ten Commandments … show
        Christians how to live. This has traditionally been called the 'third use of
        the law'."); and when a neighbour scores at least ``NEIGHBOUR_RATIO`` of the
        best, the two are shown together rather than one guessed. Never more than
        ``MAX_SPAN_CHARS``.
        """
        scores, sents = self.sentence_scores, self.sentences
        best = int(np.argmax(scores))
        first = last = best
        start, end = sents[best]
        leans_back = best > 0 and _POINTS_BACK.match(text[start:end]) is not None
        if leans_back and end - sents[best - 1][0] <= MAX_SPAN_CHARS:
            first = best - 1
        if last + 1 < len(sents) and sents[last + 1][1] - sents[first][0] <= MAX_SPAN_CHARS:
            following = text[sents[last + 1][0] : sents[last + 1][1]]
            if _POINTS_BACK.match(following):
                last += 1
        options = []
        if first > 0 and sents[last][1] - sents[first - 1][0] <= MAX_SPAN_CHARS:
            options.append((float(scores[first - 1]), first - 1, last))
        if last + 1 < len(sents) and sents[last + 1][1] - sents[first][0] <= MAX_SPAN_CHARS:
            options.append((float(scores[last + 1]), first, last + 1))
        if options:
            score, lo, hi = max(options)
            if score >= NEIGHBOUR_RATIO * float(scores[best]):
                first, last = lo, hi
        return sents[first][0], sents[last][1]


@lru_cache(maxsize=1)
def _encoder_thread() -> ThreadPoolExecutor:
    """One thread that embeds questions while the calling thread searches keywords."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-embed")


def answer_question(
    index: OpenIndex,
    embedder: Embedder,
    question: str,
    k: int = 5,
    weights: Weights | None = None,
) -> Answer:
    """Answer one question from the index: top ``k`` passages and the best span."""
    weights = weights or default_weights()
    question = question.strip()
    query = parse_query(question)
    if not question or (not query.terms and not query.phrases):
        return Answer(question, None, [])
    # The question's embedding (torch) and the keyword search (SQLite) both let go of
    # the GIL, so side by side they take the longer of the two, not the sum.
    pending = _encoder_thread().submit(embedder.encode, [question])
    lexical = lexical_hits(index, query)
    index.store.document_frequencies(query.terms)  # kept for the reranker's IDF
    qvec = pending.result()[0]
    candidates = gather_candidates(index, query, qvec, max(RERANK_DEPTH, k), lexical=lexical)
    scored = score_candidates(index, query, qvec, candidates, weights)
    top = scored[:k]
    if not top:
        return Answer(question, None, [])
    missing = () if any(c.exact for c in candidates) else query.phrases
    # A phrase asked for word for word that the documents do not hold means the
    # question is not answered here, however close the meaning of a passage.
    found = top[0].candidate.exact or (not missing and top[0].score >= weights.found_threshold)
    passages = []
    for rank, s in enumerate(top, 1):
        doc = index.store.document_text(s.doc_id)
        passages.append(
            Passage(
                rank=rank,
                source=doc.source,
                start=s.start,
                end=s.end,
                text=doc.text[s.start : s.end],
                score=s.score,
                highlight=Span(*s.answer_span(index.store.document_text(s.doc_id).text)),
                citation=cite(doc, s.start, s.end),
                match=s.candidate.match,
                weak=not found,
            )
        )
    answer = None
    if found:
        best = top[0]
        doc = index.store.document_text(best.doc_id)
        start, end = best.answer_span(doc.text)
        short = short_answer(question, doc.text, start, end)
        answer = AnswerSpan(
            doc.text[start:end],
            doc.source,
            start,
            end,
            best.score,
            cite(doc, start, end),
            short=short,
            short_text=doc.text[short.start : short.end] if short else None,
        )
    return Answer(question, answer, passages, missing)


def short_answer(question: str, text: str, start: int, end: int) -> Span | None:
    """The words of ``text[start:end]`` of the type the question asks for, if plain."""
    kind = asked_type(question)
    if kind is None:
        return None
    found = best_candidate(text[start:end], kind, question)
    return Span(start + found.start, start + found.end) if found else None


def _passage_terms(
    context: str,
    text: str,
    start: int,
    end: int,
    sentences: tuple[tuple[int, int], ...],
    sentence_terms: list[set[str]],
) -> set[str]:
    """Content terms of a passage with its title and heading, from its sentences' terms
    plus whatever lies between them: each word is stemmed once per question, not twice."""
    terms = set(content_terms(context)).union(*sentence_terms)
    at = start
    for s, e in sentences:
        if s > at:
            terms.update(content_terms(text[at:s]))
        at = max(at, e)
    if end > at:
        terms.update(content_terms(text[at:end]))
    return terms


def score_candidates(
    index: OpenIndex,
    query: ParsedQuery,
    qvec: np.ndarray,
    candidates: list[Candidate],
    weights: Weights,
) -> list[ScoredPassage]:
    """Features and scores of every candidate, best first (exact-phrase hits on top)."""
    store = index.store
    ids = [c.chunk_id for c in candidates]
    chunks = store.chunks(ids)
    sentence_vectors = store.sentence_vectors(ids, index.manifest.dimensions)
    missing = [c for c in candidates if c.dense_score is None]
    if missing:
        vecs = vectors_for(index.vectors, [c.chunk_id for c in missing])
        for cand, vec in zip(missing, vecs, strict=True):
            cand.dense_score = float(vec @ qvec)
    kind = asked_type(query.text)
    df, total = store.document_frequencies(query.terms)
    term_weights = {t: idf(df.get(t, 0), max(total, 1)) for t in query.terms}
    total_weight = sum(term_weights.values())
    best_bm25 = max((c.lexical_score or 0.0 for c in candidates), default=0.0) or 1.0

    texts = store.passage_texts(chunks.values())
    out = []
    for cand in candidates:
        chunk = chunks.get(cand.chunk_id)
        passage = texts.get(cand.chunk_id)
        if chunk is None or passage is None:
            continue
        # Sentence offsets are document offsets; the text read is the chunk's alone.
        base = passage.start
        sents = chunk.sentences
        local = [(s - base, e - base) for s, e in sents]
        text = passage.text
        sent_terms = [set(content_terms(text[s:e])) for s, e in local]
        passage_terms = _passage_terms(
            f"{passage.title or ''} {passage.heading}", text, 0, len(text), local, sent_terms
        )
        svecs = sentence_vectors.get(cand.chunk_id)
        cosines = (
            svecs @ qvec if svecs is not None and len(svecs) == len(sents) else np.zeros(len(sents))
        )
        typed = [
            1.0 if kind and words_of_type(text[s:e], kind, query.text) else 0.0 for s, e in local
        ]
        sf = np.zeros((len(sents), len(SENTENCE_FEATURES)), dtype=np.float32)
        for i, (s, e) in enumerate(local):
            around = sent_terms[i].union(*sent_terms[max(0, i - 1) : i + 2])
            sf[i] = (
                float(cosines[i]),
                coverage(sent_terms[i], term_weights, total_weight),
                coverage(around, term_weights, total_weight),
                math.log(max(e - s, 1)) / 5,
                typed[i],
            )
        sscores = weights.sentence_score(sf)
        for i, (s, e) in enumerate(sents):
            if cand.phrase_spans and any(s <= ps < e for ps, _ in cand.phrase_spans):
                sscores[i] += 1.0
        best = int(np.argmax(sscores))
        features = np.array(
            [
                cand.dense_score or 0.0,
                float(cosines.max()) if len(cosines) else 0.0,
                coverage(passage_terms, term_weights, total_weight),
                float(sf[:, 1].max()),
                float(min(sscores[best], 1.0)),
                cand.fused * RRF_K,
                (cand.lexical_score or 0.0) / best_bm25,
                1 / cand.dense_rank if cand.dense_rank else 0.0,
                1 / cand.lexical_rank if cand.lexical_rank else 0.0,
            ],
            dtype=np.float32,
        )
        out.append(
            ScoredPassage(cand, chunk.doc_id, chunk.start, chunk.end, sents, sf, sscores, features)
        )
    if out:
        scores = weights.passage_score(np.vstack([p.features for p in out]))
        for p, sc in zip(out, scores, strict=True):
            p.score = float(sc)
    out.sort(key=lambda p: (not p.candidate.exact, -p.score))
    return out
