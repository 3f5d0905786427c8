"""The scale suite: corpora of 1k to 1M chunks made from the real eval documents."""
