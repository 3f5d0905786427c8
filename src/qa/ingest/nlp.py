"""spaCy, imported without torch, and without losing a Ctrl-C.

spaCy's machine-learning layer (thinc) imports torch when it is installed, to offer
PyTorch models; our pipelines (a sentencizer, and ``en_core_web_sm``'s tagger, parser
and entities) never use it, and the embedding model runs on onnxruntime. Importing torch
is 1.3 of the 2.1 s that ``import spacy`` takes on this machine, and it sits between a
reader opening a document nobody has indexed and the first answer. So torch is hidden
while spaCy is imported (thinc then records that it has no torch) and is importable
again as soon as the import is done, for whatever needs it later (the first ONNX
export, or the torch encoder when there is no export).

A Ctrl-C that lands in the middle of that import is held until it ends
(``qa.interrupts``): compiled modules may turn it into an ImportError or clear it.
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType

from qa.interrupts import interrupt_held

_LOCK = threading.Lock()


def import_spacy() -> ModuleType:
    """The ``spacy`` module, imported (once) without importing torch."""
    with _LOCK:
        if "spacy" in sys.modules:
            return sys.modules["spacy"]
        hide = "torch" not in sys.modules
        with interrupt_held():
            if hide:
                sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` fails
            try:
                import spacy
            finally:
                if hide and "torch" in sys.modules and sys.modules["torch"] is None:
                    del sys.modules["torch"]
        return spacy
