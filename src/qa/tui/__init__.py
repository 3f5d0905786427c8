"""The chat: a Textual terminal UI over the core (``qa`` with no arguments, ``qa chat``).

Nothing heavy is imported here, so ``import qa.tui`` stays cheap; the app module pulls in
Textual, and the engine pulls in the index and the model only inside its worker.
"""
