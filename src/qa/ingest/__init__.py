"""Files to chunks: discovery, extraction per format, layout, sentences, chunking; no model."""
