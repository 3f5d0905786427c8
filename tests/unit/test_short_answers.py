"""Short answers: the exact words that answer, when the question's type is plain."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qa.answer.ask import answer_question
from qa.answer.question import AnswerType, Question, asked_type
from qa.answer.short import short_answer
from qa.answer.span import SentenceSpan, words_of_type
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
    assert short_answer(wanting("person", "Who defected?"), sentence, 0, len(sentence)) is None


def test_places_are_not_guessed_as_short_answers() -> None:
    # Which of a sentence's places answers "where" takes more than its shape: on SQuAD
    # half of the places shown in bold shared no word with the answer.
    sentence = "Most of them went to Kursk last week, not to Belgorod."
    assert _short("Where did they go?", sentence) is None


def test_a_number_word_inside_another_word_is_not_a_number() -> None:
    sentence = "Someone often said the weight was written on behalf of the crew."
    assert words_of_type(sentence, wanting("number", "How many were written?")) == []
    found = words_of_type("Someone counted ten boats.", wanting("number", "How many boats?"))
    assert found == [SentenceSpan(16, 19)]  # "ten"
    assert "Someone counted ten boats."[16:19] == "ten"


def test_no_short_answer_without_words_of_the_type() -> None:
    assert words_of_type("Experts worry about the terrain.", wanting("number", "How many?")) == []
    # The question's own number is not its answer.
    assert words_of_type("In 2007 he defected.", wanting("date", "What happened in 2007?")) == []


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


# Each case below is a sentence of a real document of bench/realdocs where the bold
# figure was wrong; the rule it shows is general, the sentence only its witness.
@pytest.mark.parametrize(
    ("question", "text", "words"),
    [
        # A unit after the number belongs to it: the years counted, the rate's period.
        (
            "For how many years has the committee had relationships with friends in Asahikawa?",
            "Members of the Committee give their time because we believe in the relationships"
            " we have created for 51 years with our friends in Asahikawa, Japan through"
            " cultural and student exchange programs.",
            "51 years",
        ),
        (
            "How fast did NHL incidence rise in the US between 1975 and 1991?",
            "In the US, the incidence of NHL increased at an average of 3.6% per year from"
            " 1975–1991 and continued to rise over the period 1991–2005, albeit at a slower"
            " rate (~0.5% annually) [31, 32].",
            "an average of 3.6% per year",
        ),
        # A season belongs to its year.
        (
            "When are the national clinical guidelines for cholesterol, hypertension and"
            " obesity expected?",
            "In addition to related community guides, the national clinical guidelines for"
            " cholesterol, hypertension and obesity are being updated and are expected to be"
            " released in fall 2011 (27).",
            "fall 2011",
        ),
        # "By how much did the number… increase": the change after "by", a count.
        (
            "By how much did the number of people with a disability increase from 2005?",
            "About 12.6 percent or 38.3 million people had a severe disability. The total"
            " number of people with a disability increased by 2.2 million from 54.4 million"
            " people in 2005, when disability was last measured in the SIPP, while the"
            " percentage remained statistically unchanged.",
            "2.2 million",
        ),
        # The question's verb after the number: "29 developed", not "48 subjects".
        (
            "How many of the placebo subjects developed new tumors?",
            "Among 48 subjects receiving placebo, 29 developed new tumors while in the study.",
            "29",
        ),
        # The words of the fact asked, not the name of its subject: "enabled by default".
        (
            "Since when is PDF.js enabled by default in Firefox?",
            "PDF.js was originally created as an extension for Firefox[4] and is included in"
            " Firefox since 2012. (version 15),[5][6] and enabled by default since 2013"
            " (version 19).[7][8]",
            "2013",
        ),
        # A range is one figure.
        (
            "What share of all PCBs worldwide did Monsanto produce?",
            "One manufacturer (Monsanto Company) has produced ~99% of all the PCBs used in the"
            " USA [2]. Worldwide, Monsanto has produced between 39 and 48 percent of all PCBs.",
            "between 39 and 48 percent",
        ),
        # A weekday, with its part of the day, is a date.
        (
            "When is the fire weather expected to ease?",
            "The weather should ease by Thursday morning, allowing PG&E to begin restoring"
            " power, said Mark Quinlan, PG&E's senior director of emergency preparedness and"
            " response.",
            "Thursday morning",
        ),
        # A capitalised qualifier after a heading is not a name ("Flight 610" is).
        (
            "How many people in the United States had a disability in 2010?",
            "DISABILITY PREVALENCE Approximately 56.7 million people living in the United"
            " States had some kind of disability in 2010 (Table 1).",
            "Approximately 56.7 million",
        ),
    ],
)
def test_the_figure_comes_whole_and_is_the_one_asked_for(
    question: str, text: str, words: str
) -> None:
    assert _short(question, text) == words


@pytest.mark.parametrize(
    ("question", "text"),
    [
        # A percentage asked: "one in five" palms is not a percentage.
        (
            "What percentage of coconut palms on Guam were damaged in the latest survey?",
            "In the most recent island-wide roadside survey of coconut rhinoceros beetle damage"
            " on Guam, more than one in five coconut palms had visible damage from this"
            " invasive pest.",
        ),
        # "How long does it last" asks for a duration, not a length.
        (
            "How long does protection last for a registered vessel hull design?",
            "For purposes of the VHDPA, “useful articles” are limited to the hulls (including"
            " the decks) of vessels no longer than 200 feet.",
        ),
        # A number after a name is its identifier, not a count.
        (
            "How many people died in the Lion Air Flight 610 accident?",
            "Flight data recorder (FDR) data from the Lion Air Flight 610 accident airplane"
            " indicated that on the flight just prior to the accident flight (Lion Air Flight"
            " 043), the airplane experienced the same single erroneously high AOA sensor"
            " failure condition upon takeoff.",
        ),
        # "By how much could X reduce the mass": a figure of another thing reduced.
        (
            "By how much could hibernation reduce the spacecraft’s mass?",
            "\"If we were able to reduce an astronaut's basic metabolic rate by 75% – similar"
            " to what we can observe in nature with large hibernating animals such as certain"
            " bears—we could end up with substantial mass and cost savings.",
        ),
        # When something eases is not when something else begins, nor since when it lasted.
        (
            "When is the fire weather expected to ease?",
            "SAN FRANCISCO (AP) — Pacific Gas & Electric Co. was set to begin shutting off"
            " power Wednesday to some 375,000 people in 18 Northern and central California"
            " counties as the region faces extreme fire weather that’s lasted since October.",
        ),
        # Only the names of the question beside a year: another fact about them.
        (
            "When did Ludwig Kreuzberg begin replanting Frühburgunder?",
            "The Kreuzberg family winery, situated opposite the meandering Ahr River in Dernau,"
            " is largely responsible for the variety's rehabilitation, and in 2011 winemaker"
            " Ludwig Kreuzberg was awarded Collection of the Year at the German Wine Awards.",
        ),
    ],
)
def test_no_short_answer_when_the_figure_is_not_the_one_asked_for(question: str, text: str) -> None:
    assert _short(question, text) is None


def test_a_weekday_is_no_answer_when_a_year_is_asked() -> None:
    # SQuAD: "Sunday night" was shown for the year ABC agreed to finance Disneyland.
    text = (
        "Around 1954, ABC agreed to finance Disneyland in exchange for the right to broadcast"
        " a new Sunday night program, Disneyland, which debuted on the network on October 27,"
        " 1954 as the first of many anthology television programs."
    )
    assert _short("In what year did ABC agree to finance Disneyland?", text) != "Sunday night"


def test_an_abbreviation_does_not_end_the_figure_s_sentence() -> None:
    # SQuAD: "St. Augustine" is not the end of a sentence; the speed asked is in mph.
    text = (
        "The eye crossed St. Augustine with winds that had just barely diminished to 110 mph"
        " (180 km/h), making it a strong Category 2 on the Saffir-Simpson Scale."
    )
    assert _short("How fast were the winds around St. Augustine?", text) == "110 mph"


@pytest.mark.parametrize(
    ("question", "text", "words"),
    [
        # "10:00 a.m. PDT" does not end the sentence that says the pass begins.
        (
            "When does Rocket Pass 4 begin?",
            "Rocket Pass 4 will begin at 10:00 a.m. PDT (5 p.m. UTC) on August 28 and ends on"
            " December 4.",
            "August 28",
        ),
        # A sum after a possessive name is an amount, not an identifier.
        (
            "How much did the Netflix gangster movie The Irishman cost?",
            "Martin Scorsese’s $170 million Netflix gangster movie “The Irishman” had another"
            " disappointing night, despite a cast that includes Robert De Niro, Al Pacino, and"
            " Joe Pesci.",
            "$170 million",
        ),
        # A question of names only goes by its names.
        (
            "When are the Oscars?",
            "“Parasite” director Bong Joon Ho said backstage that no-one could predict what"
            " might happen at the Oscars on Feb. 9.",
            "Feb. 9",
        ),
    ],
)
def test_what_is_not_an_identifier_or_a_sentence_end(question: str, text: str, words: str) -> None:
    assert _short(question, text) == words


def test_the_figure_s_sentence_beyond_its_clause_counts_a_little() -> None:
    # SQuAD: the date's clause holds only "Luther"; the rest of its sentence says what
    # he did then, which is what the question asks.
    text = (
        "On 31 October 1517, Luther wrote to his bishop, Albert of Mainz, protesting the sale"
        " of indulgences. He enclosed in his letter a copy of his theses."
    )
    question = "When did Martin Luther protest the sale of indulgences to his bishop?"
    assert _short(question, text) == "31 October 1517"
