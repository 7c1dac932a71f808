"""The answer stage on the real model and the seed corpus."""

from quarry.engine import Engine
from quarry.ingestor import Ingestor
from quarry.settings import Settings


def _engine_over(tmp_path, real_embedder, files: dict[str, str]) -> Engine:
    """An engine over an index of ``files`` (name -> text), built with the real model."""
    folder = tmp_path / "docs"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    settings = Settings(data_dir=tmp_path / "data")
    Ingestor(settings, real_embedder, progress=False).ingest([folder])
    return Engine(settings, embedder=real_embedder)


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


def test_abstains_when_no_answer_sentence_holds_what_the_question_asks_for(tmp_path, real_embedder):
    """A who-question over passages that discuss the subject but name nobody, and a when-
    question whose passages hold no date: the sentences match well, but none holds a person or
    a date beyond the question's own words, so the answer abstains. The same documents answer
    a who-question whose name is in the sentence after the best one."""
    files = {
        "bridge.txt": "The Harlow Bridge was designed to carry trains and cars across the estuary. "
        "Its design uses a steel arch with a concrete deck. "
        "The designers of the Harlow Bridge chose steel for its strength in salt air.\n\n"
        "The Harlow Bridge was opened at a ceremony attended by thousands. "
        "The ribbon was cut by Mayor Clara Voss of Eastport.\n",
        "ferry.txt": "Before the bridge, a ferry crossed the estuary several times a day. "
        "The ferry service ended when the bridge opened, and its boats were sold.\n",
    }
    engine = _engine_over(tmp_path, real_embedder, files)
    answerer = engine.answerer()
    lenient = answerer.policy.without("asked_kind")
    strict = answerer.policy
    for question, kind in (
        ("Who designed the Harlow Bridge?", "person"),
        ("When did the ferry service end?", "date or time"),
    ):
        answerer.policy = lenient
        assert not engine.answer(question).abstained, question  # the other checks let it pass
        answerer.policy = strict
        answer = engine.answer(question)
        assert answer.abstained, question
        assert answer.abstain_reason == f"The sentences that come closest name no {kind}."
    answer = engine.answer("Who opened the Harlow Bridge?")
    assert not answer.abstained and "Clara Voss" in answer.answer


def test_abstains_when_no_passage_holds_the_number_the_question_names(tmp_path, real_embedder):
    """Passages about a show's second and third seasons do not answer a question about its
    fourth: the number pins the subject, like a year. Written as an ordinal it still counts."""
    show = (
        "Harbor Lights is a drama about a fishing town on the northern coast.\n\n"
        "Season 2 of Harbor Lights premiered in March, after a long delay in filming.\n\n"
        "The third season of Harbor Lights premiered in October and drew record audiences.\n"
    )
    engine = _engine_over(tmp_path, real_embedder, {"show.txt": show})
    answerer = engine.answerer()
    strict = answerer.policy
    question = "When did season 4 of Harbor Lights premiere?"
    answerer.policy = strict.with_(require_asked_numbers=False)
    assert not engine.answer(question).abstained  # the other checks let it pass
    answerer.policy = strict
    answer = engine.answer(question)
    assert answer.abstained
    assert answer.abstain_reason == 'No passage that answers it mentions "4".'
    answer = engine.answer("When did season 3 of Harbor Lights premiere?")
    assert not answer.abstained and "October" in answer.answer


# An answer whose sentence says "it" for the subject the sentence before it names.
HOLLIS = {
    "hollis.txt": "The Hollis Institute is a research library in Aberdeen. It was founded in 1887 "
    "by a shipping merchant who collected maps.\n\nThe library's reading room seats two "
    "hundred people and stays open until nine every evening.\n",
    "guide.txt": "Visitors to the Hollis Institute often ask about its history, which a guided "
    "tour explains every Saturday in 2024.\n",
}


def test_reader_reads_a_sentence_after_the_one_before_it(tmp_path, real_embedder):
    """The founding sentence answers "When was the Hollis Institute founded?" only once the
    sentence before it says what "it" is. Read alone, the reader prefers a sentence that names
    the institute and a year but answers nothing; read in context, the founding sentence wins."""
    engine = _engine_over(tmp_path, real_embedder, HOLLIS)
    answerer = engine.answerer()
    question = "When was the Hollis Institute founded?"
    retrieval = answerer.retrieve(question)
    scored = answerer.score_sentences(question, retrieval.qvec, retrieval.hits)
    founding = next(s for s in scored if s.text.startswith("It was founded"))
    assert answerer._in_context(founding) == (
        "The Hollis Institute is a research library in Aberdeen. " + founding.text
    )
    first = next(s for s in scored if s.text.startswith("The Hollis Institute is"))
    assert answerer._in_context(first) == first.text  # a passage's first sentence: alone

    answer = engine.answer(question)
    assert not answer.abstained
    assert answer.citations[0].quote == founding.text
    assert "1887" in answer.answer

    # Read alone, the reader picks the tour sentence, which says nothing of a founding: the
    # event check would abstain on it, so it is off here to show the reader's choice.
    strict_checks = answerer.policy.checks
    answerer.policy = answerer.policy.with_(reader_context_weight=0.0).without("asked_event")
    alone = engine.answer(question)
    assert alone.citations and alone.citations[0].quote != founding.text
    answerer.policy = answerer.policy.with_(checks=strict_checks)
    assert engine.answer(question).abstained


def _each_check_abstains(
    engine: Engine, checks: dict[str, tuple[str, str]], answered: dict[str, str]
) -> None:
    """Each question of ``checks`` (-> the policy checks that catch it, space-separated, the
    reason it gives) is answered with those checks off, since the other checks let it pass,
    and abstains with them on; each question of ``answered`` (-> words its answer holds) is
    still answered."""
    answerer = engine.answerer()
    strict = answerer.policy
    for question, (check, reason) in checks.items():
        answerer.policy = strict.without(*check.split())
        assert not engine.answer(question).abstained, question
        answerer.policy = strict
        answer = engine.answer(question)
        assert answer.abstained and answer.abstain_reason == reason, question
    for question, says in answered.items():
        answer = engine.answer(question)
        assert not answer.abstained and says in answer.answer, question


# Sentences that share a question's words but answer another question.
LEAGUE = {
    "league.txt": "The Northfield Rovers won the men's championship in 2019, beating Eastport "
    "United 3-1 in the final at Harbour Park.\n\nThe Rovers' stadium holds 12,000 fans and "
    "opened in 1998.\n",
    "cup.txt": "The Eastport Cup is played every spring between the region's oldest clubs. "
    "Eastport United has won the cup most often, with eleven titles since 1950.\n",
}


def test_abstains_when_the_answer_is_about_something_other_than_what_was_asked(
    tmp_path, real_embedder
):
    """A question about the women's final, the club that won least often, the team that did
    not win, or a league the documents never name: the best sentence matches its words but
    answers another question. Each check alone turns the answer into an abstention, and the
    question it does answer is still answered."""
    engine = _engine_over(tmp_path, real_embedder, LEAGUE)
    checks = {
        # each sentence also speaks of the opposite, which exact_subject checks too
        "Who won the women's championship in 2019?": (
            "same_qualifiers exact_subject",
            'The documents speak of "men" where the question asks about "women".',
        ),
        "Which club has won the Eastport Cup least often?": (
            "same_qualifiers exact_subject",
            'The documents speak of "most" where the question asks about "least".',
        ),
        "Which team did not win the men's championship in 2019?": (
            "polarity",
            "The question asks what is not so; the passages that come closest only say what is.",
        ),
        "Who won the men's EuroLeague championship in 2019?": (
            "known_names",
            'The documents never mention "EuroLeague".',
        ),
    }
    answered = {
        "Who won the men's championship in 2019?": "Northfield Rovers",
        "Which club has won the Eastport Cup most often?": "Eastport United",
    }
    _each_check_abstains(engine, checks, answered)


# Sentences that each answer part of a question: a shortlist for the year, a winner of another
# prize, a former holder of the role, a holder of it at another body, a chair with no year.
PARTS = {
    "prize.txt": "The shortlist for the 2021 Harwick Prize for fiction names Ana Ruiz, Tom Hale "
    "and Mira Sand. The judges will meet in Oslo to choose among the three novels.\n\n"
    "The Harwick Prize for poetry went to Lena Park, who won it for her collection Salt Roads.\n",
    "museum.txt": "Jane Ortiz, the former director of the Marlow Museum, opened its east wing in "
    "2010. The museum holds a large collection of maritime maps and ship models.\n\n"
    "The museum's board meets every spring to set the budget for the year ahead.\n",
    "board.txt": "Mark Olsen chaired the Harbor Board for a decade and oversaw the new docks. "
    "The Harbor Board moved its offices to the old customs house.\n\n"
    "In 2015 the Harbor Board was chaired by committee while the members chose a new head.\n",
    "union.txt": "Tom Reyes, the president of the Fisher Union, opened the Harbour Fair on "
    "Monday. The Harbour Fair raised money for new nets and a training boat.\n",
}


def test_abstains_when_no_one_sentence_answers_the_whole_question(tmp_path, real_embedder):
    """Names of a shortlist for 2021 are not the 2021 winner; a former director is not the
    director, nor the president of another body its president; a chair named in one sentence
    and "2015" in another do not say who chaired in 2015. Each check, turned off, lets the
    answer through; the questions the documents do answer are still answered, a place among
    them."""
    engine = _engine_over(tmp_path, real_embedder, PARTS)
    checks = {
        "Who won the 2021 Harwick Prize for fiction?": (
            "asked_event",
            "No sentence that comes close says anything was won.",
        ),
        "Who is the director of the Marlow Museum?": (
            "current_holder",
            "The sentences that come closest name only a former director.",
        ),
        "Who chaired the Harbor Board in 2015?": (
            "whole_answer",
            'No sentence that comes close holds a person together with "2015".',
        ),
        "Who is the president of the Harbour Fair?": (
            "current_holder",
            'The sentences that come closest name a president only as "president of the Fisher '
            'Union".',
        ),
    }
    answered = {
        "Who won the Harwick Prize for poetry?": "Lena Park",
        "Who chaired the Harbor Board?": "Mark Olsen",
        "Who is the president of the Fisher Union?": "Tom Reyes",
        "In which city will the judges meet?": "Oslo",
    }
    _each_check_abstains(engine, checks, answered)


def test_a_second_look_reads_further_before_abstaining(tmp_path, real_embedder):
    """With one passage the answer abstains: the passage closest to the question names no
    designer. A second look reads two more passages, finds the architect and answers, and its
    timings add to the first look's. Turned off, the answer abstains."""
    files = {
        "design.txt": "The Harlow Bridge was designed to carry trains and cars across the "
        "estuary. The design of the Harlow Bridge uses a steel arch with a concrete deck.\n",
        "plans.txt": "Engineers praised the new crossing when it opened in 1995. Mira Sand, an "
        "architect from Eastport, designed the Harlow Bridge.\n",
    }
    engine = _engine_over(tmp_path, real_embedder, files)
    answerer = engine.answerer()
    question = "Who designed the Harlow Bridge?"
    answerer.policy = answerer.policy.with_(second_look_passages=0)
    first = engine.answer(question, top_k=1)
    assert first.abstained
    assert first.abstain_reason == "The sentences that come closest name no person."
    assert [p.doc_id for p in first.passages] == ["design"]
    answerer.policy = answerer.policy.with_(second_look_passages=2)
    answer = engine.answer(question, top_k=1)
    assert not answer.abstained and "Mira Sand" in answer.answer
    assert [p.doc_id for p in answer.passages] == ["design", "plans"]
    timings = answer.timings_ms
    assert timings["second_look"] > 0 and timings["total"] > timings["second_look"]


def test_abstains_when_every_sentence_speaks_of_something_else(tmp_path, real_embedder):
    """Contenders for a title are not its winner, and "best supporting actor" is not the Best
    Actor award: with the check off the other checks let an answer through; with it on the
    answer abstains and says what the sentences speak of instead."""
    files = {
        "open.txt": "Anna Berg and Tom Hale were the leading contenders for the 2019 Harbour Open "
        "title, each with a shot at the year-end No. 1 ranking.\n",
        "awards.txt": "At the 2020 Coast Film Awards, Mira Sand won the best supporting actor "
        "prize for her role in Salt Roads.\n",
    }
    engine = _engine_over(tmp_path, real_embedder, files)
    checks = {
        "Who won the 2019 Harbour Open title?": (
            "exact_subject",
            'The sentences that come closest speak of something else: "contenders".',
        ),
        "Who won Best Actor at the 2020 Coast Film Awards?": (
            "exact_subject",
            'The sentences that come closest speak of something else: "best supporting actor".',
        ),
    }
    _each_check_abstains(engine, checks, {})


def test_abstains_when_the_sentences_speak_of_a_part_or_a_longer_name(tmp_path, real_embedder):
    """A stage of a race is not the race, and a draft's combine is not the draft: with the
    check off the other checks let an answer through; with it on the answer abstains and says
    what the sentences speak of instead. A sentence beside them that names no one, or states
    no win, does not answer either."""
    files = {
        "tour.txt": "Ivo Lind won stage 13 of the 2021 Coastal Tour after a long breakaway. "
        "The 2021 race drew record crowds to the harbour towns.\n",
        "draft.txt": "The 2021 Harbour League Draft Combine took place on June 21 in Chicago.\n",
    }
    engine = _engine_over(tmp_path, real_embedder, files)
    checks = {
        "Who won the 2021 Coastal Tour?": (
            "exact_subject",
            'The sentences that come closest speak of something else: "stage 13 of the 2021 '
            'Coastal Tour".',
        ),
        "When was the 2021 Harbour League Draft?": (
            "exact_subject",
            'The sentences that come closest speak of something else: "Harbour League Draft '
            'Combine".',
        ),
    }
    _each_check_abstains(engine, checks, {"Who won stage 13 of the 2021 Coastal Tour?": "Ivo Lind"})
    # Beside a sentence that speaks of a part, one that names no one and states no win does not
    # answer; one that names the winner does.
    question = "Who won the 2021 Coastal Tour?"
    files["final.txt"] = "Mara Holt won the 2021 Coastal Tour by two minutes.\n"
    engine = _engine_over(tmp_path / "with-winner", real_embedder, files)
    answerer = engine.answerer()
    r = answerer.retrieve(question)
    by_text = {s.text: s for s in answerer.score_sentences(question, r.qvec, r.hits)}
    stage = by_text["Ivo Lind won stage 13 of the 2021 Coastal Tour after a long breakaway."]
    idle = by_text["The 2021 race drew record crowds to the harbour towns."]
    winner = by_text["Mara Holt won the 2021 Coastal Tour by two minutes."]
    assert answerer._speaks_of_other(question, [stage, idle]) == "stage 13 of the 2021 Coastal Tour"
    assert answerer._speaks_of_other(question, [stage, winner]) is None


def test_a_hard_wrapped_sentence_is_answered_whole(tmp_path, real_embedder):
    """A NEWS file wrapped at 70 columns: the answer quotes the whole sentence, not a line of
    it, and the quote is the stored text at its offsets."""
    news = (
        "Frobnicate NEWS\n\n* Noteworthy changes in release 2.4\n\n"
        "  The --color option now defaults to 'auto' when standard output is a\n"
        "  terminal, thanks to a patch contributed by Ana Ruiz.  Scripts that\n"
        "  parse the output are not affected.\n"
    )
    engine = _engine_over(tmp_path, real_embedder, {"NEWS.txt": news})
    answer = engine.answer("Who contributed the patch that made --color default to auto?")
    assert not answer.abstained, answer.abstain_reason
    quote = answer.citations[0].quote
    assert quote == (
        "The --color option now defaults to 'auto' when standard output is a terminal, thanks "
        "to a patch contributed by Ana Ruiz."
    )
    stored = engine.version().document(answer.citations[0].doc_id).text
    c = answer.citations[0]
    assert stored[c.char_start : c.char_end] == quote


def test_a_count_in_inline_code_is_a_count(tmp_path, real_embedder):
    """Markdown's backticks are markup, not text: "a maximum of `10` listeners" holds the count
    a how-many question asks for, so the answer is not "the sentences name no count"."""
    doc = (
        "# Events\n\nBy default, a maximum of `10` listeners can be registered for any single "
        "event. This limit can be changed for individual emitters.\n"
    )
    engine = _engine_over(tmp_path, real_embedder, {"events.md": doc})
    answer = engine.answer("How many listeners can be registered for a single event by default?")
    assert not answer.abstained, answer.abstain_reason
    assert "a maximum of 10 listeners" in answer.answer
