"""Everything on disk: manifest, generations, the SQLite store, the FAISS vectors, the builder."""
