"""Helpers the tests share: paths of the fixtures, `qa` runners, processes to stop at a
step, the session's model behind a cache, a fake encoder, and driving the chat.

``tests/`` is on ``sys.path`` (``pythonpath`` in pyproject.toml), so a test imports
them as ``from helpers.cli import qa``, in every xdist worker too.
"""
