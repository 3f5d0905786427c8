"""qa: answer questions about documents with exact, cited passages.

The package is a headless core (documents, chunking, embedding, index, retrieval,
answers) plus a thin CLI. Nothing here imports torch or Textual at import time.
"""

__version__ = "0.1.0"
