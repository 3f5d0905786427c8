"""The `qa` console script's entry point: Ctrl-C at any moment ends quietly.

The script imports its target before running anything, so ``qa.cli`` (click, and the
chat's Textual when no command is given) used to be imported outside any handler: a
Ctrl-C in those first tenths of a second printed a traceback, and one during click's
own work printed "Aborted!" with status 1. This module imports nothing at first, runs
click in non-standalone mode so an interrupt reaches it, and ends with status 130
(what a shell expects of Ctrl-C). Only Python's own start-up, before this module runs
(about 50 ms), is out of its reach.
"""

from __future__ import annotations

import sys

INTERRUPTED = 130


def run() -> None:
    try:
        code = _main()
    except KeyboardInterrupt:
        sys.stderr.write("qa: interrupted\n")
        code = INTERRUPTED
    raise SystemExit(code)


def _main() -> int:
    """click's standalone handling, with an interrupt left to ``run``."""
    import click

    from qa.cli.main import main

    try:
        result = main.main(standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):
            raise KeyboardInterrupt from None
        click.echo("Aborted!", err=True)
        return 1
    return result if isinstance(result, int) else 0
