from qa.answer_types import answer_type, matches, pinned_numbers


def test_question_forms():
    assert answer_type("How many books has Arun Anand authored?") == "count"
    assert answer_type("What is the number of stations on the line?") == "count"
    assert answer_type("How long is the bridge?") == "number"
    assert answer_type("What share of GDP does mining contribute?") == "percent"
    assert answer_type("How much has China invested in CPEC?") == "money"
    assert answer_type("How large is the envisioned investment in the port?") == "money"
    assert answer_type("When did the shipment leave?") == "date"
    assert answer_type("In what year was the amendment passed?") == "date"
    assert answer_type("Until when does the allocation cover exploration?") == "date"
    assert answer_type("Who witnessed the signing?") == "name"
    assert answer_type("Why did Pakistan sign?") is None
    # the kind named by a noun rather than by the question word
    assert answer_type("What is the release date of the second album?") == "date"
    assert answer_type("What was the company's revenue in 2019?") == "money"
    assert answer_type("What is the population of the district?") == "number"
    assert answer_type("Which engineer designed it?") is None  # not a listed role: no guess
    assert answer_type("Which actress played the lead?") == "name"
    assert answer_type("What is the capital of the province?") is None


def test_sentence_matches():
    q = "Who wrote the column?"
    assert matches("name", "The column was written by Arun Anand last year.", q)
    assert not matches("name", "The column was written last year.", q)
    assert not matches("name", "Arun Anand wrote it.", "Who is Arun Anand?")  # name from question
    assert matches("number", "He has authored more than 15 books.", "How many books?")
    assert matches("number", "China restricted seven elements.", "How many elements?")
    assert matches("date", "It took effect in November.", "When?")
    assert matches("date", "Back in the 1970s it began.", "When?")
    assert not matches("date", "It took effect later.", "When?")
    assert matches("date", "The quarry ships granite on Tuesdays.", "When?")
    assert matches("date", "The gates open at 9 a.m. sharp.", "When?")
    assert matches("date", "It was built two centuries ago.", "When?")
    assert not matches("date", "Mondayish moods fade.", "When?")
    assert matches("number", "A single output is expected.", "How many outputs?")
    assert not matches(None, "Anything at all 2024.", "Why?")
    # a count is not a sum of money or a share
    q = "How many employees does the firm have?"
    assert matches("count", "It employs 12,000 people, up 5% on last year.", q)
    assert not matches("count", "It signed a $500 million deal.", q)
    assert not matches("count", "It signed a deal reportedly worth millions.", q)
    assert not matches("count", "Its staff grew 3.2 percent.", q)
    assert matches("count", "Millions of people use it.", "How many people use it?")
    assert matches("money", "The envisioned $1.2 billion investment.", "How much?")
    assert not matches("money", "Just 100 kilometers east of the port.", "How much?")
    assert matches("percent", "It contributes a mere 3.2 percent of GDP.", "What share?")
    assert not matches("percent", "It contributes 3.2 billion.", "What share?")


def test_a_name_is_a_person_once_titles_and_organisations_are_set_aside():
    q = "Who witnessed the signing?"
    assert matches("name", "It was witnessed by Prime Minister Muhammad Shehbaz Sharif.", q)
    assert not matches("name", "It was signed by Frontier Works Organization today.", q)
    assert not matches("name", "The United States Strategic Metals signed it.", q)
    assert matches("name", "Arun Anand is an author and a columnist.", q)  # at sentence start
    # one surname after "by" names who did it
    assert matches("name", "It was shown by Ladner that such problems exist.", q)
    assert not matches("name", "It was signed by January.", q)
    assert not matches("name", "It was shown by Ladner.", "Who did Ladner cite?")
    assert not matches("name", "In September the deal was signed.", q)
    assert not matches("name", "He chairs the Global Research Institute for Peace.", q)


def test_numbers_that_pin_a_question_read_as_digits():
    assert pinned_numbers("When was Xenoblade Chronicles 2 released?") == {"2"}
    # digits, digit ordinals and ordinal words are one number
    assert pinned_numbers("When does season 4 premiere?") == {"4"}
    assert pinned_numbers("The fourth season premiered.") == {"4"}
    assert pinned_numbers("Who won at the 92nd Academy Awards?") == {"92"}
    # years are the year check's; decimals, grouped figures and symbols are not identifiers
    assert pinned_numbers("In 2019 it rose 1.5 points to 3,000 for O(n2).") == set()
    assert pinned_numbers("No number here.") == set()
    # a day of the month and "a second" pin nothing; "the second" still does
    assert pinned_numbers("It was released on 2 August 2023, or August 2.") == set()
    assert pinned_numbers("A second album followed; the second season did not.") == {"2"}


def test_prizes_events_and_works_are_not_people():
    q = "Who won the award in 2017?"
    for text in (
        "2017 Walter Camp Award Semifinalist.",
        "The 2021 Masters Tournament runs April 8-11 at Augusta National Golf Club.",
        "It won four awards, including Best Picture, Best Director.",
    ):
        assert not matches("name", text, q), text
    # names beyond ASCII letters are still names
    assert matches("name", "Renée Zellweger claimed the best actress win.", q)
    assert matches("name", "The race was won by Pogačar.", q)


def test_a_company_answers_who_only_where_bodies_count():
    q = "Who acquired the studio?"
    text = "The Walt Disney Co. has set a deal to acquire the studio."
    assert not matches("name", text, q)
    assert matches("name", text, q, bodies=True)
    assert not matches("name", "The Harwick Prize went unclaimed.", q, bodies=True)


def test_which_city_asks_for_a_place_that_the_question_does_not_name():
    q = "Which city hosted the rowing championship in 2008?"
    assert answer_type(q) == "place"
    assert answer_type("In what country was the treaty signed?") == "place"
    assert answer_type("Where can the classes be located?") is None  # "between P and PSPACE"
    assert matches("place", "Halden hosted the rowing championship in 2008.", q)
    assert matches("place", "The finals were held in Lake Bled, Slovenia.", q)
    # sentence starters, events and bodies are not places; nor is what the question names
    assert not matches("place", "No fewer than nine cities bid for the 2008 Summer Games.", q)
    assert not matches("place", "The Rowing Championship drew crowds in 2008.", q)
    assert not matches("place", "The Harwick Rowing Club won twice.", q)
