"""What counts as a question, checked the same way by the API and the CLI."""

from __future__ import annotations

from base.errors import InvalidQuestion

MAX_QUESTION_CHARS = 2000


def check_question(question: str) -> str:
    """The question stripped of surrounding space.

    Raises:
        InvalidQuestion: empty, whitespace only, or over ``MAX_QUESTION_CHARS`` characters.
    """
    text = question.strip()
    if not text:
        raise InvalidQuestion("the question is empty or whitespace only")
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidQuestion(
            f"the question is {len(question):,} characters; at most {MAX_QUESTION_CHARS:,} "
            "are allowed"
        )
    return text
