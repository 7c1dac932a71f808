"""Answering stage: question -> retrieved passages -> extractive answer with verified citations."""

from qa.answer import Answerer
from qa.policy import AnswerPolicy
from qa.types import Answer, Citation, Passage

__all__ = ["Answer", "AnswerPolicy", "Answerer", "Citation", "Passage"]
