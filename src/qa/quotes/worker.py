"""Quotations found in a child process while the indexer loads the embedding model.

`qa index` spends its first seconds importing torch and sentence-transformers and
loading the model: one core busy, the other idle. Parsing quotations (spaCy's tagger,
parser and entities) is the other large cost before embedding, and in the same process
it can only come before or after. So the indexer hands the documents that hold
quotation marks to ``python -m qa.quotes.worker`` and collects its answers when it
stores them; the parse runs on the idle core.

The protocol is one JSON object a line, no pickle: requests
``{"id", "text", "paragraphs", "sentences"}`` on the child's stdin, answers
``{"id", "quotes": [[start, end, speaker, mention, how], ...]}`` (or ``{"id", "error"}``)
on its stdout. The child ends at end of input: when the indexer closes it, or when the
indexer dies however it dies (its end of the pipe closes with it). It never sees the
index: it holds no lock and writes no file, so killing either side at any moment
leaves nothing behind. Any failure of the child makes the indexer parse in-process.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import Any

from qa.quotes import Quote, extract_quotes

Spans = Sequence[tuple[int, int]]


def _encode(quotes: list[Quote]) -> list[list[Any]]:
    return [[q.start, q.end, q.speaker, q.mention, q.how] for q in quotes]


def _decode(rows: list[list[Any]]) -> list[Quote]:
    return [
        Quote(start, end, speaker, tuple(mention) if mention else None, how)
        for start, end, speaker, mention, how in rows
    ]


class QuoteWorker:
    """A quotation child process and the two threads that feed and drain it.

    Writing and reading happen off the caller's thread, so neither side ever waits on a
    full pipe: ``submit`` returns at once and ``result`` waits only for its own answer.
    """

    def __init__(self) -> None:
        env = dict(os.environ)
        env.pop("QA_TEST_PAUSE_AT", None)  # the child has no steps of its own to pause at
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "qa.quotes.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,  # never the index lock's descriptor
        )
        self._requests: queue.Queue[str | None] = queue.Queue()
        self._answers: dict[int, dict[str, Any]] = {}
        self._done = threading.Condition()
        self._dead = False
        self._next = 0
        threading.Thread(target=self._write, daemon=True).start()
        threading.Thread(target=self._read, daemon=True).start()

    def submit(self, text: str, paragraphs: Spans, sentences: Spans) -> int:
        """Queue one document; returns the ticket its quotations are collected by."""
        ticket = self._next
        self._next += 1
        request = {"id": ticket, "text": text, "paragraphs": paragraphs, "sentences": sentences}
        # ASCII JSON: any text (lone surrogates, line separators) is one safe line.
        self._requests.put(json.dumps(request))
        return ticket

    def result(self, ticket: int) -> list[Quote] | None:
        """The document's quotations, or None if the child failed on it (or died)."""
        with self._done:
            self._done.wait_for(lambda: ticket in self._answers or self._dead)
            answer = self._answers.pop(ticket, None)
        if answer is None or "quotes" not in answer:
            return None
        return _decode(answer["quotes"])

    def close(self) -> None:
        """End the child (at once: any answer still owed is no longer wanted)."""
        self._requests.put(None)
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()

    def _write(self) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        try:
            while (line := self._requests.get()) is not None:
                stdin.write(line.encode("ascii") + b"\n")
                stdin.flush()
        except OSError:  # the child is gone: _read sees its end of output
            pass
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def _read(self) -> None:
        stdout = self._proc.stdout
        assert stdout is not None
        try:
            for line in stdout:
                answer = json.loads(line)
                with self._done:
                    self._answers[answer["id"]] = answer
                    self._done.notify_all()
        except (OSError, ValueError):
            pass
        with self._done:
            self._dead = True
            self._done.notify_all()


def serve() -> None:
    """The child's loop: answer each request line until end of input."""
    # Ctrl-C in a terminal reaches the whole process group: the indexer handles it and
    # ends this child; a traceback from here would only clutter the terminal.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from qa.quotes.attribution import pipeline

    pipeline()  # load spaCy's model now, while the indexer is still reading files
    for line in sys.stdin.buffer:
        request = json.loads(line)
        answer: dict[str, Any] = {"id": request["id"]}
        try:
            quotes = extract_quotes(
                request["text"],
                [tuple(p) for p in request["paragraphs"]],
                [tuple(s) for s in request["sentences"]],
            )
            answer["quotes"] = _encode(quotes)
        except Exception as exc:  # one bad document costs its quotations only
            answer["error"] = f"{type(exc).__name__}: {exc}"
        try:
            sys.stdout.buffer.write(json.dumps(answer).encode("ascii") + b"\n")
            sys.stdout.buffer.flush()
        except BrokenPipeError:  # the indexer is gone
            return


if __name__ == "__main__":
    # thinc imports torch whenever it is installed (1.5 s of this child's start-up),
    # and nothing here needs it: spaCy's small model runs on numpy.
    sys.modules.setdefault("torch", None)  # type: ignore[arg-type]
    serve()
