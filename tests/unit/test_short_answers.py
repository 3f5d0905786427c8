"""Short answers: the exact words that answer, when the question's type is plain."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qa.answer.ask import answer_question
from qa.answer.question import AnswerType, Question, asked_type
from qa.answer.short import short_answer
from qa.answer.span import best_candidate
from qa.embedding.encoder import Embedder
from qa.index.reader import open_index

from helpers.corpus import SampleIndex


def wanting(kind: AnswerType | None, text: str) -> Question:
    """The question ``text``, asking for ``kind`` whatever its wording says."""
    return replace(Question.parse(text), wanted=kind)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many troops did North Korea send?", "number"),
        ("What percentage of wages goes to the regime?", "number"),
        ("When did Lee Woong-gil defect?", "date"),
        ("In what year did he defect?", "date"),
        ("Who hails his soldiers as the strongest in the world?", "person"),
        ("Where are the troops amassing?", "place"),
        ("In which city does the activist group work?", "place"),
        ("Why are the soldiers vulnerable?", None),
        ("What did the troops lack?", None),
    ],
)
def test_the_answer_type_is_read_from_the_wording(question: str, kind: str | None) -> None:
    assert asked_type(question) == kind


@pytest.mark.parametrize(
    ("question", "sentence", "words"),
    [
        (
            "How many North Korean troops arrived in Russia?",
            "Around 10,000 North Korean troops have reportedly arrived in Russia.",
            "Around 10,000",
        ),
        ("When did he defect?", "Lee Woong-gil, who defected in 2007, spoke.", "2007"),
        (
            "When did the war start?",
            "The war began on 3 September 1939 in Europe.",
            "3 September 1939",
        ),
    ],
)
def test_the_short_answer_is_words_of_the_sentence(
    question: str, sentence: str, words: str
) -> None:
    found = short_answer(Question.parse(question), sentence, 0, len(sentence))
    assert found is not None and sentence[found.start : found.end] == words


def test_names_are_never_guessed_as_short_answers() -> None:
    sentence = "The defector, Lee Woong-gil, spoke to Choi Jung-hoon."
    assert best_candidate(sentence, wanting("person", "Who defected?")) is None


def test_places_are_not_guessed_as_short_answers() -> None:
    # Which of a sentence's places answers "where" takes more than its shape: on SQuAD
    # half of the places shown in bold shared no word with the answer.
    sentence = "Most of them went to Kursk last week, not to Belgorod."
    assert _short("Where did they go?", sentence) is None


def test_a_number_word_inside_another_word_is_not_a_number() -> None:
    sentence = "Someone often said the weight was written on behalf of the crew."
    assert best_candidate(sentence, wanting("number", "How many were written?")) is None
    found = best_candidate("Someone counted ten boats.", wanting("number", "How many boats?"))
    assert found is not None and "Someone counted ten boats."[found.start : found.end] == "ten"


def test_no_short_answer_without_words_of_the_type() -> None:
    assert (
        best_candidate("Experts worry about the terrain.", wanting("number", "How many?")) is None
    )
    # The question's own number is not its answer.
    assert best_candidate("In 2007 he defected.", wanting("date", "What happened in 2007?")) is None


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("How many North Korean troops have arrived in Russia?", "around 10,000"),
        ("When did Lee Woong-gil defect?", "2007"),
        ("How many North Korean soldiers did Russia equip with weapons?", "over 7,000"),
    ],
)
def test_short_answers_on_the_sample(
    sample_index: SampleIndex, embedder: Embedder, question: str, words: str
) -> None:
    index = open_index(sample_index.index_dir)
    assert index is not None
    try:
        answer = answer_question(index, embedder, question)
        a = answer.answer
        assert a is not None and a.short is not None
        assert a.short_text == words
        doc = index.document_by_source(a.source)
        assert doc is not None and doc.text[a.short.start : a.short.end] == words
        assert a.start <= a.short.start < a.short.end <= a.end
        assert answer.to_json()["answer"]["short"] == {
            "text": words,
            "start": a.short.start,
            "end": a.short.end,
        }
    finally:
        index.close()


def test_no_short_answer_when_the_type_is_not_plain(
    sample_index: SampleIndex, embedder: Embedder
) -> None:
    index = open_index(sample_index.index_dir)
    assert index is not None
    try:
        answer = answer_question(index, embedder, "Why might the soldiers be unprepared?")
        assert answer.answer is not None and answer.answer.short is None
        assert answer.to_json()["answer"]["short"] is None
    finally:
        index.close()


def _short(question: str, text: str) -> str | None:
    found = short_answer(Question.parse(question), text, 0, len(text))
    return None if found is None else text[found.start : found.end]


@pytest.mark.parametrize(
    ("question", "text", "words"),
    [
        # The figure asked for, not a vaguer one beside it ("half" was shown for a fall).
        (
            "By how much did sales of new cars fall last year?",
            "Sales of new cars fell by 18 percent last year, and almost half of the dealers"
            " closed.",
            "18 percent",
        ),
        # The year asked for picks the count, whichever comes first in the sentence.
        (
            "How many wolves were counted in the park in 2019?",
            "Rangers counted 17 wolves in the park in 2012 and 88 in 2019.",
            "88",
        ),
        (
            "How many wolves were counted in the park in 2012?",
            "Rangers counted 17 wolves in the park in 2012 and 88 in 2019.",
            "17",
        ),
        # When something begins is the date after "from", when it ends the one after "to".
        (
            "When does the Christmas market begin?",
            "The Christmas market runs from November 20 to December 4 on the old square.",
            "November 20",
        ),
        (
            "When does the Christmas market end?",
            "The Christmas market runs from November 20 to December 4 on the old square.",
            "December 4",
        ),
        # Qualifiers, currency and unit belong to the number.
        (
            "How many people attended the vigil?",
            "Organisers said more than 100 people attended the vigil outside the town hall.",
            "more than 100",
        ),
        (
            "How much did the new bridge cost?",
            "The new bridge cost US$1 billion, and a million drivers a year are expected.",
            "US$1 billion",
        ),
        (
            "How many goats lived on Redonda?",
            "Approximately 60 goats lived on Redonda before the project began.",
            "Approximately 60",
        ),
        (
            "What percentage of voters turned out?",
            "Some 1,200 people voted, a turnout of 42 per cent.",
            "42 per cent",
        ),
    ],
)
def test_the_short_answer_is_the_figure_the_question_asks_for(
    question: str, text: str, words: str
) -> None:
    assert _short(question, text) == words


def test_a_page_header_is_never_a_short_answer() -> None:
    # A PDF page's running header ("54" and the chapter title) flows into the sentence.
    text = "54\nTHE SOLDIERS’ PAY\nThe soldiers were paid a fraction of what was promised."
    assert _short("How much were the soldiers paid?", text) is None


def test_a_code_or_identifier_is_never_a_short_answer() -> None:
    text = "Patients with COVID-19 were given the H1N1 vaccine in the study's A4 ward."
    assert _short("How many patients were given the vaccine?", text) is None


def test_two_alike_figures_give_no_short_answer() -> None:
    text = "The council approved 40 new homes and 60 new flats near the river."
    assert _short("How many were approved near the river?", text) is None


def test_a_lone_million_is_not_an_amount() -> None:
    text = "The restoration cost millions, and a million visitors came to see it."
    assert _short("How much did the restoration cost?", text) is None


def test_a_change_is_not_the_total_asked_for() -> None:
    # From a real news page: "by five" is how much the pool grew; 14 is how many.
    text = (
        "NASA's Monday announcement to expand by five the pool of eligible bidders for"
        " taking payloads to the moon, increased the total of commercial providers to 14."
    )
    question = "How many commercial providers are now eligible to bid for NASA moon payloads?"
    assert _short(question, text) in (None, "14")
