from eval.false_alarms import QUESTIONS, read_sets


def test_question_sets_are_read_by_label(tmp_path):
    path = tmp_path / "q.txt"
    path.write_text("# a comment line\n# A\nIs it?\n\nDoes it?\n# B\nHas it?\n")
    assert read_sets(path) == {"A": ["Is it?", "Does it?"], "B": ["Has it?"]}


def test_shipped_sets_are_verdict_questions():
    from qa.conflicts import asks_for_verdict

    sets = read_sets(QUESTIONS)
    assert set(sets) == {"A", "B"}
    assert all(asks_for_verdict(q) for qs in sets.values() for q in qs)
