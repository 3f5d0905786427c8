"""The chat's first screen: the documents of the index and a question to try.

An empty screen tells a new reader neither what they may ask about nor how to ask it.
Before the first question the conversation lists the indexed documents and suggests one
question made only of the documents' own words: a person they quote ("What did Katherine
Maher say?", which the quote index answers), else a document's title. Nothing is made
up, so the example is never a claim the documents do not hold; with neither, there is
no example.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import TYPE_CHECKING

from rich.text import Text

from qa.text.safe import printable

if TYPE_CHECKING:
    from qa.session import DocumentFacts, Overview

# Documents named on the first screen; the rest are counted.
LISTED = 8
# A title longer than this makes a poor question to type.
MAX_TITLE = 80
# A person's full name as a text writes it: two to four capitalised words
# ("Volodymyr Zelenskyy", "Kim Jong-un", "Chi Onwurah"), no digits.
_FULL_NAME = re.compile(r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){1,3}")
# Capitalised words that make a job title or a description, not a name ("Executive
# Director", "Labour MP", "Prime Minister"): a speaker ending in one is not suggested.
_ROLES = frozenset(
    "Director Minister MP President Secretary Officer Chief Spokesperson Spokesman "
    "Spokeswoman Executive Chairman Chairwoman Chair CEO Leader Official Resident "
    "Member Senator Governor Mayor Ambassador General Commander Professor Editor".split()
)


def _speaker_question(facts: DocumentFacts) -> str | None:
    """What did X say?, for the most quoted full name the document itself writes."""
    for name in facts.speakers:
        if _is_full_name(name) and name in facts.text:
            return f"What did {name} say?"
    return None


def _is_full_name(name: str) -> bool:
    """Two to four capitalised words, none a number, a possessive or a job title."""
    words = name.split()
    return (
        _FULL_NAME.fullmatch(name) is not None
        and not any(c.isdigit() for c in name)
        and not any(w.endswith(("'s", "’s")) for w in words)
        and words[-1] not in _ROLES
    )


def _title_question(facts: DocumentFacts) -> str | None:
    title = " ".join((facts.title or "").split())
    if not title or len(title) > MAX_TITLE:
        return None
    return f"What is “{title.rstrip('.')}” about?"


def example_question(overview: Overview) -> str | None:
    """A question to try, from the first documents' own words (see the module)."""
    for make in (_speaker_question, _title_question):
        for facts in overview.samples:
            question = make(facts)
            if question is not None:
                return question
    return None


def welcome_text(overview: Overview) -> Text:
    """The documents (how many, and the names of the first few) and the example."""
    count = len(overview.documents)
    text = Text()
    if not count:
        return text.append("No documents in this index yet.", style="italic")
    text.append(f"{count} document{'s' * (count != 1)} indexed", style="bold")
    text.append(": ")
    names = [printable(PurePath(s).name or s) for s in overview.documents[:LISTED]]
    text.append(" · ".join(names))
    if count > LISTED:
        text.append(f" … and {count - LISTED} more", style="dim")
    example = example_question(overview)
    if example is not None:
        text.append("\nTry: ", style="bold")
        text.append(printable(example), style="italic")
    return text
