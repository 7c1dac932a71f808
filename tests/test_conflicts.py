"""Conflict detection on hand-made scored sentences (no model needed)."""

from index.retriever import Hit
from ingest.chunker import Chunk
from ingest.text import tokenize
from qa.conflicts import (
    figures,
    find_conflicts,
    find_stance_conflicts,
    find_value_conflicts,
    negated,
)
from qa.policy import AnswerPolicy
from qa.types import Candidate, ScoredSentence

POLICY = AnswerPolicy()


def sentence(doc_id, text, score, overlap=0.8, reader=None):
    chunk = Chunk(doc_id, f"{doc_id}#0000", text, 0, len(text), 10)
    hit = Hit(chunk, f"Title {doc_id}", "src", score, score, 0.0)
    return ScoredSentence(
        Candidate(hit, 0, len(text), text), score, score, overlap, score, score, reader
    )


def word_similarity(a, b):
    """Shared words over the shorter sentence's: a stand-in for embedding similarity here."""
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return len(wa & wb) / min(len(wa), len(wb))


def test_figures_reads_money_percent_and_ranges():
    assert figures("China invested over $62 billion in CPEC.") == {("money", 62e9, 62e9)}
    assert figures("worth 6 to 8 trillion US Dollars") == {("money", 6e12, 8e12)}
    assert figures("a mere 3.2 percent of GDP, under 3% of exports") == {
        ("percent", 3.2, 3.2),
        ("percent", 3.0, 3.0),
    }
    assert figures("21 memorandums and 5 million people") == set()  # counts, not money


def test_different_figures_from_different_documents_conflict():
    scored = [
        sentence("a", "China invested over $62 billion in CPEC.", 0.70),
        sentence("b", "Beijing has invested approximately $65 billion via CPEC.", 0.66),
        sentence("c", "China invested $62 billion in CPEC projects.", 0.65),
    ]
    [conflict] = find_conflicts("How much has China invested in CPEC?", scored, POLICY)
    assert [c.doc_id for c in conflict.claims] == ["a", "b", "c"]
    assert conflict.topic == "How much has China invested in CPEC"


def test_agreeing_figures_or_non_quantity_questions_stay_quiet():
    agree = [
        sentence("a", "The deal is worth $500 million.", 0.7),
        sentence("b", "It was a $500 million MoU.", 0.68),
    ]
    assert find_conflicts("How much is the deal worth?", agree, POLICY) == []
    differ = [sentence("a", "It cost $5 billion.", 0.7), sentence("b", "It cost $9 billion.", 0.7)]
    assert find_conflicts("Who signed the deal?", differ, POLICY) == []
    far = [sentence("a", "It cost $5 billion.", 0.7), sentence("b", "It cost $9 billion.", 0.4)]
    assert (
        find_conflicts("How much did it cost?", far, POLICY) == []
    )  # not nearly as good an answer


def test_stance_conflicts_need_a_denial_near_the_question_terms():
    assert negated("This is not a landmark agreement.", {"landmark"})
    assert negated("There is no public evidence of the deal causing a fallout.", {"fallout"})
    assert not negated(
        "Not far away, a landmark agreement was signed by others today.", {"signed"}, window=2
    )
    scored = [
        sentence("a", "The USSM deal was a landmark agreement.", 0.7),
        sentence("b", "The USSM deal was an MoU and not some landmark agreement.", 0.68),
        sentence("c", "Shipments of ore left in October for the United States.", 0.6),
    ]
    question = "Was the USSM deal a landmark agreement?"
    [conflict] = find_stance_conflicts(question, scored, word_similarity, POLICY)
    assert conflict.kind == "stance"
    assert [c.doc_id for c in conflict.claims] == ["b", "a"]  # the denial first; c is off-point
    same = [
        sentence("a", "The deal was a landmark.", 0.7),
        sentence("b", "The deal was a real landmark.", 0.7),
    ]
    assert find_stance_conflicts("Was the deal a landmark?", same, word_similarity, POLICY) == []


def test_contrast_counts_as_a_denial_and_only_verdict_questions_are_read():
    scored = [
        sentence("a", "The partnership is more about political signaling than results .", 0.7),
        sentence("b", "The partnership is about results and is a landmark .", 0.68),
    ]
    [conflict] = find_stance_conflicts(
        "Is the partnership a landmark or political signaling?", scored, word_similarity, POLICY
    )
    assert {c.doc_id for c in conflict.claims} == {"a", "b"}
    assert (
        find_stance_conflicts("What is the partnership about?", scored, word_similarity, POLICY)
        == []
    )
    weak = [sentence(d, t.candidate.text, 0.4) for d, t in zip("ab", scored, strict=True)]
    assert (
        find_stance_conflicts("Is it a landmark?", weak, word_similarity, POLICY) == []
    )  # no support


def test_figures_of_another_magnitude_are_another_quantity():
    scored = [
        sentence("a", "The government claims reserves worth ~$6 trillion.", 0.70),
        sentence("b", "The deal was worth $500 million; reserves: 6 to 8 trillion dollars.", 0.6),
        sentence("c", "Reserves are valued at nearly $6 trillion.", 0.5, overlap=0.2),
        sentence("d", "Another deal was worth $400 million.", 0.65),
    ]
    [conflict] = find_conflicts("What is the mineral wealth estimated to be worth?", scored, POLICY)
    assert [c.doc_id for c in conflict.claims] == ["a", "b", "c"]  # not d's $400 million


def test_only_the_leading_figure_of_the_best_answer_sets_the_quantity():
    scored = [
        sentence("a", "Trade rose to $23 billion in 2024, with the US at $7.2 billion.", 0.75),
        sentence("b", "They signed 21 MoUs worth $4.2 billion.", 0.6),
    ]
    assert find_conflicts("What was the value of trade in 2024?", scored, POLICY) == []


def test_additive_negations_are_not_denials():
    focus = set(tokenize("refining minerals"))
    assert not negated("It is not only about minerals but also about influence.", focus)
    assert not negated("The stakes for minerals have never been higher.", focus)
    assert negated("It is not about minerals at all.", focus)


def test_a_denial_must_be_about_as_good_an_answer_as_the_best_sentence():
    scored = [
        sentence("a", "The USSM deal was a landmark agreement.", 0.8),
        sentence("b", "The USSM deal was an MoU and not some landmark agreement.", 0.6),
    ]
    question = "Was the USSM deal a landmark agreement?"
    assert (
        find_stance_conflicts(question, scored, word_similarity, POLICY) == []
    )  # 0.2 below the best
    # only distinctive terms count as what a denial must be near
    close = [
        sentence("a", scored[0].candidate.text, 0.7),
        sentence("b", scored[1].candidate.text, 0.68),
    ]
    assert find_stance_conflicts(question, close, word_similarity, POLICY, focus={"landmark"})
    assert not find_stance_conflicts(question, close, word_similarity, POLICY, focus={"ussm"})


def test_the_same_statement_with_another_value_conflicts_whatever_the_topic():
    scored = [
        sentence("a", "Facebook acquired Instagram for $1 billion in April 2012.", 0.7, reader=8.0),
        sentence("b", "Apple acquired Instagram for $1 billion in April 2012.", 0.7, reader=7.5),
        sentence("c", "Instagram is a photo and video sharing service.", 0.6, reader=1.0),
    ]
    [conflict] = find_value_conflicts("Who acquired Instagram?", scored, POLICY)
    assert conflict.kind == "values"
    assert [(c.doc_id, c.value) for c in conflict.claims] == [("a", "Facebook"), ("b", "Apple")]
    # Offsets of each claim hold its text.
    for claim, s in zip(conflict.claims, scored, strict=False):
        assert s.candidate.hit.chunk.text[claim.char_start : claim.char_end] == claim.text


def pair(a, b, reader_b=7.5):
    """Two documents' sentences, the first read as the best answer (logit 8.0)."""
    return [sentence("a", a, 0.7, reader=8.0), sentence("b", b, 0.7, reader=reader_b)]


def test_agreeing_or_unrelated_statements_raise_no_value_conflict():
    held = "The fair was held in Springfield in 2019."
    same = pair(held, "The fair was held in Springfield in 2019 .", reader_b=7.9)
    assert find_value_conflicts("Where was the fair held?", same, POLICY) == []
    reworded = pair(held, "Crowds filled Shelbyville for the 2019 county parade.", reader_b=7.9)
    assert find_value_conflicts("Where was the fair held?", reworded, POLICY) == []
    weak = pair(held, "The fair was held in Shelbyville in 2019.", reader_b=1.0)
    assert find_value_conflicts("Where was the fair held?", weak, POLICY) == []  # not an answer
    asked = pair(
        "Tesla beat Ford in 2021 sales of electric cars.",
        "Tesla beat GM in 2021 sales of electric cars.",
        reader_b=7.0,
    )
    # The differing words are values the question does not name: still a conflict.
    assert find_value_conflicts("Whom did Tesla beat in 2021?", asked, POLICY) != []


def test_a_value_written_two_ways_is_one_value():
    # "Oct" is "October" and "19th" is "19": the copies disagree only in the year
    dated = pair(
        "Oct 19, 2021 ... The studio announced its console.",
        "October 19, 2011 ... The studio announced its console.",
    )
    [conflict] = find_value_conflicts("When was the console announced?", dated, POLICY)
    assert [c.value for c in conflict.claims] == ["2021", "2011"]
    same = pair(
        "The console came out on Oct 19th, 2021 in Paris.",
        "The console came out on October 19, 2021 in Paris.",
    )
    assert find_value_conflicts("When did the console come out?", same, POLICY) == []
    # initials written with or without spaces, and a name that a snippet cuts short
    cut = pair(
        "The film director Garry Marshall and writer J. F. Lawton.",
        "By the film director Garry Marshall and writer J.F.",
    )
    assert find_value_conflicts("Who directed the film?", cut, POLICY) == []
