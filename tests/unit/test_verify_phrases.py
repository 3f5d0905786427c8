"""`qa verify`'s pure parts: finding a phrase in text, whatever its line wraps."""

from __future__ import annotations

from qa.text.fold import find_phrase


def test_find_phrase_reads_a_line_end_hyphen_both_ways() -> None:
    """`qa ask` with a quoted phrase shares the folding: both readings of "well-\\n"."""
    text = "It was a well-\nknown, ex-\nhausting night."
    well = find_phrase(text, "well-known")
    ex = find_phrase(text, "exhausting night")
    assert well is not None and text[well[0] : well[1]] == "well-\nknown"
    assert ex is not None and text[ex[0] : ex[1]] == "ex-\nhausting night"
    assert find_phrase(text, "known night") is None
