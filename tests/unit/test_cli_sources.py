"""`qa text SOURCE`: any path that reaches an indexed file names its document, and so
does its file name when no other document has it (qa.cli.sources, on real files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.cli.sources import AmbiguousSource, find_source


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """docs/report.txt, docs/notes.txt and archive/notes.txt, indexed from tmp_path."""
    for name in ("docs/report.txt", "docs/notes.txt", "archive/notes.txt"):
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"The text of {name}.\n", encoding="utf-8")
    return tmp_path


SOURCES = ["docs/report.txt", "docs/notes.txt", "archive/notes.txt"]


@pytest.mark.parametrize(
    "typed", ["docs/report.txt", "./docs/report.txt", "docs//report.txt", "report.txt"]
)
def test_paths_and_the_file_name_name_the_document(tree: Path, typed: str) -> None:
    assert find_source(SOURCES, typed, cwd=tree) == "docs/report.txt"


def test_an_absolute_path_and_a_roundabout_one(tree: Path) -> None:
    absolute = str(tree / "docs" / "report.txt")
    assert find_source(SOURCES, absolute, cwd=tree) == "docs/report.txt"
    assert find_source(SOURCES, "archive/../docs/report.txt", cwd=tree) == "docs/report.txt"


def test_a_symlink_to_the_file_names_it(tree: Path) -> None:
    (tree / "latest.txt").symlink_to(tree / "docs" / "report.txt")
    assert find_source(SOURCES, "latest.txt", cwd=tree) == "docs/report.txt"
    assert find_source(SOURCES, str(tree / "latest.txt"), cwd=tree) == "docs/report.txt"


def test_an_indexed_symlink_is_found_by_its_target(tree: Path) -> None:
    (tree / "current").symlink_to(tree / "docs")
    assert find_source(["current/report.txt"], "docs/report.txt", cwd=tree) == (
        "current/report.txt"
    )


def test_an_absolute_index_is_found_by_a_relative_path(tree: Path) -> None:
    sources = [str(tree / s) for s in SOURCES]
    assert find_source(sources, "docs/notes.txt", cwd=tree) == str(tree / "docs/notes.txt")
    assert find_source(sources, "report.txt", cwd=tree) == str(tree / "docs/report.txt")


def test_a_shared_file_name_names_both_documents(tree: Path) -> None:
    with pytest.raises(AmbiguousSource, match=r"^notes.txt names 2 indexed documents: "):
        find_source(SOURCES, "notes.txt", cwd=tree)
    assert find_source(SOURCES, "archive/notes.txt", cwd=tree) == "archive/notes.txt"


@pytest.mark.parametrize(
    "typed", ["nowhere.txt", "docs/nowhere.txt", "/docs/report.txt", "port.txt"]
)
def test_no_document_is_none(tree: Path, typed: str) -> None:
    assert find_source(SOURCES, typed, cwd=tree) is None
