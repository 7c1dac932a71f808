"""Versions of one document (``qa.versions``) and the checks that know versions, on their own."""

from index.store import DocumentInfo
from ingest.slots import value_differences
from qa.checks.asked_version import asked_versions
from qa.versions import find_version_conflicts, version_groups, version_label
from tests.test_conflicts import sentence

OLD = (
    "Requests is one of the most downloaded Python packages today, pulling in around 30M "
    "downloads / week, and is depended upon by 1,000,000+ repositories."
)
NEW = OLD.replace("30M", "300M").replace("1,000,000+", "4,000,000+")


def info(doc_id, source, title="Requests"):
    return DocumentInfo(doc_id, title, source, 3, 100)


def test_versions_are_paths_that_differ_in_a_version_number_or_namesakes_with_one_title():
    docs = [
        info("a", "/d/python-requests-2.32.3/README.md"),
        info("b", "/d/python-requests-2.34.2/README.md"),
        info("c", "/d/python-urllib3-2.2.2/README.md", "urllib3"),
        info("l1", "/d/py3.11/LICENSE.txt", "A. HISTORY OF THE SOFTWARE"),
        info("l2", "/d/other/LICENSE.txt", "A. HISTORY OF THE SOFTWARE"),
        info("l3", "/d/third/LICENSE.txt", "Another licence"),
    ]
    groups = version_groups(docs)
    assert groups["a"] == ["b"] and groups["b"] == ["a"]
    assert "c" not in groups  # another package
    assert groups["l1"] == ["l2"] and "l3" not in groups  # same name, other title: not a version
    assert version_label("/d/python-requests-2.34.2/README.md") == "2.34.2"
    assert version_label("/d/other/LICENSE.txt") == "other"


def test_every_value_two_versions_of_a_sentence_write_otherwise():
    diffs = value_differences(OLD, NEW)
    assert [(d.a, d.b) for d in diffs] == [("30M", "300M"), ("1,000,000", "4,000,000")]
    assert value_differences(OLD, OLD) == []
    assert value_differences(OLD, "Lithium prices fell sharply in April across Asia.") == []


def test_a_version_conflict_cites_both_versions_with_the_value_asked_about():
    texts = {"a": f"Intro. {OLD} More.", "b": f"Intro. {NEW} More."}
    described = {
        "a": ("Requests", "/d/python-requests-2.32.3/README.md"),
        "b": ("Requests", "/d/python-requests-2.34.2/README.md"),
    }
    chosen = [sentence("b", NEW, 0.9)]
    question = "Roughly how many downloads a week does Requests get?"
    conflicts = find_version_conflicts(
        question, chosen, {"b": ["a"], "a": ["b"]}, texts.__getitem__, described.__getitem__
    )
    assert len(conflicts) == 1 and conflicts[0].kind == "versions"
    claims = {c.doc_id: c for c in conflicts[0].claims}
    assert (claims["b"].value, claims["a"].value) == ("300M", "30M")  # near "downloads / week"
    assert claims["a"].title == "Requests (2.32.3)" and claims["b"].title == "Requests (2.34.2)"
    a = claims["a"]
    assert texts["a"][a.char_start : a.char_end] == a.text == OLD  # a citable quote
    # no sibling version, or a sibling that says the same: nothing to report
    assert (
        find_version_conflicts(question, chosen, {}, texts.__getitem__, described.__getitem__) == []
    )
    same = {"a": texts["b"], "b": texts["b"]}
    assert not find_version_conflicts(
        question, chosen, {"b": ["a"]}, same.__getitem__, described.__getitem__
    )


def test_the_versions_a_question_names():
    assert asked_versions("What was fixed in OpenSSL 3.0.20?") == ["3.0.20"]
    assert asked_versions("What changed in version 2.4?") == ["2.4"]
    assert asked_versions("Which release v1.2 dropped it?") == ["1.2"]
    assert asked_versions("Did exports grow 3.2 percent in 2021?") == []
    assert asked_versions("Does it run on Python 3.11?") == []  # one dot, no "version": not one
