"""Documents written to attack the reader: markup, terminal escapes, bidi tricks, XXE.

A document is data. Whatever it holds, qa shows it literally: Rich or Textual markup
is never interpreted, escape sequences never reach the terminal raw (they are shown
as Python-style escapes, ``\\x1b`` for ESC, ``\\u202e`` for a bidi override; see
``qa.text.safe``), while ``--json`` stays exact, so ``text[start:end]`` still holds.
And extracting a document never reads another file or expands an entity bomb.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from textual.geometry import Region
from textual.widgets import OptionList, Static, TextArea

from qa.embedding.encoder import Embedder
from qa.index.builder import build_index
from qa.session import Session
from qa.text.safe import json_line, one_line, printable
from qa.tui.app import QaApp
from qa.tui.screens.quotes import QuotesScreen
from qa.tui.widgets.passage_view import PassageView

from helpers.chat_pilot import ask
from helpers.cli import QA, qa
from helpers.corpus import FIXTURE_DOCS

HANG_GUARD_SECONDS = 600  # against a hang, not a timing assertion

# Each hostile piece, and how it must look on screen.
MARKUP = "[bold red]x[/]"
LINK = "[link=https://evil.example/]click here[/link]"
TEXTUAL_ACTION = "[@click=app.quit]quit now[/]"
TEXTUAL_VARIABLE = "[$accent]themed[/] and $text-accent"
SGR = "\x1b[31mred alert\x1b[0m"
CLEAR = "\x1b[2J"
OSC52 = "\x1b]52;c;aGk=\x07"
OSC0 = "\x1b]0;pwned\x07"
C1 = "\x9b31m and \x85 and \x90q\x9c"
BIDI = "\u202egnp.exe\u202c and \u2066left\u2069 \u2067right\u2069 \u2068first\u2069"
LONE_CR = "50%\rdone"

HOSTILE_TEXT = (
    "Harbour Security Bulletin\n"
    "\n"
    f"The night patrol found {MARKUP} painted on the harbour gate and a note reading "
    f"{LINK} pinned beside it.\r\n"
    f"The console log showed {SGR} and {CLEAR} before the screen went blank, then "
    f"{OSC52} and {OSC0} in the title bar.\n"
    f"The visitor book held {TEXTUAL_ACTION} and {TEXTUAL_VARIABLE} in green ink.\n"
    f"The radio log held the control bytes {C1} between two weather reports.\n"
    f"The file name trick {BIDI} hid what the attachment really was.\n"
    f"The upload counter read {LONE_CR} on the old terminal.\n"
    f"“[bold]Close the gate[/bold] {OSC0} at once,” said Captain Ahab.\n"
)
QUESTION = "What did the night patrol find painted on the harbour gate?"

# Shown on screen for the pieces above (printable's visible forms).
VISIBLE = (
    MARKUP,
    LINK,
    TEXTUAL_ACTION,
    TEXTUAL_VARIABLE,
    "\\x1b[31mred alert\\x1b[0m",
    "\\x1b[2J",
    "\\x1b]52;c;aGk=\\x07",
    "\\x1b]0;pwned\\x07",
    "\\x9b31m and \\x85 and \\x90q\\x9c",
    "\\u202egnp.exe\\u202c and \\u2066left\\u2069 \\u2067right\\u2069 \\u2068first\\u2069",
    "50%\\rdone",
)
# What must never reach a terminal raw: C0 controls but tab and newline, DEL, C1
# controls, bidi controls.
RAW_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
# Rich's own styling on a terminal: SGR sequences, nothing else.
SGR_SEQUENCE = re.compile(r"\x1b\[[0-9;]*m")


class HostileIndex(NamedTuple):
    index_dir: Path
    source: Path
    text: str
    root: Path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> HostileIndex:
    """The hostile bulletin indexed once; nothing outside the index folder is written."""
    root = tmp_path_factory.mktemp("hostile")
    docs = root / "docs"
    docs.mkdir()
    source = docs / "bulletin.txt"
    source.write_bytes(HOSTILE_TEXT.encode("utf-8"))
    index_dir = root / "index"
    before = sorted(p for p in root.rglob("*"))
    report = build_index([docs], index_dir, embedder=embedder)
    assert report.indexed == [str(source)], report
    written = sorted(p for p in root.rglob("*") if index_dir not in (p, *p.parents))
    assert written == before  # indexing wrote nothing outside the index folder
    return HostileIndex(index_dir, source, HOSTILE_TEXT, root)


def assert_terminal_safe(raw: str) -> str:
    """``raw`` terminal output holds no escape but Rich's colours and no raw control
    or bidi character, and shows every hostile piece literally; returns it plain."""
    escapes = re.findall(r"\x1b[^\x1b]{0,12}", raw)
    plain = SGR_SEQUENCE.sub("", raw)
    assert "\x1b" not in plain, [e for e in escapes if not SGR_SEQUENCE.match(e)]
    plain = plain.replace("\r\n", "\n")  # a pty's own line ends
    found = RAW_CONTROL.findall(plain)
    assert not found, found
    return plain


def assert_shows_everything_literally(plain: str) -> None:
    for visible in VISIBLE:
        assert visible in plain, (visible, plain)


@pytest.fixture
def session_model(monkeypatch: pytest.MonkeyPatch, embedder: Embedder) -> None:
    """`qa ask` in-process uses the session's loaded model instead of loading another."""
    import qa.embedding.encoder

    monkeypatch.setattr(qa.embedding.encoder, "Embedder", lambda: embedder)


# --- the command line ------------------------------------------------------------------


def run_on_pty(args: list[str]) -> str:
    """Run `qa ARGS` with its output on a real pseudo-terminal (so it knows it talks to
    a terminal, colours and all) and return everything it wrote."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "400", "LINES": "50", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [QA, *args], stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    chunks: list[bytes] = []
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], HANG_GUARD_SECONDS)
            assert ready, "qa wrote nothing for too long"
            try:
                data = os.read(leader, 65536)
            except OSError:  # EIO: the process closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(leader)
        proc.wait(timeout=HANG_GUARD_SECONDS)
    assert proc.returncode == 0, b"".join(chunks).decode("utf-8", "replace")
    return b"".join(chunks).decode("utf-8")


def test_ask_on_a_terminal_shows_the_document_literally(hostile: HostileIndex) -> None:
    # --passages: every passage whole, so every hostile piece is on screen.
    raw = run_on_pty(["ask", QUESTION, "--passages", "--index", str(hostile.index_dir)])
    assert SGR_SEQUENCE.search(raw), "not treated as a terminal: no colours at all"
    plain = assert_terminal_safe(raw)
    assert "Traceback" not in plain
    assert_shows_everything_literally(plain)
    assert "painted on the harbour gate" in plain
    # By default, the answer and a line per other passage: as safe, and as literal.
    raw = run_on_pty(["ask", QUESTION, "--index", str(hostile.index_dir)])
    plain = assert_terminal_safe(raw)
    assert MARKUP in plain and "painted on the harbour gate" in plain


def test_text_on_a_terminal_is_escaped_and_exact_in_a_pipe(hostile: HostileIndex) -> None:
    raw = run_on_pty(["text", str(hostile.source), "--index", str(hostile.index_dir)])
    plain = assert_terminal_safe(raw)
    assert_shows_everything_literally(plain)
    piped = qa("text", str(hostile.source), "--index", str(hostile.index_dir))
    assert piped.exit_code == 0
    assert piped.stdout_bytes == hostile.source.read_bytes()


@pytest.mark.usefixtures("session_model")
def test_ask_colour_output_is_safe_in_process(hostile: HostileIndex) -> None:
    """The same through the click runner, with Rich told it writes to a terminal."""
    result = qa(
        "ask",
        QUESTION,
        "--passages",
        "--index",
        str(hostile.index_dir),
        env={"TTY_COMPATIBLE": "1"},
    )
    assert result.exit_code == 0, result.output
    assert SGR_SEQUENCE.search(result.stdout)
    plain = assert_terminal_safe(result.stdout)
    assert_shows_everything_literally(plain)
    # The citation's file name stays on its line.
    assert f"— {hostile.source}, " in plain


@pytest.mark.usefixtures("session_model")
def test_ask_json_is_exact_and_terminal_safe(hostile: HostileIndex) -> None:
    result = qa("ask", "--json", QUESTION, "--index", str(hostile.index_dir))
    assert result.exit_code == 0, result.output
    line = result.stdout.rstrip("\n")
    assert "\n" not in line
    assert not RAW_CONTROL.search(line), RAW_CONTROL.findall(line)
    data = json.loads(line)
    text = hostile.text
    answer = data["answer"]
    assert answer is not None and MARKUP in answer["text"]
    assert answer["text"] == text[answer["start"] : answer["end"]]
    assert data["passages"]
    for p in data["passages"]:
        assert p["text"] == text[p["start"] : p["end"]]
    everything = "".join(p["text"] for p in data["passages"])
    for piece in (MARKUP, LINK, SGR, CLEAR, OSC52, OSC0, C1, BIDI, LONE_CR):
        assert piece in everything, piece


def test_quotes_human_and_json(hostile: HostileIndex) -> None:
    result = qa("quotes", "--index", str(hostile.index_dir), env={"TTY_COMPATIBLE": "1"})
    assert result.exit_code == 0, result.output
    plain = assert_terminal_safe(result.stdout)
    assert "“[bold]Close the gate[/bold] \\x1b]0;pwned\\x07 at once”" in plain
    assert "— Ahab" in plain

    result = qa("quotes", "--json", "--index", str(hostile.index_dir))
    assert result.exit_code == 0, result.output
    assert not RAW_CONTROL.search(result.stdout)
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    gate = next(h for h in hits if "Close the gate" in h["quote"])
    assert gate["quote"] == hostile.text[gate["start"] : gate["end"]]
    assert OSC0 in gate["quote"]
    assert gate["speaker"] == "Ahab"


def test_verify_human_and_json(hostile: HostileIndex) -> None:
    wanted = f"found {MARKUP} painted on the harbour gate"
    result = qa("verify", wanted, "--index", str(hostile.index_dir), env={"TTY_COMPATIBLE": "1"})
    assert result.exit_code == 0, result.output
    plain = assert_terminal_safe(result.stdout)
    assert f"Quote: {wanted}" in plain
    assert "exact" in plain and MARKUP in plain

    # A remembered quote holding escapes: shown escaped, found exactly.
    wanted = f"showed {SGR} and {CLEAR} before"
    result = qa("verify", wanted, "--index", str(hostile.index_dir), env={"TTY_COMPATIBLE": "1"})
    assert result.exit_code == 0, result.output
    plain = assert_terminal_safe(result.stdout)
    assert "showed \\x1b[31mred alert\\x1b[0m and \\x1b[2J before" in plain

    result = qa("verify", "--json", wanted, "--index", str(hostile.index_dir))
    assert result.exit_code == 0, result.output
    assert not RAW_CONTROL.search(result.stdout)
    data = json.loads(result.stdout)
    assert data["query"] == wanted
    match = data["matches"][0]
    assert match["grade"] == "exact"
    assert match["text"] == hostile.text[match["start"] : match["end"]] == wanted


def test_index_summary_names_hostile_files_on_one_line(tmp_path: Path) -> None:
    """A skipped file whose name holds markup, an escape or a line break is listed on
    one line, literally."""
    docs = tmp_path / "docs"
    docs.mkdir()
    names = ["[bold]x[red].txt", "esc\x1b]0;pwned\x07.txt", "line\nbreak.txt", "\u202etxt.exe.md"]
    for name in names:
        (docs / name).write_bytes(b"")
    result = qa("index", str(docs), "--index", str(tmp_path / "idx"), env={"TTY_COMPATIBLE": "1"})
    assert result.exit_code == 1
    plain = assert_terminal_safe(result.stdout)
    for name in names:
        assert f"skipped {one_line(str(docs / name))}: empty document" in plain.splitlines()


def test_display_helpers() -> None:
    """The visible forms, and the JSON line that decodes to the very same text."""
    assert printable("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert printable("crlf\r\nline\rcr\ttab") == "crlf\nline\\rcr\ttab"
    assert printable("\u202eabc\u2069\x9b") == "\\u202eabc\\u2069\\x9b"
    assert one_line("a\nb\tc\r\n") == "a\\nb\\tc\\r\\n"
    obj = {"t": HOSTILE_TEXT + "\u2028\u2029\x7f"}
    line = json_line(obj)
    assert json.loads(line) == obj
    assert "\n" not in line and not RAW_CONTROL.search(line)
    assert "\u2028" not in line and "\u2029" not in line


# --- the chat ---------------------------------------------------------------------------


def rendered(widget: Any) -> Iterator[str]:
    """The text of every segment the widget draws on the screen, line by line."""
    width, height = widget.size
    for strip in widget.render_lines(Region(0, 0, width, height)):
        yield "".join(segment.text for segment in strip)


def assert_screen_safe(lines: list[str]) -> str:
    text = "\n".join(lines)
    assert "\x1b" not in text
    assert not RAW_CONTROL.search(text), RAW_CONTROL.findall(text)
    return text


@pytest.mark.anyio
async def test_chat_shows_the_document_literally(
    hostile: HostileIndex, embedder: Embedder, tmp_path: Path
) -> None:
    app = QaApp(tmp_path / "copies", engine=lambda: Session(hostile.index_dir, embedder=embedder))
    async with app.run_test(size=(160, 60)) as pilot:
        card = await ask(pilot, QUESTION)
        assert card.answer is not None and card.answer.answer is not None

        # The widgets' content: literal text, with styles only from qa itself.
        answer = card.query_one(".a", Static).content
        views = list(card.query(PassageView))
        assert views
        contents = [answer, *(v.content for v in views)]
        everything = "\n".join(c.plain for c in contents)
        assert_screen_safe([everything])
        assert_shows_everything_literally(everything)
        for content in contents:
            for span in content.spans:
                style = str(span.style)
                assert "link" not in style and "click" not in style and "red" not in style

        # What is drawn on the screen: the same, no raw escape in any segment.
        await pilot.pause()
        drawn = assert_screen_safe([line for v in views for line in rendered(v)])
        assert MARKUP in drawn and "\\x1b]52;c;aGk=\\x07" in drawn
        assert "\\u202egnp.exe" in drawn
        svg = app.export_screenshot()
        assert "\x1b" not in svg and not RAW_CONTROL.search(svg)

        # The source pane: the whole document, escaped the same way.
        await pilot.press("escape", "enter")
        await pilot.pause()
        area = app.query_one("#source-text", TextArea)
        assert area.text == printable(hostile.text)
        assert_screen_safe([area.text])
        p = card.answer.passages[0]
        assert area.selected_text == printable(hostile.text[p.highlight.start : p.highlight.end])
        title = app.query_one("#source-title", Static).content.plain
        assert_screen_safe([title])

        # The quotes view (ctrl+o): the quotation literally, with its speaker.
        await pilot.press("ctrl+o")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuotesScreen)
        options = screen.query_one("#quotes", OptionList).options
        prompts = [getattr(o.prompt, "renderable", o.prompt).plain for o in options]
        listed = assert_screen_safe(prompts)
        assert "“[bold]Close the gate[/bold] \\x1b]0;pwned\\x07 at once”" in listed
        assert "Ahab  1 quotation" in listed
        context = screen.query_one("#quote-context", Static).content.plain
        assert "[bold]Close the gate[/bold]" in assert_screen_safe([context])
        assert not RAW_CONTROL.search(app.export_screenshot())


# --- extraction: no external entities, no entity bombs ----------------------------------

BILLION_LAUGHS_DTD = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
    for i in range(1, 10)
)


def hostile_docx(path: Path, doctype: str, words: str) -> None:
    """A copy of the report fixture whose document.xml starts with ``doctype`` and
    whose first body paragraph ends with ``words`` (entity references)."""
    with (
        zipfile.ZipFile(FIXTURE_DOCS / "report.docx") as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                xml = data.decode("utf-8")
                decl_end = xml.index("?>") + 2 if xml.startswith("<?xml") else 0
                xml = xml[:decl_end] + doctype + xml[decl_end:]
                xml = xml.replace(
                    "The orchard produced a record apple harvest this quarter.",
                    f"The orchard produced a record apple harvest. {words}",
                )
                data = xml.encode("utf-8")
            dst.writestr(info, data)


EXTRACT = """
import sys
from pathlib import Path
from qa.errors import ExtractionError
from qa.ingest.extract import extract
try:
    doc = extract(Path(sys.argv[1]))
except ExtractionError as exc:
    print("ERROR:" + str(exc))
else:
    sys.stdout.write("TEXT:" + doc.text)
"""


def extract_in_child(path: Path) -> str:
    """Extract in a child process, so an entity bomb could not take the test run down;
    the timeout is a guard against a hang, not a timing assertion."""
    result = subprocess.run(
        [sys.executable, "-c", EXTRACT, str(path)],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_SECONDS,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOPSECRET-7f3a9c\n", encoding="utf-8")
    return path


def test_docx_external_entity_is_never_read(tmp_path: Path, secret: Path) -> None:
    """An external entity (and a parameter entity) in document.xml: the document is
    read, the entity is not, and nothing of the secret file comes out."""
    path = tmp_path / "xxe.docx"
    doctype = (
        f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">'
        f'<!ENTITY % pe SYSTEM "file://{secret}">]>'
    )
    hostile_docx(path, doctype, "Secret: &xxe; end.")
    out = extract_in_child(path)
    assert "TOPSECRET" not in out
    assert out.startswith("TEXT:"), out
    assert "The orchard produced a record apple harvest. Secret:" in out
    assert "Next quarter we will plant forty new pear trees." in out


def test_docx_billion_laughs_is_refused(tmp_path: Path) -> None:
    """Nine levels of ten: a billion "lol"s if expanded. libxml2's amplification guard
    stops the parse; the file is reported as unreadable, in bounded time and memory."""
    path = tmp_path / "bomb.docx"
    hostile_docx(path, f"<!DOCTYPE w:document [{BILLION_LAUGHS_DTD}]>", "Bomb: &lol9; end.")
    out = extract_in_child(path)
    assert "lollollol" not in out
    assert out == "ERROR:corrupt or unreadable DOCX\n", out


@pytest.mark.parametrize(
    "page",
    [
        # An XHTML page declaring an external and a parameter entity.
        '<?xml version="1.0"?>\n<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">'
        '<!ENTITY % pe SYSTEM "file://{secret}"> %pe;]>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><article><h1>Harbour News</h1>'
        "<p>The harbour reopened on Monday after repairs. Entity: &xxe; end.</p>"
        "<p>Ferries run every hour from the north quay until late evening.</p>"
        "</article></body></html>",
        # Billion laughs in an HTML doctype.
        "<!DOCTYPE html [" + BILLION_LAUGHS_DTD + "]>"
        "<html><body><article><h1>Harbour News</h1>"
        "<p>The harbour reopened on Monday after repairs. Bomb: &lol9; end.</p>"
        "<p>Ferries run every hour from the north quay until late evening.</p>"
        "</article></body></html>",
        # Elements that would fetch the file in a browser.
        '<html><head><link rel="stylesheet" href="file://{secret}">'
        '<base href="file://{secret}"></head><body><article><h1>Harbour News</h1>'
        '<p>The harbour reopened on Monday after repairs.<img src="file://{secret}"></p>'
        '<iframe src="file://{secret}"></iframe><object data="file://{secret}"></object>'
        "<p>Ferries run every hour from the north quay until late evening.</p>"
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://{secret}" '
        'parse="text"/></article></body></html>',
    ],
    ids=["external-entity", "billion-laughs", "fetching-elements"],
)
def test_html_never_reads_other_files(tmp_path: Path, secret: Path, page: str) -> None:
    path = tmp_path / "page.html"
    path.write_text(page.replace("{secret}", str(secret)), encoding="utf-8")
    out = extract_in_child(path)
    assert "TOPSECRET" not in out
    assert "lollollol" not in out
    assert len(out) < 10_000
    assert out.startswith("TEXT:"), out
    assert "Ferries run every hour from the north quay" in out
