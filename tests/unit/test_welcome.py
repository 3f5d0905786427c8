"""The chat's first screen: the indexed documents and a question made of their own
words (qa.tui.welcome, no app run)."""

from __future__ import annotations

from qa.session import DocumentFacts, Overview
from qa.tui.welcome import example_question, welcome_text

TEXT = (
    "“We will not stop,” said Katherine Maher, Executive Director of the foundation. "
    "Some reason was given. In 2018 the Labour MP said “no”."
)


def facts(speakers: tuple[str, ...], title: str | None = None, text: str = TEXT) -> DocumentFacts:
    return DocumentFacts("docs/wiki.html", title, text, speakers)


def test_the_example_asks_what_a_quoted_person_said() -> None:
    overview = Overview(("docs/wiki.html",), (facts(("Katherine Maher",), "Wikipedia news"),))
    assert example_question(overview) == "What did Katherine Maher say?"


def test_no_job_title_number_or_phrase_is_taken_for_a_person() -> None:
    junk = ("Executive Director", "Labour MP", "some reason", "2018", "Kreuzberg's Wine", "Maher")
    assert example_question(Overview(("a",), (facts(junk),))) is None
    # A name the document does not write is not suggested either.
    assert example_question(Overview(("a",), (facts(("Angela Merkel",)),))) is None


def test_without_a_quoted_person_the_title_is_asked_about() -> None:
    overview = Overview(
        ("a.html", "b.md"), (facts(("Labour MP",)), facts((), "Wolves return to the Alps."))
    )
    assert example_question(overview) == "What is “Wolves return to the Alps” about?"


def test_the_screen_lists_the_documents_and_counts_the_rest() -> None:
    sources = tuple(f"/data/news/page-{n:02}.html" for n in range(12))
    overview = Overview(sources, (facts(("Katherine Maher",)),))
    text = welcome_text(overview).plain
    first, second = text.splitlines()
    assert first.startswith("12 documents indexed: page-00.html · page-01.html · ")
    assert first.endswith("page-07.html … and 4 more")
    assert second == "Try: What did Katherine Maher say?"
    assert welcome_text(Overview((), ())).plain == "No documents in this index yet."
