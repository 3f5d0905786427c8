"""`qa ask` on screen: the answer, then one line per other passage, so the answer does
not scroll away; --passages prints them whole (qa.cli.render, on answers built here)."""

from __future__ import annotations

import io

from rich.console import Console

from qa.answer.model import Answer, AnswerSpan, Match, Passage, Span
from qa.citations import Citation
from qa.cli.render import excerpt, render_answer

SOURCE = "docs/harbour.txt"
PARAGRAPHS = [
    f"Paragraph {n} opens with the harbour master's report on the night's shipping, the "
    f"ferries and the tugs that came in late, and the pilot boats that went out early. "
    f"It goes on for a while about ferries, tugs and the weather over the breakwater. "
    f"It ends with the tide tables for the day number {n}.\n"
    for n in range(1, 17)
]
TEXT = "".join(PARAGRAPHS)


def starts() -> list[int]:
    out, pos = [], 0
    for p in PARAGRAPHS:
        out.append(pos)
        pos += len(p)
    return out


def citation(start: int, end: int, section: str | None = None) -> Citation:
    para = max(n for n, s in enumerate(starts(), 1) if s <= start)
    return Citation(SOURCE, None, section, para, None, para, para, start, end)


def passage(rank: int, first: int, weak: bool = False, match: Match = Match.MEANING) -> Passage:
    """Paragraphs first..first+2 (1-based); its best sentence opens the second."""
    s = starts()
    start, end = s[first - 1], s[first + 2] - 1
    hs = s[first]
    he = TEXT.index(".", hs) + 1
    return Passage(
        rank,
        SOURCE,
        start,
        end,
        TEXT[start:end],
        0.9 - rank / 10,
        Span(hs, he),
        citation(start, end, "Shipping news"),
        match,
        weak,
        speaker="Captain Ahab" if match is Match.QUOTE else None,
    )


def answer_of(passages: list[Passage], found: bool = True) -> Answer:
    if not found:
        return Answer("Where did the tugs go?", None, passages)
    p = passages[0]
    h = p.highlight
    span = AnswerSpan(TEXT[h.start : h.end], SOURCE, h.start, h.end, 0.8, citation(h.start, h.end))
    return Answer("Who wrote the report?", span, passages)


def printed(answer: Answer, full: bool = False, terminal_width: int | None = None) -> str:
    out = io.StringIO()
    if terminal_width is None:  # a pipe, as `qa ask` prints to one
        console = Console(file=out, soft_wrap=True, highlight=False, color_system=None)
    else:
        console = Console(file=out, width=terminal_width, force_terminal=True, color_system=None)
    cite = lambda src, s, e: citation(s, e, "Shipping news")  # noqa: E731
    render_answer(console, answer, full=full, cite=cite)
    return out.getvalue()


def test_the_answer_then_a_line_per_other_passage() -> None:
    passages = [passage(r, 1 + 3 * (r - 1)) for r in range(1, 6)]
    answer = answer_of(passages)
    text = printed(answer)
    lines = text.strip("\n").splitlines()
    assert len(lines) <= 10, text
    assert lines[0] == "Q: Who wrote the report?"
    assert answer.answer is not None and answer.answer.text in lines[2]
    assert lines[3].startswith(f"  — {answer.answer.citation}")
    others = [line for line in lines if line.startswith("[")]
    # The first passage's best sentence is the answer: it is not listed again.
    assert [line.split("]")[0] for line in others] == ["[2", "[3", "[4", "[5"]
    for line, p in zip(others, passages[1:], strict=True):
        # Its best sentence's own paragraph, not the passage's first; then its words.
        para = citation(p.highlight.start, p.highlight.end).paragraph
        assert line.startswith(f"[{p.rank}] {SOURCE}, § Shipping news, ¶{para}, line {para} — “")
        assert para != p.citation.paragraph
        assert f"Paragraph {para} opens with the harbour master" in line
        assert line.endswith("…”") and len(line) < 200


def test_passages_prints_every_passage_whole() -> None:
    passages = [passage(r, 1 + 3 * (r - 1)) for r in range(1, 6)]
    text = printed(answer_of(passages), full=True)
    for p in passages:
        assert str(p.citation) in text
        for paragraph in p.text.splitlines():
            assert paragraph in text
    assert len(text.splitlines()) > 20


def test_nothing_found_lists_every_passage_dim_on_one_line() -> None:
    passages = [passage(r, 1 + 3 * (r - 1), weak=True) for r in range(1, 4)]
    lines = printed(answer_of(passages, found=False)).strip("\n").splitlines()
    assert lines[1:3] == ["Not found in these documents.", "Nearest passages (weak matches):"]
    assert [line[:3] for line in lines[3:]] == ["[1]", "[2]", "[3]"]


def test_a_quotation_line_names_its_speaker() -> None:
    passages = [passage(1, 1), passage(2, 4, match=Match.QUOTE)]
    text = printed(answer_of(passages))
    line = next(line for line in text.splitlines() if line.startswith("[2]"))
    assert "  quote — Captain Ahab: “Paragraph 5 opens" in line


def test_on_a_terminal_each_passage_fits_one_line_with_words_to_read() -> None:
    passages = [passage(r, 1 + 3 * (r - 1)) for r in range(1, 6)]
    text = printed(answer_of(passages), terminal_width=72)
    others = [line for line in text.splitlines() if line.startswith("[")]
    assert len(others) == 4
    for line in others:
        assert len(line) <= 72, line
        # The section gives way, so the words of the passage still show.
        assert "§" not in line and "“Paragraph" in line and line.endswith("…”")


def test_an_excerpt_is_one_line_cut_at_a_word() -> None:
    assert (
        excerpt("It rose\nsharply. Then it fell back to where it began.", 20) == "It rose sharply…"
    )
    assert excerpt("Short enough.", 20) == "Short enough."
