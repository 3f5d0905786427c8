"""Verbs of speech, in one place: the attribution of quotations, reported speech and
questions about quotations all read them from here.

``SPEECH_VERBS`` are lemmas (spaCy gives the lemma of a verb it parses);
``REPORTING_VERBS`` are the inflected forms a regular expression looks for in reported
speech ("Blinken noted that …"); the question verbs are the forms a question uses
("Who said …", "What did X tell …").
"""

from __future__ import annotations

SPEECH_VERBS = frozenset(
    """
    say state note warn tell add explain argue claim insist write ask reply respond recall
    acknowledge admit announce declare urge caution predict suggest observe remark comment
    conclude continue describe call hail tout joke quip concede complain emphasize
    emphasise stress tweet post vow promise pledge testify confirm deny maintain contend
    recount reflect muse shout scream whisper cry boast lament plead demand reiterate
    counter retort answer assert allege mention report inform caution brag grumble sigh
    laugh exclaim proclaim dub label remember
    """.split()
)

REPORTING_VERBS = frozenset(
    """
    said says noted notes stated states told tells warned warns added adds argued argues
    claimed claims urged urges explained explains announced announces insisted insists
    confirmed confirms acknowledged acknowledges suggested suggests wrote writes testified
    testifies admitted admits predicted predicts
    """.split()
)
# "Who said X?": the verbs, as a regular expression's alternatives.
WHO_SAID_VERBS = r"said|says|has\s+said|stated|wrote|warned"
# "What did X say?": the verbs after the name.
ASKED_SPEECH_VERBS = (
    r"say|said|tell|told|state|stated|warn|warned|think|thought|add|added|claim|claimed"
)
