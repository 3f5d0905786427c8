"""Questions about quotations, answered from the quote index through `qa ask`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.answer.question import QuoteAsk, parse_quote_ask
from qa.cli.main import main
from qa.index.reader import Index

from helpers.corpus import SampleIndex


def ask_json(index: SampleIndex, question: str, *extra: str) -> dict:
    result = CliRunner().invoke(
        main, ["ask", question, "--json", "--index", str(index.index_dir), *extra]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("question", "parsed"),
    [
        ("Who said 'cannon fodder'?", QuoteAsk(phrase="cannon fodder")),
        ("who said “untested enemy”", QuoteAsk(phrase="untested enemy")),
        (
            "Who said they don't know they're being used as cannon fodder?",
            QuoteAsk(phrase="they don't know they're being used as cannon fodder"),
        ),
        ("What did Blinken say?", QuoteAsk(speaker="Blinken")),
        ("What did Antony Blinken say about training?", QuoteAsk(speaker="Antony Blinken")),
        ("quotes by Lee Woong-gil", QuoteAsk(speaker="Lee Woong-gil")),
        ("Show me quotes from Zelenskyy", QuoteAsk(speaker="Zelenskyy")),
        ("Zelenskyy's quotes", QuoteAsk(speaker="Zelenskyy")),
        ("What did he say?", None),  # a pronoun names no one
        ("How many troops arrived in Russia?", None),
        ("Who is Kim Jong-un?", None),
    ],
)
def test_quote_questions_are_recognised(question: str, parsed: QuoteAsk | None) -> None:
    assert parse_quote_ask(question) == parsed


def test_who_said_names_the_speaker_and_cites_the_quote(
    sample_index: SampleIndex, open_index: Callable[[Path], Index]
) -> None:
    data = ask_json(sample_index, "Who said 'cannon fodder'?")
    answer = data["answer"]
    assert answer["speaker"] == "one former North Korean soldier"
    assert answer["text"] == "They don’t realize they’re being used as cannon fodder."
    doc = open_index(sample_index.index_dir).document_by_source(str(sample_index.source))
    assert doc is not None and doc.text[answer["start"] : answer["end"]] == answer["text"]
    assert data["passages"][0]["match"] == "quote"
    assert data["notes"] == ["“cannon fodder” is quoted by one former North Korean soldier."]


def test_a_misremembered_quote_finds_the_real_one(sample_index: SampleIndex) -> None:
    data = ask_json(sample_index, "Who said they don't know they're being used as cannon fodder?")
    assert data["answer"]["text"] == "They don’t realize they’re being used as cannon fodder."
    assert data["answer"]["speaker"] == "one former North Korean soldier"
    [note] = data["notes"]
    assert "word for word" in note and "[-realize-] {+know+}" in note


def test_what_did_someone_say_lists_their_quotations(sample_index: SampleIndex) -> None:
    data = ask_json(sample_index, "What did Zelensky say?")
    quoted = [
        p["text"][p["highlight"]["start"] - p["start"] : p["highlight"]["end"] - p["start"]]
        for p in data["passages"]
    ]
    assert quoted == ["untested enemy.", "watching passively"]
    assert [p["speaker"] for p in data["passages"]] == ["Volodymyr Zelenskyy"] * 2
    assert data["notes"] == ["Volodymyr Zelenskyy: 2 quotations."]


def test_showing_fewer_quotations_still_counts_them_all(sample_index: SampleIndex) -> None:
    data = ask_json(sample_index, "What did Zelensky say?", "-k", "1")
    assert [p["speaker"] for p in data["passages"]] == ["Volodymyr Zelenskyy"]
    assert data["notes"] == ["Volodymyr Zelenskyy: 2 quotations."]


def test_someone_never_quoted_gets_what_the_text_reports(sample_index: SampleIndex) -> None:
    data = ask_json(sample_index, "What did Blinken say?")
    assert data["notes"] == [
        "No direct quotation by Blinken in these documents. What the text reports them saying:"
    ]
    assert data["answer"]["text"].startswith("US Secretary of State Antony Blinken noted that")
    assert data["answer"]["speaker"] == "Antony Blinken"
    assert [p["match"] for p in data["passages"]] == ["reported"]


def test_someone_never_mentioned_is_said_so(sample_index: SampleIndex) -> None:
    data = ask_json(sample_index, "What did Angela Merkel say?")
    assert data["notes"][0] == "No direct quotation by Angela Merkel in these documents."
    assert all(p["match"] not in ("quote", "reported") for p in data["passages"])


def test_words_in_the_text_but_not_quoted_are_not_given_a_speaker(
    sample_index: SampleIndex,
) -> None:
    data = ask_json(sample_index, "Who said 'mountainous terrain'?")
    [note] = data["notes"]
    assert note.startswith("“mountainous terrain” is in the documents, but not in a quotation")
    assert all(p["match"] != "quote" for p in data["passages"])


def test_a_quoted_phrase_not_held_word_for_word_gets_the_nearest_wording(
    sample_index: SampleIndex,
) -> None:
    data = ask_json(sample_index, 'Why are they "being used as fodder"?')
    assert data["answer"] is None  # the phrase is not there word for word
    [note] = data["notes"]
    assert note.startswith("Nearest wording in the documents: “being used as cannon fodder”")


def test_quote_answers_in_the_terminal_name_the_speaker(sample_index: SampleIndex) -> None:
    result = CliRunner().invoke(
        main, ["ask", "quotes by Lee Woong-gil", "--index", str(sample_index.index_dir)]
    )
    assert result.exit_code == 0
    assert "Quotation (Lee Woong-gil):" in result.stdout
    assert "quote — Lee Woong-gil" in result.stdout


def test_a_person_never_quoted_gets_no_one_elses_words_as_the_answer(
    sample_index: SampleIndex,
) -> None:
    data = ask_json(sample_index, "What did Angela Merkel say?")
    assert data["answer"] is None
    assert data["notes"][0] == "No direct quotation by Angela Merkel in these documents."
    # The nearest passages are still listed for the reader, marked weak.
    assert data["passages"], "the nearest passages are shown"


@pytest.mark.parametrize(
    ("question", "phrase", "speaker"),
    [
        ("Did Okafor say the reserve will run dry?", "the reserve will run dry", "Okafor"),
        (
            'Did Lee Woong-gil say "they see it as an honour"?',
            "they see it as an honour",
            "Lee Woong-gil",
        ),
        (
            "Did Kim tell reporters that his troops are the strongest?",
            "his troops are the strongest",
            "Kim",
        ),
    ],
)
def test_did_someone_say_asks_for_a_phrase_and_a_speaker(
    question: str, phrase: str, speaker: str
) -> None:
    assert parse_quote_ask(question) == QuoteAsk(phrase=phrase, speaker=speaker)


@pytest.mark.parametrize(
    "question",
    [
        "Did he say that?",
        "Did the council approve the budget?",
        "Did Okafor say?",
        "Did Okafor say ...?",
        "Did O'Brien say no?",
    ],
)
def test_did_questions_that_are_not_about_a_quotation(question: str) -> None:
    assert parse_quote_ask(question) is None
