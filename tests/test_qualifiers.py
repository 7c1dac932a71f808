"""What a question qualifies its subject with, and whether an answer says the same."""

from qa.qualifiers import (
    asked_event,
    asked_names,
    is_negated,
    other_holder,
    speaks_of_other,
    states_event,
    states_negation,
    swapped_qualifier,
    unknown_names,
    unstated_event,
)


def test_a_question_is_negated_by_an_explicit_negator_only():
    assert is_negated("What is not an example of a reduction?")
    assert is_negated("Which clubs have never won the league?")
    assert is_negated("What can't be solved in linear time?")
    assert is_negated("Who has no vote on the council?")
    # phrases that negate nothing
    assert not is_negated("What decides whether or not a problem can be solved?")
    assert not is_negated("What may or may not be more powerful?")
    assert not is_negated("Who was the No. 1 seed?")
    assert not is_negated("What is men's year-end No 1 in tennis?")
    assert not is_negated("How do the yes/no answers of a complement problem appear?")
    assert not is_negated("Which firm failed to pay?")  # a negative verb: the statement will say it


def test_a_statement_may_negate_in_other_words():
    q = "Which standards have not verified the reserve figures?"
    assert states_negation("The figures are not verified by any standard.", q)
    assert states_negation("These figures remain unverified by standards like JORC.", q)
    assert states_negation("There is a lack of international verification.", q)
    assert states_negation("It ships without a licence.", q)
    assert not states_negation("The figures were verified by JORC in 2020.", q)
    # a prefix negates only a word the question asks about
    assert not states_negation("The information was verified.", q)


def test_an_answer_that_swaps_a_qualifier_for_its_opposite():
    q = "What is one of the least important open questions?"
    said = ["P versus NP is one of the most important open questions."]
    assert swapped_qualifier(q, said) == ("least", "most")
    assert swapped_qualifier(q, ["It is the least important one."]) is None
    q = "Who won the women's singles in 2019?"
    assert swapped_qualifier(q, ["Novak Djokovic won the men's singles."]) == ("women", "men")
    assert swapped_qualifier(q, ["Simona Halep won the women's singles, beating men's ..."]) is None
    # a plural or a verb's -s still says the same word
    q = "How long does a machine take to output an answer?"
    assert swapped_qualifier(q, ["It reads its input and outputs the answer in n steps."]) is None
    # a capitalized word names something; it qualifies nothing
    q = "What is the oldest bridge in New York?"
    assert swapped_qualifier(q, ["The oldest bridge in New York is an old one."]) is None
    # the question holds both sides: nothing was swapped
    q = "Is the effect more or less than expected?"
    assert swapped_qualifier(q, ["It was less than expected."]) is None


def test_names_the_question_asks_about():
    q = "Is graph isomorphism NQ-complete, like the iPhone 15 or the A380 in Paris?"
    assert asked_names(q) == ["NQ-complete", "iPhone", "A380"]  # not "15", not "Paris"
    assert asked_names("Who founded OpenAI in 2015?") == ["OpenAI"]
    known = {"openai", "covid-19"}.__contains__
    assert unknown_names("Who founded OpenAI?", lambda n: known(n.lower())) == []
    assert unknown_names("Who named COVID-20?", lambda n: known(n.lower())) == ["COVID-20"]


def test_the_event_a_question_asks_about_must_be_stated():
    assert asked_event("Who won the 2019 final?") == "won"
    assert asked_event("When was the game released?") == "released"
    assert asked_event("Who founded the company?") == "founded"
    assert asked_event("What is the capital of France?") is None
    # stated in other words
    assert states_event("won", "Germany lifted the trophy after a 1-0 victory.")
    assert states_event("released", "The game came out on 1 December.")
    assert states_event("won", "In 1982 she received the Turing Award.")
    assert states_event("acquired", "Disney has been the studio's owner since 2019.")
    assert not states_event("won", "The shortlist names three novels.")
    q = "Who won the women's final?"
    assert unstated_event(q, ["Serena Williams and Johanna Konta reached the final."]) == "won"
    assert unstated_event(q, ["The nominees are A and B.", "Halep beat Williams."]) is None


def test_a_former_holder_does_not_answer_who_holds_a_role():
    q = "Who is the president of the federation?"
    assert other_holder(q, ["Sepp Blatter, the former president, spoke on Monday."]) == (
        "president",
        None,
    )
    # a sentence naming someone without the role, a current holder, or a past-tense question
    assert other_holder(q, ["Gianni Infantino said the bid was fair."]) is None
    assert other_holder(q, ["Jeffrey Webb and Jack Warner, current and former presidents"]) is None
    assert other_holder(q, ["Gianni Infantino is president of the federation."]) is None
    assert (
        other_holder("Who was the president in 2010?", ["Sepp Blatter, the former president"])
        is None
    )
    # sentences that name no person do not count either way
    assert other_holder(q, ["The former president left.", "Anna Berg runs the office."]) is None
    # "new" calls a holder current; "New" in a place's name does not
    new = "Sepp Blatter, the former president, met the new president, Gianni Infantino."
    assert other_holder(q, [new]) is None
    in_place = "In New York, Sepp Blatter, the former president, spoke."
    assert other_holder(q, [in_place]) == ("president", None)


def test_the_holder_of_a_role_elsewhere_does_not_answer_who_holds_it_here():
    q = "Who is the president of FIFA?"
    concacaf = "Jeffrey Webb and Jack Warner, the current and former presidents of CONCACAF, met."
    assert other_holder(q, [concacaf]) == ("president", "presidents of CONCACAF")
    assert other_holder(q, ["On Monday, UEFA president Anna Berg spoke."]) == (
        "president",
        "UEFA president",
    )
    assert other_holder(q, ["On Monday, Vice President Anna Berg spoke."]) == (
        "president",
        "Vice President",
    )
    # the body the question names, or a holder named without a body, still answers
    assert other_holder(q, [concacaf, "On Monday, FIFA president Gianni Infantino spoke."]) is None
    assert other_holder(q, ["Gianni Infantino, president of FIFA, spoke."]) is None
    assert other_holder(q, [concacaf, "Gianni Infantino, the president, spoke."]) is None
    # a word before the role names a body only as an acronym: "Swiss" may be the one asked
    assert other_holder(q, ["Swiss president Anna Berg spoke."]) is None
    # another word that starts like the role is not the role
    assert other_holder(q, ["Former presidential candidate Anna Berg spoke."]) is None


def test_a_sentence_that_speaks_of_something_other_than_the_very_thing_asked():
    q = "Which actor won Best Actor at the 92nd Academy Awards?"
    # a name with a word put inside it, and a qualifier swapped for its opposite
    assert speaks_of_other(q, "The nominee won the best supporting actor Oscar.") == (
        "best supporting actor"
    )
    assert speaks_of_other(q, "Anna Berg claimed the best actress win.") == "actress"
    assert speaks_of_other(q, "Tom Hale won Best Actor at the 92nd Academy Awards.") is None
    # a prospect is not the result, unless the question asks about prospects
    ranking = "What was the year-end No. 1 ranking in 2019?"
    assert speaks_of_other(ranking, "Two contenders each had a shot at the No. 1 ranking.") == (
        "contenders"
    )
    assert speaks_of_other(ranking, "Tom Hale clinched the year-end No. 1 ranking.") is None
    assert (
        speaks_of_other("Who were the contenders for the title?", "The contenders were A.") is None
    )


def test_a_part_another_edition_or_a_longer_name_is_not_the_thing_asked():
    tour = "Who won the 2021 Tour de France?"
    # a part of the whole
    assert speaks_of_other(tour, "Ivo Lind won stage 13 of the Tour de France.") == (
        "stage 13 of the Tour de France"
    )
    assert speaks_of_other(tour, "Ivo Lind won the final stage of the 2021 Tour de France.") == (
        "stage of the 2021 Tour de France"
    )
    assert speaks_of_other(tour, "Ivo Lind won the 2021 Tour de France.") is None
    # unless the question asks about a part
    assert (
        speaks_of_other(
            "Who won stage 13 of the Tour de France?",
            "Ivo Lind won stage 13 of the Tour de France.",
        )
        is None
    )
    # another edition: the name bound to another year, dots in the name optional
    us_open = "Who won the women's singles U.S. Open in 2021?"
    assert speaks_of_other(us_open, "Anna Berg was seeded first at the 2022 US Open.") == (
        "2022 US Open"
    )
    assert speaks_of_other(us_open, "Anna Berg won the 2021 US Open women's singles.") is None
    assert speaks_of_other(us_open, "The 2019 US Open champion won the 2021 US Open.") is None
    assert speaks_of_other(tour, "Ivo Lind, who won the 2020 Tour de France, won in 2021.") is None
    # a longer name; a legal form, a final or a headline's capitals are the same thing
    draft = "What is the date of the 2021 NBA Draft?"
    assert speaks_of_other(draft, "The 2021 NBA Draft Combine runs June 21-27.") == (
        "NBA Draft Combine"
    )
    assert speaks_of_other(draft, "The 2021 NBA Draft is on July 29.") is None
    assert speaks_of_other(draft, "Fans Count Down As 2021 NBA Draft Nears July Date") is None
    cup = "Who was the runner-up of the 2014 World Cup?"
    assert speaks_of_other(cup, "Argentina lost the 2014 World Cup Final to Germany.") is None
    # another first word of a longer name
    teacher = "Who was named the 2021 National Teacher of the Year?"
    assert speaks_of_other(teacher, "Lori Kwee was named 2021 State Teacher of the Year.") == (
        "State Teacher of the Year"
    )
    assert (
        speaks_of_other(teacher, "Juliana Urtubey is the 2021 National Teacher of the Year.")
        is None
    )
    # either apostrophe, and an acronym spelt out, are the same name
    ministry = "Who is the spokesman of China's Foreign Ministry?"
    assert speaks_of_other(ministry, "As China’s Foreign Ministry spokesman Lin Jian said.") is None
    metals = "Which firm signed the deal with US Strategic Metals?"
    assert speaks_of_other(metals, "It signed with United States Strategic Metals.") is None
    assert speaks_of_other(metals, "It signed with Global Strategic Metals.") == (
        "Global Strategic Metals"
    )
    # a role and its body ("CEO of Tesla Motors") is not a name another first word changes
    ceo = "Who is the CEO of Tesla Motors?"
    assert speaks_of_other(ceo, "Ana Lind is Chief Executive of Tesla Motors.") is None


def test_a_record_or_a_role_of_someone_unnamed_does_not_answer():
    won = "Who won the women's singles at Wimbledon in 2021?"
    assert speaks_of_other(won, "As of 2021, the player with the most wins was Ana Lind.") == (
        "most wins"
    )
    assert speaks_of_other(won, "Ana Lind, with the most wins, won again in 2021.") is None
    assert (
        speaks_of_other("Who holds the record for the most wins?", "Ana Lind has the most wins.")
        is None
    )
    # "its lead actress": whose, the sentence does not say
    lead = "Who is the lead actress in La La Land?"
    assert speaks_of_other(lead, "Its lead actress Mira Sand played the heroine.") == (
        "Its lead actress"
    )
    assert speaks_of_other(lead, "In La La Land, its lead actress Mira Sand sings.") is None
    # the subject is named by its capitalized name: "Avatar" for "the Avatar movie"
    avatar = "Who is the director of the Avatar movie?"
    assert speaks_of_other(avatar, "'Avatar 2' is a risk, says its own director Ana Lind.") is None
    assert speaks_of_other(avatar, "The sequel is a risk, says its own director Ana Lind.") == (
        "its own director"
    )
