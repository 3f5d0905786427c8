"""The answer sentence is the one that answers, not one that repeats or asks the question."""

from __future__ import annotations

import re

import numpy as np

from qa.answer.question import Question
from qa.answer.span import answer_span, answering_scores


def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(m.span() for m in re.finditer(r".+?[.?!](?=\s|$)", text))


def _answer(question: str, text: str, scores: list[float]) -> str:
    sents = _sentences(text)
    adjusted = answering_scores(text, sents, np.array(scores), Question.parse(question))
    start, end = answer_span(text, sents, adjusted)
    return text[start:end].strip()


def test_a_teaser_that_repeats_the_name_is_not_the_answer() -> None:
    # From a real profile page: the link line scored highest (0.86) and was shown.
    text = (
        "Want to know more about Erin Spiceland? "
        "Erin Spiceland is a software engineer at SpaceX in Los Angeles."
    )
    answer = _answer("Where does Erin Spiceland work?", text, [0.86, 0.55])
    assert answer == "Erin Spiceland is a software engineer at SpaceX in Los Angeles."


def test_a_heading_of_the_question_words_is_not_the_answer() -> None:
    text = (
        "Redonda goats relocated. "
        "Conservationists moved the last 60 goats from Redonda to Antigua in 2018."
    )
    answer = _answer("Where were the Redonda goats relocated?", text, [0.9, 0.5])
    assert answer.startswith("Conservationists moved")


def test_a_sentence_with_new_words_keeps_its_score() -> None:
    text = "The vote was held on Sunday. Turnout reached 42 percent across the region."
    sents = _sentences(text)
    scores = np.array([0.2, 0.7])
    adjusted = answering_scores(text, sents, scores, Question.parse("What was the turnout?"))
    assert np.allclose(adjusted, scores)


def test_the_sentence_with_the_figure_asked_for_is_preferred() -> None:
    from qa.answer.rerank import _prefer_a_figure

    # From a real news page: the outage sentence without a count scored first.
    text = (
        "PG&E initiated four rounds of planned outages in October. "
        "It was the fifth shutoff this fall, including one last month that affected "
        "nearly 2.5 million people."
    )
    question = Question.parse("How many people did last month's PG&E outage affect?")
    sents = _sentences(text)
    scores = _prefer_a_figure(text, sents, np.array([0.8, 0.6]), question)
    start, end = answer_span(text, sents, scores)
    assert "nearly 2.5 million people" in text[start:end]


def test_a_question_sentence_is_not_joined_to_a_weak_answer() -> None:
    text = "Want to know more about Erin Spiceland? Follow them on GitHub or Twitter."
    answer = _answer("Where does Erin Spiceland work?", text, [0.86, 0.2])
    assert answer == "Follow them on GitHub or Twitter."
