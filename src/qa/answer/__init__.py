"""Questions to answers: parse the question, retrieve, rerank, pick the span, or say not found."""
