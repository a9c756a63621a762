"""Countries named in text: names and aliases, demonyms and capitals (as metonyms).

No hand lists of countries: names, aliases and ISO codes come from ``country_converter``;
demonyms ("Chinese"), capitals ("Beijing", used as metonyms) and alternative spellings come
from ``countryinfo``. Both are imported lazily (country_converter imports pandas).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from qa.events.organisations import ORG_HEADS

_NOT_FOUND = "\x00not-found"

# Words that end a capitalised place name that is a geographic feature, not a country
# ("South China Sea", "Bug River"), so the country inside it is not a country mention.
GEO_FEATURES = frozenset(
    "sea seas ocean river strait straits gulf bay peninsula island islands mountains mountain border "
    "coast airspace region province city base desert lake canal channel valley plain plains "
    "district oblast krai county state square range corridor airport port harbour harbor".split()
)


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
    if low + "s" in info.spellings:  # a plural name's singular is its adjective ("Philippine")
        return CountryMatch(_cc_short(info.spellings[low + "s"]) or info.spellings[low + "s"], "demonym")
    # "America" is the stem of the demonym "American".
    for suffix in ("n", "an", "ian"):
        holder = info.demonyms.get(low + suffix)
        if holder:
            return CountryMatch(_cc_short(holder) or holder, "name")
    return None


# Armed services, commands and ship prefixes that stand for their country (a unit counts for its
# country, as a demonym does). A general table of well-known services, not of any one article's
# units; names a country shares with others ("Navy", "Air Force" alone, "AFP") are left out.
# A ship prefix with the ship's name, so that the name's words are not read on their own: "HMS
# Prince of Wales" is a British ship, not Wales; "USS Ronald Reagan" names no person.
_SHIP_NAME = r" [A-Z][\w’'.-]*(?:(?: of| of the| the)? [A-Z][\w’'.-]*){0,4}"
SERVICES: dict[str, tuple[str, ...]] = {
    "United States": (
        r"U\.?S\.? (?:Army|Navy|Air Force|Marines?|Marine Corps|Coast Guard|Space Force|Forces)",
        r"Marines", r"Marine Corps", r"USMC", r"Marine Expeditionary (?:Unit|Force|Brigade)",
        r"\d+(?:st|nd|rd|th) MEU", r"MEU", r"MEF", r"(?:Army |Air )?National Guard", r"Navy SEALs?",
        r"Green Berets", r"Seabees", r"USAF", r"USN", r"Pentagon",
        r"(?:INDOPACOM|CENTCOM|EUCOM|AFRICOM|SOUTHCOM|NORTHCOM|SOCOM)",
        r"U\.?S\.? (?:Indo-Pacific|Central|European|Africa|Southern|Northern|Pacific) Command",
        r"USS" + _SHIP_NAME, r"USNS" + _SHIP_NAME,
    ),
    "United Kingdom": (
        r"Royal Navy", r"Royal Air Force", r"RAF", r"Royal Marines", r"British Army", r"HMS" + _SHIP_NAME,
    ),
    "China": (r"PLA(?:N|AF)?", r"People['’]s Liberation Army(?: Navy| Air Force)?", r"People['’]s Armed Police"),
    "Germany": (r"Bundeswehr", r"Luftwaffe", r"Deutsche Marine"),
    "Japan": (
        r"J[MGA]SDF", r"(?:Japan )?(?:Maritime |Ground |Air )?Self-Defen[cs]e Forces?",
    ),
    "South Korea": (r"ROK(?: Army| Navy| Air Force| Marine Corps)?", r"ROKS" + _SHIP_NAME),
    "Australia": (r"ADF", r"RAAF", r"Royal Australian (?:Navy|Air Force)", r"HMAS" + _SHIP_NAME),
    "Canada": (r"RCAF", r"Royal Canadian (?:Navy|Air Force)", r"HMCS" + _SHIP_NAME),
    "New Zealand": (r"RNZAF", r"NZDF", r"Royal New Zealand (?:Navy|Air Force)", r"HMNZS" + _SHIP_NAME),
    "Israel": (r"IDF", r"Israel Defen[cs]e Forces"),
    "Russia": (r"Spetsnaz", r"VDV", r"Rosgvardia"),
    "Turkey": (r"TCG" + _SHIP_NAME,),
    "Philippines": (r"BRP" + _SHIP_NAME,),
    "Netherlands": (r"HNLMS" + _SHIP_NAME,),
    "India": (r"Indian (?:Army|Navy|Air Force)",),
}


def _service_re():
    alts = [f"(?P<s{i}>{p})" for i, (_, pats) in enumerate(SERVICES.items()) for p in [("|".join(pats))]]
    return re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")(?![\w-])")


SERVICE_RE = _service_re()
_SERVICE_COUNTRIES = tuple(SERVICES)


def find_services(text: str) -> list[tuple[int, int, str]]:
    """(start, end, country) of each armed service, command or ship (with its name) named in ``text``."""
    out = []
    for m in SERVICE_RE.finditer(text):
        idx = next(int(k[1:]) for k, v in m.groupdict().items() if v is not None)
        country = _SERVICE_COUNTRIES[idx]
        # a country or demonym written just before the unit owns it ("Philippine Marines")
        before = re.search(r"([A-Z][\w.’'-]*)\s+$", text[: m.start()])
        owner = resolve_country(re.sub(r"[’']s?$", "", before.group(1))) if before else None
        if owner is not None and owner.kind != "capital" and owner.name != country:
            continue
        out.append((m.start(), _ship_name_end(text, m.start(), m.end()), country))
    return out


_SHIP_WORD_RE = re.compile(r" (of |of the |the )?([A-Z][\w’'.-]*)")


def _ship_name_end(text: str, start: int, end: int) -> int:
    """Where a ship's name ends: before a later word that is a country ("HMS Queen Elizabeth Leads
    Japan Drills", a headline in title case), unless "of" ties it to the name ("Prince of Wales").
    The first word is always the name's ("USS America")."""
    first = _SHIP_WORD_RE.match(text, text.index(" ", start, end)) if " " in text[start:end] else None
    if first is None:
        return end
    pos = first.end()
    while pos < end and (word := _SHIP_WORD_RE.match(text, pos)) and word.end() <= end:
        if not word[1] and resolve_country(word[2]) is not None:
            return pos
        pos = word.end()
    return end


@lru_cache(maxsize=1)
def _provinces() -> dict[str, str]:
    """Lower province / state name -> its country (countryinfo), names that are also countries or
    belong to several countries left out ("Georgia")."""
    try:
        from countryinfo._cache import load_countries
    except ImportError:  # pragma: no cover - a declared dependency
        return {}
    owners: dict[str, set[str]] = {}
    for info in load_countries()["countries"].values():
        name = info.get("name") or ""
        for prov in info.get("provinces") or []:
            if isinstance(prov, str) and len(prov) > 3:
                owners.setdefault(prov.lower(), set()).add(name)
    spellings = _countryinfo().spellings
    out = {}
    for prov, names in owners.items():
        if len(names) == 1 and prov not in spellings:
            holder = next(iter(names))
            out[prov] = _cc_short(holder) or holder
    return out


def province_country(text: str) -> str | None:
    """The country of a state or province ("Texas" -> United States), None otherwise."""
    return _provinces().get(text.strip().lower())


# Publishers of a national military's own news (its public-affairs releases): what they report is
# that military's activity, so their home country takes part even where a release names only a
# unit ("The 78th Medical Group conducted...") or the foreign place it trains in. Matched on the
# article's source address.
MILITARY_PUBLISHERS: dict[str, tuple[str, ...]] = {
    "United States": ("dvidshub.net", "defense.gov", "army.mil", "navy.mil", "af.mil", "marines.mil", "spaceforce.mil"),
    "United Kingdom": ("royalnavy.mod.uk", "army.mod.uk", "raf.mod.uk"),
    "Australia": ("defence.gov.au",),
    "Canada": ("forces.gc.ca",),
    "New Zealand": ("nzdf.mil.nz",),
}


def publisher_country(source: str) -> str | None:
    """The country whose military publishes ``source`` (a URL or a source line), None otherwise."""
    for host in re.findall(r"(?:[a-z]+://)?((?:[\w-]+\.)+[a-z]{2,})(?=[/\s]|$)", (source or "").lower()):
        for country, domains in MILITARY_PUBLISHERS.items():
            if any(host == d or host.endswith("." + d) for d in domains):
                return country
    return None
