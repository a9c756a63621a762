"""Entities for offline event extraction: countries (country-converter + countryinfo demonyms and
capitals), organisations, places as written, and dates (dateparser).

No hand lists of countries: names, aliases and ISO codes come from ``country_converter``;
demonyms ("Chinese"), capitals ("Beijing", used as metonyms) and alternative spellings come
from ``countryinfo``. Both are imported lazily (country_converter imports pandas).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

_NOT_FOUND = "\x00not-found"

# Words that end a capitalised place name that is a geographic feature, not a country
# ("South China Sea", "Bug River"), so the country inside it is not a country mention.
GEO_FEATURES = frozenset(
    "sea seas ocean river strait straits gulf bay peninsula island islands mountains mountain border "
    "coast airspace region province city base desert lake canal channel valley plain plains "
    "district oblast krai county state square range corridor airport port harbour harbor".split()
)
# Heads of organisation names ("Shanghai Cooperation Organisation", "European Union").
ORG_HEADS = frozenset(
    "organisation organization alliance treaty pact union council community bloc partnership "
    "forum nations league association coalition".split()
)
_MONTHS = (
    "january february march april may june july august september october november december".split()
)
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(_MONTHS)}
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
# Capitalised words that start sentences or titles and are never names of places or parties.
_TITLES = frozenset(
    "mr mrs ms dr president prime minister general gen lt col colonel admiral adm chancellor king queen "
    "prince sir lord secretary spokesman spokeswoman spokesperson commander chief leader".split()
)


# --------------------------------------------------------------------------- countries
@lru_cache(maxsize=1)
def _converter():
    """A ``CountryConverter``; works around country_converter 1.3 reading empty ISO2 cells as NaN
    under pandas 3 (its regex compile then fails)."""
    import logging

    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    try:
        return coco.CountryConverter()
    except TypeError:
        import pandas as pd
        from country_converter.country_converter import COUNTRY_DATA_FILE
        from pandas.io.parsers.readers import STR_NA_VALUES

        df = pd.read_csv(
            COUNTRY_DATA_FILE, sep="\t", encoding="utf-8", na_values=STR_NA_VALUES - {"NA"}, keep_default_na=False
        )
        df["ISO2"] = df["ISO2"].fillna("^$")  # matches nothing we ever pass
        for col in ("ISOnumeric", "UNcode", "FAOcode", "GBDcode", "EURO", "UN", "UNmember", "obsolete", "GEOnumeric"):
            if col in df.columns:
                df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
        df = df[df["obsolete"].isna()] if "obsolete" in df.columns else df
        return coco.CountryConverter(country_data=df.reset_index(drop=True))


@dataclass(frozen=True)
class _Info:
    demonyms: dict[str, str]  # lower demonym -> country name (most populous holder)
    capitals: dict[str, str]  # lower capital -> country name
    spellings: dict[str, str]  # lower name / alternative spelling -> country name
    names: frozenset[str]  # lower official and alternative names, for exact multi-word matches


@lru_cache(maxsize=1)
def _countryinfo() -> _Info:
    try:
        from countryinfo._cache import load_countries
    except ImportError:  # pragma: no cover - a declared dependency
        return _Info({}, {}, {}, frozenset())
    demonyms: dict[str, tuple[int, str]] = {}
    capitals: dict[str, tuple[int, str]] = {}
    spellings: dict[str, str] = {}
    for info in load_countries()["countries"].values():
        name = info.get("name") or ""
        pop = int(info.get("population") or 0)
        if not name or not info.get("ISO", {}).get("alpha2"):
            continue
        for key, table in ((info.get("demonym"), demonyms), (info.get("capital"), capitals)):
            if isinstance(key, str) and key.strip():
                k = key.strip().lower()
                if k not in table or table[k][0] < pop:
                    table[k] = (pop, name)
        spellings[name.lower()] = name
        for alt in info.get("altSpellings") or []:
            if isinstance(alt, str) and len(alt) > 3:  # codes go through country_converter
                spellings.setdefault(alt.lower(), name)
    return _Info(
        {k: v[1] for k, v in demonyms.items()},
        {k: v[1] for k, v in capitals.items()},
        spellings,
        frozenset(spellings),
    )


@lru_cache(maxsize=8192)
def _cc_short(text: str) -> str | None:
    out = _converter().convert(text, src="regex", to="name_short", not_found=_NOT_FOUND)
    if isinstance(out, list):
        out = out[0] if out else _NOT_FOUND
    return None if out == _NOT_FOUND or not isinstance(out, str) else out


@dataclass(frozen=True)
class CountryMatch:
    name: str  # normalised short name ("United States")
    kind: str  # "name" | "demonym" | "capital"


@lru_cache(maxsize=8192)
def resolve_country(text: str) -> CountryMatch | None:
    """The country that ``text`` names: "US", "U.S.", "America" -> United States; "Chinese" ->
    China (kind "demonym"); "Beijing" -> China (kind "capital", a metonym). None otherwise."""
    t = text.strip().strip(".,;:’'\"“”()")
    if t.lower().startswith("the "):
        t = t[4:]
    if len(t) < 2 or not t[0].isupper():
        return None
    words = t.split()
    if words[-1].lower() in GEO_FEATURES or words[-1].lower() in ORG_HEADS:
        return None
    info = _countryinfo()
    low = t.lower()
    if low in info.demonyms and low not in info.spellings:
        short = _cc_short(info.demonyms[low])
        return CountryMatch(short or info.demonyms[low], "demonym")
    if low in info.capitals and low not in info.spellings:
        short = _cc_short(info.capitals[low])
        return CountryMatch(short or info.capitals[low], "capital")
    if len(words) > 1:
        # A multi-word match must be a whole name ("South Korea"), never a longer phrase
        # that merely contains one ("South China Sea", "China Daily").
        if low in info.spellings:
            return CountryMatch(_cc_short(info.spellings[low]) or info.spellings[low], "name")
        short = _cc_short(t)
        return CountryMatch(short, "name") if short and short.lower() == low else None
    short = _cc_short(t)
    if short:
        return CountryMatch(short, "name")
    if low in info.spellings:
        return CountryMatch(_cc_short(info.spellings[low]) or info.spellings[low], "name")
    # "America" is the stem of the demonym "American".
    for suffix in ("n", "an", "ian"):
        holder = info.demonyms.get(low + suffix)
        if holder:
            return CountryMatch(_cc_short(holder) or holder, "name")
    return None


# --------------------------------------------------------------------------- mentions
@dataclass
class Mention:
    """A named thing in a sentence: a country (``country`` set), an organisation or a place."""

    text: str
    start: int  # offsets in the sentence
    end: int
    kind: str  # "country" | "org" | "place"
    country: str | None = None
    how: str = "name"  # for countries: name | demonym | capital
    role: str = "actor"  # "actor" or "location"


_CAP_SEQ_RE = re.compile(
    r"(?:[A-Z][\w’'.\-]*|U\.S\.|U\.K\.)(?:\s+(?:of\s+(?:the\s+)?|and\s+(?=[A-Z]\w+\s+(?:Organi[sz]ation|Union|Treaty)))?(?:[A-Z][\w’'.\-]*))*"
)
_ACRONYM_DEF_RE = re.compile(r"((?:[A-Z][\w’'\-]*\s+(?:of\s+|for\s+|and\s+)?){1,7})\(([A-Z][A-Za-z0-9]{1,7})\)")
_LOC_BEFORE_RE = re.compile(
    r"(?:\b(?:near|in|at|into|to|off|outside|around|across|along|towards?|over|opposite|inside|within|"
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
        _scan_sequence(sentence, m.group(), m.start(), orgs, out)
    previous: Mention | None = None
    for mention in out:
        before = sentence[: mention.start]
        after = sentence[mention.end :]
        if _LOC_BEFORE_RE.search(before[-60:]) or _LOC_AFTER_RE.match(after):
            mention.role = "location"
        elif previous is not None and re.fullmatch(r"\s*(?:,|and|or|&|, and)\s*(?:the\s+)?", sentence[previous.end : mention.start]):
            mention.role = previous.role  # a list shares its role: "near Japan and South Korea"
        previous = mention
    return out


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
    i = 0
    while i < len(words):
        matched = False
        for j in range(min(len(words), i + 4), i, -1):
            a, b = words[i][0], words[j - 1][1]
            piece = seq[a:b].rstrip(".,’'") if seq[a:b] not in ("U.S.", "U.K.") else seq[a:b]
            if piece.split()[-1].lower() in ("of", "and", "the"):
                continue
            start = base + a
            if piece in orgs or (piece.isupper() and 2 <= len(piece) <= 6 and resolve_country(piece) is None and piece.isalpha()):
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
        if low0 in _WEEKDAYS or low0 in _MONTHS or low0[:3] in _MONTH_ABBR and len(low0) <= 4 or low0 in _TITLES:
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


# --------------------------------------------------------------------------- dates
_MONTH_RE = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY_RE = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR_RE = r"(?:19|20)\d{2}"
_ONE_RE = rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|{_MONTH_RE}\s+{_DAY_RE}(?:,?\s+{_YEAR_RE})?|{_DAY_RE}\s+(?:of\s+)?{_MONTH_RE}(?:,?\s+{_YEAR_RE})?)"
_RANGE_RE = re.compile(
    rf"(?:\b(?:from|between)\s+)?(?P<a>{_ONE_RE}|\b{_DAY_RE})\s*(?:to|until|till|through|and|-|–|—)\s*(?P<b>{_ONE_RE}|{_DAY_RE}\b(?:,?\s+{_YEAR_RE})?)"
)
_SINGLE_RE = re.compile(rf"(?<![\w-])(?P<a>{_ONE_RE})(?![\w-])")
_MONTH_ONLY_RE = re.compile(
    rf"\b(?:(?i:in|since|until|by|during|from|last|next|this)\s+)(?:(?:early|mid|late|the end of)[- ]?\s*)?(?P<m>{_MONTH_RE})(?:\s+(?P<y>{_YEAR_RE}))?\b"
)
_WEEKDAY_RE = re.compile(r"\b(?:on|from|until|by|next|last|this)\s+(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_DURATION_RE = re.compile(
    r"\b(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"twenty|thirty)[- ](day|week|month|hour)s?(?:-long)?\b|\b(?:last(?:s|ing)?|for)\s+(\d{1,3}|one|two|three|"
    r"four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(days|weeks|months|hours)\b",
    re.IGNORECASE,
)


@dataclass
class DateInfo:
    """Dates of an event as found in one sentence; ISO when the year is known."""

    start: str | None = None  # ISO date, or the text as written when the year is unknown
    end: str | None = None
    text: str | None = None  # the date phrase as written ("from August 30 to September 5")
    months: set[int] = field(default_factory=set)
    duration: str | None = None  # as written ("11-day")

    @property
    def empty(self) -> bool:
        return not (self.start or self.end or self.text)


def _has_year(text: str) -> bool:
    return bool(re.search(rf"\b{_YEAR_RE}\b", text))


def _month_of(text: str) -> int | None:
    m = re.search(_MONTH_RE, text)
    return _MONTH_ABBR.get(m.group()[:3].lower()) if m else None


def _parse_day(text: str, published: date | None) -> str | None:
    """ISO for a date phrase: its own year, else the year that puts it nearest the publication
    date; None when no year can be known (the caller keeps the text as written)."""
    import dateparser

    clean = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text).replace(" of ", " ")
    if not _has_year(clean) and published is None:
        return None
    from datetime import datetime

    base = datetime.combine(published, datetime.min.time()) if published else None
    settings = {"REQUIRE_PARTS": ["day", "month"], "PREFER_DAY_OF_MONTH": "first"}
    if base is not None:
        settings["RELATIVE_BASE"] = base
    parsed = dateparser.parse(clean, languages=["en"], settings=settings)
    if parsed is None:
        return None
    day = parsed.date()
    if not _has_year(clean) and published is not None:
        # Announcements look ahead or back a few months, not a year: pick the nearest year.
        candidates = []
        for y in (published.year - 1, published.year, published.year + 1):
            try:
                candidates.append(day.replace(year=y))
            except ValueError:
                continue
        day = min(candidates, key=lambda d: abs(d - published))
    return day.isoformat()


def find_dates(sentence: str, published: date | None = None) -> DateInfo:
    """The event dates a sentence gives: a range, a day, a month or a weekday, and a duration."""
    info = DateInfo()
    dur = _DURATION_RE.search(sentence)
    if dur:
        info.duration = dur.group(0)
    rng = next((m for m in _RANGE_RE.finditer(sentence) if _month_of(m.group()) is not None), None)
    if rng:
        a, b = rng.group("a").strip(), rng.group("b").strip()
        # "30 to September 5" / "August 3-14, 2024": borrow the month and year from the other side.
        if _month_of(a) is None:
            a = f"{a} {re.search(_MONTH_RE, b).group()}"
        if _month_of(b) is None:
            b = f"{re.search(_MONTH_RE, a).group()} {b}"
        year = re.search(rf"\b{_YEAR_RE}\b", rng.group())
        a_full = a if _has_year(a) or not year else f"{a} {year.group()}"
        b_full = b if _has_year(b) or not year else f"{b} {year.group()}"
        info.text = rng.group().strip()
        info.start = _parse_day(a_full, published) or a
        info.end = _parse_day(b_full, published) or b
        if info.start and info.end and info.start > info.end and _is_iso(info.start) and _is_iso(info.end):
            info.end = _parse_day(b_full, date.fromisoformat(info.start) + timedelta(days=40)) or b
        info.months = {m for m in (_month_of(a), _month_of(b)) if m}
        return info
    single = _SINGLE_RE.search(sentence)
    if single:
        a = single.group("a")
        info.text = a
        info.start = _parse_day(a, published) or a
        info.months = {_month_of(a)} if _month_of(a) else set()
        return info
    mo = _MONTH_ONLY_RE.search(sentence)
    if mo:
        head, rest = mo.group(0).split(" ", 1)
        info.text = rest if head.lower() in ("in", "during", "from") else mo.group(0)
        info.months = {_month_of(mo.group("m"))}
        return info
    wd = _WEEKDAY_RE.search(sentence)
    if wd:
        info.text = wd.group(1)
    return info


def _is_iso(value: str | None) -> bool:
    return bool(value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def is_iso(value: str | None) -> bool:
    return _is_iso(value)
