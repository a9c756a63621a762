"""Proper names of exercises, by how names are written, not by any list of names:

* "Exercise X" / "Operation X" / "exercise X" with X capitalised ("Exercise Joint Warrior",
  "exercise PANAMAX-Alpha");
* a Title-Case phrase ending in a capitalised "Exercise" / "Training" / "Drill", with an acronym
  in parentheses after it ("Fire Control Exercise", "Group Exercise (GROUPEX)");
* capitalised words with a year, a number or a roman numeral ("Talisman Sabre 2019",
  "Steadfast Defender 24", "Black Skies 23-1", "Pegasus Forge III");
* capitalised words followed by what they are ("Joint Warrior, Nato's largest annual exercise").
"""

from __future__ import annotations

import re

from qa.events.countries import resolve_country
from qa.events.mentions import PERSON_TITLES
from qa.text.dates import MONTHS, WEEKDAYS, YEAR_RE, is_year

_WORD = r"[A-Z][\w’'\-]*"
_ACRONYM = r"(?:\s*\([A-Z][A-Za-z0-9\-]{1,11}\))?"
EXERCISE_OR_OPERATION_RE = re.compile(
    rf"\b(?:Exercise|Operation|exercise|operation)\s+(?!of\b|in\b)((?:{_WORD}|\d[\w-]*)(?:[\s-]+(?:{_WORD}|\d[\w-]*|[IVX]{{1,4}}\b)){{0,3}}{_ACRONYM})"
)
TITLE_NOUN_RE = re.compile(
    rf"((?:{YEAR_RE}\s+)?(?:(?:{_WORD}|\d+)\s+){{1,6}})(Exercises?|Training|Drills?|War ?[Gg]ames)\b({_ACRONYM})"
)
NUMBERED_RE = re.compile(
    rf"\b({_WORD}(?:\s+{_WORD}){{0,3}})[\s-]+({YEAR_RE}|\d{{2}}(?:-\d{{1,2}})?|[IVX]{{2,4}})\b(?![\w’'-])"
)
# A name followed by what it is: "as part of Joint Warrior, Nato's largest annual exercise". The
# exercise word ends that phrase, or a modifier follows it ("the largest exercise in the region",
# "a drill hosted by Australia"); "the drills organiser" is a person.
APPOSITIVE_RE = re.compile(
    rf"(?<=\s)((?:{_WORD}\s+){{0,3}}{_WORD}),\s+(?:(?:the|a|an|its|their|{_WORD}[’']s)\s+)"
    r"(?:(?!(?:in|of|for|with|at|on|to|and|or|by)\b)[\w’'-]+\s+){0,4}?"
    r"(?:exercises?|drills?|war ?games|manoeuvres?|maneuvers?)\b"
    r"(?=\s*(?:[,.;:)—–]|$)|\s+(?:in|of|off|near|since|for|with|at|on|by|to|from|between|among|across|around|"
    r"that|which|this|next|last|ever|so far|yet|[a-z]+(?:ed|ing))\b)"
)
# A place is written after these; what follows them is no name ("held near Brest, the largest drill"),
# ... nor what ends a list ("Seoul, Tokyo and Washington, the allies in the drills").
_PLACE_BEFORE_RE = re.compile(r"(?:\b(?:in|at|near|off|over|outside|around|from|to|into|across)\s+(?:the\s+)?|,\s*|\band\s+)$", re.I)
# Letters of a designation written before its number: a short code in capitals or a maker's prefix.
_DESIGNATION_RE = re.compile(r"[A-Z]{1,4}|[A-Z][a-z]")
_NOT_NAME = frozenset(
    "the a an this that these those its their his her our during at in on of for and with by from as "
    "u.s. us said after before while when where which last next first".split()
)
_CALENDAR = frozenset([*MONTHS, *WEEKDAYS])
_EXERCISE_WORD_RE = re.compile(r"\b(exercises?|drills?|war ?games|manoeuvres?|maneuvers?|training|operations?)\b", re.I)


def _is_country(word: str) -> bool:
    """A whole word that names a country ("Chinese", "US"), not one that merely contains a
    country's name ("PANAMAX")."""
    found = resolve_country(word)
    if found is None:
        return False
    # a longer word that contains the country's name ("PANAMAX", "Chinatown") is another word;
    # one that does not is an alias ("Britain")
    bare, name = word.strip(".,’'").lower(), found.name.lower()
    return found.kind != "name" or bare == name or name not in bare or len(bare) <= 4


def _names_a_country(words: list[str]) -> bool:
    """Every word of a would-be name is a country ("Britain", "South Korea")."""
    return all(_is_country(w) for w in words) or resolve_country(" ".join(words)) is not None


def _clean_words(words: list[str]) -> list[str]:
    """Drop leading words that cannot start a name (articles, possessives, countries)."""
    while words and (
        words[0].lower() in _NOT_NAME
        or words[0].endswith(("’s", "'s"))
        or _is_country(words[0])
        or words[0].lower() in _CALENDAR
    ):
        words = words[1:]
    return words


def _last_run(text: str) -> list[str]:
    """The capitalised or numeric words at the end of ``text``, up to a possessive or a lower-case
    word."""
    words = text.split()
    run: list[str] = []
    for w in reversed(words):
        if w.endswith(("’s", "'s")) or not (w[0].isupper() or re.fullmatch(r"\d+", w)):
            break
        run.insert(0, w)
    return run


def named_exercise(sentence: str) -> str | None:
    """The proper name of the exercise ``sentence`` names, or None."""
    if sum(ch.isupper() for ch in sentence) > 0.5 * sum(ch.isalpha() for ch in sentence):
        return None  # a headline in capitals: every word looks like a name
    for m in EXERCISE_OR_OPERATION_RE.finditer(sentence):
        words = m.group(1).split()
        # a date ends the name: "the exercise Monday ...", "exercise Cobra Gold Monday ..."
        cut = next((i for i, w in enumerate(words) if w.lower().strip(".,") in _CALENDAR), len(words))
        words = words[:cut]
        if words and _clean_words(words) == words:
            return " ".join(words)
    for m in TITLE_NOUN_RE.finditer(sentence):
        run = _clean_words(_last_run(m.group(1)))
        if not run or all(_is_country(w) for w in run):
            continue
        if m.start() == 0 and len(run) == 1:
            continue  # "Training exercises ..." at the start of a sentence: not a name
        return " ".join([*run, m.group(2)]) + m.group(3)
    for m in APPOSITIVE_RE.finditer(sentence):
        words = m.group(1).split()
        if _PLACE_BEFORE_RE.search(sentence[: m.start()]) or _clean_words(words) != words or _names_a_country(words):
            continue
        before = sentence[: m.start()].split()
        if any(w.lower().strip(".") in PERSON_TITLES for w in [*before[-1:], words[0]]):
            continue  # a person ("President Xi, the drills organiser")
        return " ".join(words)
    if _EXERCISE_WORD_RE.search(sentence):
        for m in NUMBERED_RE.finditer(sentence):
            words = _clean_words(m.group(1).split())
            if not words or any(w.lower() in _CALENDAR for w in words):
                continue
            if _names_a_country(words) or words[-1] in ("No", "No.", "Number"):
                continue
            if _DESIGNATION_RE.fullmatch(words[-1]) and not is_year(m.group(2)):
                continue  # a hull, aircraft or unit designation ("CVN 78", "F-35", "Su-30", "MAG-49")
            return " ".join(words) + " " + m.group(2)
    return None
