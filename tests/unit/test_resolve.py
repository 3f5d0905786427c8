"""Follow-ups made standalone, on written cases: what "understood as" shows the reader.

The turns before are written out with what they named (``Mention``), as spaCy and the
document would give them, so these run without a model.
"""

from __future__ import annotations

from qa.answer.model import Answer, AnswerSpan
from qa.citations import Citation
from qa.conversation import Conversation, Mention, Turn, resolve

SOURCE = "docs/north-korean-troops-in-russia.txt"


def answered(text: str, speaker: str | None = None) -> Answer:
    citation = Citation(SOURCE, None, None, 1, None, 1, 1, 0, len(text))
    span = AnswerSpan(text, SOURCE, 0, len(text), 0.8, citation, speaker=speaker)
    return Answer("", span, [])


def turn(question: str, answer: str, *mentions: Mention, understood: str | None = None) -> Turn:
    return Turn(question, understood or question, answered(answer), tuple(mentions))


def person(name: str, pronoun: str | None = None, in_question: bool = False) -> Mention:
    return Mention(name, "person", pronoun, False, in_question)  # type: ignore[arg-type]


def after(*turns: Turn) -> Conversation:
    return Conversation(list(turns))


CHOI = turn(
    "Who is Choi Jung-hoon?",
    "According to Choi Jung-hoon, a former North Korean lieutenant who now leads an "
    "activist group in Seoul, “If many of Kim’s soldiers die in Ukraine, it could have "
    "major repercussions in North Korea.”",
    person("Choi Jung-hoon", None, in_question=True),
    Mention("Seoul", "place"),
    person("Kim", "he"),
)
LEE = turn(
    "When did Lee Woong-gil defect?",
    "“Most of them are unlikely to come back home alive,” said Lee Woong-gil, a former "
    "Storm Corps member who defected in 2007.",
    person("Lee Woong-gil", "he", in_question=True),
    Mention("Storm Corps", "group", plural=True),
    Mention("2007", "time"),
)


def test_a_first_question_is_taken_as_asked() -> None:
    reading = resolve("What did he say?", Conversation())
    assert reading.understood_as == "What did he say?"
    assert not reading.follow_up


def test_he_is_the_person_the_question_before_asked_about_not_one_its_answer_named() -> None:
    reading = resolve("What did he say?", after(CHOI))
    assert reading.understood_as == "What did Choi Jung-hoon say?"
    assert reading.follow_up and not reading.alternatives


def test_his_becomes_a_possessive() -> None:
    assert resolve("What was his rank?", after(CHOI)).understood_as == (
        "What was Choi Jung-hoon’s rank?"
    )


def test_she_never_points_to_a_man_the_document_calls_he() -> None:
    conversation = after(
        turn(
            "Who spoke at the rally?",
            "Maria Lopez and Kim spoke.",
            person("Maria Lopez", "she"),
            person("Kim", "he"),
        )
    )
    assert resolve("What did she say?", conversation).understood_as == "What did Maria Lopez say?"
    assert resolve("What did he say?", conversation).understood_as == "What did Kim say?"


def test_two_people_who_both_fit_he_are_named_not_guessed() -> None:
    conversation = after(
        turn(
            "Who met at the border?",
            "Lee Woong-gil met Choi Jung-hoon at the border.",
            person("Lee Woong-gil", "he"),
            person("Choi Jung-hoon", "he"),
        )
    )
    reading = resolve("What did he say?", conversation)
    assert reading.understood_as == "What did Lee Woong-gil say?"
    assert reading.alternatives == ("What did Choi Jung-hoon say?",)
    assert reading.ambiguity == "“he” may be Lee Woong-gil or Choi Jung-hoon"


def test_a_question_that_names_its_own_person_keeps_its_pronouns() -> None:
    reading = resolve("What did Dora say that she would enjoy?", after(CHOI))
    assert reading.understood_as == "What did Dora say that she would enjoy?"


def test_him_is_not_the_other_person_the_question_names() -> None:
    conversation = after(
        turn(
            "Who argued?",
            "Fred argued with Bimbel.",
            person("Fred", "he"),
            person("Bimbel", "he"),
        )
    )
    reading = resolve("What happened between him and Bimbel?", conversation)
    assert reading.understood_as == "What happened between Fred and Bimbel?"


def test_why_takes_the_question_before_with_the_new_question_word() -> None:
    reading = resolve("Why?", after(LEE))
    assert reading.understood_as == "Why did Lee Woong-gil defect?"
    assert reading.follow_up


def test_where_after_a_yes_no_question() -> None:
    conversation = after(turn("Did he defect?", "He defected in 2007.", person("Lee", "he")))
    assert resolve("Where?", conversation).understood_as == "Where did he defect?"


def test_and_a_new_name_swaps_the_person_asked_about() -> None:
    conversation = after(
        turn(
            "What did Zelenskyy say?",
            "untested enemy",
            person("Zelenskyy", "he", in_question=True),
        )
    )
    assert resolve("And Blinken?", conversation).understood_as == "What did Blinken say?"


def test_and_a_place_adds_it_to_the_question_before() -> None:
    conversation = after(turn("How many soldiers were sent?", "About 10,000 soldiers."))
    reading = resolve("And in Kursk?", conversation)
    assert reading.understood_as == "How many soldiers were sent in Kursk?"


def test_what_else_asks_again_leaving_out_what_was_shown() -> None:
    reading = resolve("What else did he say?", after(LEE))
    assert reading.understood_as == "What else did Lee Woong-gil say?"
    assert reading.what_else


def test_what_else_alone_is_the_question_before_with_else() -> None:
    said = turn(
        "What did Lee Woong-gil say?",
        "Most of them are unlikely to come back home alive",
        person("Lee Woong-gil", "he", in_question=True),
    )
    reading = resolve("What else?", after(said))
    assert reading.understood_as == "What else did Lee Woong-gil say?"
    assert reading.what_else


def test_according_to_whom_quotes_the_last_answer() -> None:
    conversation = after(
        turn(
            "How many soldiers got weapons?",
            "Russia has equipped over 7,000 North Korean soldiers with a range of weapons.",
        )
    )
    reading = resolve("According to whom?", conversation)
    assert reading.understood_as == (
        "Who said “Russia has equipped over 7,000 North Korean soldiers with a range of”?"
    )


def test_there_is_the_place_named_before_unless_existential() -> None:
    conversation = after(
        turn(
            "Where are the troops gathering?",
            "Most are amassing in Kursk.",
            Mention("Kursk", "place"),
        )
    )
    assert resolve("Who is in charge there?", conversation).understood_as == (
        "Who is in charge in Kursk?"
    )
    assert resolve("Is there a hospital?", conversation).understood_as == "Is there a hospital?"


def test_the_man_is_the_person_named_before() -> None:
    conversation = after(
        turn(
            "Who said they are cannon fodder?",
            "said Lee Woong-gil",
            person("Lee Woong-gil", "he"),
        )
    )
    assert resolve("Is the man a defector?", conversation).understood_as == (
        "Is Lee Woong-gil a defector?"
    )


def test_it_in_a_set_phrase_points_at_nothing() -> None:
    conversation = after(
        turn(
            "What is the Storm Corps?",
            "An elite unit.",
            Mention("Storm Corps", "group", None, True, True),
        )
    )
    assert resolve("Is it true that they are elite?", conversation).understood_as.startswith(
        "Is it true"
    )
    assert resolve("How big is it?", conversation).understood_as == "How big is Storm Corps?"


def test_that_standing_for_the_last_answer_is_shown_with_its_words() -> None:
    conversation = after(
        turn(
            "What will the soldiers' pay bring?",
            "Hundreds of millions of dollars in foreign currency.",
        )
    )
    reading = resolve("How much money could that bring in?", conversation)
    assert reading.understood_as == (
        "How much money could that bring in (Hundreds of millions of dollars in foreign currency.)?"
    )


def test_they_after_which_is_the_group_the_answer_named() -> None:
    conversation = after(
        turn(
            "Which soldiers are better trained?",
            "around 500 officers and members of the elite Storm Corps",
            Mention("soldiers", "thing", None, True, True),
            Mention("Storm Corps", "group", None, True),
        )
    )
    assert resolve("How many of them are there?", conversation).understood_as == (
        "How many of Storm Corps are there?"
    )


def test_a_standalone_question_mid_conversation_is_left_as_asked() -> None:
    reading = resolve("What weapons has Russia given the North Korean soldiers?", after(CHOI))
    assert reading.understood_as == "What weapons has Russia given the North Korean soldiers?"
    assert not reading.follow_up
