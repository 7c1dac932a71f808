"""Answering stage: question -> retrieved passages -> extractive answer with verified citations."""

from qa.answer import Answer, Answerer, Citation, Passage

__all__ = ["Answer", "Answerer", "Citation", "Passage"]
