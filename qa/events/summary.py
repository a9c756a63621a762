"""The finished record: a name for an unnamed exercise, the host among the participants, the
PLOVER type, and a one-sentence summary written from the record's fields."""

from __future__ import annotations

import re

from qa.events.countries import resolve_country
from qa.events.mentions import find_mentions
from qa.events.organisations import ORG_HEADS
from qa.events.record import Event, unique_in_order
from qa.text.dates import WEEKDAYS, weekday_day


def finish_record(ev: Event) -> None:
    """Name, host-as-participant, type and one-sentence summary from the gathered fields."""
    # "European Union." at the end of a sentence is the European Union.
    ev.participants = unique_in_order(p.strip(" .,;:!?'\"’”") for p in ev.participants)
    ev.name = ev.name.rstrip(" .,;:")
    if ev.kind == "exercise":
        located = ev.notes.located
        ev.participants = [p for p in ev.participants if p not in located or p == ev.host]
        if ev.host and ev.notes.joint and ev.host not in ev.participants:
            ev.participants.append(ev.host)
        if ev.participants == [] and ev.host:
            ev.participants = [ev.host]
        if not ev.location and ev.places:
            ev.location = max(ev.places, key=lambda p: sum(p.lower() in s.text.lower() for s in ev.evidence))
        if not ev.named:
            descriptors = [d for d in ev.notes.descriptors if d]
            desc = max(descriptors, key=lambda d: (len(d.split()) + (0.5 if "joint" in d else 0) + (0.5 if d.endswith("exercise") else 0)), default="military exercise")
            who = "–".join(ev.participants[:3])
            ev.name = f"{who} {desc}".strip() if who else desc[0].upper() + desc[1:]
    elif ev.kind == "deployment":
        if not ev.location and ev.places:
            ev.location = ev.places[0]
    if not ev.start and (ev.dates_text or "").lower() in WEEKDAYS:
        ev.start = _weekday_start(ev)
    ev.set_type(relation_default="cooperate-civil")
    if not ev.summary:
        ev.summary = summarise(ev)


def _weekday_start(ev: Event) -> str | None:
    """A record dated only by a weekday ("launched on Monday"), dated by it against its article's
    date. Done last, on the finished record: a weekday is a guess within a week, and it must not
    split or join records the way a date written out does."""
    published = {a.doc_id: a.published for a in ev.articles}
    for s in ev.evidence:
        day = published.get(s.chunk.doc_id)
        if day is not None and (found := weekday_day(s.text, day, ev.dates_text)):
            return found
    return None


def _join(items: list[str]) -> str:
    """"A, B and C"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _names(text: str, name: str) -> bool:
    """Whether ``text`` already says ``name`` (as a whole word: "India" is not in "Indian")."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


# Words a clause cannot end on: it would leave a verb or preposition without its object.
_DANGLING_WORDS = frozenset(
    "to into of with in on at for by from as the a an and or "
    "joined join joins admitted accepted welcomed signed ratified".split()
)
# A relation follows its subject when it starts on a verb: an auxiliary, or a word in -ed or -s
# ("have close ties", "signed a pact", "invoked the treaty"); not on "of the ANZUS treaty",
# "a major ally" or the stray words "prosperity, and our alliance".
_AUXILIARIES = frozenset(
    "is are was were be been will would can could may might must shall should has have had do does did remain remains".split()
)


# Plural nouns of alignment that end in -s like a verb: "China and Russia allies" is no sentence.
_PLURAL_NOUNS = frozenset("allies partners ties members relations talks forces nations countries states".split())


def _reads_as_predicate(relation: str) -> bool:
    first = relation.split()[0] if relation.split() else ""
    if not first.isalpha() or not first.islower() or first in _PLURAL_NOUNS:
        return False
    return first in _AUXILIARIES or first.endswith("ed") or (first.endswith("s") and not first.endswith("ss"))


_ACRONYM_TAIL_RE = re.compile(r"\s*\([^)]*\)$")
_EXERCISE_WORDS = frozenset("exercise exercises drill drills maneuvers manoeuvres games wargames".split())


# Names the extractor makes up ("China–Russia alignment"), not what was signed or joined.
_GENERATED_NAME_RE = re.compile(r" (?:alignment|agreement|membership)$")
# Heads of the names of agreements that take the article, as organisations' do.
_THE_HEADS = ORG_HEADS | frozenset("declaration accord agreement protocol charter convention".split())


def _the(org: str) -> str:
    """"the Shanghai Cooperation Organisation (SCO)", "the European Union", but "Nato": names
    headed by a common noun take the article."""
    words = _ACRONYM_TAIL_RE.sub("", org).split()
    if not words or words[0].lower() == "the" or words[-1].lower() not in _THE_HEADS:
        return org
    return f"the {org}"


def _dangles(clause: str) -> bool:
    words = clause.split()
    return not words or words[-1].lower().strip(".,;:") in _DANGLING_WORDS


def summarise(ev: Event) -> str:
    """One sentence from the record's fields (offline mode), naming each country once and never
    ending on a verb or preposition that has lost its object."""
    when = ""
    if ev.start and ev.end:
        when = f", {ev.start} to {ev.end}"
    elif ev.start:
        when = f", from {ev.start}"
    elif ev.dates_text:
        starting = re.fullmatch(r"(?:\w+ )?\w+day", ev.dates_text)
        when = f", starting {ev.dates_text}" if starting else f", {ev.dates_text}"
    if ev.kind == "exercise":
        return _exercise_summary(ev, when)
    if ev.kind == "alliance":
        return _alliance_summary(ev)
    return _deployment_summary(ev, when)


def _exercise_summary(ev: Event, when: str) -> str:
    """"Vostok exercise, hosted by Russia with China and India, August 30 to September 5.";
    "China–Belarus joint exercise near Brest, starting Monday." (the name already says who)."""
    words = _ACRONYM_TAIL_RE.sub("", ev.name).split()  # "Large-Scale Exercise (LSE)"
    last = words[-1].lower() if words else ""
    if ev.named:
        label = ev.name if last in _EXERCISE_WORDS else f"{ev.name} exercise"
    else:
        label = ev.name[:1].upper() + ev.name[1:]
    said = [p for p in ev.participants if _names(label, p)]
    others = [p for p in ev.participants if p not in said]
    who = ""
    if ev.host and ev.host in others:
        rest = [p for p in others if p != ev.host]
        who = f", hosted by {ev.host}" + (f" with {_join(rest)}" if rest else "")
        said.append(ev.host)
    elif others:
        who = f" with {_join(others)}" if said else f": {_join(others)}"
    said += others
    place = ev.location if ev.location and ev.location != ev.host else ""
    host = ev.host if ev.host and ev.host not in said and not _names(f"{label} {place}", ev.host) else ""
    if place and host:
        where = f" near {place}, {host}"
    elif place:
        where = f" near {place}"
    else:
        where = f" in {host}" if host else ""
    dur = f" ({ev.duration})" if ev.duration and not _names(label, ev.duration) else ""
    return f"{label}{who}{',' if who and where else ''}{where}{when}{dur}."


# How a membership list is written ("members include", "comprising"): the listed are members.
_MEMBERS_RE = re.compile(r"\b(?:members?|compris\w*|consist\w*|made up of|includes?|including|part of)\b", re.I)
# A join, not a membership ("became a member of" is a join).
_JOINED_RE = re.compile(
    r"\b(?:join(?:s|ed|ing)?|admitted|accepted|welcomed|accession|admission|entry|ratified|signed|bec[oa]me\w*)\b", re.I
)
# A join written as a noun ("the accession of", "joining of"): said as "joined".
_NOMINAL_JOIN_RE = re.compile(r"^(?:the\s+)?(?:joining|accession|admission|entry)(?:\s+(?:of|to))?(?:\s+the)?$", re.I)


def _alliance_summary(ev: Event) -> str:
    """"Belarus was admitted to the Shanghai Cooperation Organisation (SCO).", "Iran and India
    are members of the SCO.", "China and Russia have close security ties."."""
    parties = ev.participants
    # "Estonia, Latvia and Lithuania, which joined NATO": the relative pronoun has no place here
    relation = re.sub(r"^(?:which|who|that)\s+", "", (ev.relation or "").strip(" ,;:"), flags=re.I)
    orgs = [p for p in parties if p == ev.name or resolve_country(p) is None]
    if ev.name.endswith(" membership") and len(parties) > 1:
        orgs, relation = parties[:1], "members"
    membership = _MEMBERS_RE.search(relation) and not _JOINED_RE.search(relation)
    if orgs and (membership or ev.notes.joins or _JOINED_RE.search(relation)):
        org = next((p for p in orgs if p == ev.name or ev.name.startswith(f"{p} ")), orgs[0])
        countries = [p for p in parties if p not in orgs]
        if membership:
            if countries:
                return f"{_join(countries)} {'are members' if len(countries) > 1 else 'is a member'} of {_the(org)}."
        else:
            joiners = _joiners(ev, relation, countries)
            said = _JOINED_RE.search(relation) and relation[:1].isalpha() and not _NOMINAL_JOIN_RE.match(relation)
            verb = relation if said else "joined"
            if joiners:
                return f"{_join(joiners)} {verb} {_the(org)}."
    # "are partners with" lost its object: "are partners" still says it
    relation = re.sub(r"(?:\s+(?:to|into|of|with|in|on|at|for|by|from|as|the|a|an|and|or))+$", "", relation, flags=re.I)
    listed = [p for p in parties if not _names(relation, p)]
    clause = _reads_as_predicate(relation)
    if clause and not _dangles(relation) and listed:
        return f"{_join(listed)} {relation}."
    if _dangles(ev.relation or "") and not _GENERATED_NAME_RE.search(ev.name) and ev.name not in parties:
        # "signed" what the record is named after: "signed the Wellington Declaration"
        return f"{_join(parties)} {(ev.relation or '').strip()} {_the(ev.name)}."
    agreed = ev.notes.relation_kind == "agree" or ev.type == "AGREE"
    return f"{_join(parties) or 'The parties'} {'reached an agreement' if agreed else 'are aligned'}."


def _joiners(ev: Event, relation: str, countries: list[str]) -> list[str]:
    """The countries that joined: those written before the join in the sentence that reports it
    (a merged record also holds the members other sentences list), else those its name gives."""
    for sent in ev.evidence:
        at = sent.text.find(relation) if relation else -1
        if at > 0:
            before = {m.country for m in find_mentions(sent.text[:at]) if m.kind == "country"}
            joiners = [p for p in countries if p in before]
            if joiners:
                return joiners
    return [p for p in countries if _names(ev.name, p)] or countries


def _deployment_summary(ev: Event, when: str) -> str:
    """"China deployed forces to Russia, late August." (the sender is named once, so "China
    forces" are just forces); "Russia deployed Iskander missiles to Belarus"."""
    what = ev.name.rsplit(" in ", 1)[0]
    sender = next((p for p in ev.participants if re.match(rf"{re.escape(p)}(?:['’]s)?\s", what)), None)
    owner = next((m for m in find_mentions(what) if m.start == 0 and m.kind == "country"), None)
    if sender is not None:
        what = re.sub(r"^(?:['’]s)?\s+", "", what[len(sender) :])
    elif owner is not None and owner.country in ev.participants:
        # "China forces", "U.S. troops", "Russia's missiles" name the sender again; "Russian missiles" does not
        match = resolve_country(owner.text)
        if match is not None and match.kind != "demonym":
            what = re.sub(r"^(?:['’]s)?\s+", "", what[owner.end :])
    what = what or "forces"
    dest = ev.host or ev.location
    # A destination listed among the participants is where the forces went, not a sender
    # ("Russia deployed troops to Belarus"), unless it is the only one (forces moved at home).
    senders = [p for p in ev.participants if p != dest] or ev.participants
    where = f" to {dest}" if dest and dest not in senders and not _names(what, dest) else ""
    if not senders:
        return f"{what[:1].upper()}{what[1:]} deployed{where}{when}."
    return f"{_join(senders)} deployed {what}{where}{when}."
