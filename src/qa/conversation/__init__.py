"""A conversation: follow-up questions answered from what was said before.

``Conversation`` holds the turns (question, what it was understood as, the answer,
what they name); ``resolve`` turns a follow-up into a standalone question ("What did he
say?" -> "What did Choi Jung-hoon say?") with the focus retrieval should keep;
``converse`` does one turn end to end. The chat and `qa ask --conversation` share them,
so a follow-up is understood the same way everywhere; nothing here imports the TUI.
"""

from qa.conversation.converse import converse
from qa.conversation.resolve import Reading, resolve
from qa.conversation.turns import Conversation, Mention, Turn

__all__ = ["Conversation", "Mention", "Reading", "Turn", "converse", "resolve"]
