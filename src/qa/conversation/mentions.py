"""What a turn names, for a later "he", "they", "it" or "there" to point back to.

spaCy's small English model (already shipped for quotations) finds the people,
organizations, places, dates and figures of the question and of the answer; noun
phrases come from its part-of-speech tags (the pipeline runs without the attribute
ruler, so spaCy's own noun chunks are not available). Whether a person is "he" or
"she" is read from the document itself: the pronoun that follows the name's mentions
there, or a title before it ("Mrs", "King"), never guessed from the first name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, Literal

from qa.answer.model import Answer
from qa.conversation.turns import Mention, MentionKind
from qa.index.reader import Index
from qa.quotes.names import TITLE_GLUE, TITLES, name_matches

_KINDS: dict[str, MentionKind] = {
    "PERSON": "person",
    "ORG": "group",
    "NORP": "group",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "DATE": "time",
    "TIME": "time",
    "CARDINAL": "number",
    "QUANTITY": "number",
    "MONEY": "number",
    "PERCENT": "number",
}
_HE = re.compile(r"\b(?:he|him|his|himself)\b", re.I)
_PRONOUN = re.compile(r"\b(?:he|him|his|himself|she|her|hers|herself)\b", re.I)
_MALE_TITLES = frozenset(
    "mr mr. sir king prince lord father brother uncle son husband boy man "
    "duke earl count emperor monk".split()
)
_FEMALE_TITLES = frozenset(
    "mrs mrs. ms ms. miss lady queen princess mother sister aunt daughter wife girl woman "
    "duchess countess empress nun madame".split()
)
# How much of the document around an answer is read for its people's pronouns.
PRONOUN_CONTEXT = 20_000
# How far after a name its pronoun is looked for, and how many mentions are read.
_WINDOW = 200
_MAX_MENTIONS = 40
# Noun phrases: determiners, adjectives and nouns, ending in a noun (Penn tags).
_NP_TAGS = frozenset("DT PRP$ JJ JJR JJS NN NNS NNP NNPS CD HYPH POS VBN VBG".split())
_NOUN_TAGS = frozenset("NN NNS NNP NNPS".split())
_NOT_THINGS = frozenset(
    "what which who whom whose thing things one time way lot kind part something anything "
    "nothing everything someone anyone".split()
)


def pronoun_of(name: str, text: str) -> Literal["he", "she"] | None:
    """ "he" or "she" for the person ``name``, as the document ``text`` refers to them:
    the first singular third-person pronoun after each mention of the name's last word
    (within the next sentence or so) votes; a title just before the name decides."""
    words = name.split()
    if not words:
        return None
    if words[0].casefold() in _MALE_TITLES:
        return "he"
    if words[0].casefold() in _FEMALE_TITLES:
        return "she"
    last = re.escape(words[-1])
    he = she = 0
    for n, m in enumerate(re.finditer(rf"\b{last}\b", text)):
        if n >= _MAX_MENTIONS:
            break
        before = text[max(0, m.start() - 12) : m.start()].split()
        if before and before[-1].casefold().rstrip(".") in _MALE_TITLES:
            he += 2
        elif before and before[-1].casefold().rstrip(".") in _FEMALE_TITLES:
            she += 2
        found = _PRONOUN.search(text, m.end(), m.end() + _WINDOW)
        if found:
            if _HE.fullmatch(found.group()):
                he += 1
            else:
                she += 1
    if he > 2 * she:
        return "he"
    if she > 2 * he:
        return "she"
    return None


def _phrases(doc: Any) -> Iterable[tuple[int, int, bool]]:
    """Token ranges [i, j) of noun phrases by tags, with whether the head is plural."""
    i = 0
    tokens = list(doc)
    while i < len(tokens):
        if tokens[i].tag_ not in _NP_TAGS:
            i += 1
            continue
        j = i
        while j < len(tokens) and tokens[j].tag_ in _NP_TAGS:
            j += 1
            if (
                tokens[j - 1].tag_ in ("NNS", "NNPS")
                and j < len(tokens)
                and tokens[j].tag_ in _NOUN_TAGS
            ):
                break  # "the soldiers weapons": two phrases ("given the soldiers weapons")
        end = j
        while end > i and tokens[end - 1].tag_ not in _NOUN_TAGS:
            end -= 1
        if end > i:
            yield i, end, tokens[end - 1].tag_ in ("NNS", "NNPS")
        i = j


def mentions_in(text: str, in_question: bool, document: str | None = None) -> list[Mention]:
    """The mentions of ``text`` in order: entities, then noun phrases that are not
    entities ("the elite Storm Corps officers", "the rifles")."""
    from qa.quotes.attribution import pipeline

    if not text.strip():
        return []
    doc = pipeline()(text)
    out: list[Mention] = []
    taken: set[int] = set()
    for ent in doc.ents:
        kind = _KINDS.get(ent.label_)
        if kind is None:
            continue
        if ent.label_ == "NORP" and ent.end < len(doc) and doc[ent.end].tag_[:2] in ("NN", "JJ"):
            continue  # "North Korean soldiers", "Russian military aid": an adjective
        if (
            ent.start > 0
            and doc[ent.start - 1].text == "("
            and doc[ent.end : ent.end + 1].text == ")"
        ):
            continue  # a dateline's "(CNN)", a gloss: not what the text is about
        name = re.sub(r"['’]s?$", "", ent.text.strip(" ,.;:’'\"“”")).strip()
        if name.casefold().startswith("the ") and kind == "person":
            name = name[4:]
        if not name or (kind == "group" and not name[0].isupper()):
            continue  # "fed" is no organization
        if kind == "group" and name.casefold() in TITLES | TITLE_GLUE:
            continue  # "State" of "Secretary of State"
        pronoun = pronoun_of(name, document or text) if kind == "person" else None
        plural = ent.label_ == "NORP" or (kind == "group" and ent.text.endswith("s"))
        out.append(Mention(name, kind, pronoun, plural, in_question))
        taken.update(range(ent.start, ent.end))
    for i, j, plural in _phrases(doc):
        if taken.intersection(range(i, j)):
            continue
        if in_question and i > 0 and doc[i - 1].tag_ in ("WDT", "WP"):
            continue  # "Which soldiers…?": what is asked for, which the answer names
        span = doc[i:j]
        head = span[-1].text.casefold()
        if head in _NOT_THINGS or (span[-1].tag_ in ("NNP", "NNPS") and j - i == 1):
            continue
        words = span.text
        if span[0].tag_ == "DT" and i > 0:
            words = words[:1].lower() + words[1:]  # "The soldiers" mid-question is "the"
        elif span[0].tag_ == "DT":
            words = span[0].text.lower() + span.text[len(span[0].text) :]
        out.append(Mention(words, "thing", None, plural, in_question))
    return out


def same_referent(a: Mention, b: Mention) -> bool:
    """Whether two mentions name the same one ("Choi" and "Choi Jung-hoon")."""
    if a.kind != b.kind:
        return False
    if a.kind == "person":
        return name_matches(a.text, b.text) or name_matches(b.text, a.text)
    return a.text.casefold() == b.text.casefold()


def turn_mentions(
    index: Index, question: str, answer: Answer, referents: Iterable[Mention] = ()
) -> tuple[Mention, ...]:
    """The people, groups, places, times, figures and things of a turn, most salient
    first: those the question was resolved to, those of the question (its topic), the
    speaker of a quotation, then those of the answer (or of the nearest passage when it
    was withheld)."""
    a = answer.answer
    place = (
        (a.source, a.start)
        if a is not None
        else (answer.passages[0].source, answer.passages[0].start)
        if answer.passages
        else None
    )
    document = None
    if place is not None:
        doc = index.document_by_source(place[0])
        if doc is not None:  # the text around the answer: enough for "he" or "she"
            document = doc.text[max(0, place[1] - PRONOUN_CONTEXT) : place[1] + PRONOUN_CONTEXT]
    out = [replace(m, in_question=True) for m in referents]
    out += mentions_in(question, True, document)
    if a is not None and a.speaker:
        out.append(Mention(a.speaker, "person", pronoun_of(a.speaker, document or ""), False))
    if a is not None:
        out += mentions_in(a.text, False, document)
    elif answer.passages:
        out += mentions_in(answer.passages[0].highlighted_text, False, document)
    unique: list[Mention] = []
    for m in out:
        for i, u in enumerate(unique):
            if same_referent(m, u):
                if len(m.text) > len(u.text):  # the fuller name, at the first place
                    unique[i] = replace(u, text=m.text, pronoun=u.pronoun or m.pronoun)
                break
        else:
            unique.append(m)
    return tuple(unique)
