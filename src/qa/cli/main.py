"""The `qa` command line: a thin layer over the core.

Everything heavy (numpy, FAISS, spaCy, torch) is imported inside the commands, so
`qa --help` answers at once. Errors a user can cause or fix print one line and exit
non-zero; tracebacks are only shown with QA_DEBUG=1.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from qa.config import DEFAULT_DOCS, DEFAULT_INDEX, debug, default_documents
from qa.index.location import IndexPath

if TYPE_CHECKING:
    from qa.conversation import Conversation
    from qa.embedding.encoder import Encoder
    from qa.index.builder import IndexReport
    from qa.session import Session

EXIT_ERROR = 1
EXIT_USAGE = 2
RAY_LOCAL = "local"  # `--ray` without an address


class UserError(click.ClickException):
    """A one-line error for the user; exit status 1."""

    exit_code = EXIT_ERROR

    def show(self, file: Any = None) -> None:
        click.echo(f"qa: error: {self.format_message()}", err=True)


class SetupError(UserError):
    """A one-line error about qa's installation (a library missing); exit status 2."""

    exit_code = EXIT_USAGE


def _friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the core's expected failures into one-line errors, never tracebacks."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import sqlite3

        from qa.errors import MissingLibrary, QaError

        try:
            return func(*args, **kwargs)
        except MissingLibrary as exc:  # the installation, not the input: status 2
            raise SetupError(str(exc)) from None
        except QaError as exc:  # every error the core means a user to read
            raise UserError(str(exc)) from None
        except sqlite3.DatabaseError as exc:
            # A damaged store page may only show when a query reaches it, long after
            # the index opened; it is still the index's fault, and rebuilding fixes it.
            from qa.index.reader import damaged

            where = kwargs.get("index_dir") or DEFAULT_INDEX
            raise UserError(str(damaged(where, f"store: {exc}"))) from None
        except KeyboardInterrupt as exc:
            click.echo(f"qa: interrupted{_after_interrupt(exc)}", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(0)
        except (click.ClickException, SystemExit):
            raise
        except Exception as exc:
            if debug():
                raise
            raise UserError(f"{exc.__class__.__name__}: {exc} (QA_DEBUG=1 shows details)") from None

    return wrapper


def _after_interrupt(exc: KeyboardInterrupt) -> str:
    """What Ctrl-C left of the index, for the one line that reports it."""
    from qa.errors import InterruptedAfterUpdate, InterruptedPartway

    if isinstance(exc, InterruptedPartway):
        return (
            f"; {exc.saved} of this run's {exc.total} files were saved "
            "(the same command goes on from there)"
        )
    if isinstance(exc, InterruptedAfterUpdate):
        return "; the update was already saved (the index holds this run's documents)"
    return "; the index is as it was before this run"


def _console(err: bool = False) -> Any:
    from rich.console import Console

    stream = sys.stderr if err else sys.stdout
    # Wrap for a person at a terminal; never break lines that a pipe or file receives.
    return Console(stderr=err, highlight=False, soft_wrap=not stream.isatty())


def _progress_bar(enabled: bool) -> Any:
    """A Rich progress display on a terminal, and a no-op elsewhere."""
    from contextlib import nullcontext

    if not enabled:
        return nullcontext(lambda *_: None)

    from contextlib import contextmanager

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    @contextmanager
    def bar() -> Iterator[Callable[[str, int, int], None]]:
        with Progress(
            TextColumn("{task.description:<13}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=_console(err=True),
            transient=True,
        ) as prog:
            tasks: dict[str, Any] = {}

            def update(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = prog.add_task(stage, total=total)
                prog.update(tasks[stage], completed=done, total=total)

            yield update

    return bar()


def _progress(quiet: bool = False) -> Any:
    """How a long run shows it moves: a bar on a terminal; on a pipe, a file or a CI log,
    where no bar can be drawn, plain lines (never silence); nothing when ``quiet``."""
    if quiet or sys.stderr.isatty():
        return _progress_bar(not quiet)
    from qa.cli.progress import progress_lines

    return progress_lines(lambda line: click.echo(line, err=True))


def run_index(
    paths: list[Path],
    index_dir: Path,
    rebuild: bool = False,
    quiet: bool = False,
    storage: str | None = None,
) -> IndexReport:
    from qa.cli.render import render_report
    from qa.index.builder import build_index
    from qa.index.lance_tables import database_uri

    with _progress(quiet) as progress:
        report = build_index(paths, index_dir, rebuild=rebuild, progress=progress, storage=storage)
    if not quiet or not (report.indexed or report.unchanged):
        render_report(_console(err=quiet), report, database_uri(index_dir))
    return report


def _job_progress(quiet: bool) -> Any:
    """How a Ray job shows it moves: a bar over its files with chunks, chunks/s and the
    time left on a terminal; plain lines elsewhere; nothing when ``quiet``."""
    from contextlib import contextmanager, nullcontext

    from qa.cli.progress import JobProgressLines, job_status

    if quiet:
        return nullcontext(lambda _: None)
    if not sys.stderr.isatty():
        return nullcontext(JobProgressLines(lambda line: click.echo(line, err=True)))

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    @contextmanager
    def bar() -> Iterator[Callable[[Any], None]]:
        with Progress(
            TextColumn("on Ray"),
            BarColumn(),
            TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(),
            console=_console(err=True),
            transient=True,
        ) as prog:
            task = prog.add_task("on Ray", total=None, status="starting")

            def update(progress: Any) -> None:
                prog.update(
                    task,
                    completed=progress.files_done,
                    total=progress.files_total,
                    status=job_status(progress),
                )

            yield update

    return bar()


def run_index_on_ray(
    paths: list[Path], index_dir: Path, address: str | None, rebuild: bool
) -> IndexReport:
    from qa.cli.render import render_report
    from qa.index.lance_tables import database_uri
    from qa.index.ray_build import build_index_on_ray

    with _job_progress(quiet=False) as progress:
        report = build_index_on_ray(
            paths, index_dir, address=address, rebuild=rebuild, progress=progress
        )
    render_report(_console(), report, database_uri(index_dir))
    return report


def _ray_address(value: str | None, storage: str | None, optimize: bool) -> str | None:
    """The cluster ``--ray`` names (None: a local Ray), after the one-line checks."""
    if storage == "sqlite":
        raise UserError("--ray writes Lance tables; it cannot make a --store sqlite index")
    if optimize:
        raise UserError("--ray and --optimize are separate runs: index first, then optimize")
    if value == RAY_LOCAL:
        return None
    assert value is not None
    if Path(value).exists() and "://" not in value:
        raise UserError(
            f"--ray took {value!r} as a cluster address: put --ray after the paths, "
            "or give an address (auto, HOST:PORT, ray://HOST:PORT)"
        )
    return value


def _session(index_dir: Path, embedder: Encoder | None = None) -> Session:
    """A session on the index to answer from (``Session.open_or_build``): the bundled
    documents' index is built on first use, quietly but for what went wrong."""
    from qa.session import Session

    def build(paths: list[Path], rebuild: bool) -> IndexReport:
        report = run_index(paths, index_dir, rebuild=rebuild, quiet=True)
        if not (report.indexed or report.unchanged):
            raise UserError(f"nothing in {DEFAULT_DOCS}/ could be indexed")
        return report

    session = Session(index_dir, embedder=embedder)
    session.open_or_build(build, lambda line: click.echo(line, err=True))
    return session


index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=IndexPath, file_okay=False),
    default=DEFAULT_INDEX,
    show_default=True,
    help="Index folder, or s3://BUCKET/PREFIX for an index on object storage.",
)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qa", prog_name="qa")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Ask questions about your documents; get the exact passages that answer, cited.

    With no command, opens the chat on the default index (built from docs/ if needed);
    without a terminal, prints this help.
    """
    if ctx.invoked_subcommand is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            _run_chat(DEFAULT_INDEX, None)
        else:  # a script or a pipe cannot chat; tell it what there is instead
            click.echo(ctx.get_help())


def _run_chat(index_dir: Path, paths: list[Path] | None) -> None:
    """Open the chat; Textual and the core are imported only now, so `import qa.cli` stays
    cheap."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError("the chat needs a terminal; use `qa ask QUESTION` in scripts")
    from qa.tui.app import run_chat

    run_chat(index_dir, paths)


@main.command("chat")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_option
def chat_command(paths: tuple[Path, ...], index_dir: Path) -> None:
    """Open the chat on the index, building it first from PATHS (default: docs/) if missing."""
    _run_chat(index_dir, list(paths) or None)


@main.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_option
@click.option("--rebuild", is_flag=True, help="Re-extract and re-embed everything.")
@click.option(
    "--store",
    "storage",
    type=click.Choice(["sqlite", "lance"]),
    default=None,
    help="How a new index is stored: sqlite (default; one folder) or lance (Lance tables "
    "that grow by appending, for archives; always so on s3://).",
)
@click.option(
    "--optimize",
    is_flag=True,
    help="Lance tables only: fold appended rows into the indexes and compact, while "
    "readers go on reading.",
)
@click.option(
    "--ray",
    "ray_address",
    is_flag=False,
    flag_value=RAY_LOCAL,
    default=None,
    metavar="[ADDRESS]",
    help="Extract and embed on a Ray cluster (pip install 'qa[cluster]'): the one at "
    "ADDRESS (auto, HOST:PORT, ray://HOST:PORT), or without one a local Ray on this "
    "machine's cores. Writes Lance tables, committing every few minutes; the same "
    "command resumes a stopped job.",
)
@_friendly
def index_command(
    paths: tuple[Path, ...],
    index_dir: Path,
    rebuild: bool,
    storage: str | None,
    optimize: bool,
    ray_address: str | None,
) -> None:
    """Index files and folders (default: the files directly in docs/) into the index folder.

    Only new or changed documents are embedded again; removed ones are dropped.
    """
    if ray_address is not None:
        address = _ray_address(ray_address, storage, optimize)
        report = run_index_on_ray(list(paths) or default_documents(), index_dir, address, rebuild)
    elif optimize:
        _optimize(index_dir, paths, rebuild)
        return
    else:
        report = run_index(
            list(paths) or default_documents(), index_dir, rebuild=rebuild, storage=storage
        )
    if report.new_chunks:
        _prepare_onnx_export()
    # Nothing indexed is a failure, unless the run removed what the paths no longer
    # hold (a folder emptied on purpose): that update succeeded.
    if not (report.indexed or report.unchanged or report.removed):
        sys.exit(EXIT_ERROR)


def _optimize(index_dir: Path, paths: tuple[Path, ...], rebuild: bool) -> None:
    from qa.index.lance_tables import database_uri, is_lance_index
    from qa.index.lance_writer import optimize_lance_index

    if paths or rebuild:
        raise UserError("--optimize takes no paths and no --rebuild")
    if not is_lance_index(index_dir):
        raise UserError(
            f"{index_dir} is not an index on Lance tables; only those need --optimize "
            "(a SQLite index is rewritten whole by each update)"
        )
    started = time.perf_counter()
    manifest = optimize_lance_index(index_dir)
    click.echo(
        f"optimized {database_uri(index_dir)}: {manifest.chunks} chunks, "
        f"vector search {manifest.vector_index}; {time.perf_counter() - started:.1f} s"
    )


def _prepare_onnx_export() -> None:
    """Export the model to ONNX once per machine, after an index built on torch (which
    is loaded then anyway): later questions and indexing skip the seconds of importing
    it. A failure only costs speed."""
    from qa.embedding.onnx import ensure_export, export_ready

    if export_ready():
        return
    click.echo("qa: preparing the ONNX encoder (once per machine, about 15 s)", err=True)
    why = ensure_export()
    if why is not None:
        click.echo(f"qa: text will be encoded with torch ({why})", err=True)


def _questions(question: str | None, breaks: bool = False) -> Iterator[str]:
    """The questions to answer. An empty QUESTION is a one-line error (there is nothing
    to look for); standard input that is not valid UTF-8 is read with U+FFFD for the
    bad bytes, so one stray byte costs one character, not the whole batch. Empty lines
    are skipped, or with ``breaks`` given as "" (in a conversation, they start a new one)."""
    if question is not None and question != "-":
        if not question.strip():
            raise UserError("the question is empty")
        yield question
        return
    if question is None and sys.stdin.isatty():
        raise click.UsageError("give a QUESTION, or '-' to read questions from standard input")
    reconfigure = getattr(sys.stdin, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="replace")
    for line in sys.stdin:
        if line.strip() or breaks:
            yield line.strip()


@main.command("ask")
@click.argument("question", required=False)
@index_option
@click.option(
    "-k",
    "top_k",
    type=click.IntRange(1, 100),
    default=5,
    show_default=True,
    help="How many passages to show.",
)
@click.option(
    "--passages",
    "-v",
    "full",
    is_flag=True,
    help="Print every passage whole (by default: the answer, then a line per passage).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per question, per line.")
@click.option(
    "--conversation",
    is_flag=True,
    help="The questions are one conversation: a follow-up ('What did he say?') is "
    "understood from the questions and answers before it; an empty line starts a new one.",
)
@_friendly
def ask_command(
    question: str | None,
    index_dir: Path,
    top_k: int,
    full: bool,
    as_json: bool,
    conversation: bool,
) -> None:
    """Answer QUESTION ('-' or a pipe: one question per line) from the index.

    Prints the answer with its citation, then the other passages one line each
    (citation and the start of their best sentence); --passages prints them whole.
    With --conversation the lines are one conversation, and a follow-up's answer says
    what it was understood as ("understood as: What did Choi Jung-hoon say?").
    """
    from qa.cli.render import render_answer
    from qa.embedding.encoder import Embedder
    from qa.text.safe import json_line

    questions = _questions(question, breaks=conversation)
    session = _session(index_dir, Embedder())  # the model loads on the first question
    console = _console()
    turns: Conversation | None = None
    if conversation:
        from qa.conversation import Conversation

        turns = Conversation()
    try:
        for q in questions:
            if turns is None:
                result = session.ask(q, k=top_k)
            elif not q:  # an empty line: the next question starts a new conversation
                turns.clear()
                continue
            else:
                result = session.converse(turns, q, k=top_k)
            if as_json:
                sys.stdout.write(json_line(result.to_json()) + "\n")
                sys.stdout.flush()
            else:
                render_answer(console, result, full=full, cite=session.cite)
    finally:
        session.close()


@main.command("quotes")
@click.option("--speaker", help="Only quotations by this person or body (any form of the name).")
@click.option(
    "--about",
    metavar="TOPIC",
    help="Those on TOPIC first (by meaning, not only its words); without --speaker, "
    "the quotations of the passages nearest TOPIC.",
)
@index_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per quotation, per line.")
@_friendly
def quotes_command(speaker: str | None, about: str | None, index_dir: Path, as_json: bool) -> None:
    """List the direct quotations in the documents, with speaker and citation.

    In document order; with --about, those on the topic first.
    Exits 1 when there are none (or none by SPEAKER).
    """
    from qa.cli.render import render_quotes
    from qa.text.safe import json_line

    if about is not None and not about.strip():
        raise UserError("the topic given to --about is empty")
    session = _session(index_dir)
    try:
        hits = session.quotes(speaker, about=about) or []
        if as_json:
            for hit in hits:
                sys.stdout.write(json_line(hit.to_json()) + "\n")
            sys.stdout.flush()
        elif hits:
            render_quotes(_console(), hits)
        if not hits:
            known = session.speakers()
            if speaker and known:
                hint = "; speakers: " + ", ".join(known[:12]) + ("…" if len(known) > 12 else "")
            else:
                hint = ""
            who = f" by {speaker}" if speaker else ""
            click.echo(f"qa: no quotations{who} in the index at {index_dir}{hint}", err=True)
            sys.exit(EXIT_ERROR)
    finally:
        session.close()


@main.command("text")
@click.argument("source")
@index_option
@_friendly
def text_command(source: str, index_dir: Path) -> None:
    """Print a document's extracted text exactly as the offsets count it.

    SOURCE is the document's path as indexed, or any other path to the same file
    (relative, absolute, through a link), or its file name when no other indexed
    document has that name.

    On a terminal, control and bidi characters are shown as visible escapes (as
    ``qa ask`` does), so a document cannot drive the terminal; a pipe or a file gets
    the text exactly.
    """
    from qa.cli.sources import find_source
    from qa.index.reader import open_index
    from qa.text.safe import printable

    index = open_index(index_dir)
    if index is None:
        raise UserError(f"no index at {index_dir}")
    try:
        found = find_source(index.manifest.documents, source)
        doc = None if found is None else index.document_by_source(found)
        if doc is None:
            raise UserError(f"{source} is not in the index at {index_dir}")
        sys.stdout.write(printable(doc.text) if sys.stdout.isatty() else doc.text)
        sys.stdout.flush()
    finally:
        index.close()


@main.command("eval")
@click.argument("dataset", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "-k",
    "top_k",
    type=click.IntRange(1, 100),
    default=None,
    help="Passages per question  [default: 10; 5, as `qa ask` shows, on a real-document set]",
)
@click.option(
    "--limit", type=int, default=None, help="Only the first N questions (dialogues, multi-turn)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option(
    "--failures",
    is_flag=True,
    help="Also list every failed check (real-document sets; --json always includes them).",
)
@_friendly
def eval_command(
    dataset: Path, top_k: int | None, limit: int | None, as_json: bool, failures: bool
) -> None:
    """Measure retrieval and answer quality on a labelled DATASET folder.

    DATASET holds documents.jsonl and questions.jsonl (the format of shared/eval), or
    documents.jsonl and dialogues.jsonl (multi-turn, as shared/eval/coqa: each dialogue
    played as one conversation with qa's own earlier answers), or docs/ and labels/ (a
    real-document set, as bench/realdocs: questions, quotation speakers and extraction
    checks; see its README).
    """
    from qa.evaluation import evaluate, evaluate_realdocs, is_realdocs
    from qa.evaluation.dialogues import evaluate_dialogues, is_dialogues

    if is_dialogues(dataset):
        if failures:
            raise UserError("--failures is for real-document sets")
        with _progress() as progress:
            played = evaluate_dialogues(dataset, k=top_k or 10, limit=limit, progress=progress)
        result_json = played.summary()
        if as_json:
            click.echo(json.dumps(result_json))
            return
        click.echo(f"{'dataset':>18}  {result_json['dataset']} (history: qa's own answers)")
        for part in ("needs_context", "standalone", "all"):
            figures = result_json[part]
            line = ", ".join(f"{key} {value}" for key, value in figures.items())
            click.echo(f"{part:>18}  {line}")
        click.echo(f"{'ms p50 / p95':>18}  {result_json['ms_p50']} / {result_json['ms_p95']}")
        return

    if is_realdocs(dataset):
        if limit is not None:
            raise UserError("--limit is for sets in the format of shared/eval")
        with _progress() as progress:
            real = evaluate_realdocs(dataset, k=top_k or 5, progress=progress)
        figures = real.summary()
        if as_json:
            click.echo(json.dumps({**figures, "failures": [f.to_json() for f in real.failures]}))
            return
        for key, value in figures.items():
            click.echo(f"{key:>24}  {value}")
        counts: dict[str, int] = {}
        for f in real.failures:
            counts[f.check] = counts.get(f.check, 0) + 1
        listed = ", ".join(f"{check} {n}" for check, n in sorted(counts.items()))
        click.echo(
            f"{'failed checks':>24}  {listed or 'none'}"
            + ("" if failures else " (--failures lists them)")
        )
        if failures:
            for f in real.failures:
                click.echo(f"\n[{f.check}] {f.file}: {f.item}\n  expected: {f.expected}")
                click.echo(f"  got: {f.got}\n  why: {f.why}")
        return
    for name in ("documents.jsonl", "questions.jsonl"):
        if not (dataset / name).is_file():
            raise UserError(f"{dataset} has no {name} (nor docs/ and labels/)")
    with _progress() as progress:
        result = evaluate(dataset, k=top_k or 10, limit=limit, progress=progress)
    summary = result.summary()
    if as_json:
        click.echo(json.dumps(summary))
    else:
        for key, value in summary.items():
            click.echo(f"{key:>18}  {value}")


@main.command("verify")
@click.argument("text")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@_friendly
def verify_command(text: str, index_dir: Path, as_json: bool) -> None:
    """Check whether TEXT (say, a remembered quote) is in the documents, and how exactly.

    Each match is graded, best first: exact (character for character), normalized (the
    same once case, quotation marks, dashes, spacing, line breaks and line-end hyphens
    are set aside), fuzzy (a word or two differ) or paraphrase (the same statement in
    other words: "they will" for "they'll", a synonym, words reordered or left out).
    Each shows the document's own words, a word diff [-the document's-] {+yours+}, a
    similarity, the speaker when the words are quoted, and the citation. A negation or
    a number that differs is never a match: such a passage is shown as the nearest,
    saying why. Quotation marks around TEXT are ignored. The model is loaded only when
    TEXT is not in the documents word for word or nearly.

    Exit status: 0 when TEXT was found, 1 when nothing is close (or on an error).
    """
    from qa.cli.render import render_verify
    from qa.text.safe import json_line

    session = _session(index_dir)
    try:
        result = session.verify(text)
    finally:
        session.close()
    if as_json:
        sys.stdout.write(json_line(result.to_json()) + "\n")
        sys.stdout.flush()
    else:
        render_verify(_console(), result)
    if not result.found:
        sys.exit(EXIT_ERROR)
