"""Features of candidate passages and sentences, and the learned weights that rank them.

Each feature is something a careful reader would weigh: does the passage mean what
the question asks (cosine), does one of its sentences (cosine, and the share of the
question's rarer words it holds), did the keyword channel rank it high. The weights
are a logistic regression fitted on the development halves of the evaluation sets
by ``bench/fit_weights.py`` and kept as readable JSON in ``weights.json``; so a
passage's score reads as the chance that it holds the answer, which is what the
"not found" threshold is set against.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from qa.answer.question import Question
from qa.answer.retrieve import RRF_K, Candidate
from qa.answer.short import short_answer
from qa.answer.span import answer_span, answering_scores, can_answer, words_of_type
from qa.index.reader import Index
from qa.text.terms import content_terms

PASSAGE_FEATURES = (
    "dense_cos",  # cosine of passage and question
    "best_sentence_cos",  # highest cosine of one of its sentences
    "coverage",  # IDF-weighted share of question terms in passage, heading, title
    "best_sentence_coverage",
    "best_sentence_score",  # the sentence model's score of its best sentence
    "fused",  # reciprocal-rank fusion of both channels, times 60
    "bm25_relative",  # BM25 over the best BM25 among the candidates
    "dense_reciprocal_rank",
    "lexical_reciprocal_rank",
)
SENTENCE_FEATURES = (
    "cos",  # cosine of sentence and question
    "coverage",  # IDF-weighted share of question terms in the sentence
    "context_coverage",  # ... in the sentence and its neighbours
    "log_length",  # log of the sentence's length in characters, over 5
    "type_match",  # the question wants a number/date/name/place and the sentence has one
)


@dataclass(frozen=True)
class Weights:
    passage: np.ndarray
    passage_bias: float
    sentence: np.ndarray
    sentence_bias: float
    found_threshold: float

    def passage_score(self, features: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-(features @ self.passage + self.passage_bias)))

    def sentence_score(self, features: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-(features @ self.sentence + self.sentence_bias)))


def weights_from_json(data: dict) -> Weights:
    passage = data["passage"]
    sentence = data["sentence"]
    return Weights(
        passage=np.array([passage["weights"][f] for f in PASSAGE_FEATURES], dtype=np.float32),
        passage_bias=float(passage["bias"]),
        sentence=np.array([sentence["weights"][f] for f in SENTENCE_FEATURES], dtype=np.float32),
        sentence_bias=float(sentence["bias"]),
        found_threshold=float(data["found_threshold"]),
    )


@lru_cache(maxsize=1)
def default_weights() -> Weights:
    text = resources.files("qa.answer").joinpath("weights.json").read_text(encoding="utf-8")
    return weights_from_json(json.loads(text))


def by_name(names: tuple[str, ...], **values: float) -> np.ndarray:
    """A feature vector in the order of ``names``, built from named values: a feature
    missing or unknown is an error here, not a silently shifted column."""
    if values.keys() != set(names):
        raise ValueError(f"features {sorted(values)} are not {sorted(names)}")
    return np.array([values[n] for n in names], dtype=np.float32)


def idf(df: int, total: int) -> float:
    """BM25's IDF: rare words weigh more than common ones."""
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def coverage(terms: set[str], weights: dict[str, float], total_weight: float) -> float:
    if total_weight <= 0:
        return 0.0
    return sum(w for t, w in weights.items() if t in terms) / total_weight


RERANK_DEPTH = 30


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
    # The score for the question alone, before a conversation's focus raised it:
    # whether the passage answers is judged on this, not on being where the talk is.
    unfocused: float = 0.0
    focus_bonus: float = 0.0  # the log-odds the focus added
    # Question terms (stemmed) that neither the passage nor its title or heading holds.
    unsupported: tuple[str, ...] = ()

    @property
    def best_sentence(self) -> tuple[int, int]:
        return self.sentences[int(np.argmax(self.sentence_scores))]

    def answer_span(
        self, text: str, question: Question | None = None, figure: bool = False
    ) -> tuple[int, int]:
        """The answering span of this passage (``qa.answer.span.answer_span``); with the
        question, sentences that only ask or repeat it are passed over, and with
        ``figure`` (the answer's passage only: it parses up to four sentences) a close
        sentence holding the figure asked for is preferred."""
        scores = self.sentence_scores
        if question is not None:
            scores = answering_scores(text, self.sentences, scores, question)
            if figure and question.wanted in ("number", "date"):
                scores = _prefer_a_figure(text, self.sentences, scores, question)
        return answer_span(text, self.sentences, scores, question)


# A sentence holding the figure asked for is preferred to a better-scored one holding
# none, when it scores at least this share of it.
FIGURE_RATIO = 0.5


def _prefer_a_figure(
    text: str, sentences: tuple[tuple[int, int], ...], scores: np.ndarray, question: Question
) -> np.ndarray:
    """Scores where the best sentence holds a figure that answers a "how many" or "when"
    question, if a close one does ("PG&E initiated four rounds of outages" scored above
    "…one last month that affected nearly 2.5 million people")."""
    order = np.argsort(-scores)
    best = int(order[0])
    if short_answer(question, text, *sentences[best]) is not None:
        return scores
    for i in order[1:4]:
        if scores[i] < FIGURE_RATIO * scores[best]:
            break
        if short_answer(question, text, *sentences[int(i)]) is not None:
            out = scores.copy()
            out[i] = scores[best] * 1.001
            return out
    return scores


def _passage_terms(
    context: str,
    text: str,
    start: int,
    end: int,
    sentences: Sequence[tuple[int, int]],
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
    index: Index,
    query: Question,
    qvec: np.ndarray,
    candidates: list[Candidate],
    weights: Weights,
) -> list[ScoredPassage]:
    """Features and scores of every candidate, best first (exact-phrase hits on top)."""
    ids = [c.chunk_id for c in candidates]
    chunks = index.chunks(ids)
    sentence_vectors = index.sentence_vectors(ids)
    missing = [c for c in candidates if c.dense_score is None]
    if missing:
        vecs = index.chunk_vectors([c.chunk_id for c in missing])
        for cand, vec in zip(missing, vecs, strict=True):
            cand.dense_score = float(vec @ qvec)
    kind = query.wanted
    df, total = index.term_frequencies(query.terms)
    term_weights = {t: idf(df.get(t, 0), max(total, 1)) for t in query.terms}
    total_weight = sum(term_weights.values())
    best_bm25 = max((c.lexical_score or 0.0 for c in candidates), default=0.0) or 1.0

    texts = index.chunk_texts(chunks.values())
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
        typed = [1.0 if kind and words_of_type(text[s:e], query) else 0.0 for s, e in local]
        sf = np.zeros((len(sents), len(SENTENCE_FEATURES)), dtype=np.float32)
        for i, (s, e) in enumerate(local):
            around = sent_terms[i].union(*sent_terms[max(0, i - 1) : i + 2])
            sf[i] = by_name(
                SENTENCE_FEATURES,
                cos=float(cosines[i]),
                coverage=coverage(sent_terms[i], term_weights, total_weight),
                context_coverage=coverage(around, term_weights, total_weight),
                log_length=math.log(max(e - s, 1)) / 5,
                type_match=typed[i],
            )
        sscores = weights.sentence_score(sf)
        for i, (s, e) in enumerate(sents):
            if cand.phrase_spans and any(s <= ps < e for ps, _ in cand.phrase_spans):
                sscores[i] += 1.0
        # A passage is as good as its best sentence that could answer: a teaser asking
        # the question back ("Want to know more about Erin Spiceland?") shows the passage
        # is on the subject (its words count in ``coverage``) but answers nothing.
        answering = can_answer(text, local, query, sent_terms)
        if not answering.any():
            answering[:] = True
        masked = np.where(answering, sscores, -np.inf)
        best = int(np.argmax(masked))
        features = by_name(
            PASSAGE_FEATURES,
            dense_cos=cand.dense_score or 0.0,
            best_sentence_cos=float(cosines[answering].max()) if len(cosines) else 0.0,
            coverage=coverage(passage_terms, term_weights, total_weight),
            best_sentence_coverage=float(sf[answering, SENTENCE_FEATURES.index("coverage")].max()),
            best_sentence_score=float(min(sscores[best], 1.0)),
            fused=cand.fused * RRF_K,
            bm25_relative=(cand.lexical_score or 0.0) / best_bm25,
            dense_reciprocal_rank=1 / cand.dense_rank if cand.dense_rank else 0.0,
            lexical_reciprocal_rank=1 / cand.lexical_rank if cand.lexical_rank else 0.0,
        )
        unsupported = tuple(t for t in query.terms if t not in passage_terms)
        out.append(
            ScoredPassage(
                cand,
                chunk.doc_id,
                chunk.start,
                chunk.end,
                sents,
                sf,
                sscores,
                features,
                unsupported=unsupported,
            )
        )
    if out:
        scores = weights.passage_score(np.vstack([p.features for p in out]))
        for p, sc in zip(out, scores, strict=True):
            p.score = p.unfocused = float(sc)
    out.sort(key=lambda p: (not p.candidate.exact, -p.score))
    return out
