"""Text to vectors: the model's identity, the encoder protocol, the ONNX export."""
