"""Check that every excerpt in the PDF and Word labels is really in its document.

The labels are written by reading the documents, so a typo in an excerpt would make
the scorer blame `qa` for a word the document never had. This reads each document
independently of `qa`'s extraction (poppler's ``pdftotext`` when installed and pypdfium2;
python-docx for Word), normalises what a PDF's layout adds (line-end hyphens, ligatures, runs of
white space, curly quotes, the line numbers of a court transcript) and reports every
``headline``, ``first``, ``last``, ``answer`` and ``quote`` excerpt not found, and every
``absent`` string (a running header, footer or axis label) that is not in the document at
all, since a string the document never had would make the ``absent`` check pass for nothing.

Usage: ``python bench/realdocs/check_labels_pdf_docx.py [bench/realdocs]``
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\u00ad": ""})


def _norm(text: str) -> str:
    """Fold the differences a reader does not see: ligatures, quote shapes, spacing."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip().lower()


def _variants(raw: str) -> list[str]:
    """The document's text with line-end hyphens both removed and kept, normalised."""
    raw = raw.replace("\f", "\n")
    no_numbers = re.sub(r"(?m)^\s*\d{1,2}\s+(?=\S)", "", raw)
    lines = [line.strip() for line in raw.splitlines()]
    # a running header or footer repeats on every page, its page number aside
    counts = Counter(re.sub(r"\d+", "#", line) for line in lines if line)
    running = {key for key, n in counts.items() if n >= 3 and len(key) < 90}
    no_running = "\n".join(
        line
        for line in lines
        if re.sub(r"\d+", "#", line) not in running and not re.fullmatch(r"(Page )?\d{1,4}", line)
    )
    out = []
    for text in (raw, no_numbers, no_running):
        # pdfium marks a line-end hyphen as U+FFFE with no line break after it
        joined = re.sub(r"(\w)[-\u00ad]\s*\n\s*(?=[a-z])", r"\1", text.replace("\ufffe", ""))
        kept = re.sub(r"(\w)([-\u2013])\s*\n\s*", r"\1\2", text.replace("\ufffe", "-"))
        out += [_norm(joined), _norm(kept)]
    return out


def _pdf_texts(path: Path, poppler: bool) -> list[str]:
    texts: list[str] = []
    if poppler and shutil.which("pdftotext"):
        for args in ([], ["-layout"], ["-raw"]):
            result = subprocess.run(
                ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=False
            )
            texts.append(result.stdout)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    texts.append("\n".join(page.get_textpage().get_text_range() for page in pdf))
    return texts


def _docx_texts(path: Path) -> list[str]:
    import docx

    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs += [cell.text for cell in row.cells]
    return ["\n".join(paragraphs)]


def label_problems(label: dict[str, Any], docs: Path, poppler: bool = True) -> list[str]:
    """What in one PDF or Word label is not true to its document (empty when all is)."""
    doc = docs / label["file"]
    raws = _pdf_texts(doc, poppler) if doc.suffix == ".pdf" else _docx_texts(doc)
    texts = [v for raw in raws for v in _variants(raw)]
    ext = label["extraction"]
    excerpts = [(key, ext[key]) for key in ("headline", "first", "last") if ext.get(key)]
    excerpts += [("answer", q["answer"]) for q in label["questions"] if q.get("answer")]
    excerpts += [("quote", q["quote"]) for q in label.get("quotes", [])]
    problems = [
        f"{label['file']}: {kind} not found: {excerpt!r}"
        for kind, excerpt in excerpts
        if not any(_norm(excerpt) in t for t in texts)
    ]
    problems += [
        f"{label['file']}: short answer {q['short']!r} is not in its answer excerpt"
        for q in label["questions"]
        if q.get("answer") and q.get("short") and _norm(q["short"]) not in _norm(q["answer"])
    ]
    problems += [
        f"{label['file']}: absent string is not in the document at all: {absent!r}"
        for absent in ext.get("absent", [])
        if not any(_norm(absent) in t for t in texts)
    ]
    return problems


def check(folder: Path, poppler: bool = True) -> int:
    """Print each problem of the PDF and Word labels under ``folder``; return how many."""
    problems: list[str] = []
    for label_path in sorted((folder / "labels").glob("*.json")):
        label = json.loads(label_path.read_text(encoding="utf-8"))
        if label["file"].endswith((".pdf", ".docx")):
            problems += label_problems(label, folder / "docs", poppler)
    for problem in problems:
        print(problem)
    return len(problems)


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent
    n = check(root)
    print(f"{n} problem(s)")
    sys.exit(1 if n else 0)
