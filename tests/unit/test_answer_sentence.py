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
    parsed = Question.parse(question)
    adjusted = answering_scores(text, sents, np.array(scores), parsed)
    start, end = answer_span(text, sents, adjusted, parsed)
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


def test_the_answer_takes_one_neighbour_not_two() -> None:
    # From a real news page: the best sentence, a following one that points back ("He")
    # and a close-scored one before it made a paragraph of three.
    text = (
        "Carlineo faces a maximum of 10 years in prison and up to a $250,000 fine. "
        "Sentencing is scheduled for Feb. 14. "
        "He was arrested in April for the March 21 call to the offices of Omar."
    )
    sents = (
        (0, text.index(" Sentencing")),
        (text.index("Sentencing"), text.index(" He was")),
        (text.index("He was"), len(text)),
    )
    start, end = answer_span(text, sents, np.array([0.36, 0.9, 0.2]))
    assert text[start:end] == (
        "Sentencing is scheduled for Feb. 14. "
        "He was arrested in April for the March 21 call to the offices of Omar."
    )


def test_a_table_row_or_heading_is_not_joined_to_the_answer() -> None:
    # From a real blog post: "Thus" points back, but what stands before it is the last
    # row of a table, not a sentence the answer leans on.
    text = (
        "2.2 GB/s | 0.094 GB/s\n"
        "Thus, roughly speaking, simdjson can parse, validate a JSON document and create a "
        "DOM tree, at a speed of about 2 GB/s."
    )
    sents = ((0, text.index("\n")), (text.index("Thus"), len(text)))
    start, end = answer_span(text, sents, np.array([0.07, 0.89]))
    assert text[start:end].startswith("Thus, roughly speaking")
    # a sentence ending in footnote marks is still a sentence, and still joins
    text = (
        "PDF.js was originally created as an extension for Firefox[4] and is included in "
        "Firefox since 2012. (version 15),[5][6] and enabled by default since 2013 "
        "(version 19).[7][8]"
    )
    sents = ((0, text.index(" (version 15)")), (text.index("(version 15)"), len(text)))
    start, end = answer_span(text, sents, np.array([0.5, 0.6]))
    assert text[start:end] == text


def test_the_sentence_after_one_that_only_names_the_subject_joins_it() -> None:
    # From a real newsletter: the sentence with the question's words scored first, the
    # one naming the intern came after it.
    text = (
        "This year the Committee engaged in strategic planning to focus our efforts. "
        "We utilized Illinois Wesleyan University intern Kasia Tomaszynska to assist in "
        "the process."
    )
    answer = _answer(
        "Which intern helped the Committee with strategic planning?", text, [0.35, 0.1]
    )
    assert answer == text
    # a best sentence that holds the figure asked for stands alone
    text = "The order is valued at $8.8 billion at list prices. The 777 program has faced delays."
    answer = _answer("How much is the order worth?", text, [0.8, 0.05])
    assert answer == "The order is valued at $8.8 billion at list prices."


def test_the_tail_of_a_sentence_cut_by_a_line_break_takes_its_start() -> None:
    # From a real court transcript, where each line of the list of counsel came apart.
    text = "CHARLES M. SEVILLA, ESQ., San Diego, Cal.;\non behalf of the Respondent."
    sents = ((0, text.index("\n")), (text.index("on behalf"), len(text)))
    start, end = answer_span(text, sents, np.array([0.1, 0.6]))
    assert text[start:end] == text


def test_a_teaser_question_cannot_answer_and_does_not_rank_its_passage() -> None:
    # From a real profile page: the passage holding "Want to know more about Erin
    # Spiceland?" was ranked first on that sentence alone (rerank uses ``can_answer`` to
    # leave such sentences out of a passage's best-sentence features).
    from qa.answer.span import can_answer

    text = (
        "I can’t wait to wake up every day with my partner who loves me so much. "
        "Want to know more about Erin Spiceland? "
        "Erin Spiceland is a Software Engineer for SpaceX."
    )
    sents = _sentences(text)
    mask = can_answer(text, sents, Question.parse("Where does Erin Spiceland work?"))
    assert mask.tolist() == [True, False, True]
