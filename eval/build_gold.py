"""Source of eval/data/gold.jsonl: questions written by reading the seed articles.

Run ``python -m eval.build_gold`` to regenerate the JSONL; it refuses to write a quote that is not
an exact substring of its document's stored text.
"""

from __future__ import annotations

import json
from pathlib import Path

A, B, C, D, E = (
    "000_c2cc40ca7ae94980",
    "001_f3470db0e7ccb84b",
    "002_4530f3250d188cae",
    "003_4006801dd6521e4e",
    "004_f2de16cde25f0e02",
)

# (type, question, acceptable answers, [(doc, evidence quote), ...])
QUESTIONS: list[tuple[str, str, list[str], list[tuple[str, str]]]] = [
    # numbers
    (
        "number",
        "How much is the FWO agreement with US Strategic Metals worth?",
        ["$500 million"],
        [
            (A, "struck a $500 million framework agreement"),
            (E, "worth $500 million with an American metal company"),
            (C, "signed a $500 million Memorandum of Understanding"),
        ],
    ),
    (
        "number",
        "What typical rare earth concentration was found in stream sediments?",
        ["130 milligrams per kilogram"],
        [(A, "around 130 milligrams per kilogram")],
    ),
    (
        "number",
        "How many rare earth elements does Beijing's expanded export-control regime cover, according to the column?",
        ["twelve"],
        [(A, "covering twelve rare earth elements")],
    ),
    (
        "number",
        "What was the value of bilateral trade between China and Pakistan in 2024?",
        ["$23 billion"],
        [(B, "soared to over $23 billion in 2024")],
    ),
    (
        "number",
        "How much is trade between Pakistan and the US, its largest export destination, worth?",
        ["$7.2 billion"],
        [(B, "with trade valued at around $7.2 billion")],
    ),
    (
        "number",
        "How far is the proposed seaport at Pasni from Gwadar?",
        ["100 kilometers"],
        [(B, "just 100 kilometers east of China’s massive Gwadar port development")],
    ),
    (
        "number",
        "How many rare earth elements did China restrict in April 2025?",
        ["seven"],
        [(B, "In April 2025, China imposed restrictions on seven key rare earth elements")],
    ),
    (
        "number",
        "How large is the envisioned investment in the Pasni seaport?",
        ["$1.2 billion"],
        [(B, "The envisioned $1.2 billion investment")],
    ),
    (
        "number",
        "What share of global rare-earth refining does China dominate?",
        ["85%"],
        [(C, "China currently dominates about 85% of global rare-earth refining")],
    ),
    (
        "number",
        "How many elements make up the rare earths?",
        ["17"],
        [(C, "Rare earths (a set of 17 elements)")],
    ),
    (
        "number",
        "To what level did the US lower tariffs on Pakistani exports?",
        ["19%"],
        [(C, "lowering tariffs on Pakistani exports (from 29% to 19%)")],
    ),
    (
        "number",
        "How many memorandums of understanding did Pakistan and China sign two days before the USSM deal?",
        ["21"],
        [(E, "Pakistan and China signed 21 memorandums of understanding")],
    ),
    (
        "number",
        "What were the Pakistan-China business agreements signed just before the USSM deal worth?",
        ["$4.2 billion"],
        [(E, "joint ventures worth $4.2 billion")],
    ),
    (
        "number",
        "How much money are Afghans reportedly getting from the US every year?",
        ["$68 million"],
        [(E, "reportedly getting some $ 68 million from the US annually")],
    ),
    (
        "number",
        "How many mining projects to extract REEs does the USSM deal plan?",
        ["5 to 10"],
        [(E, "establishing 5 to 10 mining projects to extract REEs")],
    ),
    (
        "number",
        "What share of global mineral exports does Pakistan account for?",
        ["0.1 percent"],
        [(D, "a mere 0.1 percent to global mineral exports")],
    ),
    (
        "number",
        "Apart from China, how many countries have some capacity to refine REEs?",
        ["three"],
        [(E, "there are merely three countries that have some capacity of refining REEs")],
    ),
    (
        "number",
        "How many books has Arun Anand authored?",
        ["15 books"],
        [(A, "He has authored more than 15 books")],
    ),
    # dates
    (
        "date",
        "When do China's latest export control rules take effect?",
        ["November 8, 2025"],
        [(B, "set to take effect on November 8, 2025")],
    ),
    (
        "date",
        "On what date did Beijing say its tighter export controls were unrelated to Pakistan?",
        ["October 13"],
        [
            (B, "On October 13, 2025, Beijing publicly addressed"),
            (E, "On October 13, Beijing announced"),
        ],
    ),
    (
        "date",
        "When did Pakistan dispatch its first shipment of rare earth minerals to the United States?",
        ["October"],
        [
            (D, "In October 2025, Pakistan dispatched its first consignment"),
            (C, "dispatched in early October"),
        ],
    ),
    (
        "date",
        "On which day was the memorandum with USSM signed?",
        ["September 8"],
        [(E, "the United States Strategic Metals (USSM), on September 8")],
    ),
    (
        "date",
        "In what year did the 18th Constitutional Amendment give provinces authority over natural resources?",
        ["2010"],
        [(D, "Following the 18th Constitutional Amendment in 2010")],
    ),
    (
        "date",
        "By what year is the three-step strategy meant to amplify mining operations?",
        ["2028"],
        [
            (
                D,
                "A comprehensive three-step strategy was unveiled to amplify mining operations by 2028",
            )
        ],
    ),
    (
        "date",
        "In which decade did Pakistan help bring the US and China together?",
        ["1970s"],
        [(E, "initiate diplomatic relations back in the 1970s")],
    ),
    (
        "date",
        "When did Pakistan and the United States launch their minerals partnership?",
        ["September 2025"],
        [
            (
                C,
                "In September 2025 Pakistan and the United States launched a landmark minerals partnership",
            )
        ],
    ),
    (
        "date",
        "Until when does the initial $500M allocation cover exploration?",
        ["2026"],
        [(C, "The initial $500M allocation covers exploration through 2026")],
    ),
    # names
    (
        "name",
        "Who is the spokesman of China's Foreign Ministry?",
        ["Lin Jian"],
        [
            (B, "China’s Foreign Ministry spokesman Lin Jian"),
            (E, "Foreign Ministry spokesman Lin Jian"),
        ],
    ),
    (
        "name",
        "Which Pakistani organisation signed the deal with US Strategic Metals?",
        ["Frontier Works"],
        [
            (A, "The Frontier Works Organisation (FWO) struck"),
            (C, "Frontier Works Organization (FWO) signed"),
        ],
    ),
    (
        "name",
        "In which US state is US Strategic Metals based?",
        ["Missouri"],
        [
            (B, "the Missouri-based US Strategic Metals (USSM)"),
            (C, "Missouri-based US Strategic Metals (USSM)"),
        ],
    ),
    (
        "name",
        "Who witnessed the signing of the minerals MoU?",
        ["Shehbaz Sharif"],
        [(B, "The agreement was witnessed by Pakistan’s Prime Minister Muhammad Shehbaz Sharif")],
    ),
    (
        "name",
        "Who analyzed the new mineral Cold War in Asia Times?",
        ["Salman Rafi Sheikh"],
        [(B, "As Salman Rafi Sheikh analyzed in Asia Times")],
    ),
    (
        "name",
        "Who wrote the column on the limits of Pakistan's rare earth diplomacy?",
        ["Arun Anand"],
        [(A, "Arun Anand is an author and a columnist.")],
    ),
    (
        "name",
        "Who is the Editor-in-Chief of The Daily Mail, Pakistan?",
        ["Makhdoom Babar"],
        [
            (E, "Writing by Makhdoom Babar"),
            (E, "The writer is the Editor-in-Chief of The Daily Mail, Pakistan"),
        ],
    ),
    (
        "name",
        "Which minerals did the first shipment reportedly contain?",
        ["antimony"],
        [(C, "it reportedly contained antimony, copper concentrate and light rare earths")],
    ),
    (
        "name",
        "Which Chinese port lies close to Pasni?",
        ["Gwadar"],
        [
            (B, "just 100 kilometers east of China’s massive Gwadar port development"),
            (C, "lies close to China’s Gwadar port"),
        ],
    ),
    (
        "name",
        "Which international standards have not verified Pakistan's reserve figures?",
        ["JORC"],
        [(D, "unverified by internationally recognized standards like JORC or NI 43-101")],
    ),
    (
        "name",
        "Which copper mine has been accused of lacking transparency?",
        ["Saindak"],
        [(D, "the Saindak copper mine has been accused of lacking transparency")],
    ),
    (
        "name",
        "Traces of which rare earth metals have geological studies measured in Pakistan?",
        ["neodymium"],
        [(A, "measurable traces of neodymium, praseodymium, cerium, and yttrium")],
    ),
    (
        "name",
        "Which survey agencies carried out the joint mapping of Pakistan's rare earths?",
        ["China Geological Survey"],
        [
            (
                A,
                "Geological Survey of Pakistan (GSP) and its Chinese counterpart, the China Geological Survey (CGS)",
            )
        ],
    ),
    (
        "name",
        "Besides China, which countries can refine REEs?",
        ["Australia, Japan and Canada"],
        [(E, "including Australia, Japan and Canada")],
    ),
    (
        "name",
        "Whose election and tariffs on China triggered a new round of tit-for-tat measures?",
        ["Donald Trump"],
        [
            (
                B,
                "But the election of Donald Trump and his administration’s imposition of tariffs on China",
            )
        ],
    ),
    (
        "name",
        "Which elements did China restrict in April 2025?",
        ["samarium"],
        [(B, "samarium, gadolinium, terbium, dysprosium, lutetium, scandium, and yttrium")],
    ),
    (
        "name",
        "Which country's nickel policy is given as an example of forcing local processing?",
        ["Indonesia"],
        [(C, "Historical examples (like Indonesia’s nickel policy)")],
    ),
    (
        "name",
        "Which port does Iran see Pasni as a rival to?",
        ["Chabahar"],
        [(C, "Iran views Pasni and Balochistan as rivals to its Chabahar port")],
    ),
    (
        "name",
        "Which contract dispute case resulted in substantial penalties for Pakistan?",
        ["Reko Diq"],
        [
            (
                C,
                "The Reko Diq case, which resulted in substantial penalties due to contract disputes",
            )
        ],
    ),
    # facts
    (
        "fact",
        "In which regions have potential rare earth deposits been identified?",
        ["Khyber Pakhtunkhwa"],
        [
            (
                A,
                "potential rare earth deposits in Khyber Pakhtunkhwa, Balochistan, and Gilgit-Baltistan",
            )
        ],
    ),
    (
        "fact",
        "What are neodymium and praseodymium key ingredients for?",
        ["magnets"],
        [
            (
                C,
                "which are key ingredients in high-tech magnets for electric vehicles, wind turbines, and defense systems",
            )
        ],
    ),
    (
        "fact",
        "What do the MoUs with USSM envision for refining?",
        ["joint refinery development"],
        [
            (
                A,
                "The MoUs with USSM envision a gradual transition from mineral exports to joint refinery development within Pakistan.",
            )
        ],
    ),
    (
        "fact",
        "What must foreign firms seeking Chinese separation technology now apply for?",
        ["export licenses"],
        [(B, "must now apply for export licenses")],
    ),
    (
        "fact",
        "What did Pakistani leaders showcase at a White House meeting?",
        ["samples of rare-earth ores"],
        [
            (
                C,
                "Pakistani leaders even showcased samples of rare-earth ores at a White House meeting",
            )
        ],
    ),
    (
        "fact",
        "What expertise do Japanese firms have, according to the recommendations?",
        ["rare-earth separation"],
        [(C, "Japanese firms have expertise in rare-earth separation")],
    ),
    (
        "fact",
        "What does USSM specialize in, according to the Daily Mail writer?",
        ["old lithium-ion batteries"],
        [(E, "specializes in extracting critical metals from old lithium-ion batteries")],
    ),
    (
        "fact",
        "What does China's new regime ban outright?",
        ["heavy rare earth metals"],
        [
            (
                B,
                "bans outright the export of certain middle and heavy rare earth metals, alloys, and oxides",
            )
        ],
    ),
    (
        "fact",
        "What did Pakistan do for US goods as part of its diplomatic outreach?",
        ["lowered its tariffs"],
        [(C, "Pakistan lowered its tariffs on US goods")],
    ),
    (
        "fact",
        "What does CPEC connect?",
        ["Xinjiang"],
        [(B, "connecting Xinjiang to the Arabian Sea via Gwadar")],
    ),
    # paraphrase
    (
        "paraphrase",
        "Were the concentrates sent to America fully refined products?",
        ["semi-processed"],
        [(A, "are semi-processed materials, not refined oxides or metals")],
    ),
    (
        "paraphrase",
        "What is missing in Pakistan for separating rare earths to high purity?",
        ["industrial infrastructure"],
        [(A, "Pakistan still lacks industrial infrastructure for high-purity separation")],
    ),
    (
        "paraphrase",
        "Why can't Islamabad simply promise foreign partners access to minerals?",
        ["provincial approval"],
        [
            (
                D,
                "cannot effortlessly assure mineral access to foreign partners without provincial approval",
            )
        ],
    ),
    (
        "paraphrase",
        "According to the columnist, is digging the ore out where the real power is?",
        ["refinement"],
        [(A, "real power in this domain does not lie in extraction but in refinement")],
    ),
    (
        "paraphrase",
        "Did Islamabad get China's consent before the American deal?",
        ["nod"],
        [(E, "Islamabad got Beijing’s nod before sealing the deal with USSM")],
    ),
    (
        "paraphrase",
        "What damage is the Saindak project blamed for?",
        ["water contamination"],
        [
            (
                D,
                "causing environmental harm, including water contamination and diminished agricultural yields",
            )
        ],
    ),
    (
        "paraphrase",
        "Why did Islamabad need warm relations with the Trump team?",
        ["IMF"],
        [(E, "for seeking favors regarding IMF programs")],
    ),
    (
        "paraphrase",
        "How good are the methods Pakistani miners use to extract ore?",
        ["inefficient extraction techniques"],
        [(D, "The country continues to rely on inefficient extraction techniques")],
    ),
    (
        "paraphrase",
        "What have opposition parties complained about regarding the agreements?",
        ["secret"],
        [(C, "opposition parties have lamented “secret” agreements")],
    ),
    (
        "paraphrase",
        "On whose machinery does Pakistan's beneficiation depend?",
        ["Chinese equipment"],
        [(A, "rely heavily on Chinese equipment and reagents")],
    ),
    (
        "paraphrase",
        "What would a port at Pasni give Washington?",
        ["logistical foothold"],
        [(B, "Such a move would give Washington a logistical foothold on the Arabian Sea")],
    ),
    (
        "paraphrase",
        "How soon could Pakistani minerals matter for world supply?",
        ["at least a decade"],
        [
            (
                D,
                "it would take at least a decade before Pakistani minerals could substantially impact global supply chains",
            )
        ],
    ),
    # evidence spread over two documents
    (
        "multi_doc",
        "What did China's Foreign Ministry say about its export controls and Pakistan?",
        ["legitimate step"],
        [
            (B, "a legitimate step taken by the Chinese government"),
            (E, "have nothing to do with Pakistan"),
        ],
    ),
    (
        "multi_doc",
        "Which country dominates global mineral refining?",
        ["China"],
        [
            (D, "China dominates the global mineral refining landscape."),
            (C, "China currently dominates about 85% of global rare-earth refining"),
        ],
    ),
    (
        "multi_doc",
        "In which provinces are Pakistan's mineral zones and their security risks?",
        ["Balochistan"],
        [
            (C, "mineral zones are located in regions like Balochistan and Khyber Pakhtunkhwa"),
            (A, "Khyber Pakhtunkhwa, Balochistan, and Gilgit-Baltistan"),
        ],
    ),
    (
        "multi_doc",
        "What did the Pakistani side assure China about its US cooperation?",
        ["never undermine China's interests"],
        [
            (
                E,
                "the Pakistani side stressed its engagement with the US would never undermine China's interests",
            ),
            (B, "were not a response to Islamabad’s overtures to Washington"),
        ],
    ),
    (
        "multi_doc",
        "What does the ironclad friendship between China and Pakistan mean, according to Lin Jian?",
        ["stood the test of time"],
        [
            (B, "The ironclad friendship between China and Pakistan has stood the test of time"),
            (E, 'has "stood the test of time"'),
        ],
    ),
    # the sources disagree
    (
        "conflict",
        "How much has China invested in CPEC?",
        ["$62 billion", "$60 billion", "$65 billion"],
        [
            (B, "With over $62 billion invested in CPEC projects"),
            (C, "China sank over $60 billion into Pakistan"),
            (D, "Beijing has invested approximately $65 billion"),
        ],
    ),
    (
        "conflict",
        "What is Pakistan's mineral wealth estimated to be worth?",
        ["$6 trillion", "6 to 8 trillion"],
        [
            (C, "claims reserves worth ~$6 trillion"),
            (D, "valued at nearly $6 trillion"),
            (E, "estimated to be somewhere between 6 to 8 trillion US Dollars"),
        ],
    ),
    (
        "conflict",
        "How much does the mining sector contribute to Pakistan's GDP?",
        ["3.2 percent", "under 3%"],
        [
            (D, "contributes a mere 3.2 percent to its GDP"),
            (C, "currently contributes under 3% of GDP"),
        ],
    ),
    (
        "conflict",
        "Was the USSM deal a landmark agreement or just a memorandum of understanding?",
        ["memorandum of understanding", "framework agreement"],
        [
            (A, "struck a $500 million framework agreement"),
            (E, "signed a memorandum of understanding (MoU) and not some landmark agreement"),
        ],
    ),
    (
        "conflict",
        "How does Beijing view Pakistan's minerals deal with the US?",
        ["strategic betrayal", "never been showing any discomfort"],
        [
            (C, "is seen in Beijing as a strategic betrayal"),
            (E, "China has never been showing any discomfort"),
        ],
    ),
    (
        "conflict",
        "Has the rare earth deal caused diplomatic fallout between China and Pakistan?",
        ["no substantial public evidence", "straining"],
        [
            (
                E,
                "there’s no substantial public evidence of a US-Pakistan rare earths deal causing diplomatic fallout between China and Pakistan",
            ),
            (C, "potentially straining China-Pakistan relations"),
        ],
    ),
    (
        "conflict",
        "Is the US-Pakistan mineral partnership a landmark or mostly political signaling?",
        ["political signaling", "landmark"],
        [
            (D, "may be more about political signaling than tangible results"),
            (C, "launched a landmark minerals partnership"),
        ],
    ),
]

UNANSWERABLE = [
    "What is the boiling point of liquid nitrogen?",
    "Who won the 2022 FIFA World Cup?",
    "What is the population of Lahore?",
    "How much lithium does Chile export each year?",
    "What is the capital of Australia?",
    "Who is the chief executive of US Strategic Metals?",
    "What was the price of neodymium oxide per kilogram in 2025?",
    "How many employees does the Frontier Works Organization have?",
    "What is the recipe for chicken biryani?",
    "In what year was the Reko Diq deposit first discovered?",
    "What was India's GDP in 2024?",
    "How tall is Mount Everest?",
    "Which programming language is FAISS written in?",
    "What interest rate has the State Bank of Pakistan set?",
    "How many satellites does the United States operate?",
    "What is the melting point of dysprosium?",
    "Who painted the Mona Lisa?",
]


def build(corpus: Path) -> list[dict]:
    from ingest.discover import load_paths

    texts = {d.doc_id: d.text for d in load_paths([corpus], progress=False).documents}
    rows = []
    for i, (qtype, question, answers, evidence) in enumerate(QUESTIONS, start=1):
        for doc_id, quote in evidence:
            if quote not in texts[doc_id]:
                raise SystemExit(f"q{i:03d}: quote not in {doc_id}: {quote!r}")
        row = {
            "id": f"q{i:03d}",
            "type": qtype,
            "question": question,
            "answers": answers,
            "evidence": [{"doc_id": d, "quote": q} for d, q in evidence],
        }
        if qtype == "conflict":
            row["conflict_docs"] = sorted({d for d, _ in evidence})
        rows.append(row)
    for j, question in enumerate(UNANSWERABLE, start=len(rows) + 1):
        rows.append(
            {
                "id": f"q{j:03d}",
                "type": "unanswerable",
                "question": question,
                "answers": [],
                "evidence": [],
            }
        )
    return rows


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    out = root / "eval" / "data" / "gold.jsonl"
    rows = build(root / "corpus")
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    print(f"wrote {len(rows)} questions to {out}")
