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
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

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
    text = resources.files("qa").joinpath("weights.json").read_text(encoding="utf-8")
    return weights_from_json(json.loads(text))


def idf(df: int, total: int) -> float:
    """BM25's IDF: rare words weigh more than common ones."""
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def coverage(terms: set[str], weights: dict[str, float], total_weight: float) -> float:
    if total_weight <= 0:
        return 0.0
    return sum(w for t, w in weights.items() if t in terms) / total_weight
