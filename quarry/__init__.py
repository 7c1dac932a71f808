"""Quarry application shell: settings, errors and the command line.

The pipeline stages live in sibling top-level packages, data flowing one way:
``ingest`` (files -> Documents -> Chunks) -> ``index`` (embeddings, FAISS, BM25, chunk store)
-> ``qa`` (question -> Answer with citations) -> ``api`` (HTTP, widget) and ``eval``.
"""

__version__ = "0.1.0"
