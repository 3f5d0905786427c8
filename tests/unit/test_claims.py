"""When two close wordings make different claims (``qa.verify.claims``), and
contractions written out (``qa.text.contractions``): pure functions, no model."""

from __future__ import annotations

import pytest

from qa.text.contractions import written_out
from qa.verify.claims import conflict, numbers
from qa.verify.wording import word_diff


def why_not(document: str, quote: str) -> str | None:
    return conflict(word_diff(document, 0, len(document), quote)[0])


@pytest.mark.parametrize(
    ("document", "quote", "why"),
    [
        # a negation turned round, dropped or added before words both have
        ("We are not cutting services because we want to.",
         "We are cutting services because we want to", "it says the opposite"),
        ("They’ll consider it an honor, but they don’t understand what they’re up against.",
         "They understand exactly what they are up against", "it says the opposite"),
        # a negated word put for another, either way round
        ("The defences performed as they were designed to.",
         "The defences did not perform as they were designed to", "it says the opposite"),
        ("They don’t realize they’re being used as cannon fodder.",
         "They know full well they're being used as cannon fodder", "it says the opposite"),
        # two words trading places
        ("Several studies have found higher counts in bottled water than in tap water.",
         "Several studies have found higher counts in tap water than in bottled water",
         "words trade places"),
        # another name or date
        ("I have never once seen the pool closed in July.",
         "I have never once seen the pool closed on a Monday", "another name stands in its place"),
        # a clause of its own added
        ("We didn't play well for 38 minutes.",
         "We didn't play well for 38 minutes, and that's a tough way to lose",
         "it adds what the document does not say"),
        ("If many of Kim’s soldiers die in Ukraine, it could have major repercussions.",
         "If many of Putin's soldiers die in Ukraine, it could have major repercussions",
         "another name stands in its place"),
        # another number, in words or digits
        ("This is the hardest budget in eleven years.", "This is the hardest budget in 10 years",
         "the numbers differ"),
        ("Sales are down by a third.", "Sales are down by half", "the numbers differ"),
    ],
)  # fmt: skip
def test_a_different_claim_is_named(document: str, quote: str, why: str) -> None:
    assert why_not(document, quote) == why


@pytest.mark.parametrize(
    ("document", "quote"),
    [
        # the same negation in other words, or moved a word or two
        ("Most of them are unlikely to come back home alive",
         "Most of them won't come back home alive"),
        ("We didn't play well for 38 minutes.", "We played badly for 38 minutes"),
        ("a temporary, not permanent, measure", "a temporary rather than permanent measure"),
        ("This is the second time in three years. At some point the word stops meaning anything",
         "It's the second time in three years. Sooner or later the word stops meaning anything"),
        ("I don’t know what we’re paying for anymore.",
         "I do not know what we are paying for any more"),
        ("We are cutting them because the money is not there.",
         "We are cutting them because there is no money"),
        # a negation left out with the words it governs, at the start
        ("They don’t realize they’re being used as cannon fodder.",
         "they are being used as cannon fodder"),
        # a clause moved, words left out, a word or two added
        ("My dad worked here, my uncle worked here, I've worked here since I was 19",
         "I've worked here since I was 19, my dad worked here, my uncle worked here"),
        ("We had a lot of chances before that.",
         "We had a whole lot of chances to win it before that"),
        ("This is the hardest budget I have put in front of this council in eleven years",
         "the toughest budget in eleven years"),
    ],
)  # fmt: skip
def test_the_same_claim_in_other_words_is_no_conflict(document: str, quote: str) -> None:
    assert why_not(document, quote) is None


def test_numbers_read_words_digits_and_fractions_alike() -> None:
    assert numbers("eleven years, 2,500 people, twenty-five men, three hundred") == {
        "11", "2500", "25", "300"
    }  # fmt: skip
    assert numbers("the second time, down by half") == {"#2", "1/2"}
    assert numbers("one of them") == set()  # "one" is seldom a count


def test_contractions_are_written_out_keeping_the_possessive() -> None:
    assert (
        written_out("They’ll see I don’t, we won’t, I can’t, I’m here, it’s Kim’s")
        == "They will see I do not, we will not, I can not, I am here, it’s Kim’s"
    )


def test_wordings_that_differ_only_by_contractions_are_told_apart() -> None:
    """ "they’re" for "they are" is the same words; "know" for "realize" is not."""
    from qa.verify import only_contractions

    document = "They don’t realize they’re being used as cannon fodder."
    same = word_diff(
        document, 0, len(document), "They do not realize they are being used as cannon fodder"
    )[0]
    other = word_diff(
        document, 0, len(document), "They do not know they are being used as cannon fodder"
    )[0]
    assert only_contractions(same)
    assert not only_contractions(other)
    assert not only_contractions(word_diff(document, 0, len(document), document)[0])
