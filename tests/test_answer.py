"""The answer stage on the real model and the seed corpus."""


def test_neighbour_sentence_supplies_the_name_asked_for(seed_engine):
    # The best-matching sentence is about the signing; the name is in the sentence after it.
    answer = seed_engine.answer("Who witnessed the signing of the minerals MoU?")
    assert not answer.abstained
    assert "Shehbaz Sharif" in answer.answer
    witnessed = next(c for c in answer.citations if "Shehbaz Sharif" in c.quote)
    before = next(c for c in answer.citations if c.n == witnessed.n - 1)
    text = seed_engine.version().document(witnessed.doc_id).text
    assert text[witnessed.char_start : witnessed.char_end] == witnessed.quote
    assert before.doc_id == witnessed.doc_id
    assert text[before.char_end : witnessed.char_start].strip() == ""  # adjacent sentences


def test_no_neighbour_added_when_the_best_sentence_already_answers(seed_engine):
    answer = seed_engine.answer("How many books has Arun Anand authored?")
    assert "15 books" in answer.answer
    assert len(answer.citations) <= 2
