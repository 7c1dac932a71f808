"""Index stage: embeddings, the FAISS and BM25 indexes, the chunk store, retrieval."""
