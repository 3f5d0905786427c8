"""Start-up of `qa`: `qa --help` and the chat's first frame (issue 6's targets).

    .venv/bin/python bench/bench_startup.py            # 5 runs each, medians, JSON
    .venv/bin/python bench/bench_startup.py --runs 9 --no-answer
    .venv/bin/python bench/bench_startup.py --new FILE --question Q  # a file never indexed

The chat runs on a pseudo-terminal (120x40), as a user starts it: `qa` with no
arguments in the project folder, which opens the chat on docs/ and its default index.

- first frame: the question box's placeholder is on the screen. The focused box draws
  its cursor over the placeholder's first letter, so it is matched in the text the
  terminal shows (escape sequences removed), not in the raw bytes;
- raw match: the placeholder's words in one piece in the raw bytes, as
  bench/scale/run.py matched it. That only happens once the cursor has blinked off
  (0.5 s after focus at the earliest), so it is the first frame plus a blink;
- footer: the key bindings in the footer, which Textual fills in one refresh after
  the first frame (the last piece of the start-up screen);
- CPU at the first frame: CPU seconds the process had used by then (all threads), a
  figure that depends less on other jobs than wall time does;
- echo (once): a question typed as soon as the first frame appears, until the question
  box shows it; the model is loading meanwhile, so this is how responsive the UI stays;
- first answer (once, model load included): from the start until a passage's score line
  is drawn for that question.

With ``--new FILE``, each run is `qa chat FILE` on an index that does not exist yet (a
fresh temporary folder): the first answer then waits for FILE to be read, split, its
quotations found, the model loaded and its sentences embedded (issue 21: ≤ 3 s).

Wall times depend on the machine's load, so the load average is reported alongside.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import pty
import re
import select
import statistics
import struct
import subprocess
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QA = ROOT / ".venv" / "bin" / "qa"
PLACEHOLDER = "Ask a question"
FOOTER = "palette"  # the footer's last key: "^p palette"
QUESTION = "How many North Korean troops arrived in Russia?"
ANSWERED = "score"  # every passage header shows its score
ROWS, COLUMNS = 40, 120
ESCAPES = re.compile(
    rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])"
)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def visible(raw: bytes) -> str:
    """The text a terminal shows, escape sequences removed."""
    return ESCAPES.sub(b"", raw).decode(errors="ignore")


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU seconds of the process so far, all its threads included."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def pty_run(args: list[str], question: str | None = None, timeout: float = 120) -> dict:
    """Start ``args`` on a pseudo-terminal in the project folder; seconds to each event
    (see the module's docstring), and to the first answer when ``question`` is given."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes `qa`
        os.chdir(ROOT)
        os.environ.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(ROWS))
        os.execv(args[0], args)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    started = time.perf_counter()
    buffer = b""
    got: dict[str, float | None] = dict.fromkeys(
        (
            "first_frame_s",
            "cpu_at_first_frame_s",
            "footer_s",
            "raw_match_s",
            "echo_s",
            "first_answer_s",
        )
    )
    wanted = {"first_frame_s", "footer_s", "raw_match_s"} | (
        {"echo_s", "first_answer_s"} if question else set()
    )
    while time.perf_counter() < started + timeout and not all(got[k] is not None for k in wanted):
        ready, _, _ = select.select([fd], [], [], 0.01)
        if not ready:
            continue
        try:
            buffer += os.read(fd, 65536)
        except OSError:
            break
        now = time.perf_counter() - started
        shown = visible(buffer)
        if got["first_frame_s"] is None and PLACEHOLDER in shown:
            got["first_frame_s"], got["cpu_at_first_frame_s"] = now, cpu_seconds(pid)
            if question is not None:
                os.write(fd, question.encode() + b"\r")
        if got["footer_s"] is None and FOOTER in shown:
            got["footer_s"] = now
        if got["raw_match_s"] is None and PLACEHOLDER.encode() in buffer:
            got["raw_match_s"] = now
        if got["first_frame_s"] is None or question is None:
            continue
        if got["echo_s"] is None and question in shown:
            got["echo_s"] = now - got["first_frame_s"]
        if ANSWERED in shown:
            got["first_answer_s"] = now
    close_chat(pid, fd)
    return got


def close_chat(pid: int, fd: int) -> None:
    """Quit the chat on its pseudo-terminal (ctrl+q), kill it if it lingers, reap it."""
    with contextlib.suppress(OSError):  # the chat may have gone already
        os.write(fd, b"\x11")  # ctrl+q
    time.sleep(0.3)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, 9)
    os.waitpid(pid, 0)
    os.close(fd)


def help_seconds() -> float:
    started = time.perf_counter()
    subprocess.run([str(QA), "--help"], capture_output=True, check=True, cwd=ROOT)
    return time.perf_counter() - started


def median(values: list[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return round(statistics.median(got), 3) if got else None


def loadavg() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-answer", action="store_true", help="Skip the first answer.")
    parser.add_argument("--new", type=Path, help="Time `qa chat FILE` on a new index.")
    parser.add_argument("--question", default=QUESTION)
    args = parser.parse_args()
    out: dict[str, object] = {"loadavg_before": loadavg(), "cpus": os.cpu_count()}
    if args.new is not None:
        answers = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as work:
                argv = [str(QA), "chat", str(args.new.resolve()), "--index", f"{work}/index"]
                answers.append(pty_run(argv, args.question)["first_answer_s"])
        out["new_file"] = str(args.new)
        out["new_first_answer_s_median"] = median(answers)
        out["new_first_answer_s"] = [a and round(a, 3) for a in answers]
        out["loadavg_after"] = loadavg()
        print(json.dumps(out))
        return
    helps = [help_seconds() for _ in range(args.runs)]
    out["help_s_median"] = median(helps)
    out["help_s"] = [round(x, 3) for x in helps]
    runs = [pty_run([str(QA)]) for _ in range(args.runs)]
    for key in ("first_frame_s", "cpu_at_first_frame_s", "footer_s", "raw_match_s"):
        out[f"chat_{key}_median"] = median([r[key] for r in runs])
    out["chat_first_frame_s"] = [r["first_frame_s"] and round(r["first_frame_s"], 3) for r in runs]
    if not args.no_answer:
        once = pty_run([str(QA)], QUESTION)
        for key in ("echo_s", "first_answer_s"):
            out[f"chat_{key}"] = once[key] and round(once[key], 3)
    out["loadavg_after"] = loadavg()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
