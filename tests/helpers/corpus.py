"""Where the tests' documents are, and the shapes of the shared indexes.

Every test names the fixture documents and the sample article through these paths, so
a test module can sit in any folder under ``tests/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from qa.index.builder import IndexReport

ROOT = Path(__file__).resolve().parents[2]  # the repository
TESTS = ROOT / "tests"
SAMPLE_ARTICLE = ROOT / "docs" / "north-korean-troops-in-russia.txt"
FIXTURE_DOCS = TESTS / "fixtures" / "docs"

GOOD_FIXTURES = (
    "utf8.txt",
    "latin1.txt",
    "utf16_bom.txt",
    "guide.md",
    "article.html",
    "three_pages.pdf",
    "partly_scanned.pdf",
    "report.docx",
)
BROKEN_FIXTURES = (
    "binary.txt",
    "empty.txt",
    "corrupt.pdf",
    "encrypted.pdf",
    "scanned.pdf",
    "junk.docx",
)

# The sample article's section headings, in order (short lines without a final stop).
SAMPLE_HEADINGS = (
    "Unlikely Allies: North Korea Joins Russia’s War Effort",
    "The State of Kim Jong-un’s “Strongest Army”",
    "Weapons Supplied but with Limited Training",
    "A Risky Gamble for Kim Jong-un’s Regime",
    "Soldiers or Sacrificial Pawns?",
)


class SampleIndex(NamedTuple):
    """The sample article's index folder and the indexed copy of the article."""

    index_dir: Path
    source: Path


class FormatsIndex(NamedTuple):
    """The index of every fixture file: the build report, the index and the folder."""

    report: IndexReport
    index_dir: Path
    folder: Path


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line of ``text``, without its line break."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans
