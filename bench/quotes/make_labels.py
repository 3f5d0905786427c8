"""Build bench/quotes/labels.jsonl from the hand-written label list below.

    .venv/bin/python bench/quotes/make_labels.py [--check]

Each label names a quotation by its exact text; the script finds it in the article
(searching forward from the previous label, so labels stay in document order and
repeated wording cannot be confused), computes the offsets and asserts
text[start:end] == quote. It also checks that every label sits between quotation
marks (opening mark just before `start`, closing mark at `end`, or a comma then the
closing mark), that no quote ends with the comma the rules exclude, and that every
double quotation mark in every article (and every opening single mark in the
British-style article) is accounted for by some label or is an inch mark, so no
quotation in the texts is left unlabelled. --check only verifies that
labels.jsonl is up to date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
ARTICLES = HERE / "articles"
OUT = HERE / "labels.jsonl"

OPEN = "“‘\"'"
CLOSE = "”’\"'"

# speaker registry per article: key -> (speaker, speaker_type, speaker_forms)
# labels per article: (speaker key or None, kind, exact quote text, tags, note)
# tags: exactly one position tag and one reference tag for every quotation, exactly one
# subtype for every scare quote, any number of the others (see README.md)
POSITION = {"after", "before", "cont", "context"}
REFERENCE = {"name", "pronoun", "org", "desc"}
SCARE = {"scare", "so-called", "title", "nickname", "term"}
OTHER = {
    "inverted", "colon", "according", "as-put", "told", "wrote", "says", "statement",
    "spokesperson", "split", "multi", "nested", "name-in-quote", "headline", "reported",
    "ambiguous",
}  # fmt: skip

Spec = dict[str, tuple[str, str, list[str]]]
Label = tuple[str | None, str, str, str, str]

SPEC: dict[str, tuple[Spec, list[Label]]] = {}

SPEC["harbridge_budget.txt"] = (
    {
        "okafor": ("Jane Okafor", "person", ["Jane Okafor", "Okafor", "Ms. Okafor"]),
        "reyes": ("Daniel Reyes", "person", ["Daniel Reyes", "Reyes", "Mayor Daniel Reyes"]),
        "lindqvist": ("Maria Lindqvist", "person", ["Maria Lindqvist", "Lindqvist"]),
        "union": (
            "Harbridge Public Library Workers’ Association",
            "org",
            [
                "Harbridge Public Library Workers’ Association",
                "Library Workers’ Association",
                "the association",
                "library union",
            ],
        ),
        "parent": ("one parent", "description", ["one parent", "a parent", "parent"]),
        "bexley": ("Harold Bexley", "person", ["Harold Bexley", "Bexley"]),
        "albrecht": ("Tom Albrecht", "person", ["Tom Albrecht", "Albrecht"]),
        "revenue": (
            "a spokesperson for the state Department of Revenue",
            "description",
            [
                "spokesperson for the state Department of Revenue",
                "state Department of Revenue",
                "Department of Revenue",
                "spokesperson",
            ],
        ),
    },
    [
        (None, "scare", "rainy day fund", "so-called", ""),
        (
            "okafor",
            "full",
            "This is the hardest budget I have put in front of this council in eleven years",
            "after name inverted",
            "",
        ),
        (
            "okafor",
            "full",
            "We are not cutting services because we want to. We are cutting them because "
            "the money is not there.",
            "cont name",
            "second quote after the attribution: same speaker",
        ),
        (
            "okafor",
            "partial",
            "the reserve will fall below the level our auditors recommend by the end of next year",
            "before name according",
            "",
        ),
        (
            "reyes",
            "full",
            "Nobody on this dais is happy tonight, but a balanced budget is not optional. "
            "It is the law.",
            "before name colon",
            "",
        ),
        (
            "reyes",
            "partial",
            "temporary, not permanent",
            "before pronoun told",
            "‘He told reporters’ opens a new paragraph; he = Reyes (subject of the paragraph "
            "before). The comma before the closing mark is excluded.",
        ),
        (
            "lindqvist",
            "partial",
            "a quiet dismantling of the things that make a city worth living in.",
            "before name",
            "called the plan “…” — attribution before a partial quote",
        ),
        (
            "lindqvist",
            "full",
            "You can close a library on a spreadsheet in five minutes",
            "after name",
            "",
        ),
        (
            "lindqvist",
            "full",
            "It takes a generation to build the habit of going to one.",
            "cont name",
            "",
        ),
        (
            "union",
            "partial",
            "fall hardest on the families who can least afford a computer or an internet "
            "connection at home.",
            "before org statement",
            "speaker is an organisation whose name contains an apostrophe (Workers’)",
        ),
        (
            "union",
            "full",
            "We will be at every council meeting until these hours are restored",
            "after org",
            "‘the association said’ refers back to the organisation",
        ),
        (
            "parent",
            "full",
            "My daughter does her homework at the Eastside branch because we don’t have "
            "internet at home. Where is she supposed to go on a Monday now?",
            "before desc as-put",
            "nameless speaker: ‘As one parent put it’",
        ),
        (
            "bexley",
            "full",
            "I’ve lived here forty years and I have never once seen the pool closed in July",
            "after name inverted",
            "",
        ),
        ("bexley", "full", "I don’t know what we’re paying for anymore.", "cont name", ""),
        (
            None,
            "full",
            "We heard them out, and we will keep listening",
            "after pronoun ambiguous",
            "two men named (Reyes, Albrecht), then ‘he said’: ambiguous, must not be guessed",
        ),
        ("albrecht", "partial", "a much uglier conversation", "before name", "warned that … “…”"),
        (
            "revenue",
            "partial",
            "does not comment on projected allocations before they are finalized.",
            "before desc spokesperson",
            "",
        ),
        (
            "okafor",
            "full",
            "We are not",
            "after pronoun split",
            "sentence split by the attribution: first half",
        ),
        (
            "okafor",
            "full",
            "in a position to promise anyone that next year will be easier.",
            "before pronoun split",
            "second half of a split sentence: same speaker",
        ),
        ("okafor", "full", "It’s a budget that keeps the lights on", "after pronoun", ""),
        ("okafor", "full", "That is about all I can say for it.", "cont pronoun", ""),
    ],
)

SPEC["veltra_plant.txt"] = (
    {
        "holt": ("Karen Holt", "person", ["Karen Holt", "Holt"]),
        "raman": ("Priya Raman", "person", ["Priya Raman", "Raman"]),
        "dolan": ("Ray Dolan", "person", ["Ray Dolan", "Dolan"]),
        "veltra": (
            "Veltra Electronics",
            "org",
            ["Veltra Electronics", "Veltra", "the company"],
        ),
        "worker": (
            "one worker leaving the plant",
            "description",
            ["one worker", "a worker", "worker", "one worker leaving the plant"],
        ),
        "ortega": ("Luis Ortega", "person", ["Luis Ortega", "Ortega"]),
        "kaminski": ("Beth Kaminski", "person", ["Beth Kaminski", "Kaminski", "Mayor Kaminski"]),
        "spokesman": (
            "a spokesman for Gov. Alan Pruitt",
            "description",
            [
                "spokesman for Gov. Alan Pruitt",
                "spokesman for Alan Pruitt",
                "Pruitt spokesman",
                "the spokesman",
                "spokesman",
                "Governor's office",
            ],
        ),
    },
    [
        (
            None,
            "scare",
            "Vision",
            "title",
            'product-line name; the line before it contains two inch marks (55" and 65") '
            "that are NOT quotation marks",
        ),
        ("holt", "full", "This was not a decision we took lightly", "after name statement", ""),
        (
            "holt",
            "full",
            "The market for large-format televisions has changed faster than any of us "
            "expected, and we have to change with it.",
            "cont name",
            "",
        ),
        ("raman", "full", "Veltra is squeezed from both ends", "after name inverted", ""),
        (
            "raman",
            "full",
            "Panel costs are up, retail prices are down, and the company has been absorbing "
            "the difference for two years. Something had to give.",
            "cont name",
            "",
        ),
        ("raman", "partial", "overdue", "before name", "one-word partial quote"),
        (
            "dolan",
            "full",
            "They told us in March that this line was safe",
            "after name inverted",
            "",
        ),
        (
            "dolan",
            "full",
            "The plant manager looked me in the eye. He told me 'you've got nothing to worry "
            "about,' and I believed him.",
            "cont name nested",
            "straight single quotes nested in straight double quotes; the plant manager is "
            "quoted inside Dolan's quote, the speaker is Dolan",
        ),
        ("dolan", "partial", "put real money on the table", "before name", ""),
        (
            "veltra",
            "partial",
            "severance, extended health coverage and job placement support to all affected "
            "employees.",
            "before org statement",
            "",
        ),
        (
            "veltra",
            "full",
            "We will work closely with our employees, their union and local officials "
            "throughout this transition",
            "after org",
            "",
        ),
        (
            "worker",
            "full",
            "Twenty-two years. They gave us a two-page letter.",
            "before desc colon",
            "nameless speaker with a long description before the colon",
        ),
        (
            "ortega",
            "full",
            "My dad worked here, my uncle worked here, I've worked here since I was 19",
            "after name inverted",
            "",
        ),
        ("ortega", "full", "I don't know what Dunmore is without this place.", "cont name", ""),
        ("kaminski", "partial", "blindsided", "before name told", ""),
        (
            "kaminski",
            "full",
            "We'll fight for every one of these jobs",
            "after pronoun",
            "she = Kaminski, named in the previous paragraph",
        ),
        (
            "kaminski",
            "full",
            "But I'm not going to stand here and pretend we have the power to make a company stay.",
            "cont pronoun",
            "",
        ),
        (
            "spokesman",
            "partial",
            "a substantial incentive package",
            "before desc spokesperson",
            "the governor did not say it; his spokesman did (Pruitt alone is wrong)",
        ),
        (
            "spokesman",
            "full",
            "We're disappointed, and frankly, we're surprised",
            "after desc spokesperson",
            "",
        ),
        (
            "holt",
            "partial",
            "no further plans to announce today.",
            "before pronoun",
            "she = Holt, named at the start of the paragraph",
        ),
        (None, "scare", "right-sizing", "so-called", ""),
        ("ortega", "full", "My kids are in school here", "after pronoun", ""),
        ("ortega", "full", "Where am I going to go?", "cont pronoun", ""),
    ],
)

SPEC["haldane_sentencing.txt"] = (
    {
        "castellanos": (
            "Miriam Castellanos",
            "person",
            ["Miriam Castellanos", "Castellanos", "Judge Castellanos", "Judge Miriam Castellanos"],
        ),
        "haldane": ("Thomas Haldane", "person", ["Thomas Haldane", "Haldane"]),
        "voss": ("Eleanor Voss", "person", ["Eleanor Voss", "Voss"]),
        "oduya": ("Rachel Oduya", "person", ["Rachel Oduya", "Oduya"]),
        "bell": ("Marcus Bell", "person", ["Marcus Bell", "Bell"]),
        "usao": (
            "U.S. Attorney’s Office for the Eastern District",
            "org",
            [
                "U.S. Attorney’s Office for the Eastern District",
                "U.S. Attorney’s Office",
                "US Attorney’s Office",
            ],
        ),
        "coordinator": (
            "a former program coordinator",
            "description",
            [
                "former program coordinator",
                "program coordinator",
                "a former employee",
                "former employee",
                "one of them",
            ],
        ),
        "agspokes": (
            "a spokeswoman for the office",
            "description",
            [
                "spokeswoman for the state attorney general’s office",
                "state attorney general’s office",
                "attorney general’s office",
                "spokeswoman",
            ],
        ),
    },
    [
        (None, "scare", "consulting fees", "so-called", ""),
        (
            "castellanos",
            "full",
            "Mr. Haldane, you were trusted with money that was given for children who had very "
            "little. Some of the people who gave it had very little themselves.\n"
            "“You did not make one mistake. You made hundreds of decisions, one after another, "
            "over five years, and every one of them put your own comfort ahead of those "
            "children.\n"
            "“The sentence I impose today has to tell anyone in a position like yours that "
            "this will not be treated as a paperwork problem.",
            "before pronoun colon multi name-in-quote",
            "three paragraphs, only the last closes; introduced by ‘She said:’ on its own; "
            "opens by naming the addressee (Mr. Haldane), who is not the speaker",
        ),
        (
            "haldane",
            "full",
            "I am ashamed",
            "after pronoun",
            "he = Haldane (subject of the paragraph)",
        ),
        (
            "haldane",
            "full",
            "I have no excuse to offer, and I will not insult the court by trying to find one.",
            "cont pronoun",
            "",
        ),
        (None, "scare", "Books for Every Child", "title", "programme name; comma excluded"),
        (
            "voss",
            "full",
            "He looked at me and said ‘the money is safe, I promise you,’ and I believed him",
            "after name nested",
            "Haldane's words nested inside Voss's quote; the speaker is Voss",
        ),
        ("voss", "full", "I believed him for two more years.", "cont name", ""),
        ("oduya", "partial", "about betrayal as much as it is about money.", "before name", ""),
        (
            "oduya",
            "full",
            "Charities run on trust. When that trust is abused, everyone who ever wrote a check "
            "is a victim.",
            "before name colon told",
            "",
        ),
        ("bell", "full", "My client accepts full responsibility", "after name", ""),
        (
            "bell",
            "full",
            "He intends to repay every cent he can, for as long as it takes.",
            "cont name",
            "",
        ),
        (
            None,
            "full",
            "We’ll review the judgment carefully with our client",
            "after pronoun ambiguous",
            "two men named (Bell, Strand), then ‘he said’",
        ),
        (
            "usao",
            "full",
            "Today’s sentence reflects the seriousness of the defendant’s conduct and the harm "
            "done to thousands of families",
            "after org statement",
            "",
        ),
        (
            "coordinator",
            "full",
            "We were paid late for months and told there was no money. There was money. It was "
            "just going somewhere else.",
            "before desc colon",
            "‘One of them, a former program coordinator, said afterward:’",
        ),
        (
            "castellanos",
            "partial",
            "genuine, if very late, remorse.",
            "before pronoun",
            "‘what she called his “…”’: she = Castellanos",
        ),
        (
            "agspokes",
            "full",
            "Our review is ongoing",
            "after desc spokesperson",
            "‘the office’ = the state attorney general’s office in the sentence before",
        ),
    ],
)

SPEC["gulls_ames.txt"] = (
    {
        "ames": ("Jalen Ames", "person", ["Jalen Ames", "Ames"]),
        "whitfield": (
            "Dana Whitfield",
            "person",
            ["Dana Whitfield", "Whitfield", "Coach Whitfield"],
        ),
        "kessler": ("Andre Kessler", "person", ["Andre Kessler", "Kessler"]),
        "whitcomb": ("Sam Whitcomb", "person", ["Sam Whitcomb", "Whitcomb"]),
        "lyle": ("Curtis Lyle", "person", ["Curtis Lyle", "Lyle", "Coach Curtis Lyle"]),
        "fairley": ("Dominic Fairley", "person", ["Dominic Fairley", "Fairley"]),
        "league": (
            "a league spokesperson",
            "description",
            ["league spokesperson", "spokesperson", "the league"],
        ),
        "pbpa": (
            "Pro Basketball Players' Association",
            "org",
            ["Pro Basketball Players' Association", "players' union", "the players' union"],
        ),
        "fan": (
            "one fan in a Gulls jersey",
            "description",
            ["one fan in a Gulls jersey", "one fan", "a fan", "fan"],
        ),
    },
    [
        (
            None,
            "scare",
            "the Nest",
            "nickname",
            "arena nickname; the paragraph before it has 6'2\" and 6'9\" (feet/inch marks, "
            "straight quotes) which are not quotation marks",
        ),
        ("ames", "full", "I just wanted the ball", "after name", ""),
        (
            "ames",
            "full",
            "Coach drew it up for me, and the guys trusted me to make it. That's all it is.",
            "cont name",
            "",
        ),
        (
            "whitfield",
            "full",
            "We didn't play well for 38 minutes. We played well for about two. I'll take it, "
            "but I'm not going to pretend that was pretty.",
            "before name colon",
            "",
        ),
        (
            "whitfield",
            "partial",
            "nowhere near good enough for this time of year.",
            "before name",
            "‘Whitfield added that … was “…”’",
        ),
        (None, "scare", "Ice", "nickname", ""),
        ("kessler", "full", "He's been doing that in practice all week", "after name inverted", ""),
        ("kessler", "full", "Nobody in that locker room is surprised.", "cont name", ""),
        (
            "kessler",
            "full",
            "Coach told us, 'Nobody is walking out of here with a loss,' and she meant it",
            "after pronoun nested",
            "he = Kessler; the coach's words are nested in straight single quotes",
        ),
        ("whitcomb", "partial", "still shaking", "before name told", ""),
        ("lyle", "full", "That's a tough way to lose", "after name inverted", ""),
        (
            "lyle",
            "full",
            "But we put ourselves in that spot. You can't give up 17 offensive rebounds and "
            "expect to win on the road.",
            "cont name",
            "",
        ),
        (
            None,
            "full",
            "I asked for an explanation and I didn't get one",
            "after pronoun ambiguous",
            "Lyle and Brandt both named, then ‘he said’ (context suggests Lyle, but the text "
            "does not settle it)",
        ),
        ("fairley", "full", "It's one call", "after pronoun", ""),
        ("fairley", "full", "We had a lot of chances before that.", "cont pronoun", ""),
        ("league", "partial", "on the usual schedule.", "before desc spokesperson", ""),
        (
            "pbpa",
            "partial",
            "a health and safety issue, not a scheduling preference.",
            "before org statement",
            "‘players' union’ earlier in the paragraph is a possessive apostrophe",
        ),
        (
            "fan",
            "full",
            "That's the best forty bucks I've spent all year.",
            "before desc as-put",
            "",
        ),
        ("ames", "full", "We can't come out like that again", "after name", ""),
        ("ames", "full", "Not this time of year.", "cont name", ""),
    ],
)

SPEC["microplastics_study.txt"] = (
    {
        "sorensen": (
            "Anika Sørensen",
            "person",
            ["Anika Sørensen", "Sørensen", "Dr Sørensen", "Dr Anika Sørensen", "Sorensen"],
        ),
        "ministry": ("Ministry of Health", "org", ["Ministry of Health", "the ministry"]),
        "fisk": ("Leonard Fisk", "person", ["Leonard Fisk", "Fisk", "Professor Leonard Fisk"]),
        "water": (
            "a spokesperson for Northfield Water",
            "description",
            ["spokesperson for Northfield Water", "Northfield Water", "spokesperson"],
        ),
        "park": ("Min-jun Park", "person", ["Min-jun Park", "Park", "Dr Min-jun Park"]),
        "whitaker": ("Joan Whitaker", "person", ["Joan Whitaker", "Whitaker"]),
    },
    [
        (
            "sorensen",
            "full",
            "We expected to find some, but we didn’t expect to find them everywhere",
            "after name inverted",
            "name with a non-ASCII letter (ø) and a title (Dr)",
        ),
        (
            "sorensen",
            "full",
            "That was the surprise. There wasn’t a single district that came back clean.",
            "cont name",
            "",
        ),
        (
            None,
            "scare",
            "nanoplastic debris",
            "term",
            "a technical term ‘researchers call’, not an utterance",
        ),
        (
            "sorensen",
            "partial",
            "are small enough to cross the gut wall in laboratory animals, but we do not yet "
            "know what that means for people.",
            "before name according",
            "",
        ),
        (
            "ministry",
            "full",
            "Current evidence does not indicate a risk to human health at the levels reported "
            "in this study",
            "after org inverted",
            "‘stated the Ministry of Health’",
        ),
        (
            "ministry",
            "partial",
            "review the findings carefully with the research team.",
            "before pronoun",
            "‘It added’: it = the ministry",
        ),
        (
            "fisk",
            "partial",
            "the absence of evidence of harm is not the same thing as evidence that there is no "
            "harm.",
            "before name",
            "‘warned that “…”’",
        ),
        (
            "fisk",
            "full",
            "I would not panic, and I would not switch to bottled water either",
            "after name",
            "",
        ),
        (
            "fisk",
            "full",
            "Several studies have found higher counts in bottled water than in tap water.",
            "cont name",
            "",
        ),
        (
            "water",
            "partial",
            "meets or exceeds every current national standard for drinking water",
            "before desc spokesperson",
            "comma before the closing mark excluded",
        ),
        (
            "park",
            "full",
            "Filtration at the treatment plant takes out most of what we can see",
            "after name inverted",
            "",
        ),
        (
            "park",
            "full",
            "The smaller fragments are a different story. Conventional filters were never "
            "designed for them.",
            "cont name",
            "",
        ),
        (
            None,
            "full",
            "One study is one study",
            "after pronoun ambiguous",
            "two men named (Park, Fisk), then ‘he said’",
        ),
        (
            None,
            "full",
            "It needs to be repeated elsewhere before anyone changes policy.",
            "cont pronoun ambiguous",
            "continuation of the ambiguous quote: still ambiguous",
        ),
        (None, "scare", "forever chemicals", "so-called", ""),
        (
            "sorensen",
            "full",
            "We need to know where they come from before we can talk seriously about how to "
            "keep them out.",
            "before pronoun colon",
            "‘She said:’ — she = Sørensen",
        ),
        ("whitaker", "partial", "a wake-up call, but not a reason for alarm.", "before name", ""),
        ("whitaker", "full", "People should keep drinking their tap water", "after name", ""),
        (
            "whitaker",
            "full",
            "But we should be asking harder questions about what’s in it.",
            "cont name",
            "",
        ),
    ],
)

SPEC["aske_flood.txt"] = (
    {
        "hollis": ("Margaret Hollis", "person", ["Margaret Hollis", "Hollis", "Mrs Hollis"]),
        "malhotra": ("Dev Malhotra", "person", ["Dev Malhotra", "Malhotra"]),
        "volunteer": (
            "one volunteer at the rest centre",
            "description",
            ["one volunteer at the rest centre", "one volunteer", "a volunteer", "volunteer"],
        ),
        "council": (
            "a spokeswoman for Ashby District Council",
            "description",
            [
                "spokeswoman for Ashby District Council",
                "Ashby District Council",
                "council spokeswoman",
                "spokeswoman",
            ],
        ),
        "nwosu": (
            "Peter Nwosu",
            "person",
            ["Peter Nwosu", "Nwosu", "Mr Nwosu", "Councillor Peter Nwosu"],
        ),
        "ea": ("Environment Agency", "org", ["Environment Agency", "the agency"]),
        "easpokes": (
            "an Environment Agency spokesman",
            "description",
            ["Environment Agency spokesman", "Environment Agency", "spokesman"],
        ),
        "abbott": ("Jean Abbott", "person", ["Jean Abbott", "Abbott"]),
        "kettering": ("Sarah Kettering", "person", ["Sarah Kettering", "Kettering"]),
    },
    [
        (
            None,
            "scare",
            "once-in-a-century",
            "scare",
            "British style: curly single quotes are the primary marks throughout this article",
        ),
        (
            "hollis",
            "full",
            "We had two feet of water in the kitchen by six o’clock",
            "after name inverted",
            "the apostrophe in o’clock is the same character (U+2019) as the closing mark",
        ),
        (
            "hollis",
            "full",
            "It’s exactly the same as last time. Nobody learned anything.",
            "cont name",
            "",
        ),
        (
            "malhotra",
            "full",
            "The man from the insurance company told me “you’re not covered for this kind of "
            "flood”, and then he just walked off",
            "after pronoun nested",
            "double quotes nested in single ones (British style); he = Malhotra",
        ),
        (
            "malhotra",
            "full",
            "I don’t even know what kind of flood I am covered for.",
            "cont pronoun",
            "",
        ),
        (
            "volunteer",
            "full",
            "People are tired, not just wet. Some of them haven’t stopped since the last time.",
            "before desc as-put colon",
            "",
        ),
        (
            "council",
            "full",
            "Our teams have been working through the night to support residents, and we will "
            "continue to do so for as long as we are needed.",
            "before desc spokesperson colon",
            "",
        ),
        (
            "nwosu",
            "partial",
            "let down time and again",
            "before name",
            "British punctuation: the full stop is outside the closing mark",
        ),
        ("ea", "partial", "timely and appropriate", "before org", ""),
        (
            "easpokes",
            "full",
            "The defences at Aske Bridge performed as they were designed to. The volume of "
            "water last night simply exceeded what they were built for.",
            "before desc spokesperson colon",
            "‘An Environment Agency spokesman added:’",
        ),
        (
            None,
            "full",
            "There will be a full and independent review of what happened here",
            "after pronoun ambiguous",
            "two men named (Nwosu, Pike), then ‘he said’",
        ),
        (
            "abbott",
            "full",
            "We’ve written letters, we’ve signed petitions, we’ve been to every meeting",
            "after pronoun",
            "",
        ),
        (
            "abbott",
            "full",
            "The residents’ patience ran out a long time ago.",
            "cont pronoun",
            "‘residents’ patience’: a plural possessive apostrophe followed by a space inside "
            "the quote, which looks exactly like a closing mark",
        ),
        (
            "kettering",
            "full",
            "This is the second time in three years. At some point the word “unprecedented” "
            "stops meaning anything",
            "after pronoun nested",
            "a scare quote nested inside the quote is part of it, not a separate label",
        ),
        (None, "scare", "Flood Ready", "title", "scheme name"),
        ("hollis", "full", "Some of them are gone", "after pronoun", ""),
        ("hollis", "full", "You can replace a sofa. You can’t replace these.", "cont pronoun", ""),
    ],
)

SPEC["delgado_profile.txt"] = (
    {
        "rosa": ("Rosa Delgado", "person", ["Rosa Delgado", "Delgado", "Rosa", "Ms. Delgado"]),
        "castellano": ("Castellano", "person", ["Castellano", "Mr. Castellano"]),
        "marsh": ("Elaine Marsh", "person", ["Elaine Marsh", "Marsh"]),
        "miguel": ("Miguel Delgado", "person", ["Miguel Delgado", "Miguel"]),
    },
    [
        ("rosa", "full", "Onions first. Always onions first", "after pronoun says", ""),
        ("rosa", "full", "Everything else can wait for the onions.", "cont pronoun says", ""),
        (None, "scare", "revitalization", "so-called", ""),
        (None, "scare", "Salt and Fire", "title", "film title; comma excluded"),
        (
            None,
            "scare",
            "Onions First",
            "title",
            "book title that repeats her own words: still a title, not a quote",
        ),
        ("rosa", "full", "My mother never measured anything", "after pronoun says", ""),
        (
            "rosa",
            "full",
            "She cooked with her hands and her nose. When I came here I had forty dollars and "
            "her recipes in my head, nothing written down.\n"
            "“The first job I got was washing dishes at a diner on Fifth Street. The owner, "
            "Mr. Castellano, let me cook the staff meal on Sundays. That was my school.\n"
            "“Everything I know about running a kitchen, I learned from watching him yell at "
            "people. Mostly I learned what not to do.",
            "cont pronoun says multi name-in-quote",
            "continuation after ‘she says’ that runs over three paragraphs; it names "
            "Mr. Castellano, who is not the speaker",
        ),
        (
            "castellano",
            "partial",
            "like somebody with something to prove.",
            "before name reported",
            "words of Castellano reported by Delgado (‘she says’ is the nearest verb, but he "
            "said them); the article gives only his surname",
        ),
        (
            "rosa",
            "full",
            "They used to write ‘homestyle’ like it was an insult",
            "after pronoun says nested",
            "",
        ),
        ("rosa", "full", "Now everybody wants to be homestyle.", "cont pronoun says", ""),
        (
            "marsh",
            "full",
            "Rosa cooked the food everybody else was too nervous to put on a menu",
            "after name name-in-quote",
            "quote opens with another person's name",
        ),
        (
            "marsh",
            "full",
            "She was twenty years ahead of the rest of this city, and she knew it.",
            "cont name",
            "",
        ),
        (
            "miguel",
            "full",
            "She is impossible to work for",
            "after pronoun says",
            "he = Miguel Delgado (introduced at the end of the paragraph before); shares a "
            "surname with the main subject, so bare ‘Delgado’ is wrong here",
        ),
        (
            "miguel",
            "full",
            "And every single person who has worked for her would do it again.",
            "cont pronoun says",
            "",
        ),
        ("rosa", "full", "I never thought about closing. Not once", "after pronoun says", ""),
        ("rosa", "full", "Where would these people go? Where would I go?", "cont pronoun says", ""),
        (
            "rosa",
            "full",
            "What would I do, sit in a garden? I hate gardens. I would be dead in a month.",
            "context",
            "no attribution at all: a paragraph of quote after ‘She has no plans to retire’; "
            "the speaker follows from context (Miguel is the last name mentioned)",
        ),
        ("rosa", "full", "Smaller", "after pronoun", "‘she tells him’"),
        ("rosa", "full", "Smaller. Good.", "cont pronoun", ""),
    ],
)

SPEC["marchetti_obituary.txt"] = (
    {
        "claire": (
            "Claire Marchetti-Lowe",
            "person",
            ["Claire Marchetti-Lowe", "Marchetti-Lowe", "Ms. Marchetti-Lowe"],
        ),
        "helen": (
            "Helen Marchetti",
            "person",
            ["Helen Marchetti", "Marchetti", "Dr. Marchetti", "Helen Rose Marchetti"],
        ),
        "fane": ("Robert Fane", "person", ["Robert Fane", "Fane", "Dr. Robert Fane"]),
        "rahimi": ("Nadia Rahimi", "person", ["Nadia Rahimi", "Rahimi", "Dr. Nadia Rahimi"]),
        "aaf": (
            "American Astronomical Federation",
            "org",
            ["American Astronomical Federation", "the federation"],
        ),
        "colleague": (
            "one former colleague",
            "description",
            ["one former colleague", "a former colleague", "former colleague"],
        ),
    },
    [
        (
            "claire",
            "full",
            "She died the way she lived, with a stack of papers on the bed and a pen in her hand.",
            "before name colon",
            "‘her daughter, Claire Marchetti-Lowe, who said:’",
        ),
        (
            "helen",
            "partial",
            "boys’ club with a very good view.",
            "before pronoun",
            "she = the deceased; the quote contains a plural possessive apostrophe (boys’) "
            "followed by a space",
        ),
        (
            "helen",
            "full",
            "Nobody gave me a telescope. I borrowed time on other people’s telescopes, usually "
            "at three in the morning, usually on the nights nobody else wanted.",
            "before pronoun colon",
            "the subject of an obituary quoted from an old interview",
        ),
        (
            "helen",
            "partial",
            "counting grains of sand in the dark, one grain at a time.",
            "before pronoun",
            "",
        ),
        (None, "scare", "The Quiet Between Stars", "title", "book title"),
        (
            "fane",
            "full",
            "Helen was the most stubborn person I ever worked with, and I mean that as the "
            "highest possible praise",
            "after name inverted name-in-quote",
            "",
        ),
        (
            "fane",
            "full",
            "If she thought a result was wrong, she would not let it go. She was usually right.",
            "cont name",
            "",
        ),
        (
            "rahimi",
            "full",
            "I was 22 and terrified. She handed me a stack of photographic plates and said, "
            "‘Tell me what’s wrong with these.’ I spent a week on it.\n"
            "“When I came back, she told me I was wrong about four of them and right about one, "
            "and that one was the only one that mattered. That was Helen. She only cared whether "
            "you got the important thing right.",
            "before pronoun colon multi nested name-in-quote",
            "two paragraphs after ‘She remembered their first meeting:’; the nested ‘…’ "
            "holds an apostrophe (what’s); ‘she said’ inside the quote refers to Marchetti, "
            "but the speaker is Rahimi",
        ),
        (
            "aaf",
            "partial",
            "shaped a generation of research into the interstellar medium.",
            "before org statement",
            "",
        ),
        (
            "aaf",
            "full",
            "Dr. Marchetti never stopped asking questions, and she never stopped teaching other "
            "people how to ask them",
            "after org name-in-quote",
            "quote opens with another person's name",
        ),
        (
            "colleague",
            "full",
            "She made the rest of us check our work twice, and we were better scientists for it.",
            "before desc as-put",
            "",
        ),
        ("claire", "full", "She was still emailing people corrections at 83", "after name", ""),
        (
            "claire",
            "full",
            "Some of them were very grateful. Some of them were not.",
            "cont name",
            "",
        ),
    ],
)

SPEC["ceasefire_talks.txt"] = (
    {
        "haugen": ("Ingrid Haugen", "person", ["Ingrid Haugen", "Haugen"]),
        "voronin": ("Aleksander Voronin", "person", ["Aleksander Voronin", "Voronin"]),
        "ministry": (
            "Valdorian Foreign Ministry",
            "org",
            ["Valdorian Foreign Ministry", "Foreign Ministry", "Valdoria"],
        ),
        "berecz": ("Tomas Berecz", "person", ["Tomas Berecz", "Berecz"]),
        "diplomat": (
            "a senior Western diplomat",
            "description",
            ["senior Western diplomat", "Western diplomat", "diplomat"],
        ),
        "bri": (
            "a spokesperson for Border Relief International",
            "description",
            ["spokesperson for Border Relief International", "Border Relief International"],
        ),
        "morova": ("Lena Morova", "person", ["Lena Morova", "Morova"]),
        "official": (
            "a senior Kestrian official",
            "description",
            ["senior Kestrian official", "Kestrian official", "the official", "official"],
        ),
    },
    [
        (
            "haugen",
            "full",
            "Both delegations are here, and both are talking. That is more than we had a month ago",
            "after name inverted",
            "",
        ),
        ("haugen", "full", "I am not going to pretend it is more than that.", "cont name", ""),
        (None, "scare", "buffer zone", "term", ""),
        (
            "voronin",
            "full",
            "We came in good faith. Whether we stay depends on what happens on the ground tonight.",
            "before name colon told",
            "",
        ),
        ("voronin", "partial", "not unlimited", "before name", "‘warned that … was “…”’"),
        (
            "ministry",
            "full",
            "Valdoria remains committed to a negotiated settlement, but it will not negotiate "
            "under fire",
            "after org inverted",
            "‘stated the Valdorian Foreign Ministry’",
        ),
        (
            "berecz",
            "full",
            "We are ready to discuss every item on the agenda. We are not ready to accept a "
            "version of events that was written before we arrived.",
            "before name colon",
            "",
        ),
        (
            None,
            "full",
            "The atmosphere was serious but not hostile",
            "after pronoun ambiguous",
            "two men named (Voronin, Berecz), then ‘he said’",
        ),
        ("diplomat", "partial", "on life support, but not dead.", "before desc according", ""),
        (
            "bri",
            "full",
            "Families are sleeping in schools and mosques and in the open. The single most "
            "useful thing these talks could produce is safe passage for food and fuel.",
            "before desc spokesperson colon",
            "",
        ),
        ("morova", "partial", "nearly a fifth of its annual budget", "before name", ""),
        (
            "morova",
            "full",
            "The so-called ‘peace dividend’ has not reached a single village on the border",
            "after name nested",
            "a scare quote nested inside a real quote: one label, the speaker is Morova",
        ),
        ("morova", "full", "People there do not need speeches. They need roofs.", "cont name", ""),
        (
            "haugen",
            "full",
            "Deadlines in this process have a way of becoming excuses",
            "after pronoun",
            "she = Haugen (Morova, also a woman, is in the paragraph before)",
        ),
        (
            "haugen",
            "full",
            "We will take the time we need, and not a day more.",
            "cont pronoun",
            "",
        ),
        (
            "official",
            "full",
            "We have been told to give this two days",
            "after desc",
            "‘the official said’ refers back to ‘A senior Kestrian official’",
        ),
    ],
)

SPEC["elm_street_lanes.txt"] = (
    {
        "owners": ("Shop owners", "description", ["shop owners", "Shop owners", "owners"]),
        "brancato": ("Tony Brancato", "person", ["Tony Brancato", "Brancato"]),
        "merchants": (
            "Elm Street Merchants Association",
            "org",
            ["Elm Street Merchants Association", "Merchants Association"],
        ),
        "park": ("Lena Park", "person", ["Lena Park", "Park"]),
        "bike": ("Bike Harbridge", "org", ["Bike Harbridge"]),
        "teen": (
            "a 14-year-old",
            "description",
            ["a 14-year-old", "14-year-old", "a 14-year-old cyclist"],
        ),
        "tully": ("Greg Tully", "person", ["Greg Tully", "Tully", "Councilman Greg Tully"]),
        "haddad": ("Amira Haddad", "person", ["Amira Haddad", "Haddad"]),
        "woman": ("one woman", "description", ["one woman", "a woman", "woman"]),
    },
    [
        (
            "owners",
            "partial",
            "a disaster",
            "before desc headline",
            "quote in the headline, attributed before it (‘Shop owners call …’)",
        ),
        (
            "brancato",
            "full",
            "Since the lanes went in, my Saturday sales are down by a third",
            "after name inverted",
            "",
        ),
        (
            "brancato",
            "full",
            "People used to double-park, run in for bread and run out. Now they just drive past.",
            "cont name",
            "",
        ),
        (
            "merchants",
            "partial",
            "a well-meaning disaster for the businesses that make Elm Street what it is.",
            "before org",
            "",
        ),
        (None, "scare", "Complete Streets", "title", "programme name ‘the city calls’"),
        (
            "park",
            "full",
            "Every city that has built protected lanes has gone through a period like this",
            "after name wrote",
            "written (email), not spoken",
        ),
        (
            "park",
            "full",
            "Give it a full year, and then look at the numbers.",
            "cont name wrote",
            "",
        ),
        (
            "bike",
            "partial",
            "about parking, not about safety, and those are not the same thing.",
            "before org wrote",
            "",
        ),
        (
            "teen",
            "full",
            "I feel safe riding to school now. Before, my mom wouldn’t let me",
            "after desc inverted",
            "",
        ),
        ("tully", "partial", "a solution in search of a problem.", "before name", ""),
        (
            "tully",
            "full",
            "I’m not against bikes. I’m against doing things to a neighborhood instead of with it",
            "after name told",
            "",
        ),
        (
            None,
            "full",
            "The weekend was always where we made our money",
            "after pronoun ambiguous",
            "two men named (Brancato, Ferrante), then ‘he said’",
        ),
        ("haddad", "full", "Half my customers come on bikes now", "after pronoun", ""),
        (
            "haddad",
            "full",
            "I put in a rack for 12 bikes in September and it’s full every morning.",
            "cont pronoun",
            "",
        ),
        (None, "scare", "road diet", "so-called", ""),
        (
            "woman",
            "full",
            "Nobody asked us!",
            "before desc as-put",
            "shouted; ends with ‘!’. The next sentence opens ‘Park said later’, which is not "
            "this quote's attribution",
        ),
        ("park", "full", "We did ask", "after name", ""),
        (
            "park",
            "full",
            "I understand that not everybody felt heard, and that’s something we can do better.",
            "cont name",
            "",
        ),
    ],
)


def build() -> list[dict]:
    rows: list[dict] = []
    for name, (speakers, labels) in SPEC.items():
        text = (ARTICLES / name).read_text(encoding="utf-8")
        cursor = 0
        covered: list[tuple[int, int]] = []
        for key, kind, quote, tags, note in labels:
            start = text.find(quote, cursor)
            assert start >= 0, f"{name}: not found after {cursor}: {quote[:60]!r}"
            end = start + len(quote)
            assert text[start:end] == quote
            assert text[start - 1] in OPEN, f"{name}:{start}: no opening mark before {quote[:40]!r}"
            after = text[end : end + 2]
            assert after[:1] in CLOSE or (after[:1] == "," and after[1:2] in CLOSE), (
                f"{name}:{end}: no closing mark after {quote[-40:]!r}: {after!r}"
            )
            assert not quote.endswith(","), f"{name}: quote ends with a comma: {quote!r}"
            assert kind in ("full", "partial", "scare")
            if kind == "scare":
                assert key is None, f"{name}: scare quote with a speaker: {quote!r}"
            if key is None:
                speaker, speaker_type, forms = None, None, []
            else:
                speaker, speaker_type, forms = speakers[key]
            tag_set = set(tags.split())
            assert tag_set <= POSITION | REFERENCE | SCARE | OTHER, f"{name}: tags {tags!r}"
            if kind == "scare":
                assert len(tag_set & SCARE) == 1 and not tag_set & (POSITION | REFERENCE)
            else:
                assert len(tag_set & POSITION) == 1 and not tag_set & SCARE, f"{name}: {tags!r}"
                assert len(tag_set & REFERENCE) == (0 if "context" in tag_set else 1), tags
            assert ("ambiguous" in tag_set) == (key is None and kind != "scare")
            close_end = end + (2 if text[end] == "," else 1)
            covered.append((start - 1, close_end))
            rows.append(
                {
                    "article": name,
                    "start": start,
                    "end": end,
                    "quote": quote,
                    "speaker": speaker,
                    "speaker_forms": forms,
                    "kind": kind,
                    "note": note,
                    "speaker_type": speaker_type,
                    "tags": tags.split(),
                }
            )
            cursor = end
        check_coverage(name, text, covered)
    return rows


def check_coverage(name: str, text: str, covered: list[tuple[int, int]]) -> None:
    """Every double quote mark (and every ‘ in a ‘-primary article) is in a labelled span."""
    primary_single = text.count("‘") > text.count("“")
    marks = '“”"‘' if primary_single else '“”"'
    for i, ch in enumerate(text):
        if ch not in marks:
            continue
        if ch == '"' and i > 0 and text[i - 1].isdigit():
            continue  # inch mark: 55" / 6'2"
        if any(a <= i < b for a, b in covered):
            continue
        raise AssertionError(f"{name}:{i}: unlabelled quotation mark: {text[i - 30 : i + 30]!r}")


def main() -> None:
    rows = build()
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if "--check" in sys.argv:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != lines:
            sys.exit("labels.jsonl is out of date: run bench/quotes/make_labels.py")
        print(f"labels.jsonl up to date ({len(rows)} labels)")
        return
    OUT.write_text(lines, encoding="utf-8")
    print(f"wrote {OUT} ({len(rows)} labels)")


if __name__ == "__main__":
    main()
