"""Whether the best passage says what a question turns on (``qa.answer.support``), on
sentences of the real-document set; the meaning of words comes from a small fake
encoder here (the model is tested in tests/integration/test_not_found.py)."""

from __future__ import annotations

import numpy as np

from qa.answer.support import (
    asked_topic,
    off_topic_word,
    reports_words_of,
    term_support,
    unsupported_word,
)

# bench/realdocs: the page on Redonda, and the quote of Ilhan Omar's page.
REDONDA = "The first step was relocating Redonda’s herd of approximately 60 wild goats."
GOATS_KILLED = "How many goats were killed on Redonda?"


class MeaningEncoder:
    """Words of one group point the same way; every other word gets its own direction.
    Enough to tell "killed" near "died" and far from "relocating"."""

    GROUPS = (("killed", "died", "slaughtered"), ("relocating", "relocated", "moved"))

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.calls = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, text in enumerate(texts):
            self.seen.append(text)
            group = next((g for g, ws in enumerate(self.GROUPS) if text in ws), None)
            slot = group if group is not None else 2 + sum(map(ord, text)) % 62
            out[i, slot] = 1.0
        return out


def test_a_count_of_goats_killed_is_not_supported_by_goats_relocated() -> None:
    assert unsupported_word(MeaningEncoder(), GOATS_KILLED, REDONDA) == "killed"


def test_the_same_event_in_other_words_is_supported() -> None:
    text = "Around 60 wild goats died on Redonda after the drought."
    assert unsupported_word(MeaningEncoder(), GOATS_KILLED, text) is None


def test_words_the_passage_holds_in_any_form_are_not_judged_by_meaning() -> None:
    encoder = MeaningEncoder()
    text = "Rangers killed 60 goats on Redonda."
    assert term_support(encoder, GOATS_KILLED, text) == []
    assert encoder.calls == 0  # nothing to compare: no model call at all


def test_words_that_only_ask_need_no_support() -> None:
    # "How much did it cost": the passage gives a sum; it need not say "cost".
    text = "The dish was built for 1.2 billion yuan over five years."
    assert unsupported_word(MeaningEncoder(), "How much did the dish cost?", text) is None


def test_each_word_is_encoded_once_across_questions() -> None:
    encoder = MeaningEncoder()
    unsupported_word(encoder, GOATS_KILLED, REDONDA)
    first = len(encoder.seen)
    unsupported_word(encoder, GOATS_KILLED, REDONDA)
    assert len(encoder.seen) == first


class SameDirectionEncoder(MeaningEncoder):
    """A model for which every word means the same: all of them are supported."""

    def encode(self, texts: list[str]) -> np.ndarray:
        super().encode(texts)
        return np.ones((len(texts), 64), dtype=np.float32)


def test_each_encoder_has_its_own_word_vectors() -> None:
    # A vector from one model means nothing to another: the second is asked, not served
    # the first one's cached vectors (which would call "killed" unsupported again).
    assert unsupported_word(MeaningEncoder(), GOATS_KILLED, REDONDA) == "killed"
    other = SameDirectionEncoder()
    assert unsupported_word(other, GOATS_KILLED, REDONDA) is None
    assert "killed" in other.seen


def test_the_topic_of_what_did_x_say_about() -> None:
    assert asked_topic("What did Ilhan Omar say about the guilty plea?") == "the guilty plea"
    assert asked_topic("What did Katherine Maher say?") is None


def test_quotations_off_the_topic_name_the_missing_word() -> None:
    encoder = MeaningEncoder()
    quotes = ["“Wise up or die,” Omar told the crowd at the rally."]
    assert off_topic_word(encoder, "the goats killed", quotes) == "goats"
    on_topic = [*quotes, "The goats were killed, she said, “and nobody asked us.”"]
    assert off_topic_word(encoder, "the goats killed", on_topic) is None


def test_a_passage_that_only_names_someone_does_not_report_their_words() -> None:
    # bench/realdocs: the chatbot survey and the Assange page.
    eliza = (
        "One of the earliest programs in this category is ELIZA, a bot created by "
        "Joseph Weizenbaum in the 1960s [Wei76]."
    )
    assert not reports_words_of(eliza, "Joseph Weizenbaum")
    sweden = (
        "Deputy Director of Public Prosecution Eva-Marie Persson took the decision to "
        '"discontinue the investigation regarding Julian Assange", the Swedish '
        "Prosecution Authority said."
    )
    assert not reports_words_of(sweden, "Julian Assange")


def test_a_passage_reporting_someone_s_words_does() -> None:
    # SQuAD's IPCC and Luther articles.
    houghton = (
        "Houghton has stressed that the SPM is agreed upon by delegates from many of "
        "the world's governments."
    )
    assert reports_words_of(houghton, "Houghton")
    luther = (
        "There, under questioning by papal legate Cardinal Cajetan Luther stated that "
        "he did not consider the papacy part of the biblical Church."
    )
    assert reports_words_of(luther, "Luther")
    assert reports_words_of("“We will appeal,” according to John Smith.", "John Smith")


def test_a_word_the_document_uses_elsewhere_is_not_judged() -> None:
    # The page may say it a paragraph later, or in other words: no grounds for "not found".
    page = REDONDA + " Poachers killed a few of the goats before the move."
    assert unsupported_word(MeaningEncoder(), GOATS_KILLED, REDONDA, document=page) is None


def test_a_word_no_document_holds_may_be_misspelt_and_is_not_judged() -> None:
    # SQuAD: "How many intercpetions did Newton have in Super Bowl 50?"
    question = "How many goats were kiled on Redonda?"
    assert unsupported_word(MeaningEncoder(), question, REDONDA, known=lambda w: False) is None
    assert unsupported_word(MeaningEncoder(), question, REDONDA, known=lambda w: True) == "kiled"
