"""The chat finds who said something a reader half-remembers: the quotation, its
speaker and the real wording, on the bundled article with the real model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from qa.embedding.encoder import Embedder
from qa.session import Session
from qa.tui.app import QaApp

from helpers.chat_pilot import ask, plain

SIZE = (120, 40)


@pytest.mark.anyio
async def test_who_said_something_like_it_names_the_speaker_and_the_real_words(
    sample_index: Any, embedder: Embedder, tmp_path: Path
) -> None:
    app = QaApp(tmp_path, engine=lambda: Session(sample_index.index_dir, embedder=embedder))
    async with app.run_test(size=SIZE) as pilot:
        card = await ask(pilot, "Who said they will consider it an honour?")
        assert card.answer is not None and card.answer.answer is not None
        said = card.answer.answer
        assert said.speaker == "Lee Woong-gil"
        assert said.text.startswith("They’ll consider it an honor")
        shown = plain(card.query_one(".a", Static))
        assert "Lee Woong-gil said:" in shown
        assert any("No quotation holds" in note for note in card.answer.notes)
