"""Speakers on real news text: 48 quotations from real articles (the trafilatura test
pages and the article-extraction benchmark's ground truth), each with the speaker a
reporter would give, or none.

Every failure class issue 18 saw on real pages is here: a job title given for the name
("said Katherine Maher, Executive Director of …"), "he said" resolved to words inside a
quotation ("Indigenous Peoples"), titles of works given speakers ("Parasite") while the
real quotation after "he added;" got none, and junk speakers ("some reason", "Fifty-one
percent", German words). Precision first: where the text names no one, no one is given.

The excerpts are whole paragraphs of the articles as their source gives them (the quoted
paragraph and the ones before it that the attribution needs); `source` says where each
comes from.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qa.quotes import Quote, extract_quotes

CASES_FILE = Path(__file__).parent.parent / "fixtures" / "quotes_real" / "cases.json"
CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))


def _quote(text: str, quotes: list[Quote], words: str) -> Quote:
    """The quotation whose words are ``words`` (or start with them, for long ones)."""
    exact = [q for q in quotes if text[q.start : q.end] == words]
    starting = [q for q in quotes if text[q.start : q.end].startswith(words)]
    found = exact or starting
    assert found, f"no quotation {words!r} in {[text[q.start : q.end] for q in quotes]}"
    return found[0]


def _id(case: dict[str, Any]) -> str:
    return f"{case['failure']}: {case['quote'][:40]}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_a_real_quotation_gets_the_speaker_a_reporter_would_give(case: dict[str, Any]) -> None:
    text = case["text"]
    quote = _quote(text, extract_quotes(text), case["quote"])
    assert quote.speaker == case["speaker"]
    if "how" in case:
        assert quote.how == case["how"]


def test_the_real_cases_cover_every_failure_class_of_the_issue() -> None:
    classes = {c["failure"] for c in CASES}
    assert {"title", "pronoun", "work", "junk", "colon", "unnamed"} <= classes
    assert len(CASES) >= 30
    named = sum(c["speaker"] is not None for c in CASES)
    assert named >= 20 and len(CASES) - named >= 10  # names to find, and nobody to invent


def test_every_case_is_verbatim_text_with_its_quotation_in_it() -> None:
    for case in CASES:
        assert case["quote"] in case["text"], case["quote"]
        assert case["source"].startswith(("adbar/trafilatura", "scrapinghub/"))


def test_she_after_he_in_one_sentence_is_not_the_man_named_before() -> None:
    """A real paper (pdfplumber's 'Creativity in Machine Learning', as in bench/realdocs):
    the secretary, never named, asks; 'she' went to Weizenbaum, whom 'he' and 'his'
    point to. A man and a woman act in the sentence, and the name before can be only one
    of them, so no one is given."""
    text = (
        "A special category of chatbots are such bots which actively participate in the"
        " conversation, which is usually not the case. One of the earliest programs in this"
        " category is ELIZA, a bot created by Joseph Weizenbaum in the 1960s [Wei76]. This"
        " program had a set of patterns implemented to which it would reply in a seemingly"
        " smart way in a psychologists fashion. This means quite often the program would"
        " simply repeat the last sentence and add something meaningless like “How do you"
        " feel about it?”. According to [Cur14], Weizenbaum once found his secretary — who"
        " was aware of the fact that this is a computer program — chatting with the"
        " machine. When he looked over her shoulder, she asked him “would you mind leaving"
        " the room”."
    )
    quote = _quote(text, extract_quotes(text), "would you mind leaving the room")
    assert quote.speaker is None
