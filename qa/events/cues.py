"""The vocabulary that marks a sentence as reporting an exercise, an alignment or a deployment,
and the phrasings around a country that make it a participant rather than a place.

Shared by the offline extractor and by briefings (which file quoted sentences under the same
headings).
"""

from __future__ import annotations

import re

from qa.text.dates import MONTHS, WEEKDAYS, YEAR_RE

# --------------------------------------------------------------------------- what a sentence is about
EXERCISE_RE = re.compile(
    r"\b(exercises?|drills?|war[- ]?games|wargames|manoeuvres?|maneuvers?|(?:joint|military|combat|naval|field)\s+training|live-fire)\b",
    re.IGNORECASE,
)
# "exercise" as a verb or a civilian drill: "will exercise restraint", "a fire drill".
NOT_AN_EXERCISE_RE = re.compile(
    r"\b(?:to|will|would|can|could|must|should|may|might|shall|not|help(?:s|ed|ing)?)\s+exercise\b|\bexercis(?:e|es|ed|ing)\s+"
    r"(?:its|their|his|her|the|our|your|my|a|an|some|great|greater|more|caution|restraint|power|control|"
    r"rights?|options?|influence|judge?ment|authority|veto|claims?|sovereignty|jurisdiction)\b|\b(?:fire|oil|gas|well)\s+drill",
    re.IGNORECASE,
)
MILITARY_RE = re.compile(
    r"\b(troops?|soldiers?|military|militar\w+|army|armies|navy|naval|air force|armed forces|forces|defen[cs]e|"
    r"warships?|fighter|jets?|tanks?|marines?|missiles?|battalions?|brigades?|units|artillery|submarines?|"
    r"bombers?|paratroop\w*|infantry|combat|counter-?terror\w*|anti-terror\w*|war games|manoeuvres|maneuvers|"
    r"servicemen|sailors|drones?|nuclear)\b",
    re.IGNORECASE,
)
# A tie with a military or security side (what an alliance is), not trade or company ties.
SECURITY_TIE_RE = re.compile(MILITARY_RE.pattern + r"|\b(?:security|alliances?|allied)\b", re.IGNORECASE)
# "joined by" is company, not accession: "the carrier will be joined by destroyers"; "non-aligned"
# is the opposite of aligned.
_NOT_BY = r"(?!\s+by\b)"
ALIGNMENT_RE = re.compile(
    r"\b(?<!non-)(join(?:ed|s|ing)?" + _NOT_BY + r"|admitted|admission|accession|membership|members?|alliances?|allies|ally|allied|pact|"
    r"treaty|agreements?|accord|partnership|partners?|signed|bloc|friends?|friendship|ties|alignment|aligned|"
    r"closer together|cooperation|co-operation)\b",
    re.IGNORECASE,
)
JOIN_RE = re.compile(
    r"\b(?:(?:was|were|has been|have been|is|are|will be|had been|to be)\s+)?(?:formally\s+|officially\s+)?"
    r"(?:admitted|accepted|welcomed)\s+(?:to|into|as a (?:full )?member of)\b|\b(?:formally\s+|officially\s+)?"
    r"(?:joined|joins|will join|to join|join|joining)\b" + _NOT_BY + r"|\baccession\s+to\b|\bbec(?:ame|omes|ome) (?:a |the )?"
    r"(?:\w+(?:st|th|nd|rd) )?(?:full )?member of\b|\bsigned\b|\bratified\b",
    re.IGNORECASE,
)
# The words before a cue that a denial or a hope reaches: up to a comma or a relative pronoun,
# which open another clause ("Finland, which applied last year, joined NATO").
_SAME_CLAUSE = r"(?:(?!\b(?:which|who|whom|whose)\b)[^.;,])"
# A negation shortly before a cue ("refused to join", "not an alliance", "its non-alignment barred
# it from joining"), or "former" right before the cue or the organisation ("former allies", "former
# Warsaw Pact countries": a tie that ended); "Former Soviet republic Georgia joined" is no denial.
NEGATED_RE = re.compile(
    r"(?:\b(not|never|refus\w*|resist\w*|reject\w*|declin\w*|against|barr?(?:ed|ing|s)?|prevent\w*|"
    r"oppos\w*|disagree\w*|non-align\w*|without|instead of|uninterested)\b" + _SAME_CLAUSE + r"{0,50}"
    r"|\b(former)\s+(?:the\s+)?(?-i:(?:[A-Z][\w’'&-]*\s+){0,3}))$",
    re.IGNORECASE,
)
# An alignment only wished, weighed, asked for or talked about shortly before its cue ("voiced
# its intention to join", "the possibility of joining", "to discuss cooperation", "plans to deepen
# ties"): the task's alliances are agreed or reported as facts, not offered or hoped for. The
# modal is lower-case only: "In May Sweden joined NATO" names a month.
HOPED_RE = re.compile(
    r"\b((?-i:may)|might|could|would|intend\w*|intention|possib\w+|chances?|hop(?:e|es|ed|ing)|look\w* forward|"
    r"want\w*|wish\w*|seek\w*|sought|plan(?:s|ned|ning)?|propos\w*|consider\w*|studying|request\w*|"
    r"appl(?:y|ied|ies|ying|ication)|bid|discuss\w*|talks|suggest\w*|overtures?)\b" + _SAME_CLAUSE + r"{0,40}$",
    re.IGNORECASE,
)
DEPLOYMENT_RE = re.compile(
    r"\b(deploy(?:s|ed|ing|ment|ments)?|redeploy\w*|station(?:s|ed|ing)?|dispatch(?:es|ed|ing)?|sen[dt]s?|sending|"
    r"move[sd]?|moving|transferr?(?:ed|ing|s)?|relocat\w+|reinforc\w+|(?:troops|forces|soldiers)\s+(?:operating|based)\s+in)\b",
    re.IGNORECASE,
)
# What a deployment moves: without one of these, "sent" or "moved" is not a deployment.
DEPLOYED_FORCE_RE = re.compile(
    r"\b(troops|soldiers|forces|missiles?|warships?|jets|aircraft|bombers|tanks|battalions?|brigades?|carriers?|"
    r"submarines?|weapons|marines|division|regiments?|air defen[cs]e|systems|drones|personnel)\b",
    re.IGNORECASE,
)
# A month or weekday that follows "to"/"in" is a date, not a destination.
CALENDAR_WORD_RE = re.compile("(?:" + "|".join(w.capitalize() for w in (*MONTHS, *WEEKDAYS)) + r")\b")


def only_verbal_exercise(text: str) -> bool:
    """Every exercise word of ``text`` is the verb or a civilian drill ("helps exercise RAF
    Fairford", "exercise claims"), and there is at least one."""
    words = list(EXERCISE_RE.finditer(text))
    verbal = [m.span() for m in NOT_AN_EXERCISE_RE.finditer(text)]
    return bool(words) and all(any(a <= w.start() < b for a, b in verbal) for w in words)


def exercise_cue(text: str) -> re.Match | None:
    """The exercise word of a sentence about a (possibly military) exercise, None when there is
    none or "exercise" is used in another sense."""
    found = EXERCISE_RE.search(text)
    return found if found and not NOT_AN_EXERCISE_RE.search(text) else None


# --------------------------------------------------------------------------- participants
# After a country: its forces ("China's troops") or a verb of taking part ("Belarus will host");
# not a clause about someone else's ("Pyongyang says the drills", "sanctions on North Korea and
# joint military exercises"): "its navy" is the country's own, "the drills" need not be.
FORCE_AFTER_RE = re.compile(
    r"^\s*(?:’s|'s|’)?\s*(?:(?!(?:the|a|an|this|that|these|those)\s|(?:and|or)\s(?!its\b|their\b))[a-z][\w-]*\s+){0,2}?(troops|soldiers|forces|army|navy|air force|military|units|marines|"
    r"warships|ships|jets|aircraft|commanders|servicemen|personnel|paratroopers|contingent|sailors|battalions?|"
    r"brigades?|missiles|bombers|tanks|submarines|drones|vessels|navies|armies|armed forces|participation|"
    r"exercises?|drills|war games|manoeuvres|maneuvers)\b"
    r"|^\s*(?:’s|'s)?\s*(Air Force|Navy|Army|Marine Corps|Marines|Coast Guard)\b"  # "Chinese Air Force Su-30"
)
PARTICIPATE_AFTER_RE = re.compile(
    r"^\s*(?:,\s*)?(?:(?:will|would|also|to|have|has|had|is|are|was|were|jointly|both|all|each|successfully|"
    r"reportedly|recently|then|now|be|been|already|together|on \w+day)\s+){0,4}"
    r"(participat\w*|take part|took part|taking part|takes part|join(?:s|ed|ing)?|hold(?:s|ing)?|held|stag(?:e|es|ed|ing)|"
    r"conduct\w*|launch\w*|beg[ia]n\w*|start\w*|kick\w* off|sen[dt]s?|sending|host\w*|lead(?:s|ing)?|led|"
    r"carr(?:y|ied|ies) out|deploy\w*|dispatch\w*|land(?:s|ed)?|arriv\w+|practi[sc]\w+|rehears\w+|train\w*|drill\w*|"
    r"mobili[sz]\w+|rehearse\w*|exercis\w+)\b",
    re.IGNORECASE,
)
# Before a country: "exercises between", "drills involving the".
EXERCISE_BEFORE_RE = re.compile(
    r"\b(exercises?|drills?|training|manoeuvres?|maneuvers?|games|participants?|countries|nations)\s+(?:(?!and\b|or\b)[a-z]+\s+)?"
    r"(?:between|with|of|involving|including|alongside|such as|like|from)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "the two countries", "both sides": the parties named in the sentence before.
COREFERENCE_RE = re.compile(
    r"\b(?:the two|both) (?:countries|nations|sides|militaries|armies|navies|allies|states|powers)\b", re.IGNORECASE
)

# --------------------------------------------------------------------------- exercise names
EXERCISE_NOUN = r"(?:exercises?|drills?|war[- ]?games|manoeuvres?|maneuvers?)"
QUOTED_NAME_RE = re.compile(r"[“\"]([A-Z][\w’'\-]*(?:\s+[A-Z0-9][\w’'\-]*){0,3})[”\"]")
NAMED_AS_RE = re.compile(
    r"\b(?:called|named|dubbed|code-?named|known as)\s+[“\"]?((?:[A-Z][\w’'\-]*)(?:[\s-]+[A-Z0-9][\w’'\-]*){0,3})"
)
NAME_BEFORE_NOUN_RE = re.compile(
    rf"((?:[A-Z][\w’'\-]*|{YEAR_RE})(?:[\s-]+(?:[A-Z][\w’'\-]*|{YEAR_RE})){{0,3}})[\s-]+(?:joint\s+|military\s+|naval\s+)?{EXERCISE_NOUN}\b"
)
DETERMINERS = frozenset(
    "the a an this that these those its their his her our this year's last next first second third annual "
    "joint military naval large-scale major".split()
)
# Words that are never part of an exercise's name or of how it is described.
STOP_MODIFIERS = frozenset(
    "the a an its their his her our this that these those would will be been being is are was were to of in on "
    "at for and or with by from as said conduct conducted conducting hold held holding stage staged participate "
    "participating take took part join joined launch launched begin began start started last lasts lasting "
    "such other two three several many some any all both more most first second third next last further details "
    "about into about during before after annual".split()
)
