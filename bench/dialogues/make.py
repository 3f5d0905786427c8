"""Build bench/dialogues/*.jsonl from the hand-written dialogues below.

    .venv/bin/python bench/dialogues/make.py [--check]

Each turn names its evidence by its exact words in the bundled article; the script finds
them (they must occur exactly once, so no offset is ambiguous), computes the offsets and
writes ``documents.jsonl`` and ``dialogues.jsonl`` in the format of
``../shared/eval/coqa`` (see README.md). ``needs_context`` is the judgement written here
by hand, not CoQA's rule. ``--check`` only verifies that the files are up to date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
ARTICLE = HERE.parent.parent / "docs" / "north-korean-troops-in-russia.txt"
DOC_ID = "sample-nk-troops"
TITLE = "North Korean troops in Russia"

# One turn: (question, evidence: exact words of the article, free-form answer, needs_context)
Turn = tuple[str, str, str, bool]

DIALOGUES: list[list[Turn]] = [
    # A reporter chases one person (the first example).
    [
        (
            "Who is Choi Jung-hoon?",
            "Choi Jung-hoon, a former North Korean lieutenant who now leads an activist group"
            " in Seoul",
            "A former North Korean lieutenant who now leads an activist group in Seoul",
            False,
        ),
        (
            "What did he say?",
            "“If many of Kim’s soldiers die in Ukraine, it could have major repercussions in"
            " North Korea.”",
            "If many of Kim's soldiers die in Ukraine, it could have major repercussions in"
            " North Korea",
            True,
        ),
        (
            "Where is the group based?",
            "now leads an activist group in Seoul",
            "In Seoul",
            True,
        ),
        (
            "How would people in North Korea hear about the deaths?",
            "Information about heavy casualties may leak through defector networks or South"
            " Korean intelligence",
            "Through defector networks or South Korean intelligence",
            True,
        ),
        (
            "And what would that do to Kim?",
            "possibly destabilizing Kim’s carefully crafted image of an indomitable military force",
            "It could destabilize his image of an indomitable military force",
            True,
        ),
    ],
    # The same chase, on the defector who gives a year.
    [
        (
            "Who is Lee Woong-gil?",
            "Lee Woong-gil, a former Storm Corps member who defected in 2007",
            "A former Storm Corps member who defected",
            False,
        ),
        ("When did he defect?", "who defected in 2007", "In 2007", True),
        (
            "What did he say about the troops?",
            "“Most of them are unlikely to come back home alive,”",
            "Most of them are unlikely to come back home alive",
            True,
        ),
        (
            "What else did he say?",
            "“They’ll consider it an honor, but they don’t understand what they’re up against.”",
            "They'll consider it an honor, but they don't understand what they're up against",
            True,
        ),
        (
            "What is the Storm Corps?",
            "the elite Storm Corps, who are slightly better trained and fed than the average"
            " soldier",
            "An elite unit, slightly better trained and fed than the average soldier",
            False,
        ),
        (
            "How many of its members were sent?",
            "around 500 officers and members of the elite Storm Corps",
            "Around 500, with the officers",
            True,
        ),
    ],
    # The second example, then a change of topic to the weapons.
    [
        (
            "Which soldiers are better trained?",
            "The North Korean soldiers are thought to include around 500 officers and members of"
            " the elite Storm Corps, who are slightly better trained and fed than the average"
            " soldier.",
            "Around 500 officers and members of the elite Storm Corps",
            False,
        ),
        (
            "How many of them are there?",
            "around 500 officers and members of the elite Storm Corps",
            "Around 500",
            True,
        ),
        (
            "And the rest?",
            "most of the rank-and-file soldiers are underprepared and vulnerable",
            "Underprepared and vulnerable",
            True,
        ),
        (
            "Why is that an ethical concern?",
            "raising ethical concerns as they may be treated as expendable assets in the conflict",
            "They may be treated as expendable assets",
            True,
        ),
        (
            "What weapons has Russia given the North Korean soldiers?",
            "including 60mm mortars, AK-12 rifles, anti-tank missiles, sniper rifles, and night"
            " vision equipment",
            "Mortars, AK-12 rifles, anti-tank missiles, sniper rifles and night vision equipment",
            False,
        ),
        (
            "How many soldiers got them?",
            "Russia has equipped over 7,000 North Korean soldiers",
            "Over 7,000",
            True,
        ),
        (
            "According to whom?",
            "According to Ukraine’s intelligence agency",
            "Ukraine's intelligence agency",
            True,
        ),
    ],
    # How many, who confirmed it, where they are.
    [
        (
            "How many troops has North Korea sent to Russia?",
            "North Korea has sent approximately 10,000 soldiers to Russia",
            "Approximately 10,000",
            False,
        ),
        (
            "Who confirmed that?",
            "NATO and Pentagon officials confirmed",
            "NATO and Pentagon officials",
            True,
        ),
        (
            "Where are most of them?",
            "with most amassing in Kursk, near Ukraine’s border",
            "In Kursk, near Ukraine's border",
            True,
        ),
        (
            "When will they be deployed?",
            "the North Korean forces may be deployed within days",
            "Within days",
            True,
        ),
        (
            "Who says so?",
            "US intelligence suggests that the North Korean forces may be deployed within days",
            "US intelligence",
            True,
        ),
    ],
    # Ukraine's president, then what analysts think.
    [
        (
            "What did Zelenskyy say about the North Korean troops?",
            "President Volodymyr Zelenskyy urged allies to take immediate action as his troops"
            " prepared to face this “untested enemy.”",
            "He urged allies to take immediate action against an untested enemy",
            False,
        ),
        (
            "What did he warn against?",
            "He warned against “watching passively” as new forces enter the fray.",
            "Watching passively",
            True,
        ),
        (
            "Will the new troops help Russia?",
            "while the additional troops may relieve Russia from drafting more citizens,"
            " analysts believe the North Koreans might add limited tactical advantage",
            "They may spare Russia drafting more citizens but add limited tactical advantage",
            False,
        ),
        (
            "Why limited?",
            "due to their inexperience and lack of familiarity with the terrain",
            "Their inexperience and lack of familiarity with the terrain",
            True,
        ),
        (
            "Who believes that?",
            "analysts believe the North Koreans might add limited tactical advantage",
            "Analysts",
            True,
        ),
    ],
    # What is new about this deployment; what North Korea did before.
    [
        (
            "What did the Center for Strategic and International Studies say?",
            "“This deployment is historic for North Korea,” stated the Center for Strategic and"
            " International Studies, a US think tank.",
            "This deployment is historic for North Korea",
            False,
        ),
        (
            "Is it a government agency?",
            "the Center for Strategic and International Studies, a US think tank",
            "No, a US think tank",
            True,
        ),
        (
            "Why historic?",
            "“They have previously sent advisors and specialists, but never large ground forces.”",
            "North Korea had sent advisors and specialists, but never large ground forces",
            True,
        ),
        (
            "Where has North Korea sent military personnel before?",
            "such as sending pilots to Vietnam and providing military advisors in Egypt during"
            " the Yom Kippur War",
            "Pilots to Vietnam and military advisors to Egypt",
            False,
        ),
        (
            "And in Egypt, during which war?",
            "providing military advisors in Egypt during the Yom Kippur War",
            "The Yom Kippur War",
            True,
        ),
        (
            "Why are there doubts about them this time?",
            "doubts remain about their effectiveness given the limited training and their status"
            " as “third-party soldiers” fighting for Russia",
            "Limited training and their status as third-party soldiers",
            True,
        ),
    ],
    # What Kim gains, and what it risks.
    [
        (
            "What does Kim Jong-un gain from sending troops?",
            "For Kim Jong-un, this deployment is part of a strategic gamble to strengthen ties"
            " with Vladimir Putin and potentially gain access to advanced Russian military"
            " technology.",
            "Closer ties with Putin and perhaps advanced Russian military technology",
            False,
        ),
        (
            "What about the soldiers' pay?",
            "a significant portion of the soldiers’ wages will go directly to the North Korean"
            " regime",
            "A large part goes directly to the regime",
            True,
        ),
        (
            "How much money could that bring in?",
            "generating a possible hundreds of millions of dollars in foreign currency",
            "Possibly hundreds of millions of dollars",
            True,
        ),
        (
            "What might he use it for?",
            "This financial boon may support Kim’s nuclear ambitions and fortify his position"
            " domestically.",
            "His nuclear ambitions and his position at home",
            True,
        ),
        (
            "Is there a risk for him?",
            "The potential benefits, however, are not without risk. According to Choi"
            " Jung-hoon, a former North Korean lieutenant who now leads an activist group in"
            " Seoul, “If many of Kim’s soldiers die in Ukraine, it could have major"
            " repercussions in North Korea.”",
            "Yes: many deaths could have major repercussions in North Korea",
            True,
        ),
        (
            "Who said that?",
            "According to Choi Jung-hoon, a former North Korean lieutenant",
            "Choi Jung-hoon",
            True,
        ),
    ],
    # The state of the troops, and the Storm Corps by ellipsis.
    [
        (
            "How well trained are the North Korean soldiers?",
            "Reports reveal that the troops lack combat experience, are poorly trained, and"
            " suffer from inadequate nutrition.",
            "Poorly trained, without combat experience",
            False,
        ),
        (
            "And the Storm Corps?",
            "the elite Storm Corps, who are slightly better trained and fed than the average"
            " soldier",
            "Slightly better trained and fed",
            True,
        ),
        (
            "How old are the ordinary soldiers?",
            "Most soldiers are young, in their late teens and early 20s",
            "Late teens and early 20s",
            False,
        ),
        (
            "Where have they trained?",
            "have only trained in North Korea’s mountainous terrain",
            "Only in North Korea's mountainous terrain",
            True,
        ),
        (
            "Why is that a problem?",
            "Experts worry they are unprepared for Ukraine’s vast, flat battlefields, where"
            " tactics and demands differ considerably.",
            "Ukraine's battlefields are vast and flat",
            True,
        ),
        (
            "What about their health?",
            "Many defectors who have escaped North Korea cite malnutrition, with some soldiers"
            " harboring parasites and other illnesses due to inadequate diets.",
            "Malnutrition, parasites and other illnesses",
            True,
        ),
        (
            "Who reports that?",
            "Many defectors who have escaped North Korea cite malnutrition",
            "Defectors who escaped North Korea",
            True,
        ),
    ],
    # Blinken, then "those soldiers".
    [
        (
            "What did Antony Blinken say?",
            "US Secretary of State Antony Blinken noted that Russian forces have provided"
            " artillery, drones, and basic infantry training, including trench clearing to"
            " prepare the North Koreans for frontline operations.",
            "Russia has given the North Koreans artillery, drones and basic infantry training",
            False,
        ),
        ("What is his job?", "US Secretary of State", "US Secretary of State", True),
        (
            "What training did they get?",
            "basic infantry training, including trench clearing",
            "Basic infantry training, including trench clearing",
            True,
        ),
        (
            "What uniforms will those soldiers wear?",
            "these soldiers, who will wear Russian uniforms",
            "Russian uniforms",
            True,
        ),
        (
            "What are they unfamiliar with?",
            "They are unfamiliar with the weaponry and the landscape",
            "The weaponry and the landscape",
            True,
        ),
    ],
    # "Cannon fodder", a nameless speaker, then a new person mid-dialogue.
    [
        (
            "Who said the troops are being used as cannon fodder?",
            "As one former North Korean soldier put it, “They don’t realize they’re being used"
            " as cannon fodder.”",
            "A former North Korean soldier",
            False,
        ),
        (
            "Is the man named?",
            "As one former North Korean soldier put it",
            "No, only as one former North Korean soldier",
            True,
        ),
        (
            "Who else wonders whether they will be cannon fodder?",
            "Experts wonder: will they bolster Russian forces or end up as mere cannon fodder?",
            "Experts",
            True,
        ),
        ("When did Lee Woong-gil defect?", "who defected in 2007", "In 2007", False),
        ("Which unit was he in?", "a former Storm Corps member", "The Storm Corps", True),
        (
            "What is special about the unit?",
            "who are slightly better trained and fed than the average soldier",
            "Slightly better trained and fed than the average soldier",
            True,
        ),
    ],
    # Where they are, how soon, and Zelenskyy's call, by ellipsis.
    [
        (
            "Where are the North Korean troops gathering?",
            "with most amassing in Kursk, near Ukraine’s border",
            "In Kursk",
            False,
        ),
        (
            "Is that close to Ukraine?",
            "most amassing in Kursk, near Ukraine’s border",
            "Yes, near Ukraine's border",
            True,
        ),
        (
            "How soon could they fight?",
            "the North Korean forces may be deployed within days",
            "Within days",
            True,
        ),
        ("Says who?", "US intelligence suggests", "US intelligence", True),
        (
            "What does Zelenskyy want the allies to do?",
            "President Volodymyr Zelenskyy urged allies to take immediate action",
            "Take immediate action",
            False,
        ),
        (
            "Why?",
            "as his troops prepared to face this “untested enemy.”",
            "His troops are about to face an untested enemy",
            True,
        ),
    ],
    # Kim and Putin, then the soldiers' fate.
    [
        (
            "What technology might Kim get from Russia?",
            "potentially gain access to advanced Russian military technology",
            "Advanced Russian military technology",
            False,
        ),
        (
            "What might Kim want to show Putin?",
            "While Kim may view this alliance as an opportunity to demonstrate loyalty to Putin"
            " and secure valuable technology",
            "His loyalty",
            False,
        ),
        (
            "And for the soldiers?",
            "the reality for these young soldiers is far bleaker",
            "The reality is far bleaker",
            True,
        ),
        (
            "What could happen to them?",
            "many may face an unthinkable end, unable to grasp the true extent of the mission"
            " they’ve been sent to fulfill",
            "Many may die",
            True,
        ),
        (
            "Are they ready to go?",
            "As the first contingent of North Korean soldiers readies for deployment, their fate"
            " remains uncertain.",
            "The first contingent is getting ready for deployment",
            True,
        ),
    ],
    # The weapons and whether they help; "how many" of another group.
    [
        (
            "Does Russia give the North Korean soldiers weapons?",
            "Russia has equipped over 7,000 North Korean soldiers with a range of weapons",
            "Yes",
            False,
        ),
        (
            "Which rifles?",
            "AK-12 rifles, anti-tank missiles, sniper rifles",
            "AK-12 rifles and sniper rifles",
            True,
        ),
        (
            "Will the equipment make up for their lack of training?",
            "many analysts question whether such equipment will compensate for the soldiers’"
            " lack of real combat training",
            "Many analysts doubt it",
            True,
        ),
        (
            "How many of them are better trained?",
            "around 500 officers and members of the elite Storm Corps",
            "Around 500",
            True,
        ),
        (
            "What did Blinken say Russia has provided?",
            "Russian forces have provided artillery, drones, and basic infantry training",
            "Artillery, drones and basic infantry training",
            False,
        ),
    ],
]


def build(text: str) -> tuple[dict[str, str], list[dict[str, object]]]:
    """The document and the dialogues, each turn's evidence located exactly once."""
    document = {"id": DOC_ID, "title": TITLE, "text": text}
    dialogues: list[dict[str, object]] = []
    for n, spec in enumerate(DIALOGUES, start=1):
        turns = []
        for i, (question, evidence, free_form, needs_context) in enumerate(spec, start=1):
            start = text.find(evidence)
            if start < 0:
                raise SystemExit(f"nk-{n:02d} turn {i}: evidence not in the article: {evidence!r}")
            if text.find(evidence, start + 1) >= 0:
                raise SystemExit(f"nk-{n:02d} turn {i}: evidence occurs twice: {evidence!r}")
            end = start + len(evidence)
            assert text[start:end] == evidence
            turns.append(
                {
                    "turn": i,
                    "question": question,
                    "answers": [{"text": evidence, "start": start, "end": end}],
                    "free_form": free_form,
                    "needs_context": needs_context,
                }
            )
        dialogues.append({"id": f"nk-{n:02d}", "doc_id": DOC_ID, "turns": turns})
    return document, dialogues


def main() -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    document, dialogues = build(text)
    docs_out = json.dumps(document, ensure_ascii=False) + "\n"
    dialogues_out = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in dialogues)
    docs_path, dialogues_path = HERE / "documents.jsonl", HERE / "dialogues.jsonl"
    if "--check" in sys.argv[1:]:
        stale = [
            p.name
            for p, want in ((docs_path, docs_out), (dialogues_path, dialogues_out))
            if not p.exists() or p.read_text(encoding="utf-8") != want
        ]
        if stale:
            raise SystemExit(f"out of date: {', '.join(stale)} (run bench/dialogues/make.py)")
        print("up to date")
        return
    docs_path.write_text(docs_out, encoding="utf-8")
    dialogues_path.write_text(dialogues_out, encoding="utf-8")
    turns = [t for d in dialogues for t in d["turns"]]  # type: ignore[attr-defined]
    needs = sum(t["needs_context"] for t in turns)
    print(f"{len(dialogues)} dialogues, {len(turns)} turns, {needs} needing the conversation")


if __name__ == "__main__":
    main()
