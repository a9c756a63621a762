"""Structured, cited event records: exercises, alliances and alignments, deployments.

Two extractors produce the same ``Event`` records:

* offline (no LLM): sentence-level cues (exercise / alignment / deployment vocabulary), countries
  through country-converter and countryinfo (names, demonyms, capitals as metonyms), places as
  written, dates through dateparser, the embedder to set aside non-military senses of
  "exercise"/"drill"; every field comes from an evidence sentence that is cited verbatim;
* LLM: one structured-output call per article (a pydantic schema through LangChain's
  ``with_structured_output``) over numbered sentences; the model cites sentence numbers and the
  quotes are taken from those sentences, never from the model.

Then records about the same exercise (same name, or the same participants with overlapping
places or dates) are merged across articles, keeping every citation.

Types come from PLOVER (MOBILIZE for exercises and deployments, AGREE / COOPERATE for
alignments) with the corresponding CAMEO code, so records line up with event datasets.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from qa.events.entities import (
    Mention,
    acronym_definitions,
    find_dates,
    find_mentions,
    find_places,
    is_iso,
)
from qa.models import Citation
from qa.retrieval.articles import Article, Sentence, load_articles
from qa.text.dates import parse_range

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.llm.chat import ChatLLM

# PLOVER type, CAMEO code and its label, per kind of record.
TYPES = {
    "exercise": ("MOBILIZE", "150", "Demonstrate military or police power"),
    "deployment": ("MOBILIZE", "154", "Mobilize or increase armed forces"),
    "agree": ("AGREE", "057", "Sign formal agreement"),
    "cooperate": ("COOPERATE", "062", "Cooperate militarily"),
    "cooperate-civil": ("COOPERATE", "060", "Engage in material cooperation"),
}

KINDS = ("exercise", "alliance", "deployment")


@dataclass
class Event:
    kind: str  # exercise | alliance | deployment
    name: str
    participants: list[str] = field(default_factory=list)
    host: str | None = None
    location: str | None = None
    places: list[str] = field(default_factory=list)
    start: str | None = None  # ISO when the year is known, else as written ("August 30")
    end: str | None = None
    dates_text: str | None = None  # the date phrase as written
    duration: str | None = None
    relation: str | None = None  # alliances: how the parties relate, as written
    summary: str = ""
    type: str = ""  # PLOVER event type
    cameo: str = ""
    cameo_label: str = ""
    named: bool = False  # the articles give the exercise a proper name
    evidence: list[Sentence] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    months: set[int] = field(default_factory=set)
    # gathered while extracting, not part of the record
    _descriptors: list[str] = field(default_factory=list, repr=False)
    _joint: bool = field(default=False, repr=False)
    _located: list[str] = field(default_factory=list, repr=False)
    _relation_kind: str = field(default="", repr=False)
    _digression: bool = field(default=False, repr=False)
    _joins: bool = field(default=False, repr=False)

    @property
    def id(self) -> str:
        key = f"{self.kind}|{self.name.lower()}|{','.join(sorted(self.participants))}"
        return hashlib.sha1(key.encode()).hexdigest()[:10]

    @property
    def sources(self) -> list[str]:
        return _unique(a.source for a in self.articles)

    @property
    def published(self) -> list[str]:
        return sorted(_unique(a.date for a in self.articles if a.date))

    @property
    def sort_date(self) -> str:
        for value in (self.start, self.end):
            if is_iso(value):
                return value
        return "9999"

    def to_dict(self) -> dict:
        out = {
            "id": self.id,
            "kind": self.kind,
            "type": self.type,
            "type_vocabulary": "PLOVER",
            "cameo": self.cameo,
            "cameo_label": self.cameo_label,
            "name": self.name,
            "participants": self.participants,
            "host": self.host,
            "location": self.location,
            "places": self.places,
            "start": self.start,
            "end": self.end,
            "dates_as_written": self.dates_text,
            "duration": self.duration,
            "summary": self.summary,
            "sources": self.sources,
            "published": self.published,  # the articles' publication dates, not the event's
            "citations": [c.to_dict() for c in self.citations],
        }
        if self.kind == "alliance":
            out["parties"] = self.participants
            out["relation"] = self.relation
        return out


def _unique(items) -> list:
    seen: list = []
    for x in items:
        if x and x not in seen:
            seen.append(x)
    return seen


# --------------------------------------------------------------------------- cues
_EX_RE = re.compile(
    r"\b(exercises?|drills?|war[- ]?games|wargames|manoeuvres?|maneuvers?|(?:joint|military|combat|naval|field)\s+training|live-fire)\b",
    re.IGNORECASE,
)
_EX_VERB_RE = re.compile(
    r"\b(?:to|will|would|can|could|must|should|may|might|shall|not)\s+exercise\b|\bexercis(?:e|es|ed|ing)\s+"
    r"(?:its|their|his|her|the|our|your|my|a|an|some|great|greater|more|caution|restraint|power|control|"
    r"rights?|options?|influence|judge?ment|authority|veto)\b|\b(?:fire|oil|gas|well)\s+drill",
    re.IGNORECASE,
)
_MILITARY_RE = re.compile(
    r"\b(troops?|soldiers?|military|militar\w+|army|armies|navy|naval|air force|armed forces|forces|defen[cs]e|"
    r"warships?|fighter|jets?|tanks?|marines?|missiles?|battalions?|brigades?|units|artillery|submarines?|"
    r"bombers?|paratroop\w*|infantry|combat|counter-?terror\w*|anti-terror\w*|war games|manoeuvres|maneuvers|"
    r"servicemen|sailors|drones?|nuclear)\b",
    re.IGNORECASE,
)
_AL_RE = re.compile(
    r"\b(join(?:ed|s|ing)?|admitted|admission|accession|membership|members?|alliances?|allies|ally|allied|pact|"
    r"treaty|agreements?|accord|partnership|partners?|signed|bloc|friends?|friendship|ties|alignment|aligned|"
    r"closer together|cooperation|co-operation)\b",
    re.IGNORECASE,
)
_JOIN_RE = re.compile(
    r"\b(?:(?:was|were|has been|have been|is|are|will be|had been|to be)\s+)?(?:formally\s+|officially\s+)?"
    r"(?:admitted|accepted|welcomed)\s+(?:to|into|as a (?:full )?member of)\b|\b(?:formally\s+|officially\s+)?"
    r"(?:joined|joins|will join|to join|join|joining)\b|\baccession\s+to\b|\bbec(?:ame|omes|ome) (?:a |the )?"
    r"(?:\w+(?:st|th|nd|rd) )?(?:full )?member of\b|\bsigned\b|\bratified\b",
    re.IGNORECASE,
)
_NEGATED_RE = re.compile(r"\b(not|never|refus\w*|resist\w*|reject\w*|declin\w*|against)\b[^.;]{0,50}$", re.IGNORECASE)
_DEP_RE = re.compile(
    r"\b(deploy(?:s|ed|ing|ment|ments)?|redeploy\w*|station(?:s|ed|ing)?|dispatch(?:es|ed|ing)?|sen[dt]s?|sending|"
    r"move[sd]?|moving|transferr?(?:ed|ing|s)?|relocat\w+|reinforc\w+|(?:troops|forces|soldiers)\s+(?:operating|based)\s+in)\b",
    re.IGNORECASE,
)
_FORCE_RE = re.compile(
    r"^\s*(?:’s|'s|’)?\s*(?:[a-z][\w-]*\s+){0,2}?(troops|soldiers|forces|army|navy|air force|military|units|marines|"
    r"warships|ships|jets|aircraft|commanders|servicemen|personnel|paratroopers|contingent|sailors|battalions?|"
    r"brigades?|missiles|bombers|tanks|submarines|drones|vessels|navies|armies|armed forces|participation|"
    r"exercises?|drills|war games|manoeuvres|maneuvers)\b"
)
_PARTICIPATE_RE = re.compile(
    r"^\s*(?:,\s*)?(?:(?:will|would|also|to|have|has|had|is|are|was|were|jointly|both|all|each|successfully|"
    r"reportedly|recently|then|now|be|been|already|together|on \w+day)\s+){0,4}"
    r"(participat\w*|take part|took part|taking part|takes part|join(?:s|ed|ing)?|hold(?:s|ing)?|held|stag(?:e|es|ed|ing)|"
    r"conduct\w*|launch\w*|beg[ia]n\w*|start\w*|kick\w* off|sen[dt]s?|sending|host\w*|lead(?:s|ing)?|led|"
    r"carr(?:y|ied|ies) out|deploy\w*|dispatch\w*|land(?:s|ed)?|arriv\w+|practi[sc]\w+|rehears\w+|train\w*|drill\w*|"
    r"mobili[sz]\w+|rehearse\w*|exercis\w+)\b",
    re.IGNORECASE,
)
_AFTER_EXERCISE_RE = re.compile(
    r"\b(exercises?|drills?|training|manoeuvres?|maneuvers?|games|participants?|countries|nations)\s+(?:(?!and\b|or\b)[a-z]+\s+)?"
    r"(?:between|with|of|involving|including|alongside|such as|like|from)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_COREF_RE = re.compile(
    r"\b(?:the two|both) (?:countries|nations|sides|militaries|armies|navies|allies|states|powers)\b", re.IGNORECASE
)
_EX_NOUN = r"(?:exercises?|drills?|war[- ]?games|manoeuvres?|maneuvers?)"
_QUOTED_RE = re.compile(r"[“\"]([A-Z][\w’'\-]*(?:\s+[A-Z0-9][\w’'\-]*){0,3})[”\"]")
_NAMED_AS_RE = re.compile(
    r"\b(?:called|named|dubbed|code-?named|known as)\s+[“\"]?((?:[A-Z][\w’'\-]*)(?:[\s-]+[A-Z0-9][\w’'\-]*){0,3})"
)
_EXERCISE_X_RE = re.compile(r"\bExercise\s+((?:[A-Z][\w’'\-]*)(?:[\s-]+[A-Z0-9][\w’'\-]*){0,2})")
_PREFIX_NAME_RE = re.compile(
    rf"((?:[A-Z][\w’'\-]*|(?:19|20)\d\d)(?:[\s-]+(?:[A-Z][\w’'\-]*|(?:19|20)\d\d)){{0,3}})[\s-]+(?:joint\s+|military\s+|naval\s+)?{_EX_NOUN}\b"
)
_DETERMINERS = frozenset(
    "the a an this that these those its their his her our this year's last next first second third annual "
    "joint military naval large-scale major".split()
)
_STOP_MODIFIERS = frozenset(
    "the a an its their his her our this that these those would will be been being is are was were to of in on "
    "at for and or with by from as said conduct conducted conducting hold held holding stage staged participate "
    "participating take took part join joined launch launched begin began start started last lasts lasting "
    "such other two three several many some any all both more most first second third next last further details "
    "about into about during before after annual".split()
)


@dataclass
class _Frame:
    """What one sentence says about one kind of event."""

    sentence: Sentence
    kind: str
    name: str | None = None
    name_strength: int = 0
    participants: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    location_countries: list[str] = field(default_factory=list)
    location_text: str | None = None
    places: list[str] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    dates_text: str | None = None
    duration: str | None = None
    months: set[int] = field(default_factory=set)
    descriptor: str | None = None
    joint: bool = False
    relation: str | None = None
    relation_kind: str = ""
    force: str | None = None  # deployments: what was moved, as written
    joins: bool = False  # alliances: a country joining an organisation


# --------------------------------------------------------------------------- offline extraction
class _Context:
    """Per-run caches: organisation acronyms found anywhere in the corpus, the embedder check."""

    def __init__(self, settings: Settings, articles: list[Article]) -> None:
        self.settings = settings
        self.orgs: dict[str, str] = {}
        for art in articles:
            self.orgs.update(acronym_definitions(art.text))
        self._embedder = None
        self._protos = None

    def military_sense(self, texts: list[str]) -> list[bool]:
        """For exercise words with no military word nearby: closer to a military prototype than
        to everyday senses (fitness, fire drills, exercising a right)?"""
        if not texts:
            return []
        from qa.storage.embed import get_embedder

        if self._embedder is None:
            self._embedder = get_embedder(self.settings)
            self._protos = self._embedder.embed_documents(
                [
                    "Troops from several countries held joint military exercises and drills.",
                    "The navy and air force staged war games near the border.",
                    "Regular physical exercise and a healthy diet keep you fit.",
                    "Pupils took part in a fire drill at the school.",
                    "The company can exercise its option to buy the shares.",
                ]
            )
        vecs = self._embedder.embed_documents(texts)
        sims = vecs @ self._protos.T
        return [bool(row[:2].max() > row[2:].max()) for row in sims]


def _country_lists(sentence: str, mentions: list[Mention]) -> list[list[Mention]]:
    """Countries written as lists ("India, Belarus, Mongolia and Tajikistan", "Belarusian and
    Chinese", "China–Belarus") grouped, in order."""
    groups: list[list[Mention]] = []
    for m in mentions:
        if m.kind not in ("country", "org"):
            continue
        if groups and re.fullmatch(r"\s*(?:,|and|or|&|, and|-|–|—|/)\s*(?:the\s+)?", sentence[groups[-1][-1].end : m.start]):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def _participants(sentence: str, mentions: list[Mention], kind: str) -> tuple[list[str], list[str], list[str], str | None]:
    """(participants, hosts, location countries, location as written) among a sentence's countries."""
    participants: list[str] = []
    hosts: list[str] = []
    located: list[str] = []
    location_text = None
    for group in _country_lists(sentence, mentions):
        countries = [m for m in group if m.kind == "country"]
        if not countries:
            continue
        first, last = group[0], group[-1]
        before = sentence[: first.start]
        after = sentence[last.end :]
        if first.role == "location":
            if all(m.how == "capital" for m in countries):
                continue  # "in Tokyo": a place where someone was, not a host country
            prep = re.search(r"(\w+)\s+(?:the\s+)?(?:\w+ern\s+)?$", before)
            word = prep.group(1).lower() if prep else ""
            if word in ("in", "to", "into", "inside", "within") and not re.match(r"^\s*(?:’s|'s)?\s*(?:border|coast|waters)", after):
                hosts.extend(m.country for m in countries if m.country)
            else:
                located.extend(m.country for m in countries if m.country)
                if location_text is None and word in ("near", "off", "around", "along", "opposite", "over", "outside"):
                    location_text = sentence[first.start : last.end]
            continue
        is_participant = bool(
            _FORCE_RE.match(after)
            or _PARTICIPATE_RE.match(after)
            or _AFTER_EXERCISE_RE.search(before[-80:])
            or (len(group) > 1 and re.match(r"^\s*(?:joint\s+|military\s+|naval\s+)*" + _EX_NOUN, after, re.I))
        )
        if kind == "exercise" and re.search(r"[-–]\s*$", before) is None and re.match(r"^\s*[-–]\s*\w+\s", after):
            is_participant = True
        if is_participant:
            participants.extend(m.country for m in countries if m.country)
    return _unique(participants), _unique(hosts), _unique(located), location_text


def _name(sentence: str, article: Article) -> tuple[str | None, int]:
    """A proper name of the exercise in this sentence and how sure: 3 explicit ("Exercise X",
    "called X"), 2 a proper noun before the exercise word ("the Balikatan exercise"), 1 a quoted
    name near it."""
    low_text = article.text.lower()

    def proper(candidate: str) -> bool:
        words = [w for w in re.split(r"[\s-]+", candidate) if w and not re.fullmatch(r"(?:19|20)\d\d", w)]
        if not words:
            return False
        for w in words:
            lw = w.lower().strip("’'")
            if lw in _DETERMINERS or lw in _STOP_MODIFIERS:
                return False
            from qa.events.entities import resolve_country

            if resolve_country(w) is not None or w.isupper() and len(w) <= 6:
                return False
            # A word that the article also writes in lower case is an ordinary word, not a name.
            if re.search(rf"(?<![\w’']){re.escape(lw)}(?![\w’'])", low_text) and re.search(rf"(?<![A-Za-z]){re.escape(lw)}\b", article.text):
                return False
        return True

    for rx, strength in ((_EXERCISE_X_RE, 3), (_NAMED_AS_RE, 3)):
        m = rx.search(sentence)
        if m and proper(m.group(1)):
            return m.group(1).strip(), strength
    for m in _PREFIX_NAME_RE.finditer(sentence):
        words = m.group(1).split()
        # Drop leading words that are not part of the name ("The", "Chinese").
        while words and not proper(words[0]):
            words = words[1:]
        cand = " ".join(words)
        if cand and proper(cand):
            return cand, 2
    for m in _QUOTED_RE.finditer(sentence):
        cand = m.group(1)
        before = sentence[: m.start()]
        after = sentence[m.end() :]
        near = re.search(rf"{_EX_NOUN}\b(?:\W+\w+){{0,8}}\W*$", before, re.I) or re.match(rf"^\W*(?:\w+\W+){{0,2}}{_EX_NOUN}", after, re.I)
        if not near or re.match(r"^\s*(?:between|for|of|with|to|in|on|at|from|by|and)\b", after, re.I):
            continue
        if re.search(r"\b(said|says|told|called for|urged)\W*$", before):
            continue
        if proper(cand):
            return cand, 1
    return None, 0


def _descriptor(sentence: str) -> str | None:
    """The exercise as the article describes it ("joint anti-terrorist exercise")."""
    plain = re.sub(r"[“”\"‘’]", "", sentence)
    best = None
    best_score = -1.0
    for m in re.finditer(r"((?:[\w-]+\s+){0,4})(exercises?|drills?|war games|manoeuvres|maneuvers|training)\b", plain, re.I):
        words = m.group(1).split()
        mods: list[str] = []
        for w in reversed(words):
            lw = w.lower()
            if lw in _STOP_MODIFIERS or not re.fullmatch(r"[a-z][a-z-]*", w) or re.search(r"\d", w):
                break
            mods.insert(0, w)
        noun = m.group(2).lower()
        if not mods and noun == "training":
            continue
        score = len(mods) + (0.5 if "joint" in mods else 0) + (0.5 if noun == "exercise" else 0)
        if score > best_score:
            best, best_score = " ".join([*mods, noun]), score
    return best


def _frame_dates(frame: _Frame, sentence: str, published: date | None) -> None:
    info = find_dates(sentence, published)
    frame.start, frame.end, frame.dates_text = info.start, info.end, info.text
    frame.duration = info.duration
    frame.months = set(info.months)


def _exercise_frame(sent: Sentence, art: Article, ctx: _Context, mentions: list[Mention], prev_actors: list[str]) -> _Frame:
    f = _Frame(sent, "exercise")
    f.name, f.name_strength = _name(sent.text, art)
    f.participants, f.hosts, f.location_countries, f.location_text = _participants(sent.text, mentions, "exercise")
    if _COREF_RE.search(sent.text) and len(prev_actors) >= 2:
        m = _COREF_RE.search(sent.text)
        if _PARTICIPATE_RE.match(sent.text[m.end() :]):
            f.participants = _unique([*prev_actors, *f.participants])
    f.places = find_places(sent.text, ctx.orgs)
    _frame_dates(f, sent.text, art.published)
    f.descriptor = _descriptor(sent.text)
    f.joint = bool(re.search(r"\b(joint|bilateral|combined|multinational|trilateral|together)\b", sent.text, re.I))
    return f


def _relation_text(sentence: str, subject_end: int, cue: re.Match) -> str:
    between = sentence[subject_end : cue.end()].strip(" ,;:")
    words = between.split()
    if 0 < len(words) <= 12:
        return between
    lead = sentence[: cue.end()].split()
    return " ".join(lead[-4:])


def _alliance_frame(sent: Sentence, ctx: _Context, mentions: list[Mention]) -> _Frame | None:
    text = sent.text
    join = _JOIN_RE.search(text)
    actors = [m for m in mentions if m.kind == "country" and m.role == "actor"]
    orgs = [m for m in mentions if m.kind == "org"]
    if join and not _NEGATED_RE.search(text[: join.start()]):
        joiners = [m for m in actors if m.end <= join.start()]
        target = next((m for m in orgs if m.start >= join.end() - 1), None)
        if joiners and target is not None:
            # the countries in the list closest before the verb
            groups = _country_lists(text, [m for m in mentions if m.end <= join.start()])
            subject = [m for m in (groups[-1] if groups else joiners) if m.kind == "country"] or joiners[-1:]
            f = _Frame(sent, "alliance")
            f.participants = _unique([*(m.country for m in subject), _org_name(target.text, ctx)])
            f.relation = text[subject[-1].end : join.end()].strip(" ,") or join.group()
            if len(f.relation.split()) > 8:
                f.relation = join.group().strip()
            f.relation_kind = "agree"
            f.joins = True
            f.name = f"{' and '.join(m.country for m in subject)} {f.relation} {_org_name(target.text, ctx)}"
            return f
    cues = list(_AL_RE.finditer(text))
    if not cues or _NEGATED_RE.search(text[: cues[0].start()]):
        return None
    cue = cues[0]
    for later in cues[1:]:  # "signed a reciprocal access agreement": up to the last cue of the phrase
        if later.start() - cue.end() <= 40:
            cue = later
    word0 = cues[0].group(1).lower()
    if word0 in ("pact", "treaty", "agreement", "agreements", "accord", "signed"):
        # parties of a pact: the countries written just before it, and those it is "with"
        groups = _country_lists(text, [m for m in actors if m.end <= cues[0].start()])
        if not groups:
            return None
        subject = [m.country for m in groups[-1] if m.country]
        with_ = re.match(r"^[^.;]{0,40}?\bwith\s+(?:the\s+)?", text[cue.end() :])
        partners = [m.country for m in actors if with_ and m.start == cue.end() + with_.end() and m.country]
        actors = [m for m in actors if m.country in subject + partners]
    parties = _unique([m.country for m in actors] + [_org_name(m.text, ctx) for m in orgs if m.role == "actor"])
    if len(parties) < 2 or not actors:
        return None
    f = _Frame(sent, "alliance")
    f.participants = parties
    groups = _country_lists(text, [m for m in mentions if m.role == "actor"])
    subject_end = groups[0][-1].end if groups else actors[0].end
    f.relation = _relation_text(text, subject_end, cue)
    word = cues[0].group(1).lower()
    org_parties = [_org_name(m.text, ctx) for m in orgs if m.role == "actor"]
    if word in ("pact", "treaty", "agreement", "agreements", "accord", "signed", "accession", "admitted", "admission"):
        f.relation_kind = "agree"
        f.name = f"{'–'.join(parties)} agreement"
    else:
        f.relation_kind = "cooperate" if _MILITARY_RE.search(text) else "cooperate-civil"
        if word in ("membership", "members", "member") and org_parties:
            f.participants = _unique([*org_parties, *parties])
            f.name = f"{org_parties[0]} membership"
        else:
            f.name = f"{'–'.join(parties)} alignment"
    return f


def _org_name(text: str, ctx: _Context) -> str:
    if text in ctx.orgs:
        return f"{ctx.orgs[text]} ({text})"
    for acro, long_name in ctx.orgs.items():
        if long_name == text:
            return f"{long_name} ({acro})"
    return text


def _deployment_frame(sent: Sentence, art: Article, ctx: _Context, mentions: list[Mention]) -> _Frame | None:
    text = sent.text
    if not _DEP_RE.search(text) or not re.search(
        r"\b(troops|soldiers|forces|missiles?|warships?|jets|aircraft|bombers|tanks|battalions?|brigades?|carriers?|"
        r"submarines?|weapons|marines|division|regiments?|air defen[cs]e|systems|drones|personnel)\b",
        text,
        re.I,
    ):
        return None
    f = _Frame(sent, "deployment")
    f.participants, f.hosts, f.location_countries, f.location_text = _participants(text, mentions, "deployment")
    if f.participants and not (f.hosts or f.location_countries):
        dest = re.search(r"\b(?:to|into|in)\s+(?:the\s+)?([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)", text)
        if dest and not any(m.start <= dest.start(1) < m.end for m in mentions if m.kind != "place") and not re.match(
            r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Monday|Tuesday|"
            r"Wednesday|Thursday|Friday|Saturday|Sunday)\b",
            dest.group(1),
        ):
            f.location_text = dest.group(1)
    if not f.participants or not (f.hosts or f.location_countries or f.location_text):
        return None
    f.hosts = [h for h in f.hosts if h not in f.participants] or f.hosts
    f.places = find_places(text, ctx.orgs)
    _frame_dates(f, text, art.published)
    owner = next((m for m in mentions if m.kind == "country" and m.country == f.participants[0]), None)
    if owner is not None:
        m = re.match(r"^((?:’s|'s)?\s*(?:[a-z][\w-]*\s+){0,3}?(?:troops|soldiers|forces|missiles|warships|jets|aircraft|bombers|tanks|battalions?|brigades?|submarines|weapons|marines|systems|drones|personnel))\b", text[owner.end :])
        if m and not _DEP_RE.search(m.group(1)):
            f.force = text[owner.start : owner.end + m.end()]
    dest = f.hosts[0] if f.hosts else (f.location_countries[0] if f.location_countries else f.location_text)
    f.name = f"{f.force or f.participants[0] + ' forces'} in {dest}"
    return f


def _article_frames(art: Article, ctx: _Context) -> list[_Frame]:
    frames: list[_Frame] = []
    ambiguous: list[tuple[int, Sentence, list[Mention]]] = []
    prev_actors: list[str] = []
    pending: list[tuple[Sentence, list[Mention], list[str]]] = []
    for sent in art.sentences:
        if len(sent.text.split()) < 4:
            continue
        mentions = find_mentions(sent.text, ctx.orgs)
        ex = _EX_RE.search(sent.text)
        if ex and not _EX_VERB_RE.search(sent.text):
            if _MILITARY_RE.search(sent.text.replace(ex.group(), " ", 1)) or re.search(r"\b(war games|manoeuvres|maneuvers|military training|joint training)\b", ex.group(), re.I):
                pending.append((sent, mentions, list(prev_actors)))
            else:
                ambiguous.append((len(pending), sent, mentions))
                pending.append((sent, mentions, list(prev_actors)))
        actors = [m.country for m in mentions if m.kind == "country" and m.role == "actor" and m.country]
        prev_actors = _unique(actors)
    keep_ambiguous = ctx.military_sense([s.text for _, s, _ in ambiguous])
    drop = {id(s) for (_, s, _), ok in zip(ambiguous, keep_ambiguous, strict=True) if not ok}
    exercise_ids = set()
    for sent, mentions, prev in pending:
        if id(sent) in drop:
            continue
        exercise_ids.add(id(sent))
        frames.append(_exercise_frame(sent, art, ctx, mentions, prev))
    for sent in art.sentences:
        if len(sent.text.split()) < 4:
            continue
        mentions = find_mentions(sent.text, ctx.orgs)
        if not any(m.kind in ("country", "org") for m in mentions):
            continue
        al = _alliance_frame(sent, ctx, mentions)
        if al is not None and (id(sent) not in exercise_ids or al.relation_kind == "agree"):
            frames.append(al)
        if id(sent) not in exercise_ids:
            dep = _deployment_frame(sent, art, ctx, mentions)
            if dep is not None:
                frames.append(dep)
    frames.sort(key=lambda f: f.sentence.position)
    return frames


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z]+", " ", re.sub(r"\b(?:19|20)\d\d\b", "", name.lower())).strip()


def _new_event(frame: _Frame, art: Article) -> Event:
    ev = Event(kind=frame.kind, name=frame.name or "")
    ev.named = frame.kind == "exercise" and bool(frame.name)
    _absorb(ev, frame, art)
    return ev


def _absorb(ev: Event, frame: _Frame, art: Article) -> None:
    ev.participants = _unique([*ev.participants, *frame.participants])
    ev.places = _unique([*ev.places, *frame.places])
    if frame.hosts and not ev.host:
        ev.host = frame.hosts[0]
    if frame.location_text and not ev.location:
        ev.location = frame.location_text
    if not ev.start and frame.start or is_iso(frame.start) and not is_iso(ev.start):
        ev.start, ev.end, ev.dates_text = frame.start, frame.end, frame.dates_text
    if not ev.dates_text and frame.dates_text:
        ev.dates_text = frame.dates_text
    ev.duration = ev.duration or frame.duration
    ev.months |= frame.months
    ev.relation = ev.relation or frame.relation
    if frame.kind == "deployment" and frame.force and " forces in " in ev.name:
        ev.name = frame.name
    if frame.kind == "exercise" and frame.name and frame.name_strength and not ev.named:
        ev.name, ev.named = frame.name, True
    if frame.descriptor:
        ev._descriptors.append(frame.descriptor)
    ev._joint = ev._joint or frame.joint
    ev._located = _unique([*ev._located, *frame.location_countries])
    ev._relation_kind = frame.relation_kind or ev._relation_kind
    ev._joins = ev._joins or frame.joins
    if frame.sentence not in ev.evidence:
        ev.evidence.append(frame.sentence)
    if art not in ev.articles:
        ev.articles.append(art)


def _compatible_dates(a: set[int], b: set[int]) -> bool:
    return not a or not b or bool(a & b)


def _group_article(frames: list[_Frame], art: Article) -> list[Event]:
    events: list[Event] = []
    current: Event | None = None
    for f in frames:
        if f.kind != "exercise":
            same = next(
                (
                    e
                    for e in events
                    if e.kind == f.kind
                    and set(e.participants) == set(f.participants)
                    and (f.kind != "deployment" or (e.host or e.location) == ((f.hosts or [None])[0] or f.location_text))
                ),
                None,
            )
            if same is None:
                events.append(_new_event(f, art))
            else:
                _absorb(same, f, art)
            continue
        if f.name and f.name_strength:
            target = next((e for e in events if e.kind == "exercise" and e.named and _name_key(e.name) == _name_key(f.name)), None)
            if target is None and current is not None and not current.named and _compatible_dates(current.months, f.months):
                target = current
            if target is None:
                target = _new_event(f, art)
                events.append(target)
            else:
                _absorb(target, f, art)
            current = target
            continue
        main = next((e for e in events if e.kind == "exercise" and e.named), None) or next(
            (e for e in events if e.kind == "exercise"), None
        )
        if current is None or not _compatible_dates(current.months, f.months):
            # another exercise: one at another time of year than the one being described
            target = next((e for e in events if e.kind == "exercise" and f.months and e.months & f.months), None)
            if target is None:
                target = _new_event(f, art)
                target._digression = current is not None
                events.append(target)
            else:
                _absorb(target, f, art)
            current = target
        elif current._digression and not f.months and main is not None and main is not current:
            _absorb(main, f, art)  # back from an aside about another exercise
            current = main
        else:
            _absorb(current, f, art)
    # An unnamed exercise described before its name is given is the named one.
    named = [e for e in events if e.kind == "exercise" and e.named]
    for e in [e for e in events if e.kind == "exercise" and not e.named]:
        match = [n for n in named if _compatible_dates(n.months, e.months)]
        if len(match) == 1 and (not e.months or e.months & match[0].months):
            _merge_into(match[0], e)
            events.remove(e)
    return events


def _merge_into(target: Event, other: Event) -> None:
    target.participants = _unique([*target.participants, *other.participants])
    target.places = _unique([*target.places, *other.places])
    target.host = target.host or other.host
    target.location = target.location or other.location
    if not target.start and other.start or is_iso(other.start) and not is_iso(target.start):
        target.start, target.end, target.dates_text = other.start, other.end, other.dates_text
    target.dates_text = target.dates_text or other.dates_text
    target.duration = target.duration or other.duration
    target.months |= other.months
    target.relation = target.relation or other.relation
    if other.named and not target.named:
        target.name, target.named = other.name, True
    target._descriptors = [*target._descriptors, *other._descriptors]
    target._joint = target._joint or other._joint
    target._located = _unique([*target._located, *other._located])
    for s in other.evidence:
        if s not in target.evidence:
            target.evidence.append(s)
    for a in other.articles:
        if a not in target.articles:
            target.articles.append(a)
    target.citations.extend(c for c in other.citations if (c.chunk_id, c.quote) not in {(x.chunk_id, x.quote) for x in target.citations})


def _same_event(a: Event, b: Event) -> bool:
    if a.kind != b.kind:
        return False
    if a.kind == "exercise":
        if a.named and b.named:
            return _name_key(a.name) == _name_key(b.name)
        shared = set(a.participants) & set(b.participants)
        if len(shared) < min(2, len(a.participants), len(b.participants)) or not shared:
            return False
        places = {p.lower() for p in a.places} & {p.lower() for p in b.places}
        dates = a.months & b.months
        same_days = is_iso(a.start) and a.start == b.start
        return bool(places or same_days or (dates and (a.host == b.host)))
    if a.kind == "alliance":
        return set(a.participants) == set(b.participants) and a._relation_kind == b._relation_kind
    return set(a.participants) == set(b.participants) and (a.host or "") == (b.host or "")


def merge_events(events: list[Event]) -> list[Event]:
    """Records about the same event (from several articles) become one, keeping every citation."""
    out: list[Event] = []
    for ev in events:
        target = next((e for e in out if _same_event(e, ev)), None)
        if target is None:
            out.append(ev)
        else:
            _merge_into(target, ev)
    return out


def _finish(ev: Event) -> None:
    """Name, host-as-participant, type and one-sentence summary from the gathered fields."""
    if ev.kind == "exercise":
        located = ev._located
        ev.participants = [p for p in ev.participants if p not in located or p == ev.host]
        if ev.host and ev._joint and ev.host not in ev.participants:
            ev.participants.append(ev.host)
        if ev.participants == [] and ev.host:
            ev.participants = [ev.host]
        if not ev.location and ev.places:
            ev.location = max(ev.places, key=lambda p: sum(p.lower() in s.text.lower() for s in ev.evidence))
        if not ev.named:
            descriptors = [d for d in ev._descriptors if d]
            desc = max(descriptors, key=lambda d: (len(d.split()) + (0.5 if "joint" in d else 0) + (0.5 if d.endswith("exercise") else 0)), default="military exercise")
            who = "–".join(ev.participants[:3])
            ev.name = f"{who} {desc}".strip() if who else desc[0].upper() + desc[1:]
        ev.type, ev.cameo, ev.cameo_label = TYPES["exercise"]
    elif ev.kind == "deployment":
        ev.type, ev.cameo, ev.cameo_label = TYPES["deployment"]
        if not ev.location and ev.places:
            ev.location = ev.places[0]
    else:
        ev.type, ev.cameo, ev.cameo_label = TYPES[ev._relation_kind or "cooperate-civil"]
    if not ev.summary:
        ev.summary = summarise(ev)


def _join(items: list[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def summarise(ev: Event) -> str:
    """One sentence from the record's fields (offline mode)."""
    when = ""
    if ev.start and ev.end:
        when = f", {ev.start} to {ev.end}"
    elif ev.start:
        when = f", from {ev.start}"
    elif ev.dates_text:
        starting = re.fullmatch(r"(?:\w+ )?\w+day", ev.dates_text)
        when = f", starting {ev.dates_text}" if starting else f", {ev.dates_text}"
    if ev.kind == "exercise":
        label = f"{ev.name} exercise" if ev.named else ev.name[0].upper() + ev.name[1:]
        where = ""
        if ev.location and ev.host and ev.host not in ev.location:
            where = f" near {ev.location}, {ev.host}" if ev.location not in (ev.host,) else f" in {ev.host}"
        elif ev.location:
            where = f" near {ev.location}"
        elif ev.host:
            where = f" in {ev.host}"
        dur = f" ({ev.duration})" if ev.duration else ""
        who = f": {_join(ev.participants)}" if ev.participants else ""
        return f"{label}{who}{',' if who and where else ''}{where}{when}{dur}."
    if ev.kind == "alliance":
        if ev.relation and ev._joins and len(ev.participants) == 2:
            return f"{ev.participants[0]} {ev.relation} {ev.participants[1]}."
        if ev.name.endswith(" membership"):
            return f"{ev.participants[0]}: members include {_join(ev.participants[1:])}."
        return f"{_join(ev.participants)}: {ev.relation or 'alignment'}."
    dest = ev.host or ev.location
    where = f" to {dest}" if dest else ""
    return f"{_join(ev.participants)} deployed {ev.name.rsplit(' in ', 1)[0]}{where}{when}."


def number_citations(events: list[Event], start: int = 1, existing: list[Citation] | None = None) -> list[Citation]:
    """Give every event its citations (one per evidence sentence), numbered across the whole list
    from ``start``; a sentence cited twice keeps one number. Returns the new citations in order."""
    registry: dict[tuple[str, int, int], Citation] = {}
    for c in existing or []:
        registry[(c.chunk_id, c.char_start or 0, c.char_end or 0)] = c
    new: list[Citation] = []
    n = start
    for ev in events:
        ev.citations = []
        for sent in sorted(ev.evidence, key=lambda s: (s.chunk.source, s.position)):
            key = (sent.chunk.chunk_id, sent.chunk.char_start + sent.span.start, sent.chunk.char_start + sent.span.end)
            cit = registry.get(key)
            if cit is None:
                cit = sent.citation(n)
                registry[key] = cit
                new.append(cit)
                n += 1
            if cit not in ev.citations:
                ev.citations.append(cit)
    return new


def extract_offline(settings: Settings, articles: list[Article]) -> list[Event]:
    ctx = _Context(settings, articles)
    events: list[Event] = []
    for art in articles:
        events.extend(_group_article(_article_frames(art, ctx), art))
    events = merge_events(events)
    for ev in events:
        _finish(ev)
    return [e for e in events if e.kind != "exercise" or e.participants or e.named or e.host or e.places]


# --------------------------------------------------------------------------- LLM extraction
def _llm_schema():
    from typing import Literal

    from pydantic import BaseModel, Field

    class EventRecord(BaseModel):
        """One exercise, alliance/alignment or deployment described in the article."""

        kind: Literal["exercise", "alliance", "deployment"]
        name: str = Field(description="Proper name (e.g. 'Vostok'), or a short descriptive name when it has none")
        participants: list[str] = Field(default_factory=list, description="Countries or organisations taking part (alliances: the parties)")
        host: str | None = Field(default=None, description="Host country")
        location: str | None = Field(default=None, description="Place names as written in the article")
        start: str | None = Field(default=None, description="YYYY-MM-DD if the year is known, else as written")
        end: str | None = Field(default=None, description="YYYY-MM-DD if the year is known, else as written")
        relation: str | None = Field(default=None, description="Alliances: how the parties relate, as written")
        summary: str = Field(description="One sentence")
        evidence: list[int] = Field(description="Numbers of the sentences that support this record")

    class ArticleEvents(BaseModel):
        """Every exercise, alliance/alignment and deployment in the article."""

        events: list[EventRecord] = Field(default_factory=list)

    return ArticleEvents


def _windows(sentences: list[Sentence], budget: int) -> list[list[Sentence]]:
    """Consecutive sentences within ``budget`` tiktoken tokens per window."""
    from qa.text.tokens import count_tokens

    out: list[list[Sentence]] = []
    cur: list[Sentence] = []
    used = 0
    for s in sentences:
        n = count_tokens(s.text) + 4
        if cur and used + n > budget:
            out.append(cur)
            cur, used = [], 0
        cur.append(s)
        used += n
    if cur:
        out.append(cur)
    return out


def extract_llm(settings: Settings, articles: list[Article], llm: ChatLLM, *, budget: int = 3000) -> list[Event]:
    """Map: one structured-output call per article (per window of a long one); reduce: merge."""
    from qa.events.entities import resolve_country
    from qa.llm.prompts import load_prompt

    prompt = load_prompt("events", frozenset({"title", "published", "sentences"}))
    schema = _llm_schema()
    events: list[Event] = []
    for art in articles:
        usable = [s for s in art.sentences if art.on_topic(s)]
        for window in _windows(usable, budget):
            numbered = "\n".join(f"[{i}] {s.text}" for i, s in enumerate(window, start=1))
            result = llm.structured(
                prompt,
                {"title": art.title, "published": art.date or "unknown", "sentences": numbered},
                schema,
            )
            for rec in result.events:
                evidence = [window[n - 1] for n in _unique(rec.evidence) if isinstance(n, int) and 1 <= n <= len(window)]
                if not evidence:
                    continue  # a record the model could not ground in a sentence is dropped
                ev = Event(kind=rec.kind, name=rec.name.strip() or rec.kind)
                ev.named = rec.kind == "exercise"
                ev.participants = _unique(_normalise_party(p, resolve_country) for p in rec.participants)
                host = _normalise_party(rec.host, resolve_country) if rec.host else None
                ev.host = host
                ev.location = rec.location
                ev.places = [rec.location] if rec.location else []
                ev.start, ev.end = _llm_date(rec.start, art.published), _llm_date(rec.end, art.published)
                ev.dates_text = " to ".join(x for x in (rec.start, rec.end) if x) or None
                ev.months = {int(v[5:7]) for v in (ev.start, ev.end) if is_iso(v)}
                ev.relation = rec.relation
                ev.summary = rec.summary.strip()
                ev._relation_kind = "agree" if rec.kind == "alliance" and re.search(r"join|admit|member|sign|treaty|pact|accession", f"{rec.relation} {rec.summary}", re.I) else ("cooperate" if rec.kind == "alliance" else "")
                ev.evidence = evidence
                ev.articles = [art]
                events.append(ev)
    events = merge_events(events)
    for ev in events:
        if ev.kind == "exercise":
            ev.type, ev.cameo, ev.cameo_label = TYPES["exercise"]
        elif ev.kind == "deployment":
            ev.type, ev.cameo, ev.cameo_label = TYPES["deployment"]
        else:
            ev.type, ev.cameo, ev.cameo_label = TYPES[ev._relation_kind or "cooperate"]
        if not ev.summary:
            ev.summary = summarise(ev)
    return events


def _normalise_party(value: str | None, resolve) -> str:
    if not value:
        return ""
    match = resolve(value.strip())
    return match.name if match else value.strip()


def _llm_date(value: str | None, published: date | None) -> str | None:
    if not value or not value.strip():
        return None
    value = value.strip()
    if is_iso(value):
        return value
    from qa.events.entities import _parse_day

    return _parse_day(value, published) or value


# --------------------------------------------------------------------------- entry point
def extract_events(
    settings: Settings,
    *,
    topic: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    llm: ChatLLM | None = None,
    articles: list[Article] | None = None,
) -> list[Event]:
    """Cited event records from the index (or the part about ``topic``), newest articles' dates
    within ``since``/``until`` (as in ``qa.dates.parse_bound``). ``llm`` None: the offline extractor."""
    since, until = parse_range(since, until)
    if articles is None:
        articles = load_articles(settings, topic=topic, since=since, until=until)
    events = extract_llm(settings, articles, llm) if llm is not None else extract_offline(settings, articles)
    if topic:
        events = [e for e in events if any(a.on_topic(s) for a in e.articles for s in e.evidence if s.chunk.doc_id == a.doc_id)]
    if since or until:
        events = [e for e in events if _within(e, since, until)]
    events.sort(key=lambda e: (KINDS.index(e.kind), e.sort_date, -len(e.evidence), e.name))
    number_citations(events)
    return events


def _within(ev: Event, since: date | None, until: date | None) -> bool:
    """An event with its own ISO dates is judged by them; otherwise by its articles' dates."""
    start = ev.start if is_iso(ev.start) else None
    end = ev.end if is_iso(ev.end) else start
    if start is None:
        return True  # the articles were already filtered by publication date
    if since and end and date.fromisoformat(end) < since:
        return False
    return not (until and date.fromisoformat(start) > until)
