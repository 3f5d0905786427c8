"""`qa verify`: whether a quote is in the documents, and how exactly.

``verify(index, text, encoder=...)`` grades each place: exact, normalized, fuzzy (a
word or two differ) or paraphrase (the same statement in other words), with the
document's own words, a word diff, a similarity, the speaker and a citation.
"""

from qa.verify.check import verify
from qa.verify.model import (
    GRADES,
    DiffPart,
    Grade,
    VerifyMatch,
    VerifyResult,
    only_contractions,
    wdiff,
)
from qa.verify.wording import align_words, strip_quote_marks

__all__ = [
    "GRADES",
    "DiffPart",
    "Grade",
    "VerifyMatch",
    "VerifyResult",
    "align_words",
    "only_contractions",
    "strip_quote_marks",
    "verify",
    "wdiff",
]
