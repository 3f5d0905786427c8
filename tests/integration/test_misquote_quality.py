"""Misremembered quotes must keep being found, and invented ones never said to be said.

bench/misquotes holds hand-written misquotes of the bundled article and the ten
bench/quotes articles (contractions written out, synonyms, reordering, clauses dropped
or added, paraphrases, short phrases), quotes that nobody in them said, and "What did
SPEAKER say about TOPIC?" questions. The development half is scored here through
``qa.evaluation.misquotes`` as `bench/bench_misquotes.py` scores it; the figures must
stay at the levels recorded below (the issue's targets: top-1 ≥ 0.9, invented ≤ 10%).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from qa.embedding.encoder import Embedder
from qa.evaluation.misquotes import evaluate_misquotes
from qa.index.builder import build_index
from qa.index.reader import Index

from helpers.corpus import TESTS

ROOT = TESTS.parent
SET = ROOT / "bench" / "misquotes"
# Measured with this commit's rules; one case of slack (1/42 = 0.024, 1/12 = 0.083) for
# float noise across machines, none for real losses.
RECORDED = {"top1_right": 0.952, "who_said_right": 0.881, "topic_hit@1": 0.833}
MOST_INVENTED_SAID = 0.1


@pytest.fixture(scope="module")
def scores(
    tmp_path_factory: pytest.TempPathFactory,
    embedder: Embedder,
    open_index: Callable[[Path], Index],
) -> dict:
    """The dev half scored over a copy of the articles, laid out as in the repository."""
    root = tmp_path_factory.mktemp("misquote-quality")
    (root / "docs").mkdir()
    shutil.copyfile(
        ROOT / "docs" / "north-korean-troops-in-russia.txt",
        root / "docs" / "north-korean-troops-in-russia.txt",
    )
    shutil.copytree(ROOT / "bench" / "quotes" / "articles", root / "bench/quotes/articles")
    build_index([root / "docs", root / "bench"], root / "index", embedder=embedder)
    index = open_index(root / "index")
    return evaluate_misquotes(index, embedder, SET, root, "dev").summary()


@pytest.mark.parametrize("figure", sorted(RECORDED))
def test_misquotes_hold_their_recorded_level(scores: dict, figure: str) -> None:
    slack = 0.083 if figure.startswith("topic") else 0.024
    assert scores[figure] >= RECORDED[figure] - slack, scores


def test_invented_quotes_are_rarely_said_to_be_said(scores: dict) -> None:
    assert scores["invented_said"] <= MOST_INVENTED_SAID, scores
