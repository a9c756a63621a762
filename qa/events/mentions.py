"""Named things in one sentence: countries (with a rough role, actor or location),
organisations (with the acronyms an article defines) and places as written."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.events.countries import GEO_FEATURES, find_services, resolve_country
from qa.events.organisations import ORG_HEADS
from qa.text.dates import MONTH_NUMBERS, MONTHS, WEEKDAYS

# Capitalised words that start sentences or titles and are never names of places or parties.
PERSON_TITLES = frozenset(
    "mr mrs ms dr president prime minister general gen lt col colonel admiral adm chancellor king queen "
    "prince sir lord secretary spokesman spokeswoman spokesperson commander chief leader".split()
)


@dataclass
class Mention:
    """A named thing in a sentence: a country (``country`` set), an organisation or a place."""

    text: str
    start: int  # offsets in the sentence
    end: int
    kind: str  # "country" | "org" | "place"
    country: str | None = None
    how: str = "name"  # for countries: name | demonym | capital | service
    role: str = "actor"  # "actor", "location" or "mentioned" (neither: "threats to North Korean ...")


_CAP_SEQ_RE = re.compile(
    r"(?:[A-Z][\w’'.\-]*|U\.S\.|U\.K\.)(?:\s+(?:of\s+(?:the\s+)?|and\s+(?=[A-Z]\w+\s+(?:Organi[sz]ation|Union|Treaty)))?(?:[A-Z][\w’'.\-]*))*"
)
_ACRONYM_DEF_RE = re.compile(r"((?:[A-Z][\w’'\-]*\s+(?:of\s+|for\s+|and\s+)?){1,7})\(([A-Z][A-Za-z0-9]{1,7})\)")
_LOC_BEFORE_RE = re.compile(
    # "to" but not an attribution or a cause ("according to South Korea's Joint Chiefs")
    r"(?:\b(?:near|in|at|into|(?P<to>(?<!according )(?<!due )(?<!owing )(?<!thanks )to)|off|outside|around|across|along|towards?|over|opposite|inside|within|"
    r"border(?:ing| with)?|bordering|of the coast of|coast of|close to|territory of|soil of|north of|"
    r"south of|east of|west of|invasion of|war in|war on|attacks? on|against)\s+(?:the\s+)?(?:(?:north|south|east|west|central|eastern|western|northern|southern|"
    r"north-eastern|north-western|south-eastern|south-western|neighbouring|neighboring)\s+)?)$",
    re.IGNORECASE,
)
_LOC_AFTER_RE = re.compile(
    r"^(?:’s|'s)?\s*(?:(?:eastern|western|northern|southern)\s+)?(border|borders|coast|coastline|waters|territory|airspace|soil|"
    r"town|city|capital|region|frontier|side of the border|island|islands|base)\b",
    re.IGNORECASE,
)
# A demonym after "to" names a place only before a place noun ("to Estonian bases"), not before
# anything else ("to respond to North Korean threats"): such a country is only mentioned.
_PLACE_NOUN_AFTER_RE = re.compile(
    r"^(?:[’']s)?\s*(?:[\w-]+\s+){0,2}?(?:border|coast|coastline|waters|territor(?:y|ies|ial)|airspace|soil|"
    r"towns?|city|cities|capital|regions?|frontier|islands?|bases?|ports?|mainland|peninsula|provinces?|seas?)\b",
    re.IGNORECASE,
)


def acronym_definitions(text: str) -> dict[str, str]:
    """ACRONYM -> long name, from "Shanghai Cooperation Organisation (SCO)"-style definitions."""
    out: dict[str, str] = {}
    for m in _ACRONYM_DEF_RE.finditer(text):
        long_name = m.group(1).strip()
        acro = m.group(2)
        words = [w for w in long_name.split() if w[0].isupper()]
        initials = "".join(w[0] for w in words).upper()
        # Keep the shortest tail of the long name whose initials spell the acronym.
        for i in range(len(words)):
            if "".join(w[0] for w in words[i:]).upper() == acro.upper():
                tail = long_name.split()
                idx = [j for j, w in enumerate(tail) if w == words[i]][0]
                out[acro] = " ".join(tail[idx:])
                break
        else:
            if initials.endswith(acro.upper()[:2]):
                out[acro] = long_name
    return out


def find_mentions(sentence: str, orgs: dict[str, str] | None = None) -> list[Mention]:
    """Countries, organisations and places in one sentence, with a rough role (actor/location)."""
    orgs = orgs or {}
    out: list[Mention] = []
    for m in _CAP_SEQ_RE.finditer(sentence):
        for start, part in _hyphen_parts(m.group(), orgs):
            _scan_sequence(sentence, part, m.start() + start, orgs, out)
    # A service or unit ("Marines", "PLA", "USS Nimitz") stands for its country.
    for start, end, country in find_services(sentence):
        out = [x for x in out if x.end <= start or x.start >= end]
        out.append(Mention(sentence[start:end], start, end, "country", country, "service"))
    out.sort(key=lambda x: x.start)
    previous: Mention | None = None
    for mention in out:
        before = sentence[: mention.start]
        after = sentence[mention.end :]
        place = _LOC_BEFORE_RE.search(before[-60:])
        if place and place["to"] and mention.how == "demonym" and not _PLACE_NOUN_AFTER_RE.match(after):
            mention.role = "mentioned"
        elif place or _LOC_AFTER_RE.match(after):
            mention.role = "location"
        elif previous is not None and re.fullmatch(r"\s*(?:,|and|or|&|, and)\s*(?:the\s+)?", sentence[previous.end : mention.start]):
            mention.role = previous.role  # a list shares its role: "near Japan and South Korea"
        previous = mention
    return out


_PAIR_HYPHEN_RE = re.compile(r"(?<=[\w.])-(?=[A-Z])")


def _hyphen_parts(seq: str, orgs: dict[str, str]) -> list[tuple[int, str]]:
    """``seq`` cut at hyphens that pair two names ("U.S.-South Korean", "Russia-Ukraine"), with
    each part's offset. A hyphen is cut when a country or organisation stands on one side of it
    and the pair is no country of its own ("Guinea-Bissau", "Timor-Leste"); other hyphens stay
    ("Sea-Breeze", "Indo-Pacific")."""
    parts, begin = [], 0
    for m in _PAIR_HYPHEN_RE.finditer(seq):
        left = re.split(r"[\s-]", seq[begin : m.start()])[-1]
        right_words = re.split(r"(?<=\S)-|\s+", seq[m.end() :])
        right = [" ".join(right_words[:n]).rstrip(".,’'") for n in (3, 2, 1)]
        pair = f"{left}-{right_words[0]}".rstrip(".,’'")
        whole = resolve_country(pair)
        if whole is not None and whole.name.lower() == pair.lower():
            continue  # a hyphenated country: "Guinea-Bissau" is not Guinea
        named = [w for w in [left.rstrip(".,’'"), *right] if w in orgs or resolve_country(w) is not None]
        if not named:
            continue
        parts.append((begin, seq[begin : m.start()]))
        begin = m.end()
    parts.append((begin, seq[begin:]))
    return [(b, part) for b, part in parts if part.strip()]


# Words that end a list of members, part of an organisation's name after "of" ("Economic
# Community of West African States", "... of Independent States").
_MEMBERS_WORDS = frozenset("states nations countries republics peoples".split())


def _whole_org_name(name: str, orgs: dict[str, str]) -> bool:
    """``name`` ("X Community of Y States") is one organisation's name, not a head and what
    follows it: the text defines it with an acronym, or it ends in a list of members."""
    return name in orgs.values() or name.split()[-1].lower() in _MEMBERS_WORDS


def _scan_sequence(sentence: str, seq: str, base: int, orgs: dict[str, str], out: list[Mention]) -> None:
    words = [(w.start(), w.end(), w.group()) for w in re.finditer(r"\S+", seq)]
    if not words:
        return
    last = words[-1][2].lower().strip(".,")
    if last in ORG_HEADS and len(words) >= 2:
        out.append(Mention(seq, base, base + len(seq), "org"))
        return
    if last in GEO_FEATURES and len(words) >= 2:
        out.append(Mention(seq, base, base + len(seq), "place"))
        return
    # An organisation's name followed by "of" and more capitals ("Shanghai Cooperation
    # Organisation of Central Asian countries"): the name ends at its head word, unless the
    # whole is a name (see _whole_org_name).
    first = 1 if words[0][2] in ("The", "A", "An") else 0
    for k in range(first + 1, len(words) - 1):
        if words[k][2].lower() in ORG_HEADS and words[k + 1][2] == "of":
            a = words[first][0]
            whole = seq[a:].rstrip(".,’'")
            if _whole_org_name(whole, orgs):
                out.append(Mention(whole, base + a, base + a + len(whole), "org"))
                return
            out.append(Mention(seq[a : words[k][1]], base + a, base + words[k][1], "org"))
            rest = words[k + 2][0]
            _scan_sequence(sentence, seq[rest:], base + rest, orgs, out)
            return
    # A run of words in capitals is a headline or a dateline ("PORT OF BUSAN, South Korea"), not
    # a row of acronyms.
    caps_run = len(words) >= 2 and all(w[2].isupper() for w in words if any(ch.isalpha() for ch in w[2]))
    i = 0
    while i < len(words):
        matched = False
        for j in range(min(len(words), i + 4), i, -1):
            a, b = words[i][0], words[j - 1][1]
            piece = seq[a:b].rstrip(".,’'") if seq[a:b] not in ("U.S.", "U.K.") else seq[a:b]
            if piece.split()[-1].lower() in ("of", "and", "the"):
                continue
            start = base + a
            if piece in orgs or (not caps_run and piece.isupper() and 2 <= len(piece) <= 6 and resolve_country(piece) is None and piece.isalpha()):
                out.append(Mention(piece, start, start + len(piece), "org"))
                matched = True
            else:
                c = resolve_country(piece)
                if c is not None:
                    out.append(Mention(piece, start, start + len(piece), "country", c.name, c.kind))
                    matched = True
            if matched:
                i = j
                break
        if not matched:
            i += 1


_PLACE_AFTER_PREP_RE = re.compile(
    r"\b(?:near|in|at|outside|off|around|close to|on the outskirts of|off the coast of|north of|south of|"
    r"east of|west of)\s+(?:the\s+)?((?:[A-Z][\w’'\-]+)(?:\s+[A-Z][\w’'\-]+){0,2})"
    r"((?:\s+(?:air\s+base|naval\s+base|base|training\s+grounds?|range|region|province|port|island|coast|"
    r"peninsula|sea|strait))?)"
)


def find_places(sentence: str, orgs: dict[str, str] | None = None) -> list[str]:
    """Place names as written after near/in/at/outside/off ("Brest", "the Baltic Sea"), that are
    not countries, organisations, dates or people."""
    places: list[str] = []
    for m in _PLACE_AFTER_PREP_RE.finditer(sentence):
        name = m.group(1).strip()
        words = name.split()
        if re.match(r"\s*(?:joint\s+|military\s+)?(?:exercises?|drills?|war games|manoeuvres|maneuvers|summit)\b", sentence[m.end(1):], re.I):
            continue  # "in the Talisman Sabre exercise": a name, not a place
        low0 = words[0].lower()
        if low0 in WEEKDAYS or low0 in MONTHS or low0[:3] in MONTH_NUMBERS and len(low0) <= 4 or low0 in PERSON_TITLES:
            continue
        if name in (orgs or {}) or (name.isupper() and len(name) <= 6):
            continue
        if resolve_country(name) is not None or resolve_country(words[0]) is not None and len(words) == 1:
            continue
        if re.match(r"^(?:The|A|An|This|That|These|Those|Its|Their|His|Her|Our)$", words[0]):
            continue
        # A following proper noun that is a country ("Brest Belarus") is not part of the place.
        if len(words) > 1 and resolve_country(words[-1]) is not None:
            name = " ".join(words[:-1])
        places.append(name + (m.group(2) or ""))
    return places


def org_name(text: str, orgs: dict[str, str]) -> str:
    """An organisation as "Long Name (ACRONYM)" when the articles define its acronym."""
    if text in orgs:
        return f"{orgs[text]} ({text})"
    for acro, long_name in orgs.items():
        if long_name == text:
            return f"{long_name} ({acro})"
    return text
