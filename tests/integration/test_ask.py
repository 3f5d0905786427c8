"""Answering questions about the sample article: the right passage, exact and cited."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qa.answer.ask import answer_question
from qa.answer.model import Answer
from qa.embedding.encoder import Embedder
from qa.index.reader import Index

# One question aimed at each body paragraph of the article, in paragraph order (¶1..¶14).
PARAGRAPH_QUESTIONS = (
    "How many North Korean troops arrived in Russia?",
    "Where are most of the North Korean soldiers amassing?",
    "What did Zelenskyy urge allies to do?",
    "What did the Center for Strategic and International Studies say about the deployment?",
    "Where have the young North Korean soldiers trained, and what worries experts?",
    "What training have Russian forces given the North Koreans according to Blinken?",
    "Who is Lee Woong-gil?",
    "What weapons has Russia given the North Korean soldiers?",
    "Has North Korea sent personnel to foreign conflicts before?",
    "How many officers from the Storm Corps are included?",
    "Where will the soldiers' wages go?",
    "What did Choi Jung-hoon warn about?",
    "What fate awaits the young soldiers sent to the front?",
    "What did one former North Korean soldier say they are being used as?",
)
UNRELATED_QUESTIONS = (
    "What is the boiling point of tungsten in kelvin?",
    "Who won the 1998 football World Cup?",
)

ANSWER_KEYS = {"text", "source", "start", "end", "score", "citation", "short"}
PASSAGE_KEYS = {"rank", "source", "start", "end", "text", "score", "highlight", "citation", "match"}


@pytest.fixture(scope="module")
def index(sample_index: tuple[Path, Path], open_index: Callable[[Path], Index]) -> Index:
    """The sample article's index, open for reading."""
    return open_index(sample_index.index_dir)


@pytest.fixture(scope="module")
def ask(index: Index, embedder: Embedder) -> Callable[[str], Answer]:
    """Answer a question from the sample index with the shared model."""

    def ask(question: str) -> Answer:
        return answer_question(index, embedder, question)

    return ask


def source_text(source: str) -> str:
    """The text of a UTF-8 source file, exactly as on disk."""
    return Path(source).read_bytes().decode("utf-8")


def test_troop_count_is_answered_from_the_first_paragraph(
    ask: Callable[[str], Answer], sample_index: tuple[Path, Path]
) -> None:
    result = ask("How many North Korean troops arrived in Russia?")
    assert result.answer is not None
    answer = result.answer
    assert "10,000" in answer.text
    assert answer.source == str(sample_index.source)
    assert answer.citation.paragraph == 1
    assert answer.citation.line_start == 1
    assert answer.citation.section is None
    assert source_text(answer.source)[answer.start : answer.end] == answer.text
    assert (answer.citation.start, answer.citation.end) == (answer.start, answer.end)


@pytest.mark.parametrize(
    ("number", "question"),
    list(enumerate(PARAGRAPH_QUESTIONS, 1)),
    ids=[f"para{n}" for n in range(1, len(PARAGRAPH_QUESTIONS) + 1)],
)
def test_each_paragraph_is_found_in_the_top_three(
    number: int,
    question: str,
    ask: Callable[[str], Answer],
    sample_paragraphs: list[tuple[int, int]],
) -> None:
    start, end = sample_paragraphs[number - 1]
    result = ask(question)
    top = result.passages[:3]
    assert any(p.start <= start and end <= p.end for p in top), (
        f"¶{number} not in the top 3: "
        + "; ".join(f"[{p.rank}] {p.citation} {p.text[:60]!r}" for p in top)
    )
    holding = next(p for p in top if p.start <= start and end <= p.end)
    assert holding.citation.paragraph is not None and holding.citation.paragraph <= number


def test_answer_sentence_does_not_end_with_a_dangling_quote(ask: Callable[[str], Answer]) -> None:
    """The quote after “… defected in 2007.” opens the next sentence; it is not the
    end of the answer."""
    result = ask("Who is Lee Woong-gil?")
    assert result.answer is not None
    assert "Lee Woong-gil" in result.answer.text
    assert not result.answer.text.endswith(("“", "‘")), result.answer.text[-40:]


def test_quoted_phrase_puts_an_exact_match_first(ask: Callable[[str], Answer]) -> None:
    result = ask('Who said "cannon fodder"?')
    first = result.passages[0]
    assert first.match == "exact"
    assert "cannon fodder" in first.text
    # Every passage holding the phrase is ranked above any that does not.
    holds = ["cannon fodder" in p.text for p in result.passages]
    assert holds == sorted(holds, reverse=True)
    assert result.answer is not None


def test_curly_quoted_phrase_is_exact_too(ask: Callable[[str], Answer]) -> None:
    result = ask("Who warned against “watching passively”?")
    assert result.passages[0].match == "exact"
    assert result.answer is not None
    assert "watching passively" in result.answer.text


def test_quoted_phrase_absent_from_the_documents_is_not_answered(
    ask: Callable[[str], Answer],
) -> None:
    """Asked for words the article never uses, qa says so instead of offering a
    passage that merely means something close."""
    result = ask('Who said "banana republic"?')
    assert result.answer is None
    assert result.missing_phrases == ("banana republic",)
    assert all(p.weak and p.match != "exact" for p in result.passages)


@pytest.mark.parametrize("question", UNRELATED_QUESTIONS)
def test_unrelated_question_is_not_found_but_lists_passages(
    question: str, ask: Callable[[str], Answer]
) -> None:
    result = ask(question)
    assert result.answer is None
    assert result.passages
    assert all(p.weak for p in result.passages)
    assert result.to_json()["answer"] is None


@pytest.mark.parametrize(
    "question", [PARAGRAPH_QUESTIONS[0], 'Who said "cannon fodder"?', UNRELATED_QUESTIONS[0]]
)
def test_json_contract(question: str, ask: Callable[[str], Answer]) -> None:
    data = ask(question).to_json()
    assert set(data) == {"question", "understood_as", "answer", "passages"}
    assert data["question"] == question
    if data["answer"] is not None:
        answer = data["answer"]
        assert set(answer) == ANSWER_KEYS
        assert source_text(answer["source"])[answer["start"] : answer["end"]] == answer["text"]
        assert isinstance(answer["score"], float) and isinstance(answer["citation"], str)
    passages = data["passages"]
    assert [p["rank"] for p in passages] == list(range(1, len(passages) + 1))
    assert 1 <= len(passages) <= 5
    for p in passages:
        assert set(p) == PASSAGE_KEYS
        assert set(p["highlight"]) == {"start", "end"}
        assert p["start"] <= p["highlight"]["start"] < p["highlight"]["end"] <= p["end"]
        assert p["match"] in {"exact", "keyword", "meaning"}
        assert source_text(p["source"])[p["start"] : p["end"]] == p["text"]
        assert isinstance(p["score"], float) and isinstance(p["citation"], str)
        assert p["citation"].startswith(p["source"])
