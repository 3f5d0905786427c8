"""Every label of a real PDF or Word document in the real-document set is true to it.

A label excerpt the document does not hold would score `qa` wrong on it forever. The PDFs
are read with pdfium and the Word files with python-docx, independently of `qa`'s own
extraction (which is what is measured): the checker folds only what a page's layout adds
(line-end hyphens, ligatures, spacing, quote shapes, running headers and page numbers).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from helpers.corpus import ROOT

REALDOCS = ROOT / "bench" / "realdocs"
CHECKER = REALDOCS / "check_labels_pdf_docx.py"
LABELS = sorted(
    p for p in (REALDOCS / "labels").glob("*.json") if p.name.endswith((".pdf.json", ".docx.json"))
)


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_labels_pdf_docx", CHECKER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_set_has_at_least_twelve_pdfs_and_four_word_files() -> None:
    names = [p.name for p in LABELS]
    assert sum(n.endswith(".pdf.json") for n in names) >= 12
    assert sum(n.endswith(".docx.json") for n in names) >= 4


@pytest.mark.parametrize("path", LABELS, ids=lambda p: p.name)
def test_every_labelled_string_of_a_pdf_or_word_file_is_in_it(path: Path) -> None:
    label = json.loads(path.read_text(encoding="utf-8"))
    assert _checker().label_problems(label, REALDOCS / "docs", poppler=False) == []
