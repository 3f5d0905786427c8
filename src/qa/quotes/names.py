"""Speaker names as a reader types them: "Zelensky", "President Zelenskyy", "Volodymyr
Zelenskyy" all mean the same person, so names are compared word by word with titles
dropped, accents and case folded, and a spelling variant of one or two letters allowed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

TITLES = frozenset(
    """
    president vice prime minister secretary chancellor premier governor gov senator sen
    representative rep congressman congresswoman mayor judge justice chief general gen
    colonel col captain capt lieutenant lt sergeant sgt admiral adm commander cmdr
    doctor dr professor prof mr mrs ms miss mx sir dame lord lady rev reverend father
    sister brother pope king queen prince princess sheikh ambassador coach chairman
    chairwoman chair ceo director spokesman spokeswoman spokesperson deputy
    """.split()
)
# Words that may sit between titles in front of a name ("US Secretary of State Antony
# Blinken") but are not part of it, and words no name match should hinge on.
TITLE_GLUE = frozenset("the a an us u.s. uk of state former acting then".split())
_MINOR = frozenset("of the for and a an de la van von".split())
_WORD = re.compile(r"[\w][\w'’.-]*", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s?$")


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def name_words(name: str) -> list[str]:
    """The words of a name that identify someone: folded, without titles or possessives."""
    return list(_name_words(name))


# Attribution compares every name a text gives with every other, thousands of times a
# document: the same few hundred names, folded once each.
@lru_cache(maxsize=8192)
def _name_words(name: str) -> tuple[str, ...]:
    words = [_POSSESSIVE.sub("", _fold(w)).rstrip(".") for w in _WORD.findall(name)]
    words = [w for w in words if w]
    lead = 0
    while lead < len(words) - 1 and (words[lead] in TITLES or words[lead] in TITLE_GLUE):
        lead += 1
    return tuple([w for w in words[lead:] if w not in _MINOR] or words[lead:])


def clean_name(name: str) -> str:
    """A speaker's name as shown: no leading article or title, no trailing possessive."""
    words = name.split()
    while words and (
        words[0].casefold() in {"the", "a", "an"} or words[0].casefold().rstrip(".") in TITLES
    ):
        if len(words) == 1:
            break
        words = words[1:]
    out = " ".join(words)
    return _POSSESSIVE.sub("", out) if out.endswith(("’s", "'s", "’", "'")) else out


def person_name(name: str) -> str:
    """A person's name without the titles before it, however many ("US Secretary of
    State Antony Blinken" -> "Antony Blinken"). For people only: "US Army" is a name."""
    words = clean_name(name).split()
    while len(words) > 1 and words[0].casefold().rstrip(".") in TITLES | TITLE_GLUE:
        words = words[1:]
    return " ".join(words)


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    # Transliterations differ by a letter or two (Zelensky, Zelenskyy, Zelenskiy);
    # short words must match exactly, or "Lee" would match "Lea".
    return min(len(a), len(b)) >= 5 and fuzz.ratio(a, b) >= 85


@lru_cache(maxsize=65536)
def name_matches(query: str, speaker: str) -> bool:
    """True when every word of ``query`` (titles aside) is a word of ``speaker``."""
    wanted = _name_words(query)
    have = _name_words(speaker)
    if not wanted or not have:
        return False
    return all(any(_same_word(w, h) for h in have) for w in wanted)


def fuller_name(name: str, known: list[str]) -> str:
    """The one fuller form of ``name`` among names the document gives ("Zelenskyy" ->
    "Volodymyr Zelenskyy"); ``name`` itself when there is none or more than one."""
    words = _name_words(name)
    if not words:
        return name
    fuller = {
        k
        for k in set(known)
        if len(_name_words(k)) > len(words) and all(w in _name_words(k) for w in words)
    }
    longest = {k for k in fuller if not any(k != o and name_matches(k, o) for o in fuller)}
    return longest.pop() if len(longest) == 1 else name
