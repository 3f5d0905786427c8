"""The chat's screens, one a module: the chat itself, the help and the quotes view."""
