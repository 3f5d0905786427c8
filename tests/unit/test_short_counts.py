"""Short answers to "how many": a count of the thing asked about, or none.

A reader copies the bold figure as the count. Issue 19: after "Which soldiers are better
trained?", "How many of them are there?" was answered "12", from "AK-12 rifles". Digits
inside a name or code, a year, an ordinal, a page number, a time of day or a phone
number never count anything; of several figures, the one before the thing asked about
is the count.
"""

from __future__ import annotations

import pytest

from qa.answer.question import Question
from qa.answer.short import short_answer

from helpers.corpus import SAMPLE_ARTICLE

PARAGRAPHS = SAMPLE_ARTICLE.read_text(encoding="utf-8").split("\n")
# The bundled article's paragraphs these tests read (checked below, so an edit of the
# article shows here first).
WEAPONS = PARAGRAPHS[10]  # "… over 7,000 North Korean soldiers … AK-12 rifles …"
STORM_CORPS = PARAGRAPHS[12]  # "… around 500 officers and members of the elite Storm Corps …"
CONFIRMED = PARAGRAPHS[2]  # "… North Korea has sent approximately 10,000 soldiers …"


def _short(question: str, text: str) -> str | None:
    found = short_answer(Question.parse(question), text, 0, len(text))
    return None if found is None else text[found.start : found.end]


def test_the_paragraphs_read_are_the_article_s() -> None:
    assert "AK-12 rifles" in WEAPONS and "over 7,000" in WEAPONS
    assert "around 500 officers and members of the elite Storm Corps" in STORM_CORPS
    assert "approximately 10,000 soldiers" in CONFIRMED


@pytest.mark.parametrize(
    "question",
    [
        "How many of them are there?",
        "How many rifles did Russia supply?",
        "How many weapons did the soldiers get?",
    ],
)
def test_the_rifle_s_model_number_is_not_a_count(question: str) -> None:
    # Nothing in the paragraph counts rifles or weapons; "12" of "AK-12" and "60" of
    # "60mm" name the model and the calibre.
    assert _short(question, WEAPONS) is None


def test_the_soldiers_armed_are_counted_beside_the_rifle_s_name() -> None:
    assert _short("How many North Korean soldiers has Russia armed?", WEAPONS) == "over 7,000"


@pytest.mark.parametrize(
    "question",
    [
        "How many soldiers are better trained?",
        "How many of the better trained soldiers are there?",
        "How many of the soldiers are better trained and fed?",
        "How many soldiers are in the Storm Corps?",
        "How many members of the Storm Corps are there?",
        "How many officers are there?",
    ],
)
def test_the_better_trained_soldiers_are_around_500(question: str) -> None:
    # "around 500 officers and members of the elite Storm Corps": officers are soldiers,
    # and the members are counted with them.
    assert _short(question, STORM_CORPS) == "around 500"


@pytest.mark.parametrize(
    "question",
    [
        "How many North Korean troops arrived in Russia?",
        "How many North Korean soldiers are there?",
    ],
)
def test_a_part_of_the_soldiers_is_not_their_count(question: str) -> None:
    # The 500 officers and Storm Corps members are some of the troops, not all of them.
    assert _short(question, STORM_CORPS) is None


def test_a_part_asked_is_not_the_count_of_all() -> None:
    # "How many of the soldiers are better trained?" asks for a part; the 7,000 armed
    # are all of them, and nothing in that sentence says "better trained".
    question = "How many of the North Korean soldiers are better trained?"
    assert _short(question, WEAPONS) is None
    assert _short(question, STORM_CORPS) == "around 500"


def test_troops_and_soldiers_are_the_same_count() -> None:
    assert _short("How many troops has North Korea sent to Russia?", CONFIRMED) == (
        "approximately 10,000"
    )


@pytest.mark.parametrize(
    ("question", "text"),
    [
        # Digits inside a name or code.
        ("How many jets did Kyiv receive?", "Kyiv received its first F-16 jets in 2024."),
        (
            "How many people were on board?",
            "Investigators said flight MH17 was shot down over eastern Ukraine with people"
            " on board.",
        ),
        (
            "How many leaders attended the summit?",
            "Leaders of the G7 attended the summit in Apulia to discuss Ukraine.",
        ),
        (
            "How many patients were admitted to the ward?",
            "Patients with COVID-19 were admitted to the ward after the outbreak.",
        ),
        # A year and an ordinal.
        (
            "How many troops were deployed abroad?",
            "For the third time since 2022, troops were deployed abroad by the regime.",
        ),
        (
            "How many soldiers did the brigade lose?",
            "The 12th brigade lost soldiers in the fighting near Kursk.",
        ),
        # A page or table number.
        (
            "How many patients were enrolled in the trial?",
            "Table 2 lists the patients enrolled in the trial by age and sex.",
        ),
        (
            "How many civilians were killed in the strike?",
            "The report describes on page 14 how civilians were killed in the strike.",
        ),
        # A time of day.
        (
            "How many people were killed in the market attack?",
            "The market attack came at 9 p.m., and people were killed near the gate.",
        ),
        # A phone number or an identifier.
        (
            "How many families called the hotline?",
            "Families called the hotline on 020 7946 0958 to ask about their sons.",
        ),
        (
            "How many agents were sent to the embassy?",
            "Agent 007 and other agents of the service were sent to the embassy.",
        ),
    ],
)
def test_a_number_that_counts_nothing_is_no_count(question: str, text: str) -> None:
    assert _short(question, text) is None


@pytest.mark.parametrize(
    ("question", "text", "words"),
    [
        # The count beside a time of day or a page number is still found.
        (
            "How many people were killed in the market attack?",
            "The market attack at 9 p.m. killed 14 people near the gate.",
            "14",
        ),
        (
            "How many patients were enrolled in the trial?",
            "As shown on page 12, the trial enrolled 240 patients.",
            "240",
        ),
        # A model number inside the thing counted does not hide the count.
        (
            "How many F-16 jets has Ukraine received?",
            "Ukraine has received 20 F-16 jets so far.",
            "20",
        ),
    ],
)
def test_the_count_beside_a_label_is_still_given(question: str, text: str, words: str) -> None:
    assert _short(question, text) == words


@pytest.mark.parametrize(
    ("question", "text", "words"),
    [
        # Of two figures, the one before the thing asked about.
        ("How many troops were sent?", "The 11th Corps sent 3,000 troops and 40 tanks.", "3,000"),
        ("How many tanks were sent?", "The 11th Corps sent 3,000 troops and 40 tanks.", "40"),
        (
            "How many soldiers died in the attack?",
            "The attack killed 12 soldiers and 3 civilians, the army said.",
            "12",
        ),
        (
            "How many civilians died in the attack?",
            "The attack killed 12 soldiers and 3 civilians, the army said.",
            "3",
        ),
        # The whole and the part it includes: each answers its own question.
        (
            "How many troops did North Korea send?",
            "North Korea sent 10,000 soldiers, including 500 officers.",
            "10,000",
        ),
        (
            "How many officers did North Korea send?",
            "North Korea sent 10,000 soldiers, including 500 officers.",
            "500",
        ),
        (
            "How many officers were there?",
            "There were 500 officers among 10,000 soldiers at the base.",
            "500",
        ),
    ],
)
def test_the_count_is_the_figure_of_the_thing_asked_about(
    question: str, text: str, words: str
) -> None:
    assert _short(question, text) == words


def test_thousands_written_with_spaces_are_one_number() -> None:
    # COVID-QA: "250" alone was shown for "over 250 000 deaths".
    text = (
        "Between 3-5 million cases of severe influenza-related illness and over 250 000"
        " deaths are reported every year."
    )
    question = "How many influenza-related deaths are reported each year?"
    assert _short(question, text) == "over 250 000"
    assert _short("How many patients were enrolled?", "The trial enrolled 10 000 patients.") == (
        "10 000"
    )


def test_a_subsection_number_is_no_count() -> None:
    # SQuAD: "2" of "article 19(2)" was shown as the number of judges.
    text = (
        "Under the Treaty on European Union article 19(2) there is one judge from each"
        " member state, who must possess the qualifications required."
    )
    assert _short("How many total judges are there in the EU?", text) is None


def test_the_thing_named_again_after_of_the_is_still_the_thing_counted() -> None:
    # bench/realdocs (CNBC): "123 of the planes" counts the A380s asked about.
    text = (
        "Emirates is the number one buyer of Airbus' iconic A380, the world's largest"
        " airliner, with 123 of the planes in its fleet."
    )
    assert _short("How many Airbus A380s does Emirates have in its fleet?", text) == "123"
