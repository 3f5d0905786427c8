"""Whatever is typed as a question, qa answers, says "not found", or prints one line.

Questions come from people and scripts: empty, pasted pages, punctuation, other
scripts, emoji, control characters, unbalanced quotes, and text that is FTS5 query
syntax. None of it may crash `qa ask` (human or --json), `qa ask -`, or the core
``qa.answer.ask.ask``, or be misread as a query operator.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.answer.ask import ask
from qa.answer.model import Answer
from qa.answer.question import Question
from qa.embedding.encoder import Embedder
from qa.index.reader import Index
from qa.index.store import all_phrases_query, any_words_query
from qa.text.safe import NOT_FOUND

from helpers.cli import assert_one_line_error, qa

TROOPS = "How many North Korean troops arrived in Russia?"

# (id, question): every kind of odd input a user or a script may send.
FUZZ: list[tuple[str, str]] = [
    ("empty", ""),
    ("space", " "),
    ("whitespace", " \t\r\n "),
    ("100k-letters", "x" * 100_000),
    ("100k-words", "troops " * 14_286),
    ("100k-quoted", "“" + "soldiers " * 11_111 + "”"),
    ("punctuation", "?!.,;:…—()[]{}<>/\\|@#$%^&*_+=~`"),
    ("dots", "..."),
    ("chinese", "有多少朝鲜士兵抵达俄罗斯？"),
    ("arabic", "كم عدد الجنود الكوريين الشماليين الذين وصلوا إلى روسيا؟"),
    ("emoji", "🚀🔥💥 🇰🇵 👩‍👩‍👧"),
    ("emoji-words", "How many 🪖 troops arrived in Russia? 🇷🇺"),
    ("control", "\x00\x01\x1b[2J\x1b]0;pwned\x07\x7f\x9b"),
    ("control-in-question", "How many\x1b[31m troops\x00 arrived\r in Russia?"),
    ("bidi", "\u202eHow many troops?\u2066\u2069"),
    ("combining", "e\u0301" * 500),
    ("bom", "\ufeff"),
    ("straight-quote", '"'),
    ("curly-quote", "“"),
    ("unbalanced-straight", 'How many "troops arrived in Russia?'),
    ("unbalanced-curly", "How many “troops arrived in Russia?"),
    ("empty-quotes", '""'),
    ("quotes-only", '"""“”„«»'),
    ("quoted-star", '"*"'),
    ("near", "NEAR("),
    ("near-group", "NEAR(troops Russia, 2)"),
    ("and-or", "AND OR"),
    ("not", "NOT troops"),
    ("star", "*"),
    ("prefix", "troop*"),
    ("minus", '"a" - b'),
    ("column", "body:troops"),
    ("caret", "^troops"),
    ("parens", "((troops) OR (Russia"),
    ("quoted-operator", 'Who said "NEAR("?'),
    ("quote-question-odd", "What did AND OR say?"),
    ("quotes-by-star", "quotes by *"),
    ("sql", "'; DROP TABLE chunks; --"),
    ("lone-surrogate", "troops \udcff in Russia"),
]
IDS = [case_id for case_id, _ in FUZZ]
QUESTIONS = [question for _, question in FUZZ]
BLANK = {"empty", "space", "whitespace"}


@pytest.fixture(scope="module")
def index(sample_index: Any, open_index: Callable[[Path], Index]) -> Index:
    return open_index(sample_index.index_dir)


@pytest.fixture
def session_model(monkeypatch: pytest.MonkeyPatch, embedder: Embedder) -> None:
    """`qa ask` in-process uses the session's loaded model instead of loading another."""
    import qa.embedding.encoder

    monkeypatch.setattr(qa.embedding.encoder, "Embedder", lambda: embedder)


def check_answer(index: Index, answer: Answer) -> None:
    """Offsets point at the text shown, and the JSON form decodes."""
    docs: dict[str, str] = {}

    def text_of(source: str) -> str:
        if source not in docs:
            doc = index.document_by_source(source)
            assert doc is not None, source
            docs[source] = doc.text
        return docs[source]

    if answer.answer is not None:
        a = answer.answer
        assert a.text == text_of(a.source)[a.start : a.end]
    for p in answer.passages:
        assert p.text == text_of(p.source)[p.start : p.end]
        assert p.start <= p.highlight.start <= p.highlight.end <= p.end
    json.loads(json.dumps(answer.to_json()))


@pytest.mark.parametrize("question", QUESTIONS, ids=IDS)
def test_core_ask_never_fails(index: Index, embedder: Embedder, question: str) -> None:
    answer = ask(index, embedder, question)
    check_answer(index, answer)
    assert "\udcff" not in answer.question


def ask_cli(*args: str, input: str | bytes | None = None) -> Result:
    return qa("ask", *args, input=input)


@pytest.mark.usefixtures("session_model")
@pytest.mark.parametrize("question", QUESTIONS, ids=IDS)
def test_cli_human(sample_index: Any, question: str, request: pytest.FixtureRequest) -> None:
    result = ask_cli(question, "--index", str(sample_index.index_dir))
    assert "Traceback" not in result.output
    if request.node.callspec.id in BLANK:
        assert_one_line_error(result, message="the question is empty")
        return
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Q: ")  # the question on one line, however long or odd
    assert f"{NOT_FOUND}." in lines or any(
        line.startswith(("Answer (score", "Quotation (", "Reported speech (")) for line in lines
    ), result.stdout


@pytest.mark.usefixtures("session_model")
def test_cli_json_through_stdin_one_line_each(sample_index: Any) -> None:
    """Every non-blank fuzz question, one per line, in one `qa ask --json -` run."""
    lines = [q for q in QUESTIONS if "\n" not in q and "\r" not in q and q.strip()]
    stdin = "\n".join(q.replace("\udcff", "\ufffd") for q in lines) + "\n"
    result = ask_cli("--json", "-", "--index", str(sample_index.index_dir), input=stdin)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    out = result.stdout.splitlines()
    assert len(out) == len(lines)
    for question, line in zip(lines, out, strict=True):
        data = json.loads(line)
        assert set(data) >= {"question", "answer", "passages"}
        assert data["question"] == question.strip().replace("\udcff", "\ufffd")


@pytest.mark.usefixtures("session_model")
@pytest.mark.parametrize(
    ("question", "echo"),
    [
        (TROOPS, TROOPS),
        ("troops \udcff in Russia", "troops \ufffd in Russia"),  # argv with a bad byte
        ("\x00\x1b[2J", "\x00\x1b[2J"),
        ('"a" - b', '"a" - b'),
    ],
)
def test_cli_json_argument(sample_index: Any, question: str, echo: str) -> None:
    result = ask_cli("--json", question, "--index", str(sample_index.index_dir))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["question"] == echo


@pytest.mark.usefixtures("session_model")
def test_cli_json_empty_question_is_one_line_error(sample_index: Any) -> None:
    result = ask_cli("--json", "  ", "--index", str(sample_index.index_dir))
    assert_one_line_error(result, message="the question is empty")


@pytest.mark.usefixtures("session_model")
def test_stdin_that_is_not_utf8(sample_index: Any) -> None:
    """A Latin-1 line among UTF-8 ones: the bad byte is replaced, the batch goes on."""
    stdin = TROOPS.encode() + b"\nWie viele Soldaten kamen nach Russland? Gr\xfc\xdfe\n"
    result = ask_cli("--json", "-", "--index", str(sample_index.index_dir), input=stdin)
    assert result.exit_code == 0, result.output
    questions = [json.loads(line)["question"] for line in result.stdout.splitlines()]
    assert questions == [TROOPS, "Wie viele Soldaten kamen nach Russland? Gr\ufffd\ufffde"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=120))
def test_random_questions(index: Index, embedder: Embedder, question: str) -> None:
    check_answer(index, ask(index, embedder, question))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80).filter(lambda s: "\x00" not in s))
def test_fts_queries_are_always_valid_syntax(question: str) -> None:
    """The FTS5 queries built from any text parse: a syntax error would otherwise be
    swallowed by the store and silently lose the lexical channel."""
    conn = _fts()
    parsed = Question.parse(question.encode("utf-8", "replace").decode("utf-8"))
    for match in (any_words_query(parsed.keywords), all_phrases_query(parsed.phrases)):
        if match:
            conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,)).fetchall()


_FTS: list[sqlite3.Connection] = []


def _fts() -> sqlite3.Connection:
    """One in-memory FTS5 table with the index's tokenizer."""
    if not _FTS:
        conn = sqlite3.connect(":memory:")
        conn.execute(
            "CREATE VIRTUAL TABLE t USING fts5(body, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        conn.execute("INSERT INTO t VALUES ('North Korean troops arrived in Russia')")
        _FTS.append(conn)
    return _FTS[0]
