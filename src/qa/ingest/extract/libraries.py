"""The libraries each format's extractor imports, checked before a run reads any file.

An extractor that cannot import its library would fail on every file of its format, and
each failure would read as that file's fault ("cannot parse the HTML"), when the fault
is the installation: with pip 23.2 `pip install qa` left out `lxml_html_clean`, which
trafilatura's justext imports, and every HTML file was skipped. So `qa index` imports
what the formats it is about to read need, first, and a missing one stops the run with
one line that says what to install.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from qa.errors import MissingLibrary

# Per format: (module imported, distribution that provides it), in import order, so
# the first that fails is the one to install. justext needs lxml.html.clean, which
# lxml 5.2 moved into the lxml_html_clean distribution.
FORMAT_LIBRARIES: dict[str, tuple[tuple[str, str], ...]] = {
    "text": (("charset_normalizer", "charset-normalizer"),),
    "HTML": (
        ("lxml.html", "lxml"),
        ("lxml.html.clean", "lxml_html_clean"),
        ("justext", "justext"),
        ("trafilatura", "trafilatura"),
    ),
    "PDF": (("pypdfium2", "pypdfium2"),),
    "Word": (("lxml.etree", "lxml"), ("docx", "python-docx")),
}

SUFFIX_FORMATS: dict[str, str] = {
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "HTML",
    ".htm": "HTML",
    ".pdf": "PDF",
    ".docx": "Word",
}


def require_libraries(suffixes: Iterable[str]) -> None:
    """Import the libraries of the formats of these file suffixes; raise MissingLibrary
    naming the format and the distribution to install when one does not import."""
    formats = sorted({SUFFIX_FORMATS[s.lower()] for s in suffixes if s.lower() in SUFFIX_FORMATS})
    for name in formats:
        for module, distribution in FORMAT_LIBRARIES[name]:
            try:
                importlib.import_module(module)
            except ImportError as exc:
                detail = " ".join(str(exc).split())
                raise MissingLibrary(
                    f"cannot read {name} files: the Python package {distribution} does not "
                    f"import ({detail}); install it into qa's environment "
                    f"(pip install {distribution}), or reinstall qa"
                ) from None
