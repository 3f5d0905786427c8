"""When two wordings close in words or meaning make different claims.

Sentence vectors barely tell "we are cutting services" from "we are not cutting
services", and one word changed is a fuzzy match by word count; yet a quote with its
negation turned round, two words trading places ("higher in tap water than in
bottled"), another name or number in it, or a clause of its own added, is not what was
said, and a reporter told it was would print a falsehood. These checks read only the
word diff between the two wordings; a match they reject is shown as the nearest
passage, saying why. What they cannot see is a word swapped for its opposite
("easiest" for "hardest"): that needs a model of word meaning we do not ship.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.text.terms import STOPWORDS
from qa.verify.model import DiffPart

# Words that turn a statement round. A negative word on the other side ("unlikely to
# come back" for "won't come back", "played badly" for "didn't play well", "rather than"
# for "not") balances one.
_NEGATORS = frozenset("not no never nobody nothing none neither nor cannot nowhere without".split())
_NEGATIVE_WORDS = frozenset(
    """
    unlikely unable impossible unaware unwilling unready unprepared unclear unsure
    fail fails failed failing lack lacks lacked lacking refuse refuses refused refusing
    deny denies denied denying hardly barely rarely seldom little few neglect neglected
    absent ignore ignored ignores ignoring doubt doubts doubted badly poorly
    rather instead
    """.split()
)
_CONTRACTED_NOT = re.compile(r"n['’]t$")
_WORD = re.compile(r"\w+(?:['’]\w+)*")

_UNITS = {
    w: n
    for n, w in enumerate(
        "zero _ two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
    if w != "_"  # "one" is as often "someone", "one of them" as a count
}
_TENS = {
    w: 10 * n
    for n, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split())
    if w != "_"
}
_FRACTIONS = {"half": "1/2", "halves": "1/2", "quarter": "1/4", "dozen": "12"}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_ORDINALS = {
    w: n
    for n, w in enumerate(
        "_ first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
        "twelfth".split()
    )
    if w != "_"
}
_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")


def numbers(text: str) -> set[str]:
    """The numbers ``text`` states, in digits ("eleven" and "11" are both "11";
    "twenty-five" is "25"; ordinals are "#3"), so two wordings' claims can be compared."""
    found: set[str] = set()
    for m in _DIGITS.finditer(text):
        found.add(m.group().replace(",", "").rstrip("."))
    words = re.findall(r"[a-z]+", text.casefold())
    pending: int | None = None
    for word in [*words, ""]:
        if word in _UNITS or word in _TENS:
            pending = (pending or 0) + _UNITS.get(word, 0) + _TENS.get(word, 0)
        elif word in _SCALES and pending is not None:
            pending *= _SCALES[word]
        else:
            if pending is not None:
                found.add(str(pending))
                pending = None
            if word in _ORDINALS:
                found.add(f"#{_ORDINALS[word]}")
            if word in _FRACTIONS:
                found.add(_FRACTIONS[word])
    return found


# Words between a negation and the word it turns round ("not even once", "never been").
_BETWEEN = frozenset(
    "be been being have has had yet even ever really always quite necessarily just to a an "
    "the any so too all".split()
)


def _is_negation(word: str) -> bool:
    return word in _NEGATORS or bool(_CONTRACTED_NOT.search(word))


@dataclass(frozen=True)
class _Hunk:
    """A change of the diff: the document's words, the quote's, and how many shared
    words follow it before the next change (0 at the end)."""

    deleted: list[str]
    inserted: list[str]
    shared_after: int

    def negations(self) -> int:
        """The document's negations less the quote's ("unlikely" balances "won't")."""

        def count(words: list[str]) -> int:
            return sum(_is_negation(w) or w in _NEGATIVE_WORDS for w in words)

        return count(self.deleted) - count(self.inserted)


def _hunks(diff: tuple[DiffPart, ...]) -> list[_Hunk]:
    """The diff's changes, in order."""
    hunks: list[_Hunk] = []
    deleted: list[str] = []
    inserted: list[str] = []
    for part in [*diff, DiffPart("equal", "")]:
        if part.op == "equal":
            if deleted or inserted:
                hunks.append(_Hunk(deleted, inserted, len(_WORD.findall(part.text))))
            deleted, inserted = [], []
        else:
            words = _WORD.findall(part.text.casefold())
            (deleted if part.op == "delete" else inserted).extend(words)
    return hunks


def _negates_next(words: list[str]) -> bool:
    """Whether a negation in ``words`` governs what comes after them (no word of its
    own follows it here but "be", "even", "ever" and the like)."""
    for i, word in enumerate(words):
        if _is_negation(word) and all(w in _BETWEEN for w in words[i + 1 :]):
            return True
    return False


# A negation moved by this many shared words or fewer is the same negation ("there is no
# money" for "the money is not there").
_MOVED_NEGATION = 3


def _turned_round(diff: tuple[DiffPart, ...]) -> bool:
    """Whether one side negates words both sides have: a "not" only the document has,
    before "cutting", which the quote has too. "do not" for "don't" is the same
    negation, and so is "won't" for "unlikely to", or a negation moved a word or two
    ("there is no money" for "the money is not there"); a negation dropped with the
    words it governs ("They don't realize" left out before "they're being used as
    cannon fodder") leaves what remains as said. A negation put in or taken out where
    the other side has other words ("know full well" for "don't realize") turns the
    statement round too: the words were changed, not left out."""
    hunks = _hunks(diff)
    leading = bool(diff) and diff[0].op != "equal"
    for n, hunk in enumerate(hunks):
        extra = hunk.negations()
        # Words left out (or added) at either end are not what the quote claims.
        if extra == 0 or hunk.shared_after == 0 or (n == 0 and leading):
            continue
        before = hunks[n - 1] if n > 0 else None
        after = hunks[n + 1] if n + 1 < len(hunks) else None
        if (before and before.shared_after <= _MOVED_NEGATION and before.negations() == -extra) or (
            after and hunk.shared_after <= _MOVED_NEGATION and after.negations() == -extra
        ):
            continue
        more, other = (hunk.deleted, hunk.inserted) if extra > 0 else (hunk.inserted, hunk.deleted)
        # "not" before a word both have; or a negated word put for another ("don't
        # realize" for "know full well", "performed" for "did not perform").
        if _negates_next(more) or any(w not in STOPWORDS for w in other):
            return True
    return False


def _swapped(diff: tuple[DiffPart, ...]) -> bool:
    """Whether two words trade places: "higher in tap water than in bottled" for
    "higher in bottled water than in tap": the same words, another claim. Words moved
    together ("the world's strongest" for "strongest in the world") are not this."""
    hunks = [(set(h.deleted), set(h.inserted)) for h in _hunks(diff)]
    for n, (deleted, inserted) in enumerate(hunks):
        for other_deleted, other_inserted in hunks[n + 1 :]:
            if (deleted & other_inserted) - STOPWORDS and (inserted & other_deleted) - STOPWORDS:
                return True
    return False


# Words that open a clause of its own: a quote that adds one ("…, and that's a tough way
# to lose") says something the document does not.
_CLAUSE_OPENERS = frozenset("and but so because while although though or yet since".split())
# A run of this many content words only the quote has, with none of the document's
# words in its place, is a claim of its own too.
_ADDED_CONTENT_WORDS = 3


def _adds_a_claim(diff: tuple[DiffPart, ...]) -> bool:
    """Whether the quote adds words the document has nothing in place of: a clause of
    its own ("and that's a tough way to lose") or three content words ("and the
    residents' patience ran out"). A word or two added ("a whole lot of chances") is
    still the same statement, and so is a clause moved ("I've worked here since I
    was 19" put first)."""
    hunks = _hunks(diff)
    moved = {w for hunk in hunks for w in hunk.deleted}  # words put elsewhere
    for hunk in hunks:
        if hunk.deleted:
            continue
        content = [w for w in hunk.inserted if w not in STOPWORDS and w not in moved]
        if len(content) >= _ADDED_CONTENT_WORDS:
            return True
        if len(hunk.inserted) >= 4 and hunk.inserted[0] in _CLAUSE_OPENERS and content:
            return True
    return False


_CAPITALISED = re.compile(r"\b[A-Z][\w’'-]+")


def _names(part: DiffPart) -> set[str]:
    """The capitalised words of a part, but a first word that opens its wording or a
    sentence ("They", "At some point"): names of people, places, months and days."""
    return {
        m.group().casefold()
        for m in _CAPITALISED.finditer(part.text)
        if not (part.opens and m.start() == 0)
    }


def _names_differ(diff: tuple[DiffPart, ...]) -> bool:
    """Whether a name in the document stands where the quote has another ("in July"
    for "on a Monday", "Putin's soldiers" for "Kim's soldiers"): another person, place
    or date."""
    for n in range(1, len(diff)):
        if diff[n - 1].op == "delete" and diff[n].op == "insert":
            theirs, mine = _names(diff[n - 1]), _names(diff[n])
            if theirs and mine and not theirs & mine:
                return True
    return False


def conflict(diff: tuple[DiffPart, ...]) -> str | None:
    """Why the quote does not say what the document says, though their words or
    meanings are close; None when no such difference is seen. ``diff`` runs from the
    document's words to the quote's (``qa.verify.wording.word_diff``).

    A negation must not turn round words both have; two words must not trade places;
    a name must not stand in another's place; the quote must add no claim of its own
    and state no number the document does not. Words the quote leaves out are no
    conflict: a reporter may quote part of what was said.
    """
    if _turned_round(diff):
        return "it says the opposite"
    if _swapped(diff):
        return "words trade places"
    if _names_differ(diff):
        return "another name stands in its place"
    if _adds_a_claim(diff):
        return "it adds what the document does not say"
    quote = " ".join(p.text for p in diff if p.op != "delete")
    document = " ".join(p.text for p in diff if p.op != "insert")
    if numbers(quote) - numbers(document):
        return "the numbers differ"
    return None
