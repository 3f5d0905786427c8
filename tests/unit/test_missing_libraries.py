"""A format whose library does not import is the installation's fault, said once and up
front (exit status 2), never as every file of that format "cannot parse"."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from qa.errors import MissingLibrary
from qa.ingest.discover import discover
from qa.ingest.extract.libraries import require_libraries

from helpers.cli import qa
from helpers.corpus import FIXTURE_DOCS


def _folder(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in names:
        (folder / name).write_bytes((FIXTURE_DOCS / name).read_bytes())
    return folder


def test_a_missing_html_cleaner_stops_qa_index_with_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As with pip 23.2, which left out lxml_html_clean: one line naming the package and
    exit status 2, before any file is read or anything written."""
    folder = _folder(tmp_path, "article.html", "guide.md")
    monkeypatch.setitem(sys.modules, "lxml.html.clean", None)  # import: ImportError
    index_dir = tmp_path / "index"
    result = qa("index", str(folder), "--index", str(index_dir))
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("qa: error: cannot read HTML files:")
    assert "lxml_html_clean" in lines[0] and "pip install lxml_html_clean" in lines[0]
    assert "cannot parse" not in result.output and "Traceback" not in result.output
    assert not (index_dir / "manifest.json").exists()


def test_formats_not_in_the_run_are_not_required(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path, "guide.md")
    monkeypatch.setitem(sys.modules, "pypdfium2", None)
    monkeypatch.setitem(sys.modules, "lxml.html.clean", None)
    files, _ = discover([folder])
    assert [f.path.name for f in files] == ["guide.md"]
    with pytest.raises(MissingLibrary, match="cannot read PDF files: the Python package pypdfium2"):
        require_libraries([".PDF"])


def test_every_format_imports_here() -> None:
    require_libraries([".txt", ".md", ".html", ".htm", ".pdf", ".docx"])


def test_qa_version() -> None:
    from importlib.metadata import version

    result = qa("--version")
    assert result.exit_code == 0 and result.output == f"qa, version {version('qa')}\n"
