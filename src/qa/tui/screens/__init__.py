"""The chat's screens other than the conversation."""
