"""Ingest stage: files -> Documents -> Chunks, with exact character offsets."""

from ingest.chunker import Chunk, SentenceChunker
from ingest.loaders import Document, load_file

__all__ = ["Chunk", "Document", "SentenceChunker", "load_file"]
