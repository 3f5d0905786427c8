"""Text helpers every layer shares: folding, terms, safe display."""
