"""``python -m qa``: the same as the ``qa`` console script."""

from qa.cli.entry import run

if __name__ == "__main__":
    run()
