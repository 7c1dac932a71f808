"""Every word list of the answer and ingest stages, in one place, each group saying where it
came from: general English, or words added while fitting a development set (seed corpus, RGB,
SQuAD). A rule that needs words takes them from here; nothing else spells a word list.

A leaf module (it imports nothing of ours).
"""

from __future__ import annotations

# General English: the months in calendar order. The one list that sentence splitting,
# answer types ("a date"), value slots ("Oct" is "October") and the metrics use.
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

# General English: how news writes the months short ("Oct 19", "Sept. 8").
MONTH_ABBREVIATIONS = {m[:3]: m for m in MONTHS if m != "may"} | {"sept": "september"}

# General English: words that end with a period but rarely end a sentence.
ABBREVIATIONS = set(MONTH_ABBREVIATIONS) | {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sr",
    "jr",
    "st",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "no",
    "fig",
    "u.s",
    "u.k",
    "u.n",
    "inc",
    "ltd",
    "co",
    "corp",
    "gen",
    "gov",
    "sen",
    "rep",
    "approx",
}

# General English function words, left out of lexical terms.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "over",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "about",
        "after",
        "before",
        "between",
        "during",
        "he",
        "she",
        "his",
        "her",
        "our",
        "we",
        "you",
        "your",
        "i",
        "me",
        "my",
        "not",
        "no",
        "so",
        "very",
        "just",
        "also",
        "s",
        "t",
    ]
)

# General English opposites that flip a statement's meaning when swapped (degree, order,
# direction, sex, sign), not words of any one corpus.
OPPOSITE_PAIRS = """
    most/least more/less more/fewer most/fewest greatest/least maximum/minimum max/min
    best/worst better/worse largest/smallest larger/smaller large/small biggest/smallest
    bigger/smaller big/small highest/lowest higher/lower high/low upper/lower top/bottom
    longest/shortest longer/shorter long/short widest/narrowest wider/narrower wide/narrow
    heaviest/lightest heavier/lighter heavy/light strongest/weakest stronger/weaker strong/weak
    fastest/slowest faster/slower fast/slow hardest/easiest harder/easier hard/easy
    oldest/youngest older/younger oldest/newest older/newer old/new
    earliest/latest earlier/later early/late first/last before/after above/below
    inside/outside inner/outer internal/external increase/decrease increased/decreased
    increases/decreases rise/fall rose/fell gain/loss gained/lost win/lose won/lost wins/losses
    winner/loser winners/losers success/failure successful/unsuccessful accept/reject
    accepted/rejected include/exclude included/excluded import/export imports/exports
    buy/sell bought/sold buyer/seller positive/negative true/false correct/incorrect
    legal/illegal possible/impossible always/never all/none
    men/women man/woman male/female boys/girls boy/girl his/her husband/wife
    actor/actress actors/actresses king/queen prince/princess father/mother son/daughter
    brother/sister
    north/south east/west northern/southern eastern/western left/right
    public/private domestic/foreign national/international rich/poor cheap/expensive
    hot/cold warm/cool wet/dry open/closed opened/closed start/end began/ended beginning/end
    entry/exit arrival/departure input/output cause/effect major/minor simple/complex
    common/rare frequent/rare
"""

# General English: events a question may ask about, each as (the question's words for it,
# the participle that names it, the words a statement of it uses); regex alternations. Fitted
# while reading RGB development items (nominees for a winner, announcements for a release).
EVENTS = [
    (
        r"won|wins?|winners?",
        "won",
        r"won|wins?|winners?|winning|victor(y|ies|ious)?|champions?|championships?|titles?|"
        r"triumph\w*|beat|beats|beaten|defeat\w*|clinch\w*|claim\w*|lift\w*|crowned|awarded|"
        r"took home|receiv\w*|earn\w*|honou?red|named|gold",
    ),
    (
        r"released?|releases",
        "released",
        r"releas\w*|launch\w*|out|available|arriv\w*|debut\w*|hit|hits|ship\w*|premier\w*|"
        r"came|comes?|coming|on sale|publish\w*|issued|air(s|ed)|open(s|ed)",
    ),
    (
        r"founded|founders?",
        "founded",
        r"found\w*|establish\w*|formed|created|started|launched|set up|incorporated|began|"
        r"opened",
    ),
    (
        r"acquired?|acquires|bought|purchased?",
        "acquired",
        r"acqui\w*|bought|buys?|buying|purchas\w*|takes over|took over|taken over|takeover|"
        r"deal|merg\w*|own\w*|sold|sale",
    ),
    (r"hosted|hosts?", "hosted", r"host\w*|held|staged|venue|took place"),
]

# Words after a name that still name the same thing: a company's legal form (general English),
# the deciding match of an event ("World Cup Final") or its formal name ("Wimbledon
# Championships"), added from RGB development items.
SAME_THING_WORDS = """
    inc corp corporation co company ltd llc group holdings plc
    final finals tournament championship championships
"""

# In a run of capitalized words, these separate a name from what surrounds it: general
# English words that start sentences, days, and titles ("Prime Minister Shehbaz Sharif", from
# the seed corpus).
SEPARATOR_WORDS = """
    a an after and as at before but by during for from if in on since that these this those
    when while with its his her their our it he she they we yet so the of
    monday tuesday wednesday thursday friday saturday sunday
    general minister prime president chairman chief secretary spokesman editor
    best director actor actress coach captain
"""

# A run of capitalized words holding one of these names an organisation, publication, place,
# prize, event or work, not a person. General English, plus what the development sets showed:
# "metals", "works", "daily mail" (seed corpus: US Strategic Metals, Frontier Works
# Organization, The Daily Mail), prizes and events (RGB), "las los san ..." (RGB: Las Vegas).
ORGANISATION_WORDS = """
    agency association bank board bureau co commission company corporation council department
    foundation group inc institute league ltd metals ministry office organization organisation
    party survey university works daily mail news post press times herald tribune
    east west north south sea ocean road belt corridor initiative province republic state
    states kingdom union house las los san santa fort port mount
    award awards prize trophy medal cup championship championships tournament open games
    olympics festival club team film movie picture series season episode edition album
"""

# General English: organisations that act as a person does: they buy, win and host ("The Walt
# Disney Co.").
BODY_WORDS = """
    company co corporation inc ltd group bank agency association board bureau commission
    council department foundation institute league ministry office organization organisation
    party university club team
"""

# General English number words (a regex alternation): a sentence with one holds a number.
NUMBER_WORDS = (
    r"zero|one|single|once|twice|half|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|"
    r"dozens?|hundreds?|thousands?|millions?|billions?|trillions?"
)

# Organisation words that still name a place (general English; "las los san ..." from RGB's
# Las Vegas).
PLACE_WORDS = """
    east west north south sea ocean province republic state states kingdom union
    las los san santa fort port mount
"""

# General English words that start sentences but are no name ("No fewer than ...").
QUESTION_STARTERS = "no yes not there here what which who how why where"

# General English ordinal words, first to twentieth, in order.
ORDINALS = """
    first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth
    fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth
"""

# General English: words that may differ between two copies of a statement without changing
# what it claims.
FILLER_WORDS = """a an the of in on at to for and or by with from as is was are were be been has
have had its it this that these those his her their s"""

# General English: words capitalized only because they start a sentence, so not values.
STATEMENT_STARTERS = """after also although and as but during he her however i if in it last
meanwhile my next on once our she since so some still their then there they this today we when
while yet you"""

# General English negators: a question with one of these (or n't) is negated.
NEGATORS = "not never no none nor neither nobody nothing nowhere cannot"

# General English: further ways a statement negates ("lack of", "without", "failed to",
# "except"); a regex alternation.
NEGATING_WORDS = (
    r"without|lacks?|lacking|lacked|absence|absent|fails?|failed|failure|unable|"
    r"hardly|rarely|seldom|barely|refused?|refuses|denied|denies|except|excluding|excluded|"
    r"excludes|instead"
)

# Words by which a document denies what another states, for opposite readings: general English
# negators and denials, plus "propaganda" and "smear", met in the seed corpus's outlets.
DENIAL_WORDS = """not no never nothing neither nor without denied denies deny unrelated baseless
unfounded propaganda smear"""
