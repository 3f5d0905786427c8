"""A conversation with the real model on real files: follow-ups stay with their
document, move on when the reader names something else, leave out what was shown, and
are never answered by a weak passage for being where the talk is."""

from __future__ import annotations

import shutil

import pytest

from qa.answer.model import Answer
from qa.conversation import Conversation, converse
from qa.embedding.encoder import Embedder
from qa.index.builder import build_index
from qa.index.reader import Index, open_index

from helpers.corpus import FIXTURE_DOCS, SAMPLE_ARTICLE


@pytest.fixture(scope="module")
def two_documents(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Index:
    """The bundled article and a gardening note, indexed together."""
    root = tmp_path_factory.mktemp("talk")
    folder = root / "docs"
    folder.mkdir()
    shutil.copyfile(SAMPLE_ARTICLE, folder / SAMPLE_ARTICLE.name)
    shutil.copyfile(FIXTURE_DOCS / "guide.md", folder / "guide.md")
    build_index([folder], root / "index", embedder=embedder)
    index = open_index(root / "index")
    assert index is not None
    return index


def ask_all(index: Index, embedder: Embedder, *questions: str) -> list[Answer]:
    conversation = Conversation()
    return [converse(index, embedder, conversation, q) for q in questions]


def test_a_person_chased_through_the_document(two_documents: Index, embedder: Embedder) -> None:
    who, said, defected = ask_all(
        two_documents,
        embedder,
        "Who is Lee Woong-gil?",
        "What did he say?",
        "When did he defect?",
    )
    assert who.understood_as == "Who is Lee Woong-gil?"
    assert said.understood_as == "What did Lee Woong-gil say?"
    assert said.answer is not None and said.answer.speaker == "Lee Woong-gil"
    assert defected.understood_as == "When did Lee Woong-gil defect?"
    assert defected.answer is not None and defected.answer.short_text == "2007"


def test_how_many_of_them_counts_the_answer_before(
    two_documents: Index, embedder: Embedder
) -> None:
    """The issue's case: "12" from "AK-12 rifles" in another paragraph was the answer."""
    _, count = ask_all(
        two_documents,
        embedder,
        "Which soldiers are better trained?",
        "How many of them are there?",
    )
    assert count.answer is not None
    assert count.answer.short_text == "around 500"


def test_what_else_gives_the_other_quotation(two_documents: Index, embedder: Embedder) -> None:
    first, more = ask_all(
        two_documents, embedder, "What did Lee Woong-gil say?", "What else did he say?"
    )
    assert first.answer is not None and more.answer is not None
    assert more.answer.speaker == "Lee Woong-gil"
    assert more.answer.text != first.answer.text
    assert "honor" in more.answer.text


def test_a_question_naming_another_documents_subject_moves_on(
    two_documents: Index, embedder: Embedder
) -> None:
    _, tomatoes = ask_all(
        two_documents,
        embedder,
        "Who is Choi Jung-hoon?",
        "How many hours of sun do Tomatoes need?",
    )
    assert tomatoes.answer is not None
    assert tomatoes.answer.source.endswith("guide.md")


def test_a_weak_passage_is_not_an_answer_for_being_in_the_conversations_document(
    two_documents: Index, embedder: Embedder
) -> None:
    _, tungsten = ask_all(
        two_documents,
        embedder,
        "Who is Choi Jung-hoon?",
        "What is the boiling point of tungsten in kelvin?",
    )
    assert tungsten.answer is None
    assert tungsten.understood_as == "What is the boiling point of tungsten in kelvin?"


def test_resolving_names_the_person_as_the_document_refers_to_them(
    two_documents: Index, embedder: Embedder
) -> None:
    """Mentions carry who the document calls "he": Kim is referred to as "his troops"."""
    conversation = Conversation()
    converse(two_documents, embedder, conversation, "What has Kim Jong-un touted?")
    kim = [m for m in conversation.turns[0].mentions if m.kind == "person"]
    assert kim and kim[0].text == "Kim Jong-un" and kim[0].pronoun == "he"
