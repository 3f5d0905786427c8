"""Running `qa` from a test: in this process through Click's runner, or as a real
process of the installed command; and the one shape of a one-line error."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from click.testing import CliRunner, Result

from qa.cli.main import main

# The installed `qa` command of this environment.
QA = str(Path(sys.executable).parent / "qa")
# Generous limit that only stops a hung process; nothing asserts on time with it.
HANG_SECONDS = 300


def qa(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    """Run `qa ARGS...` in-process, as a user would from a shell (stdin from ``input``,
    extra environment from ``env``)."""
    return CliRunner().invoke(main, list(args), input=input, env=env)


class Ran(NamedTuple):
    """How a `qa` process ended: unpacks as ``status, out, err``."""

    returncode: int
    stdout: str
    stderr: str


def run_qa(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    preexec: Callable[[], None] | None = None,
    timeout: float = HANG_SECONDS,
    errors: str = "replace",
) -> Ran:
    """Run `qa ARGS` as a real process to its end, stdin closed (``env``: its whole
    environment, else this one's; never a test pause point, which only ``Indexer``
    sets). Output is decoded as UTF-8 with ``errors`` ("strict": undecodable output
    fails the test)."""
    env = dict(os.environ if env is None else env)
    env.pop("QA_TEST_PAUSE_AT", None)
    done = subprocess.run(
        [QA, *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        cwd=cwd,
        preexec_fn=preexec,
        timeout=timeout,
        check=False,
    )
    return Ran(
        done.returncode,
        done.stdout.decode("utf-8", errors=errors),
        done.stderr.decode("utf-8", errors=errors),
    )


def assert_one_line_error(result: Result, *needles: str, message: str | None = None) -> None:
    """`qa` refused in one line: exit status 1 through SystemExit (no exception
    escaped), nothing on stdout, no traceback, and stderr exactly one line
    ``qa: error: ...`` holding every one of ``needles`` — or, given ``message``, exactly
    ``qa: error: {message}``."""
    assert result.exit_code == 1, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.stdout == "", result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stderr == lines[0] + "\n", result.stderr
    assert lines[0].startswith("qa: error: "), lines[0]
    if message is not None:
        assert lines[0] == f"qa: error: {message}", lines[0]
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
