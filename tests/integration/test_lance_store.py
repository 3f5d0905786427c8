"""An index on Lance tables (`qa index --store lance`) answers as the SQLite store does,
and grows by appending: new and changed files are written as new fragments, deleted ones
removed, and readers move to a new commit at their next question."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa.answer.ask import ask
from qa.embedding.encoder import Embedder
from qa.index.builder import build_index
from qa.index.lance_store import LANCE_FLAT, LANCE_IVF
from qa.index.lance_tables import CHUNKS, connect, is_lance_index
from qa.index.reader import Index, manifest_signature, open_index
from qa.session import Session

from helpers.cli import qa
from helpers.corpus import FIXTURE_DOCS, SAMPLE_ARTICLE

DOCUMENTS = ("article.html", "three_pages.pdf", "report.docx", "guide.md")
QUESTIONS = (
    "How many North Korean soldiers were sent to Russia?",
    'Who said "cannon fodder"?',
    "What did Zelenskyy urge allies to do?",
    "Where are the troops amassing?",
    "What is the capital of Australia?",
)
TUNGSTEN = (
    "Tungsten boils at 5,828 kelvin, the highest boiling point of any metal.\n\n"
    '"Nothing else comes close," said Marie Curtis, a metallurgist.\n'
)


def _open(index_dir: Path) -> Index:
    index = open_index(index_dir)
    assert index is not None
    return index


def _folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> tuple[Index, Index]:
    """The sample article and four formats, indexed into SQLite and into Lance tables."""
    root = tmp_path_factory.mktemp("stores")
    docs = root / "docs"
    docs.mkdir()
    shutil.copyfile(SAMPLE_ARTICLE, docs / SAMPLE_ARTICLE.name)
    for name in DOCUMENTS:
        shutil.copyfile(FIXTURE_DOCS / name, docs / name)
    build_index([docs], root / "sqlite", embedder=embedder)
    report = build_index([docs], root / "lance", embedder=embedder, storage="lance")
    assert len(report.indexed) == 5 and not report.skipped
    assert is_lance_index(root / "lance")
    return _open(root / "sqlite"), _open(root / "lance")


def test_lance_store_holds_the_same_text_offsets_and_quotations(both: tuple[Index, Index]):
    sqlite, lance = both
    assert lance.manifest.storage == "lance" and lance.manifest.vector_index == LANCE_FLAT
    assert lance.counts() == sqlite.counts()
    assert lance.manifest.documents == sqlite.manifest.documents
    for source in sqlite.manifest.documents:
        a, b = sqlite.document_by_source(source), lance.document_by_source(source)
        assert a is not None and b is not None
        assert (b.text, b.page_starts, b.paragraphs, b.title) == (
            a.text,
            a.page_starts,
            a.paragraphs,
            a.title,
        )
        ids_a, ids_b = sqlite.chunk_ids(source), lance.chunk_ids(source)
        chunks_a, chunks_b = sqlite.chunks(ids_a), lance.chunks(ids_b)
        spans = [(c.start, c.end, c.sentences, c.heading_index) for c in chunks_a.values()]
        assert [(c.start, c.end, c.sentences, c.heading_index) for c in chunks_b.values()] == (
            spans
        )
        texts_a = sqlite.chunk_texts(chunks_a.values())
        texts_b = lance.chunk_texts(chunks_b.values())
        assert [texts_b[i] for i in ids_b] == [texts_a[i] for i in ids_a]
        quotes = [(q.start, q.end, q.speaker, q.mention) for q in sqlite.quotes([a.id])]
        assert [(q.start, q.end, q.speaker, q.mention) for q in lance.quotes([b.id])] == quotes
    assert sorted(lance.speakers()) == sorted(sqlite.speakers())
    terms = ("troop", "russia", "kursk", "tungsten")
    assert lance.term_frequencies(terms) == sqlite.term_frequencies(terms)


def test_lance_store_gives_the_same_answers_and_citations(
    both: tuple[Index, Index], embedder: Embedder
):
    sqlite, lance = both
    for question in QUESTIONS:
        a = ask(sqlite, embedder, question).to_json()
        b = ask(lance, embedder, question).to_json()
        assert (b["answer"] or {}).get("citation") == (a["answer"] or {}).get("citation")
        assert (b["answer"] or {}).get("text") == (a["answer"] or {}).get("text")
        top = [(p["source"], p["start"], p["end"], p["citation"]) for p in a["passages"][:3]]
        assert [(p["source"], p["start"], p["end"], p["citation"]) for p in b["passages"][:3]] == (
            top
        )


def test_phrases_and_keywords_are_found_in_lance(both: tuple[Index, Index]):
    sqlite, lance = both
    hits = lance.phrase_hits(["cannon fodder"], 10)
    assert hits and {i for i, _ in hits} == {
        i for i, _ in sqlite.phrase_hits(["cannon fodder"], 10)
    }
    assert not lance.phrase_hits(["fodder cannon"], 10)  # word for word, in order
    lexical = [i for i, _ in lance.lexical(["kursk"], 5)]
    assert lexical and set(lexical) == {i for i, _ in sqlite.lexical(["kursk"], 5)}


def test_an_update_appends_and_a_reader_moves_at_its_next_question(
    tmp_path: Path, embedder: Embedder
):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copyfile(SAMPLE_ARTICLE, docs / SAMPLE_ARTICLE.name)
    index_dir = tmp_path / "index"
    build_index([docs], index_dir, embedder=embedder, storage="lance")
    session = Session(index_dir, embedder=embedder)
    session.open_or_build(lambda paths, rebuild: pytest.fail("built"), notify=print)
    before = session.ask("What is the boiling point of tungsten?")
    assert before.answer is None  # "not found": no document says
    signature, size = manifest_signature(index_dir), _folder_bytes(index_dir)

    (docs / "tungsten.txt").write_text(TUNGSTEN, encoding="utf-8")
    report = build_index([docs], index_dir, embedder=embedder)  # it stays on Lance
    assert report.indexed == [str(docs / "tungsten.txt")] and report.unchanged == 1
    # Appended, not copied: the update wrote a small fraction of what the index holds.
    assert _folder_bytes(index_dir) - size < size / 4
    assert manifest_signature(index_dir) != signature

    after = session.ask("What is the boiling point of tungsten?").to_json()
    assert after["answer"]["source"] == str(docs / "tungsten.txt")
    assert "5,828 kelvin" in after["answer"]["text"]
    assert after["answer"]["citation"].startswith(str(docs / "tungsten.txt"))
    said = session.ask('Who said "Nothing else comes close"?').to_json()
    assert said["answer"]["speaker"] == "Marie Curtis"


def test_changed_and_deleted_files_leave_the_lance_index(tmp_path: Path, embedder: Embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copyfile(SAMPLE_ARTICLE, docs / SAMPLE_ARTICLE.name)
    (docs / "tungsten.txt").write_text(TUNGSTEN, encoding="utf-8")
    index_dir = tmp_path / "index"
    build_index([docs], index_dir, embedder=embedder, storage="lance")
    first = _open(index_dir)
    assert first.term_frequencies(["tungsten"])[0] == {"tungsten": 1}

    (docs / "tungsten.txt").write_text(
        TUNGSTEN.replace("5,828 kelvin", "about 5,900 kelvin"), encoding="utf-8"
    )
    report = build_index([docs], index_dir, embedder=embedder)
    assert report.indexed == [str(docs / "tungsten.txt")]
    changed = _open(index_dir)
    answer = ask(changed, embedder, "What is the boiling point of tungsten?").to_json()
    assert "about 5,900 kelvin" in answer["answer"]["text"]
    assert changed.counts() == first.counts()
    assert changed.term_frequencies(["tungsten"])[0] == {"tungsten": 1}

    (docs / "tungsten.txt").unlink()
    report = build_index([docs], index_dir, embedder=embedder)
    assert report.removed == [str(docs / "tungsten.txt")]
    gone = _open(index_dir)
    assert list(gone.manifest.documents) == [str(docs / SAMPLE_ARTICLE.name)]
    assert gone.term_frequencies(["tungsten"])[0] == {}
    assert not [q for q in gone.quotes() if q.speaker == "Marie Curtis"]
    assert gone.counts()[1] == len(gone.chunk_ids())
    # The reader opened before still reads its own commit whole.
    assert first.document_by_source(str(docs / "tungsten.txt")) is not None


def test_optimize_folds_appended_rows_into_the_indexes(tmp_path: Path, embedder: Embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copyfile(SAMPLE_ARTICLE, docs / SAMPLE_ARTICLE.name)
    index_dir = tmp_path / "index"
    build_index([docs], index_dir, embedder=embedder, storage="lance")
    (docs / "tungsten.txt").write_text(TUNGSTEN, encoding="utf-8")
    build_index([docs], index_dir, embedder=embedder)

    def unindexed() -> int:
        table = connect(index_dir).open_table(_open(index_dir).manifest.tables[CHUNKS][0])
        stats = [ix for ix in table.list_indices() if "terms" in ix.columns]
        return int(stats[0].num_unindexed_rows)

    assert unindexed() > 0
    reader = _open(index_dir)
    before = ask(reader, embedder, "What is the boiling point of tungsten?").to_json()
    result = qa("index", "--index", str(index_dir), "--optimize")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"optimized {index_dir}:")
    assert unindexed() == 0
    after = ask(_open(index_dir), embedder, "What is the boiling point of tungsten?").to_json()
    assert after["answer"] == before["answer"]
    # A reader that opened before goes on reading the versions it has, unblocked.
    again = ask(reader, embedder, "What is the boiling point of tungsten?").to_json()
    assert again["answer"] == before["answer"]


def test_storage_choices_are_one_line_errors(tmp_path: Path, sample_index, embedder: Embedder):
    result = qa("index", str(tmp_path), "--index", str(sample_index.index_dir), "--store", "lance")
    assert result.exit_code == 1
    assert "is stored in SQLite" in result.output and "Traceback" not in result.output
    result = qa("index", "--index", str(sample_index.index_dir), "--optimize")
    assert result.exit_code != 0 and "not an index on Lance tables" in result.output
    lance_dir = tmp_path / "lance"
    build_index([SAMPLE_ARTICLE], lance_dir, embedder=embedder, storage="lance")
    result = qa("index", str(SAMPLE_ARTICLE), "--index", str(lance_dir), "--store", "sqlite")
    assert result.exit_code == 1 and "is stored in Lance tables" in result.output


def test_past_exact_search_the_vector_index_finds_the_same_passages(
    tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
):
    """Above EXACT_MAX chunks the dense channel is Lance's IVF index with a refine step
    (here the threshold is lowered, so a small index gets one)."""
    import qa.index.lance_writer

    exact_dir, ivf_dir = tmp_path / "exact", tmp_path / "ivf"
    build_index([SAMPLE_ARTICLE], exact_dir, embedder=embedder, storage="lance")
    monkeypatch.setattr(qa.index.lance_writer, "EXACT_MAX", 3)
    build_index([SAMPLE_ARTICLE], ivf_dir, embedder=embedder, storage="lance")
    exact, ivf = _open(exact_dir), _open(ivf_dir)
    assert (exact.manifest.vector_index, ivf.manifest.vector_index) == (LANCE_FLAT, LANCE_IVF)
    for question in QUESTIONS[:3]:
        vector = embedder.encode([question])[0]
        top = [i for i, _ in exact.dense(vector, 3)]
        assert [i for i, _ in ivf.dense(vector, 3)] == top
        assert (
            ask(ivf, embedder, question).to_json()["answer"]
            == (ask(exact, embedder, question).to_json()["answer"])
        )


def test_emptying_a_folder_removes_its_documents_and_succeeds(tmp_path: Path, embedder: Embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "tungsten.txt").write_text(TUNGSTEN, encoding="utf-8")
    index_dir = tmp_path / "index"
    build_index([docs], index_dir, embedder=embedder, storage="lance")
    (docs / "tungsten.txt").unlink()
    result = qa("index", str(docs), "--index", str(index_dir))
    assert result.exit_code == 0, result.output
    assert "0 indexed, 0 unchanged, 1 removed" in result.output
    assert not _open(index_dir).manifest.documents
