"""Build bench/misquotes/*.jsonl from the hand-written cases below.

    python3 bench/misquotes/make.py [--check]

Three sets, written by hand without reading or running the verifier (see README.md):

- ``misquotes.jsonl``: quotations as a reporter would misremember them, each with the
  article's exact words (``real``) it should find;
- ``invented.jsonl``: quotes that sound like the articles but that nobody in them said;
- ``topics.jsonl``: "What did SPEAKER say about TOPIC?" with the speaker's quotation(s)
  on that topic.

Offsets are never written by hand: the script finds every ``real`` text in its article (it
must occur exactly once), asserts ``text[start:end] == real`` and takes the speaker from the
quotation label that holds it (``bench/quotes/labels.jsonl``, or the table below for the
bundled article). A ``real`` that is not ``narration`` must lie inside one labelled quotation
(not a scare quote); a ``narration`` one must lie outside every quotation. ``dev``/``holdout``
alternate within each kind (the first kind listed). ``--check`` only checks that the files are
up to date.
"""

# ruff: noqa: E501  (hand-written cases: one per line reads best)

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
LABELS = ROOT / "bench" / "quotes" / "labels.jsonl"
BUNDLED = "docs/north-korean-troops-in-russia.txt"


def source(key: str) -> str:
    """The repository path of an article: ``nk`` is the bundled article."""
    return BUNDLED if key == "nk" else f"bench/quotes/articles/{key}.txt"


# Every quotation of the bundled article with its speaker (as in tests/integration/test_quotes.py;
# bench/quotes/labels.jsonl does not cover this article). None: a scare quote or a heading.
BUNDLED_QUOTES: list[tuple[str, str | None]] = [
    ("strongest in the world", "Kim Jong-un"),
    ("untested enemy.", "Volodymyr Zelenskyy"),
    ("watching passively", "Volodymyr Zelenskyy"),
    ("This deployment is historic for North Korea", "Center for Strategic and International Studies"),
    (
        "They have previously sent advisors and specialists, but never large ground forces.",
        "Center for Strategic and International Studies",
    ),
    ("Strongest Army", None),
    ("Most of them are unlikely to come back home alive", "Lee Woong-gil"),
    ("They’ll consider it an honor, but they don’t understand what they’re up against.", "Lee Woong-gil"),
    ("third-party soldiers", None),
    (
        "If many of Kim’s soldiers die in Ukraine, it could have major repercussions in North Korea.",
        "Choi Jung-hoon",
    ),
    ("They don’t realize they’re being used as cannon fodder.", "one former North Korean soldier"),
]  # fmt: skip

MISQUOTE_KINDS = ["contraction", "synonym", "reorder", "dropped", "added", "paraphrase", "phrase", "narration"]  # fmt: skip
INVENTED_KINDS = ["topic", "negation", "mixed", "swap"]

# (article, kinds (the first decides the split), the misquote as a reporter remembers it,
#  the article's exact words it should find)
Misquote = tuple[str, str, str, str]

MISQUOTES: list[Misquote] = [
    # --- contractions written out (or put in), usually with a small slip besides
    ("nk", "contraction",
     "They will consider it an honor but they do not understand what they are up against",
     "They’ll consider it an honor, but they don’t understand what they’re up against."),
    ("nk", "contraction added",
     "They do not realize that they are being used as cannon fodder.",
     "They don’t realize they’re being used as cannon fodder."),
    ("harbridge_budget", "contraction",
     "I do not know what we are paying for any more.",
     "I don’t know what we’re paying for anymore."),
    ("veltra_plant", "contraction added",
     "But I am not going to stand here and pretend that we've got the power to make a company stay.",
     "But I'm not going to stand here and pretend we have the power to make a company stay."),
    ("gulls_ames", "contraction",
     "We did not play well for 38 minutes. We played well for about two. I will take it, but I am"
     " not going to pretend that was pretty.",
     "We didn't play well for 38 minutes. We played well for about two. I'll take it, but I'm not"
     " going to pretend that was pretty."),
    ("gulls_ames", "contraction",
     "You cannot give up seventeen offensive rebounds and expect to win on the road.",
     "You can't give up 17 offensive rebounds and expect to win on the road."),
    ("aske_flood", "contraction added",
     "You can replace a sofa, but you cannot replace these.",
     "You can replace a sofa. You can’t replace these."),
    ("aske_flood", "contraction",
     "I do not even know what kind of flood I'm covered for.",
     "I don’t even know what kind of flood I am covered for."),
    ("elm_street_lanes", "contraction",
     "I am not against bikes. I am against doing things to a neighbourhood instead of with it.",
     "I’m not against bikes. I’m against doing things to a neighborhood instead of with it"),
    ("microplastics_study", "contraction synonym",
     "That was the surprise. There was not one district that came back clean.",
     "That was the surprise. There wasn’t a single district that came back clean."),
    ("ceasefire_talks", "contraction",
     "I'm not going to pretend it's more than that.",
     "I am not going to pretend it is more than that."),
    # --- a word or two swapped for one of the same meaning, in more than one place
    ("nk", "synonym dropped",
     "Most of them are not likely to come home alive",
     "Most of them are unlikely to come back home alive"),
    ("nk", "synonym",
     "They had previously sent advisers and specialists, but never large ground troops.",
     "They have previously sent advisors and specialists, but never large ground forces."),
    ("harbridge_budget", "synonym",
     "This is the toughest budget I have brought before this council in eleven years",
     "This is the hardest budget I have put in front of this council in eleven years"),
    ("harbridge_budget", "synonym added",
     "It takes a whole generation to build the habit of visiting one.",
     "It takes a generation to build the habit of going to one."),
    ("veltra_plant", "synonym",
     "The market for big-screen televisions has changed quicker than any of us expected, and we"
     " have to change with it.",
     "The market for large-format televisions has changed faster than any of us expected, and we"
     " have to change with it."),
    ("veltra_plant", "synonym",
     "Panel costs are rising, retail prices are falling, and the company has been absorbing the"
     " difference for two years.",
     "Panel costs are up, retail prices are down, and the company has been absorbing the difference"
     " for two years."),
    ("haldane_sentencing", "synonym",
     "Charities depend on trust. When that trust is betrayed, everyone who ever wrote a check is a"
     " victim.",
     "Charities run on trust. When that trust is abused, everyone who ever wrote a check is a"
     " victim."),
    ("gulls_ames", "synonym",
     "Nobody in that dressing room is shocked.",
     "Nobody in that locker room is surprised."),
    ("microplastics_study", "synonym added",
     "Several studies have actually found higher levels in bottled water than in tap water.",
     "Several studies have found higher counts in bottled water than in tap water."),
    ("aske_flood", "synonym",
     "The volume of water last night simply went beyond what they were designed for.",
     "The volume of water last night simply exceeded what they were built for."),
    ("delgado_profile", "synonym",
     "Rosa cooked the food everyone else was too scared to put on a menu",
     "Rosa cooked the food everybody else was too nervous to put on a menu"),
    ("delgado_profile", "synonym",
     "They used to write 'home-style' as if it was an insult",
     "They used to write ‘homestyle’ like it was an insult"),
    ("marchetti_obituary", "synonym",
     "If she thought a result was wrong, she would not drop it. She was generally right.",
     "If she thought a result was wrong, she would not let it go. She was usually right."),
    ("ceasefire_talks", "synonym contraction",
     "People there don't need speeches. They need shelter.",
     "People there do not need speeches. They need roofs."),
    ("elm_street_lanes", "synonym",
     "Half of my customers come by bike these days",
     "Half my customers come on bikes now"),
    # --- the same words in another order
    ("nk", "reorder phrase",
     "the world's strongest",
     "strongest in the world"),
    ("harbridge_budget", "reorder",
     "A balanced budget is not optional, it is the law. Nobody on this dais is happy tonight.",
     "Nobody on this dais is happy tonight, but a balanced budget is not optional. It is the law."),
    ("veltra_plant", "reorder",
     "I've worked here since I was 19, my dad worked here, my uncle worked here",
     "My dad worked here, my uncle worked here, I've worked here since I was 19"),
    ("haldane_sentencing", "reorder",
     "You made hundreds of decisions over five years, one after another, and every one of them put"
     " those children behind your own comfort.",
     "You made hundreds of decisions, one after another, over five years, and every one of them put"
     " your own comfort ahead of those children."),
    ("microplastics_study", "reorder",
     "not a reason for alarm, but a wake-up call",
     "a wake-up call, but not a reason for alarm."),
    ("aske_flood", "reorder",
     "We've been to every meeting, we've signed petitions, we've written letters",
     "We’ve written letters, we’ve signed petitions, we’ve been to every meeting"),
    ("ceasefire_talks", "reorder",
     "We are not ready to accept a version of events that was written before we arrived. We are"
     " ready to discuss every item on the agenda.",
     "We are ready to discuss every item on the agenda. We are not ready to accept a version of"
     " events that was written before we arrived."),
    ("marchetti_obituary", "reorder synonym",
     "She died as she lived, with a pen in her hand and a stack of papers on the bed.",
     "She died the way she lived, with a stack of papers on the bed and a pen in her hand."),
    ("gulls_ames", "reorder",
     "The guys trusted me to make it, and Coach drew it up for me.",
     "Coach drew it up for me, and the guys trusted me to make it."),
    # --- a clause or words left out, or words added
    ("nk", "added",
     "This deployment is a historic moment for North Korea",
     "This deployment is historic for North Korea"),
    ("nk", "dropped synonym",
     "If many of Kim's soldiers die, it could have big repercussions in North Korea.",
     "If many of Kim’s soldiers die in Ukraine, it could have major repercussions in North Korea."),
    ("nk", "added paraphrase",
     "If many of Kim's soldiers end up dying in Ukraine, that could have major repercussions back"
     " home in North Korea.",
     "If many of Kim’s soldiers die in Ukraine, it could have major repercussions in North Korea."),
    ("harbridge_budget", "dropped",
     "We are not cutting services because we want to. The money is not there.",
     "We are not cutting services because we want to. We are cutting them because the money is not"
     " there."),
    ("harbridge_budget", "dropped",
     "My daughter does her homework at the Eastside branch because we don't have internet. Where is"
     " she supposed to go now?",
     "My daughter does her homework at the Eastside branch because we don’t have internet at home."
     " Where is she supposed to go on a Monday now?"),
    ("veltra_plant", "dropped synonym",
     "We will work closely with our employees and the union throughout this transition",
     "We will work closely with our employees, their union and local officials throughout this"
     " transition"),
    ("haldane_sentencing", "dropped contraction",
     "I have no excuse, and I won't insult this court by trying to find one.",
     "I have no excuse to offer, and I will not insult the court by trying to find one."),
    ("gulls_ames", "added",
     "We had a whole lot of chances to win it before that.",
     "We had a lot of chances before that."),
    ("microplastics_study", "added",
     "The smaller fragments are a different story altogether. Conventional filters were simply"
     " never designed for them.",
     "The smaller fragments are a different story. Conventional filters were never designed for"
     " them."),
    ("aske_flood", "dropped",
     "Our teams have been working through the night to support residents and will continue to do"
     " so as long as we are needed.",
     "Our teams have been working through the night to support residents, and we will continue to"
     " do so for as long as we are needed."),
    ("delgado_profile", "dropped synonym",
     "When I came here I had forty dollars and my mother's recipes in my head.",
     "When I came here I had forty dollars and her recipes in my head, nothing written down."),
    ("delgado_profile", "added paraphrase",
     "And everyone who's ever worked for her would go back and do it all again.",
     "And every single person who has worked for her would do it again."),
    ("ceasefire_talks", "dropped added",
     "The most useful thing that these talks could produce is safe passage",
     "The single most useful thing these talks could produce is safe passage for food and fuel."),
    ("marchetti_obituary", "added synonym",
     "She made the rest of us check our work twice, and we were all better scientists because of"
     " it.",
     "She made the rest of us check our work twice, and we were better scientists for it."),
    ("elm_street_lanes", "added",
     "People used to double-park, run in for a loaf of bread and run out again. Now they just drive"
     " right past.",
     "People used to double-park, run in for bread and run out. Now they just drive past."),
    # --- the same statement in other words
    ("nk", "paraphrase",
     "They have no idea that they're just cannon fodder.",
     "They don’t realize they’re being used as cannon fodder."),
    ("nk", "paraphrase",
     "They'll see it as an honour, but they have no idea what they're up against.",
     "They’ll consider it an honor, but they don’t understand what they’re up against."),
    ("harbridge_budget", "paraphrase",
     "quietly dismantling the things that make a city worth living in",
     "a quiet dismantling of the things that make a city worth living in."),
    ("harbridge_budget", "paraphrase",
     "We'll be at every single council meeting until the hours are back",
     "We will be at every council meeting until these hours are restored"),
    ("veltra_plant", "paraphrase dropped",
     "The plant manager looked me in the eye and told me we had nothing to worry about, and I"
     " believed him.",
     "The plant manager looked me in the eye. He told me 'you've got nothing to worry about,' and I"
     " believed him."),
    ("veltra_plant", "paraphrase added",
     "Twenty-two years, and all they gave us was a two-page letter.",
     "Twenty-two years. They gave us a two-page letter."),
    ("haldane_sentencing", "paraphrase",
     "He looked me in the eye and promised me the money was safe, and I believed him",
     "He looked at me and said ‘the money is safe, I promise you,’ and I believed him"),
    ("haldane_sentencing", "paraphrase reorder",
     "They told us there was no money and paid us late for months. But there was money; it was"
     " just going somewhere else.",
     "We were paid late for months and told there was no money. There was money. It was just going"
     " somewhere else."),
    ("gulls_ames", "paraphrase dropped",
     "We played badly for 38 minutes and well for about two. I'll take the win, but it wasn't"
     " pretty.",
     "We didn't play well for 38 minutes. We played well for about two. I'll take it, but I'm not"
     " going to pretend that was pretty."),
    ("microplastics_study", "paraphrase",
     "just because there is no evidence of harm doesn't mean there is evidence of no harm",
     "the absence of evidence of harm is not the same thing as evidence that there is no harm."),
    ("microplastics_study", "paraphrase",
     "We need to find out where they're coming from before we can have a serious conversation"
     " about keeping them out.",
     "We need to know where they come from before we can talk seriously about how to keep them"
     " out."),
    ("aske_flood", "paraphrase synonym",
     "It's the second time in three years. Sooner or later the word 'unprecedented' stops meaning"
     " anything.",
     "This is the second time in three years. At some point the word “unprecedented” stops meaning"
     " anything"),
    ("delgado_profile", "paraphrase",
     "What am I going to do, sit in the garden? I hate gardening. I'd be dead within a month.",
     "What would I do, sit in a garden? I hate gardens. I would be dead in a month."),
    ("marchetti_obituary", "paraphrase",
     "When I came back, she said I was wrong about four of them and right about one, and that was"
     " the one that mattered.",
     "When I came back, she told me I was wrong about four of them and right about one, and that"
     " one was the only one that mattered."),
    ("ceasefire_talks", "paraphrase",
     "Deadlines in this process tend to turn into excuses",
     "Deadlines in this process have a way of becoming excuses"),
    ("elm_street_lanes", "paraphrase",
     "I understand not everyone felt listened to, and that's something we can improve on.",
     "I understand that not everybody felt heard, and that’s something we can do better."),
    ("elm_street_lanes", "paraphrase reorder",
     "I feel safe cycling to school now. My mom wouldn't let me before.",
     "I feel safe riding to school now. Before, my mom wouldn’t let me"),
    # --- a short quoted phrase, nearly right
    ("nk", "phrase synonym",
     "untried enemy",
     "untested enemy."),
    ("nk", "phrase reorder",
     "passively watching",
     "watching passively"),
    ("harbridge_budget", "phrase",
     "temporary rather than permanent",
     "temporary, not permanent"),
    ("harbridge_budget", "phrase synonym",
     "a far uglier conversation",
     "a much uglier conversation"),
    ("veltra_plant", "phrase synonym",
     "put serious money on the table",
     "put real money on the table"),
    ("haldane_sentencing", "phrase",
     "genuine if belated remorse",
     "genuine, if very late, remorse."),
    ("ceasefire_talks", "phrase paraphrase",
     "on life support but still alive",
     "on life support, but not dead."),
    ("aske_flood", "phrase",
     "let down again and again",
     "let down time and again"),
    ("marchetti_obituary", "phrase",
     "boys' club with a great view",
     "boys’ club with a very good view."),
    ("elm_street_lanes", "phrase synonym",
     "a solution looking for a problem",
     "a solution in search of a problem."),
    # --- the reporter's own sentences, not quotations, remembered as quotes
    ("nk", "narration synonym",
     "some 10,000 North Korean soldiers have reportedly arrived in Russia to help Moscow's"
     " struggling army",
     "around 10,000 North Korean troops have reportedly arrived in Russia to support Moscow’s"
     " struggling forces"),
    ("nk", "narration reorder",
     "Kim Jong-un has touted his troops as the finest in the world, but the reality is much more"
     " complicated",
     "North Korean leader Kim Jong-un has touted his troops as the world’s finest, but the reality"
     " is far more complicated."),
    ("harbridge_budget", "narration paraphrase",
     "The plan cuts 41 jobs from the city's workforce, mostly through attrition",
     "It trims the city’s workforce by 41 positions, most of them through attrition"),
    ("veltra_plant", "narration synonym",
     "Veltra pays around $1.2 million a year in local property and income taxes, about a sixth of"
     " the town's general fund.",
     "Veltra pays about $1.2 million a year in local property and income taxes, roughly a sixth of"
     " the town's general fund."),
    ("microplastics_study", "narration synonym",
     "They found an average of 4.7 particles per liter, most of them thinner than a human hair.",
     "They found an average of 4.7 particles per litre, most of them narrower than a human hair."),
    ("ceasefire_talks", "narration synonym",
     "The last round of talks, in June, fell apart after three days when a shell hit a market in"
     " Oresk, killing 11 people.",
     "The last round of talks, in June, collapsed after three days when a shell struck a market in"
     " Oresk, killing 11 people."),
]  # fmt: skip

# (article imitated, kind, the invented quote)
Invented = tuple[str, str, str]

INVENTED: list[Invented] = [
    # bundled article
    ("nk", "topic", "Our drones have already spotted North Korean units digging in near the border."),
    ("nk", "topic", "The families of these soldiers have not even been told where they were sent."),
    ("nk", "topic", "The first wounded North Koreans are already being treated in military hospitals in Kursk."),
    ("nk", "negation", "They know full well they're being used as cannon fodder."),
    ("nk", "mixed", "Most of them will consider it an honor to come back home alive."),
    ("nk", "swap", "If many of Putin's soldiers die in Ukraine, it could have major repercussions in Russia."),
    # harbridge_budget
    ("harbridge_budget", "topic", "We looked at every line of this budget, and the pools were the easiest thing to give up."),
    ("harbridge_budget", "topic", "If the state aid comes in as promised, the Sunday hours will be back by Christmas."),
    ("harbridge_budget", "topic", "The library workers have every right to call a sick-out, and I will stand with them."),
    ("harbridge_budget", "negation", "We are cutting services because we want to, not because the money isn't there."),
    ("harbridge_budget", "mixed", "You can close a library in five minutes, but it takes eleven years to build a budget."),
    ("harbridge_budget", "swap", "I've lived here forty years and I have never once seen the library closed on a Monday."),
    # veltra_plant
    ("veltra_plant", "topic", "We offered to take a pay cut to keep the line running, and they never even answered."),
    ("veltra_plant", "topic", "The Mexico plant will be making the Vision line by the spring."),
    ("veltra_plant", "topic", "Carlow will be next, and everybody on the floor knows it."),
    ("veltra_plant", "negation", "They told us back in March that this line was not safe."),
    ("veltra_plant", "mixed", "Panel costs are up and the union has been absorbing the difference for two years."),
    ("veltra_plant", "swap", "My dad worked here, my uncle worked here, I've worked here since I was 16."),
    # haldane_sentencing
    ("haldane_sentencing", "topic", "The board knew about the lake house for years and said nothing."),
    ("haldane_sentencing", "topic", "Every dollar that went into that lake house was a book that never reached a child."),
    ("haldane_sentencing", "topic", "We will be asking the court of appeals to look again at the length of this sentence."),
    ("haldane_sentencing", "negation", "Mr. Haldane, you made one mistake, and it was a paperwork problem."),
    ("haldane_sentencing", "mixed", "Charities run on trust, and he intends to repay every cent of it."),
    ("haldane_sentencing", "swap", "He looked at me and said 'the money is safe, I promise you,' and I believed him for five more years."),
    # gulls_ames
    ("gulls_ames", "topic", "I told Jalen at halftime that the last shot was his no matter what."),
    ("gulls_ames", "topic", "The officials owe us an apology, and I expect the league's report to say so."),
    ("gulls_ames", "topic", "We'll be fine for Bayport. The young guys have fresh legs."),
    ("gulls_ames", "negation", "Nobody in that locker room expected him to make that shot."),
    ("gulls_ames", "mixed", "We didn't play well for 38 minutes, and that's a tough way to lose."),
    ("gulls_ames", "swap", "You can't give up 17 offensive rebounds and expect to win at home."),
    # microplastics_study
    ("microplastics_study", "topic", "Every household in Northfield should be fitting a filter to the kitchen tap."),
    ("microplastics_study", "topic", "The membrane system at Eastbrook should be installed at every plant in the city."),
    ("microplastics_study", "topic", "Children are taking in more of these particles than adults, relative to their body weight."),
    ("microplastics_study", "negation", "We expected to find them everywhere, so that was no surprise."),
    ("microplastics_study", "mixed", "Conventional filters were never designed for bottled water."),
    ("microplastics_study", "swap", "Several studies have found higher counts in tap water than in bottled water."),
    # aske_flood
    ("aske_flood", "topic", "We're moving upstairs for good. I'm not putting another carpet down there."),
    ("aske_flood", "topic", "The insurers will be pulling out of Mill Lane altogether after this."),
    ("aske_flood", "topic", "The flood doors held at number twelve, so the scheme does work when people get it."),
    ("aske_flood", "negation", "The defences at Aske Bridge did not perform as they were designed to."),
    ("aske_flood", "mixed", "We had two feet of water in the kitchen, and the residents' patience ran out by six o'clock."),
    ("aske_flood", "swap", "This is the third time in five years. At some point the word 'unprecedented' stops meaning anything."),
    # elm_street_lanes
    ("elm_street_lanes", "topic", "We lost the whole Saturday market crowd the week the median went in."),
    ("elm_street_lanes", "topic", "The city should move the bike lanes one block over to Harrison Street."),
    ("elm_street_lanes", "topic", "Nobody from City Hall has set foot in my shop since the lanes opened."),
    ("elm_street_lanes", "negation", "I still don't feel safe riding to school, and my mom won't let me."),
    ("elm_street_lanes", "mixed", "Half my customers come on Saturday and just drive past."),
    ("elm_street_lanes", "swap", "Since the lanes went in, my Saturday sales are down by half."),
    # delgado_profile
    ("delgado_profile", "topic", "I will retire when Miguel is ready to run the kitchen, not before."),
    ("delgado_profile", "topic", "Mr. Castellano was the kindest man I ever worked for."),
    ("delgado_profile", "topic", "The documentary brought people in for the story, but they come back for the mole."),
    ("delgado_profile", "negation", "I thought about closing many times during those years."),
    ("delgado_profile", "mixed", "My mother cooked like somebody with something to prove."),
    ("delgado_profile", "swap", "When I came here I had four hundred dollars and her recipes in my head."),
    # marchetti_obituary
    ("marchetti_obituary", "topic", "My mother always said the Taurus paper was the one she was least proud of."),
    ("marchetti_obituary", "topic", "She turned down the directorship twice because it would have kept her away from the telescope."),
    ("marchetti_obituary", "topic", "Helen taught half the astronomers in this country how to read an infrared map."),
    ("marchetti_obituary", "negation", "Helen was the most easy-going person I ever worked with."),
    ("marchetti_obituary", "mixed", "She died the way she worked, emailing people corrections at three in the morning."),
    ("marchetti_obituary", "swap", "She was still emailing people corrections at 93."),
    # ceasefire_talks
    ("ceasefire_talks", "topic", "Kestria will not sign anything until every heavy gun has left the buffer zone."),
    ("ceasefire_talks", "topic", "The people of Oresk have buried enough of their neighbours. The shelling must stop tonight."),
    ("ceasefire_talks", "topic", "We expect a joint statement on safe passage by Sunday evening."),
    ("ceasefire_talks", "negation", "We will set a deadline, because without one these talks will drift."),
    ("ceasefire_talks", "mixed", "People there do not need speeches about food and fuel."),
    ("ceasefire_talks", "swap", "Kestria remains committed to a negotiated settlement, but it will not negotiate under fire."),
]  # fmt: skip

# (article, speaker as a reader types it, topic as a reader types it, the speaker's quotation(s)
#  on that topic: exact words)
Topic = tuple[str, str, str, list[str]]

TOPICS: list[Topic] = [
    ("harbridge_budget", "Okafor", "the reserve fund",
     ["the reserve will fall below the level our auditors recommend by the end of next year"]),
    ("harbridge_budget", "Lindqvist", "the library cuts",
     ["a quiet dismantling of the things that make a city worth living in.",
      "You can close a library on a spreadsheet in five minutes",
      "It takes a generation to build the habit of going to one."]),
    ("harbridge_budget", "Harold Bexley", "the swimming pools",
     ["I’ve lived here forty years and I have never once seen the pool closed in July"]),
    ("veltra_plant", "Karen Holt", "why the plant is closing",
     ["This was not a decision we took lightly",
      "The market for large-format televisions has changed faster than any of us expected, and we"
      " have to change with it."]),
    ("veltra_plant", "Luis Ortega", "his family",
     ["My dad worked here, my uncle worked here, I've worked here since I was 19",
      "My kids are in school here"]),
    ("veltra_plant", "Ray Dolan", "what management promised",
     ["They told us in March that this line was safe",
      "The plant manager looked me in the eye. He told me 'you've got nothing to worry about,' and"
      " I believed him."]),
    ("haldane_sentencing", "Eleanor Voss", "asking Haldane about the missing donations",
     ["He looked at me and said ‘the money is safe, I promise you,’ and I believed him",
      "I believed him for two more years."]),
    ("haldane_sentencing", "Castellanos", "whether Haldane was sorry",
     ["genuine, if very late, remorse."]),
    ("gulls_ames", "Jalen Ames", "the winning shot",
     ["I just wanted the ball",
      "Coach drew it up for me, and the guys trusted me to make it. That's all it is."]),
    ("gulls_ames", "Whitfield", "the third quarter defense",
     ["nowhere near good enough for this time of year."]),
    ("microplastics_study", "Sørensen", "health risks of the tiniest particles",
     ["are small enough to cross the gut wall in laboratory animals, but we do not yet know what"
      " that means for people."]),
    ("microplastics_study", "Leonard Fisk", "bottled water",
     ["I would not panic, and I would not switch to bottled water either",
      "Several studies have found higher counts in bottled water than in tap water."]),
    ("aske_flood", "Margaret Hollis", "her family photos",
     ["Some of them are gone", "You can replace a sofa. You can’t replace these."]),
    ("delgado_profile", "Rosa Delgado", "her mother",
     ["My mother never measured anything", "She cooked with her hands and her nose.",
      "When I came here I had forty dollars and her recipes in my head, nothing written down."]),
    ("delgado_profile", "Rosa Delgado", "retirement",
     ["What would I do, sit in a garden? I hate gardens. I would be dead in a month."]),
    ("delgado_profile", "Rosa Delgado", "her first job",
     ["The first job I got was washing dishes at a diner on Fifth Street. The owner, Mr."
      " Castellano, let me cook the staff meal on Sundays. That was my school.",
      "Everything I know about running a kitchen, I learned from watching him yell at people."
      " Mostly I learned what not to do."]),
    ("ceasefire_talks", "Ingrid Haugen", "setting a deadline",
     ["Deadlines in this process have a way of becoming excuses",
      "We will take the time we need, and not a day more."]),
    ("ceasefire_talks", "Haugen", "progress in the talks so far",
     ["Both delegations are here, and both are talking. That is more than we had a month ago",
      "I am not going to pretend it is more than that."]),
    ("ceasefire_talks", "Lena Morova", "the border villages",
     ["The so-called ‘peace dividend’ has not reached a single village on the border",
      "People there do not need speeches. They need roofs."]),
    ("elm_street_lanes", "Lena Park", "the complaint that nobody was consulted",
     ["We did ask",
      "I understand that not everybody felt heard, and that’s something we can do better."]),
    ("marchetti_obituary", "Claire Marchetti-Lowe", "her mother working into old age",
     ["She was still emailing people corrections at 83",
      "Some of them were very grateful. Some of them were not."]),
    ("marchetti_obituary", "Helen Marchetti", "getting time on telescopes",
     ["Nobody gave me a telescope. I borrowed time on other people’s telescopes, usually at three in"
      " the morning, usually on the nights nobody else wanted."]),
    ("nk", "Lee Woong-gil", "whether the soldiers will survive",
     ["Most of them are unlikely to come back home alive"]),
    ("nk", "Center for Strategic and International Studies", "North Korea's past deployments abroad",
     ["They have previously sent advisors and specialists, but never large ground forces."]),
]  # fmt: skip


def words(s: str) -> list[str]:
    """Lower-case words, apostrophes and quotation marks straightened."""
    s = s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.findall(r"[\w']+", s.casefold())


def norm(s: str) -> str:
    return " ".join(words(s))


class Article:
    """An article's text and its labelled quotations: (start, end, speaker, kind)."""

    def __init__(self, key: str, labels: list[dict]) -> None:
        self.key = key
        self.source = source(key)
        self.text = (ROOT / self.source).read_text(encoding="utf-8")
        if key == "nk":
            self.quotes, pos = [], 0
            for quote, speaker in BUNDLED_QUOTES:
                start = self.text.index(quote, pos)
                kind = "scare" if speaker is None else "quote"
                self.quotes.append((start, start + len(quote), speaker, kind))
                pos = start + len(quote)
        else:
            self.quotes = [
                (d["start"], d["end"], d["speaker"], d["kind"])
                for d in labels
                if d["article"] == f"{key}.txt"
            ]

    def find(self, real: str, where: str) -> tuple[int, int]:
        n = self.text.count(real)
        assert n == 1, f"{where}: {real!r} occurs {n} times in {self.source}"
        start = self.text.index(real)
        end = start + len(real)
        assert self.text[start:end] == real
        return start, end

    def holder(self, start: int, end: int) -> tuple[int, int, str | None, str] | None:
        """The labelled quotation that holds [start, end), if any."""
        for q in self.quotes:
            if q[0] <= start and end <= q[1]:
                return q
        return None

    def overlaps(self, start: int, end: int) -> bool:
        return any(q[0] < end and start < q[1] for q in self.quotes)


def alternate(first_kinds: list[str]) -> list[str]:
    """dev/holdout alternating within each kind, in list order.

    A kind with an odd count has one more case in the half it starts with; the next kind
    starts with the other half when that happens, so the two halves differ by one at most.
    """
    counts: dict[str, int] = {}
    for k in first_kinds:
        counts[k] = counts.get(k, 0) + 1
    starts: dict[str, int] = {}
    lead = 0  # dev minus holdout over the kinds placed so far
    for k, n in counts.items():  # in order of first appearance
        starts[k] = 1 if lead > 0 else 0
        lead += (n % 2) * (1 if starts[k] == 0 else -1)
    seen: dict[str, int] = {}
    out = []
    for k in first_kinds:
        out.append("dev" if (seen.get(k, 0) + starts[k]) % 2 == 0 else "holdout")
        seen[k] = seen.get(k, 0) + 1
    return out


def same_speaker(typed: str, gold: str | None) -> bool:
    return gold is not None and (norm(typed) == norm(gold) or words(typed)[-1] == words(gold)[-1])


def build() -> tuple[list[dict], list[dict], list[dict]]:
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line]
    keys = {c[0] for c in MISQUOTES} | {c[0] for c in INVENTED} | {c[0] for c in TOPICS}
    articles = {k: Article(k, labels) for k in keys}

    misquotes = []
    splits = alternate([c[1].split()[0] for c in MISQUOTES])
    for i, ((key, kinds_s, misquote, real), split) in enumerate(
        zip(MISQUOTES, splits, strict=True), 1
    ):
        where = f"mq-{i:03d}"
        kinds = kinds_s.split()
        assert kinds and all(k in MISQUOTE_KINDS for k in kinds), f"{where}: kinds {kinds}"
        assert len(set(kinds)) == len(kinds), f"{where}: a kind twice"
        art = articles[key]
        start, end = art.find(real, where)
        assert norm(misquote) != norm(real), f"{where}: the misquote is the real text"
        assert norm(misquote) not in norm(art.text), f"{where}: the misquote is in the article"
        if "narration" in kinds:
            assert not art.overlaps(start, end), f"{where}: narration overlaps a quotation"
            speaker = None
        else:
            q = art.holder(start, end)
            assert q is not None and q[3] != "scare", f"{where}: {real!r} is not in a quotation"
            speaker = q[2]
        if "phrase" in kinds:
            assert 2 <= len(words(misquote)) <= 6, f"{where}: a phrase has 2 to 6 words"
        misquotes.append({
            "id": where, "source": art.source, "misquote": misquote, "real": real,
            "start": start, "end": end, "speaker": speaker, "kinds": kinds, "split": split,
        })  # fmt: skip

    invented = []
    splits = alternate([c[1] for c in INVENTED])
    for i, ((key, kind, quote), split) in enumerate(zip(INVENTED, splits, strict=True), 1):
        where = f"inv-{i:03d}"
        assert kind in INVENTED_KINDS, f"{where}: kind {kind}"
        art = articles[key]
        assert norm(quote) not in norm(art.text), f"{where}: the invented quote is in the article"
        invented.append(
            {"id": where, "source": art.source, "quote": quote, "kinds": [kind], "split": split}
        )

    topics = []
    splits = alternate(["topic"] * len(TOPICS))
    for i, ((key, speaker, topic, reals), split) in enumerate(zip(TOPICS, splits, strict=True), 1):
        where = f"tp-{i:02d}"
        art = articles[key]
        gold = []
        for real in reals:
            start, end = art.find(real, where)
            q = art.holder(start, end)
            assert q is not None and same_speaker(speaker, q[2]), (
                f"{where}: {real!r} not by {speaker}"
            )
            tw = words(topic)
            runs = {" ".join(tw[j : j + 3]) for j in range(len(tw) - 2)}
            assert not any(r in norm(real) for r in runs), f"{where}: the topic copies {real!r}"
            gold.append({"real": real, "start": start, "end": end})
        n_quotes = sum(1 for q in art.quotes if same_speaker(speaker, q[2]))
        assert n_quotes >= 2, f"{where}: {speaker} has {n_quotes} quotation(s)"
        topics.append({
            "id": where, "source": art.source, "speaker": speaker, "topic": topic,
            "gold": gold, "split": split,
        })  # fmt: skip
    return misquotes, invented, topics


def dump(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main() -> None:
    misquotes, invented, topics = build()
    outs = {
        HERE / "misquotes.jsonl": dump(misquotes),
        HERE / "invented.jsonl": dump(invented),
        HERE / "topics.jsonl": dump(topics),
    }
    if "--check" in sys.argv[1:]:
        stale = [
            p.name
            for p, want in outs.items()
            if not p.exists() or p.read_text(encoding="utf-8") != want
        ]
        if stale:
            raise SystemExit(f"out of date: {', '.join(stale)} (run bench/misquotes/make.py)")
        print("up to date")
        return
    for path, out in outs.items():
        path.write_text(out, encoding="utf-8")
    print(
        f"{len(misquotes)} misquotes, {len(invented)} invented quotes, {len(topics)} topic questions"
    )


if __name__ == "__main__":
    main()
