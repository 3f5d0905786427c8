"""'Not found' that holds: a passage on the subject that lacks what was asked is no answer."""

from __future__ import annotations

from pathlib import Path

from qa.answer.ask import ask
from qa.answer.model import Answer
from qa.embedding.encoder import Embedder
from qa.index.builder import build_index
from qa.index.reader import open_index

# From a real blog post: on Matt Bors's CNN piece, with no count of its views.
VIEWS = "How many views did Matt Bors's CNN piece get?"
BORS = (
    "Cartoonist Matt Bors got a spot on CNN for his scathing critique of the narrative"
    " of the lazy, narcissistic Millennials. The piece was shared widely, and Bors"
    " answered his critics on his own site the week after.\n"
)


def _ask(tmp_path: Path, encoder: Embedder, text: str, question: str) -> Answer:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "post.txt").write_text(text, encoding="utf-8")
    build_index([folder], tmp_path / "index", embedder=encoder)
    index = open_index(tmp_path / "index")
    assert index is not None
    try:
        return ask(index, encoder, question)
    finally:
        index.close()


def test_a_count_the_passage_does_not_give_is_not_found(tmp_path: Path, embedder: Embedder) -> None:
    answer = _ask(tmp_path, embedder, BORS, VIEWS)
    assert answer.answer is None
    assert "The nearest passages give no figure for this." in answer.notes
    assert answer.passages and all(p.weak for p in answer.passages)


def test_a_count_the_passage_gives_is_answered(tmp_path: Path, embedder: Embedder) -> None:
    text = BORS.replace("The piece was shared widely", "The piece got more than 2,000 views")
    answer = _ask(tmp_path, embedder, text, VIEWS)
    assert answer.answer is not None
    assert answer.answer.short_text == "more than 2,000"


# From a real news page: plague deaths in China are given up to 2018 only.
PLAGUE = (
    "China has experienced a small smattering of plague infections in recent years: 26"
    " cases and 11 deaths between 2009 and 2018, reports Reuters. Health officials in"
    " Inner Mongolia put 28 people under medical quarantine this month.\n"
)


def test_a_count_for_a_year_the_passage_does_not_give_is_not_found(
    tmp_path: Path, embedder: Embedder
) -> None:
    answer = _ask(tmp_path, embedder, PLAGUE, "How many people died of plague in China in 2019?")
    assert answer.answer is None
    assert "The nearest passages give no figure for 2019." in answer.notes


# bench/realdocs: a Word review of PCBs and lymphoma, which says how much of the PCBs
# Monsanto made but nothing of lawsuits, indexed with a PDF on the DMCA that speaks of
# lawsuits (a word no document holds may be a misspelling, and is not judged).
REALDOCS = Path(__file__).parents[2] / "bench/realdocs/docs"
PCB_REVIEW = REALDOCS / "poi-pcb-lymphoma-review.docx"
DMCA = REALDOCS / "pdfminer-dmca-summary.pdf"


def _ask_files(
    tmp_path: Path, encoder: Embedder, docs: list[Path], questions: list[str]
) -> list[Answer]:
    folder = tmp_path / "docs"
    folder.mkdir()
    for doc in docs:
        (folder / doc.name).write_bytes(doc.read_bytes())
    build_index([folder], tmp_path / "index", embedder=encoder)
    index = open_index(tmp_path / "index")
    assert index is not None
    try:
        return [ask(index, encoder, q) for q in questions]
    finally:
        index.close()


def test_a_count_of_something_the_passage_never_mentions_is_not_found(
    tmp_path: Path, embedder: Embedder
) -> None:
    lawsuits, share = _ask_files(
        tmp_path,
        embedder,
        [PCB_REVIEW, DMCA],
        [
            "How many PCB lawsuits has Monsanto settled?",
            "What share of the PCBs used in the USA did Monsanto produce?",
        ],
    )
    assert lawsuits.answer is None
    assert "Nothing here says “lawsuits”; the nearest passages are below." in lawsuits.notes
    assert lawsuits.passages and all(p.weak for p in lawsuits.passages)
    assert share.answer is not None
    assert "~99%" in share.answer.text
