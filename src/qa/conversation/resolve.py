"""Follow-up questions made standalone: "What did he say?" -> "What did Choi Jung-hoon say?".

No model here writes questions (none that runs offline ships on PyPI), so a follow-up is
rewritten by rules over its words and what the turns before named (``Mention``):

- pronouns and possessives (he, him, his, she, her, they, them, their, it, its) become
  the most salient fitting mention: a person the document calls "he" or "she", a group
  or plural noun phrase, a thing; the question's own name resolves its pronouns ("What
  did Dora say that she would enjoy?" is left alone);
- definite references back ("the man", "the group", "that unit") become the person or
  group they point to; "there" a place, "then" a time;
- ellipsis ("Why?", "Where?", "According to whom?", "What else?") is the question
  before with the new question word ("When did he defect?" -> "Why did he defect?");
  "And Blinken?" is the question before with the new name in place of the old;
- "that"/"this" standing for a statement ("Who confirmed that?") becomes the last
  answer's words.

What cannot be rewritten well keeps its words, with the last answer's words in
brackets so the reader sees what was taken from before. Two people fitting "he" in the
same place is said, not guessed: the first reading is answered, the other offered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from qa.conversation.mentions import same_referent
from qa.conversation.turns import Conversation, Mention, Turn
from qa.text.terms import keywords

# How many turns back a pronoun's antecedent is looked for.
LOOKBACK = 3
# An answer quoted back ("Who said that?") is cut to this many words.
GIST_WORDS = 12


@dataclass(frozen=True)
class Reading:
    """How a question was understood in its conversation."""

    question: str  # as asked
    understood_as: str  # the standalone question answered (shown as "understood as")
    follow_up: bool = False  # it needed the turns before
    what_else: bool = False  # "What else did he say?": leave out what was shown
    # Other standalone questions it could be, when two readings fit ("he": two men).
    alternatives: tuple[str, ...] = ()
    ambiguity: str | None = None  # "“he” may be A or B"
    # Words of the turns before that retrieval adds to the question's own ("Why?").
    context_words: tuple[str, ...] = ()
    # What its pronouns and references were resolved to (remembered with the turn).
    referents: tuple[Mention, ...] = ()


_AUX = (
    r"(?:did|does|do|is|was|are|were|has|have|had|can|could|will|would|should|shall|may"
    r"|might|must|'s|’s)"
)
_WH = (
    r"(?:how\s+(?:many|much|long|old|far|often|big|large|come)(?:\s+\w+)?|how|why|where|when"
    r"|who|whom|whose(?:\s+\w+)?|which(?:\s+\w+)?|what(?:\s+\w+)?)"
)
_WH_AUX = re.compile(rf"^\s*(?P<wh>{_WH})\s+(?P<rest>{_AUX}\b.*)$", re.I)
_YES_NO = re.compile(rf"^\s*(?P<rest>{_AUX}\b.*)$", re.I)
# Ellipses: a question word, maybe with a preposition, and little else.
_ELLIPSIS = re.compile(
    r"^\s*(?:and|but|so|ok|okay)?\s*,?\s*(?P<wh>(?:according\s+to|by|for|to|with|from|since"
    r"|until|in|of|at|about)?\s*(?:who|whom|what|which|where|when|why|how(?:\s+(?:many|much"
    r"|long|old|far|often|so|come))?)(?:\s+(?:not|so|exactly|for|then|else|ones?))?)\W*$",
    re.I,
)
_ELSE = re.compile(
    r"^\s*(?:and\s+)?(?:what\s+else|anything\s+else|who\s+else|where\s+else|anything\s+more"
    r"|what\s+more|more)\W*$",
    re.I,
)
_NEXT = re.compile(
    r"^\s*(?:and\s+)?(?:then\s+what|what\s+next|what\s+happened\s+(?:next|then|after\s+that)"
    r"|what\s+did\s+(?:he|she|they)\s+do\s+(?:next|then|after\s+that)|after\s+that|and\s+then"
    r"|then)\W*$",
    re.I,
)
_ELSE_WORD = re.compile(r"\belse\b", re.I)
_CONTINUATION = re.compile(
    r"^\s*(?:and|but|what\s+about|how\s+about|and\s+what\s+about)\s+(?P<rest>.+?)\W*$", re.I
)
_ACCORDING = re.compile(
    r"^\s*(?:according\s+to\s+whom|says\s+who|who\s+(?:said|says|claimed|claims|confirmed"
    r"|reported|told)\s+(?:that|this|so)|who\s+said\s+so|by\s+whose\s+account|who\s+is"
    r"\s+the\s+source|what(?:'s|\s+is)\s+the\s+source)\W*$",
    re.I,
)
_PREPOSITION = re.compile(
    r"^(?:in|on|at|for|from|with|to|during|after|before|since|until|by|about|near|under|over"
    r"|into|against)\b",
    re.I,
)
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_PERSON_PRONOUNS: dict[str, Literal["he", "she"]] = {
    "he": "he",
    "him": "he",
    "his": "he",
    "himself": "he",
    "she": "she",
    "her": "she",
    "hers": "she",
    "herself": "she",
}
_PLURAL_PRONOUNS = frozenset("they them their theirs themselves".split())
_THING_PRONOUNS = frozenset("it its".split())
# "it" that points at nothing: "Is it true that…", "How long did it take…".
_EXPLETIVE_AFTER = frozenset(
    "true possible likely clear known said reported important necessary hard easy difficult "
    "take took takes taking rain rained seem seems seemed matter mattered mean appear appears "
    "appeared cost costs".split()
)
# Words after "her" that show it is not a possessive ("told her that", "gave her to").
_NOT_NOUN_AFTER = frozenset(
    "to that and or in on at for from with by about as than when if so but up down out off "
    "back away over again".split()
)
_DEFINITE_PERSON = re.compile(
    r"\b(?:the|that|this)\s+(?P<noun>man|woman|boy|girl|guy|lady|gentleman|person|child|kid)\b",
    re.I,
)
_DEFINITE_GROUP = re.compile(
    r"\b(?:the|that|this|those|these)\s+(?P<noun>group|unit|team|organi[sz]ation|company|firm"
    r"|agency|force|forces|party|band|couple|family|troops|soldiers|men|women|people|army"
    r"|government|club|body|movement|outfit|network|corps)\b",
    re.I,
)
_MALE_NOUNS = frozenset("man boy guy gentleman".split())
_FEMALE_NOUNS = frozenset("woman girl lady".split())
_DEMONSTRATIVE_STATEMENT = re.compile(
    r"\b(?P<word>that|this)(?=\s*(?:[?.!]|$)|\s+(?:is|was|happened|happen|mean|means|meant"
    r"|led|caused|cause|made|make|bring|brings|brought|cost|costs|change|changes|affect"
    r"|affects|help|helps|work|works|worked)\b)"
    r"|\b(?:could|would|will|can|did|does|might|may|should)\s+(?P<aux>that|this)\b",
    re.I,
)
# A question asking which ones ("Which soldiers are better trained?"): a "they" after
# it is the answer's group.
_IDENTITY = re.compile(r"^\s*(?:which|what)\s+\w+s\b", re.I)
_THERE = re.compile(r"\bthere\b", re.I)
_THEN = re.compile(r"\bthen\b", re.I)
_EXISTENTIAL_NEIGHBOUR = frozenset(
    "is was are were be been being 's ’s isn't wasn't aren't weren't will would".split()
)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _lower_first(text: str) -> str:
    """``text`` with its first letter lowered, unless its first word is a name or "I"."""
    first = text.split(" ", 1)[0]
    if first in ("I",) or (len(first) > 1 and first[1:].lower() != first[1:]):
        return text
    return text[:1].lower() + text[1:]


def _strip_q(text: str) -> str:
    return text.strip().rstrip("?.! ").strip()


def _gist(turn: Turn) -> str | None:
    """The last answer's first words (its span, or the nearest passage's highlight)."""
    a = turn.answer.answer
    if a is not None:
        text = a.text
    elif turn.answer.passages:
        text = turn.answer.passages[0].highlighted_text
    else:
        return None
    words = text.split()
    if not words:
        return None
    cut = " ".join(words[:GIST_WORDS])
    return cut.rstrip(",;:") + ("…" if len(words) > GIST_WORDS else "")


def _possessive(name: str) -> str:
    return name + ("’" if name.endswith("s") else "’s")


def _candidates(turns: list[Turn], want: str) -> list[tuple[int, Mention]]:
    """Mentions of the kind ``want`` from the latest turns, most salient first, each with
    how many turns back it was named (0: the last turn)."""
    out: list[tuple[int, Mention]] = []
    for age, turn in enumerate(reversed(turns[-LOOKBACK:])):
        for m in turn.mentions:
            if (
                (want == "person" and m.kind == "person")
                or (want == "plural" and ((m.kind == "group") or (m.kind == "thing" and m.plural)))
                or (
                    want == "thing"
                    and (m.kind == "group" or (m.kind in ("thing", "place") and not m.plural))
                )
                or (want == m.kind and want in ("place", "time"))
            ):
                out.append((age, m))
    return out


def _person_for(
    turns: list[Turn], pronoun: str, question: str = ""
) -> tuple[Mention | None, Mention | None]:
    """The person ``pronoun`` ("he"/"she") points to, and a second one that fits as well
    (the ambiguity), or None."""
    fitting = [(age, m) for age, m in _candidates(turns, "person") if m.pronoun in (pronoun, None)]
    if not fitting:
        return None, None
    # The latest turn that names a fitting person; in it, the question's topic ("Who is
    # X?" then "he" is X) before the answer's people, and a person the document calls
    # by this pronoun before one it never refers to.
    age0 = fitting[0][0]
    same_turn = [m for age, m in fitting if age == age0]
    pool = [m for m in same_turn if m.in_question] or same_turn
    ordered = [m for m in pool if m.pronoun == pronoun] + [m for m in pool if m.pronoun is None]
    best = ordered[0]
    rival = next(
        (m for m in ordered[1:] if m.pronoun == best.pronoun and not same_referent(m, best)),
        None,
    )
    return best, rival


def _replace_word(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _names_person(text: str, before: int) -> bool:
    """Whether the question names someone before position ``before`` (a capitalised
    word that is not its first, nor "I"): then its own pronouns point there."""
    for m in _WORD.finditer(text, 0, before):
        if m.start() > 0 and m.group()[0].isupper() and m.group() != "I":
            return True
    return False


def _resolve_pronouns(
    text: str, turns: list[Turn]
) -> tuple[str, list[Mention], str | None, tuple[str, str] | None]:
    """``text`` with its pronouns replaced; the mentions used; the ambiguity said, and
    the words to swap for the other reading ("Choi Jung-hoon" -> "Lee Woong-gil")."""
    used: list[Mention] = []
    ambiguity: str | None = None
    swap: tuple[str, str] | None = None  # (words put in, the rival's words)
    done: set[str] = set()  # each pronoun family resolved once: the first one, by name
    out = text
    shift = 0
    for m in list(_WORD.finditer(text)):
        word = m.group().casefold()
        start, end = m.start() + shift, m.end() + shift
        new: str | None = None
        if word in _PERSON_PRONOUNS:
            family = _PERSON_PRONOUNS[word]
            if family in done or _names_person(text, m.start()):
                continue
            best, rival = _person_for(turns, family, text)
            if best is None:
                continue
            after = text[m.end() :].split()
            possessive = word == "his" or (
                word == "her"
                and bool(after)
                and _WORD.match(after[0]) is not None
                and after[0].casefold() not in _NOT_NOUN_AFTER
            )
            new = _possessive(best.text) if possessive or word == "hers" else best.text
            if rival is not None and ambiguity is None:
                ambiguity = f"“{m.group()}” may be {best.text} or {rival.text}"
                other = _possessive(rival.text) if possessive or word == "hers" else rival.text
                swap = (new, other)
            done.add(family)
            # The pronoun the reader used tells who this is from now on: "her" resolved
            # to a name the document never calls anything makes that name "she".
            used.append(replace(best, pronoun=family))
        elif word in _PLURAL_PRONOUNS:
            if "they" in done:
                continue
            every = _candidates(turns, "plural")
            # What a question before was about, or a group the last answer names (an
            # answer's plural nouns are too many to guess among); after "Which soldiers
            # are better trained?", "How many of them…" is the answer's group first.
            asked = [(a, c) for a, c in every if c.in_question]
            answered = [
                (a, c) for a, c in every if a == 0 and c.kind == "group" and not c.in_question
            ]
            found = (
                answered + asked if _IDENTITY.match(turns[-1].understood_as) else asked + answered
            )
            if not found:
                people = [m2 for age, m2 in _candidates(turns, "person") if age == 0]
                if len(people) >= 2:
                    new = f"{people[0].text} and {people[1].text}"
                    used += people[:2]
            else:
                new = found[0][1].text
                used.append(found[0][1])
            if new is not None and word in ("their", "theirs"):
                new = _possessive(new)
            done.add("they")
        elif word in _THING_PRONOUNS:
            if "it" in done:
                continue
            after = text[m.end() :].split()
            if word == "it" and after and after[0].casefold().strip("?.,") in _EXPLETIVE_AFTER:
                continue
            # Only what a question before was about ("What is the Storm Corps?" then
            # "How big is it?"): an answer's nouns are too many to guess among.
            found = [(a, c) for a, c in _candidates(turns, "thing") if c.in_question]
            if not found:
                continue
            new = found[0][1].text
            if word == "its":
                new = _possessive(new)
            used.append(found[0][1])
            done.add("it")
        if new is None:
            continue
        out = _replace_word(out, start, end, new)
        shift += len(new) - (end - start)
    return out, used, ambiguity, swap


def _resolve_definites(text: str, turns: list[Turn]) -> tuple[str, list[Mention]]:
    """ "the man" -> the person meant, "the group" -> the group meant, when one fits."""
    used: list[Mention] = []
    m = _DEFINITE_PERSON.search(text)
    if m:
        noun = m.group("noun").casefold()
        pronoun = "he" if noun in _MALE_NOUNS else "she" if noun in _FEMALE_NOUNS else None
        for _age, cand in _candidates(turns, "person"):
            if pronoun is None or cand.pronoun in (pronoun, None):
                text = text[: m.start()] + cand.text + text[m.end() :]
                used.append(cand)
                break
    m = _DEFINITE_GROUP.search(text)
    if m:
        found = [c for _age, c in _candidates(turns, "plural") if c.kind == "group"]
        if found and m.group("noun").casefold() not in found[0].text.casefold():
            text = text[: m.start()] + found[0].text + text[m.end() :]
            used.append(found[0])
    return text, used


def _resolve_place_time(text: str, turns: list[Turn]) -> tuple[str, list[Mention]]:
    """ "there" -> "in PLACE" (unless existential: "Is there…", "there were…"); "then"
    -> "in TIME" when the last turns named one."""
    used: list[Mention] = []
    m = _THERE.search(text)
    if m:
        before = text[: m.start()].split()
        after = text[m.end() :].split()
        last = not after or not _WORD.match(after[0])
        existential = not last and (
            (before and before[-1].casefold() in _EXISTENTIAL_NEIGHBOUR)
            or (after and after[0].casefold() in _EXISTENTIAL_NEIGHBOUR)
        )
        places = _candidates(turns, "place")
        if not existential and places:
            text = text[: m.start()] + f"in {places[0][1].text}" + text[m.end() :]
            used.append(places[0][1])
    m = _THEN.search(text)
    if m and not re.match(r"^\s*(?:and\s+)?then\b", text, re.I):
        times = _candidates(turns, "time")
        if times and times[0][0] == 0:
            text = text[: m.start()] + f"in {times[0][1].text}" + text[m.end() :]
            used.append(times[0][1])
    return text, used


def _ellipsis(wh: str, last: Turn) -> str:
    """ "Why?" after "When did he defect?" -> "Why did Choi Jung-hoon defect?"; after a
    question it cannot be fitted to, the new question word with the last answer's words."""
    previous = _strip_q(last.understood_as)
    wh = " ".join(wh.split())
    m = _WH_AUX.match(previous)
    if m and not wh.casefold().startswith(("according", "by whom", "to whom")):
        return f"{_cap(wh)} {m.group('rest')}?"
    m = _YES_NO.match(previous)
    if m and re.fullmatch(r"why|when|where|how|how\s+(?:long|often|much|many|far)", wh, re.I):
        return f"{_cap(wh)} {_lower_first(m.group('rest'))}?"
    return f"{_cap(wh)} ({previous})?"


def _continuation(rest: str, turns: list[Turn]) -> str:
    """ "And Blinken?" after "What did Zelenskyy say?" -> "What did Blinken say?"; "And
    in Kursk?" -> the question before, in Kursk; "What about their health?" -> "What
    about the soldiers’ health?" when the question before has nothing to swap."""
    last = turns[-1]
    previous = _strip_q(last.understood_as)
    if _PREPOSITION.match(rest):
        return f"{previous} {rest}?"
    capital = bool(re.match(r"(?:the\s+)?[A-Z]", rest))
    asked = [m for m in last.mentions if m.in_question and m.text in previous]
    named = [m for m in asked if m.kind != "thing"]
    things = [m for m in asked if m.kind == "thing"]
    for m in named + things if capital else ():
        return previous.replace(m.text, rest, 1) + "?"
    resolved, _used, _ambiguity, _swap = _resolve_pronouns(rest, turns)
    return f"What about {resolved}?"


def _statement(text: str, last: Turn) -> str | None:
    """ "Who confirmed that?" -> "Who confirmed that (Around 500 officers…)?"; None
    when the question has no "that"/"this" standing for a statement."""
    m = _DEMONSTRATIVE_STATEMENT.search(text)
    gist = _gist(last)
    if m is None or gist is None:
        return None
    return f"{_strip_q(text)} ({gist})?"


def needs_context(question: str) -> bool:
    """Whether ``question`` may lean on the turns before: a pronoun, a demonstrative,
    "there", "else", an opening "and"/"but", or under four words with no name."""
    words = question.split()
    if len(words) < 4 and not any(w[:1].isupper() for w in words[1:] if w != "I"):
        return True
    if re.match(r"^\s*(?:and|but|what\s+about|how\s+about)\b", question, re.I):
        return True
    return bool(
        re.search(
            r"\b(?:he|she|him|his|her|hers|it|its|they|them|their|theirs|this|these|those"
            r"|that|there|then|else)\b",
            question,
            re.I,
        )
    )


def resolve(question: str, conversation: Conversation) -> Reading:
    """The standalone reading of ``question`` after the turns of ``conversation``."""
    text = " ".join(question.split())
    turns = conversation.turns
    if not turns or not text:
        return Reading(text, text)
    last = turns[-1]
    context = tuple(keywords(last.understood_as))
    what_else = bool(_ELSE_WORD.search(text)) or bool(_ELSE.match(text))

    if _ACCORDING.match(text):
        gist = _gist(last)
        if gist:
            # The answer's own words, quoted: a quotation is then found with its speaker,
            # and a sentence word for word with whoever it names as the source.
            words = re.sub(r"[\"“”„«»]", "", gist.rstrip("…")).strip()
            understood = f"Who said “{words}”?"
            return Reading(text, understood, True, False, context_words=context)
    if _ELSE.match(text):
        previous = last.understood_as
        understood = re.sub(
            r"^(\s*(?:what|who|where|when|why|how))\s+",
            lambda m: f"{m.group(1)} else ",
            previous,
            count=1,
            flags=re.I,
        )
        if understood == previous:
            understood = f"What else ({_strip_q(previous)})?"
        return Reading(text, understood, True, True, context_words=context)
    if _NEXT.match(text):
        gist = _gist(last)
        understood = f"What happened after {gist}?" if gist else text
        return Reading(text, understood, True, False, context_words=context)
    m = _ELLIPSIS.match(text)
    if m:
        understood = _ellipsis(m.group("wh"), last)
        return Reading(text, understood, True, what_else, context_words=context)
    if _PREPOSITION.match(text) and len(text.split()) <= 4:
        understood = f"{_strip_q(last.understood_as)} {_strip_q(text)}?"
        return Reading(text, understood, True, what_else, context_words=context)
    m = _CONTINUATION.match(text)
    if m and (not needs_context(m.group("rest")) or len(m.group("rest").split()) <= 3):
        understood = _continuation(m.group("rest"), turns)
        return Reading(text, understood, True, what_else, context_words=context)

    resolved, used, ambiguity, swap = _resolve_pronouns(text, turns)
    resolved, more = _resolve_definites(resolved, turns)
    used += more
    resolved, more = _resolve_place_time(resolved, turns)
    used += more
    statement = _statement(resolved, last) if resolved == text else None
    if statement is not None:
        resolved = statement
    follow_up = resolved != text or needs_context(text)
    alternative = resolved.replace(swap[0], swap[1], 1) if swap else None
    return Reading(
        text,
        resolved,
        follow_up,
        what_else,
        alternatives=(alternative,) if alternative and alternative != resolved else (),
        ambiguity=ambiguity if alternative and alternative != resolved else None,
        context_words=context if follow_up else (),
        referents=tuple(used),
    )
