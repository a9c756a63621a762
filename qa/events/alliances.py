"""Alliance frames: a country joining an organisation, a pact between parties, or parties
described as allies, partners or friends."""

from __future__ import annotations

import re

from qa.events.cues import ALIGNMENT_RE, HOPED_RE, JOIN_RE, NEGATED_RE, SECURITY_TIE_RE
from qa.events.frame import Frame, country_lists
from qa.events.mentions import Mention, org_name
from qa.events.organisations import ORG_ANAPHOR, security_body
from qa.events.record import unique_in_order
from qa.retrieval.articles import Sentence

# After "joined", what it joined is left unsaid or called "the alliance": the organisation the
# article is about ("Kenya joined on 1 September", "Oman has joined the alliance").
_UNNAMED_TARGET_RE = re.compile(
    r"^\s*(?:" + ORG_ANAPHOR + r"|"
    r"(?:in|on) (?:\d|[A-Z][a-z]+ \d)|[.;,]|$)"
)


def denied(before: str) -> bool:
    """The text before a cue denies the alignment or only hopes for it."""
    return bool(NEGATED_RE.search(before) or HOPED_RE.search(before))


def alignment_denied(text: str) -> bool:
    """Every alignment cue of ``text`` is denied or only hoped for ("refused to join", "voiced its
    intention to join", "due to travel to discuss cooperation")."""
    cues = list(ALIGNMENT_RE.finditer(text))
    return bool(cues) and all(denied(text[: c.start()]) for c in cues)


# "the joining of Cameroon", "the accession of Finland": a country that joined, written after.
_JOINING_OF_COUNTRY_RE = re.compile(r"\b(?:joining|accession|admission|entry) of\s+(?:the\s+)?", re.I)


def alliance_frame(
    sent: Sentence, orgs: dict[str, str], mentions: list[Mention], article_org: str | None = None, last_org: str | None = None
) -> Frame | None:
    """The alignment ``sent`` reports, None when it reports none (or denies one); ``article_org``
    is the organisation the article is about, for a country that "joined" without naming it;
    ``last_org`` the one named last before ``sent``, what "the group comprises..." refers to."""
    text = sent.text
    mentions = [m for m in mentions if m.kind != "org" or security_body(org_name(m.text, orgs))]
    if article_org and not security_body(article_org):
        article_org = None
    for join in JOIN_RE.finditer(text):
        if not denied(text[: join.start()]):
            f = _join_frame(sent, orgs, mentions, article_org, join)
            if f is not None:
                return f
    for nominal in _JOINING_OF_COUNTRY_RE.finditer(text):
        f = _nominal_join_frame(sent, orgs, mentions, article_org, nominal)
        if f is not None:
            return f
    listed = _membership_frame(sent, orgs, mentions, article_org or last_org)
    if listed is not None:
        return listed
    actors = [m for m in mentions if m.kind == "country" and m.role == "actor"]
    org_mentions = [m for m in mentions if m.kind == "org"]
    cues = list(ALIGNMENT_RE.finditer(text))
    if not cues or denied(text[: cues[0].start()]):
        return None
    cue = cues[0]
    for later in cues[1:]:  # "signed a reciprocal access agreement": up to the last cue of the phrase
        if later.start() - cue.end() <= 40:
            cue = later
    word0 = cues[0].group(1).lower()
    if word0 in ("pact", "treaty", "agreement", "agreements", "accord", "signed"):
        # parties of a pact: the countries written just before it, and those it is "with"
        groups = country_lists(text, [m for m in actors if m.end <= cues[0].start()])
        if not groups:
            return None
        subject = [m.country for m in groups[-1] if m.country]
        with_ = re.match(r"^[^.;]{0,40}?\bwith\s+(?:the\s+)?", text[cue.end() :])
        partners = [m.country for m in actors if with_ and m.start == cue.end() + with_.end() and m.country]
        actors = [m for m in actors if m.country in subject + partners]
    parties = unique_in_order([m.country for m in actors] + [org_name(m.text, orgs) for m in org_mentions if m.role == "actor"])
    if len(parties) < 2 or not actors:
        return None
    f = Frame(sent, "alliance")
    f.participants = parties
    groups = country_lists(text, [m for m in mentions if m.role == "actor"])
    subject_end = groups[0][-1].end if groups else actors[0].end
    f.relation = _relation_text(text, subject_end, cue)
    word = cues[0].group(1).lower()
    org_parties = [org_name(m.text, orgs) for m in org_mentions if m.role == "actor"]
    if word in ("pact", "treaty", "agreement", "agreements", "accord", "signed", "accession", "admitted", "admission"):
        f.relation_kind = "agree"
        f.name = f"{'–'.join(parties)} agreement"
        named = pact_name(text)
        if named:
            f.name, f.name_strength = named, 1
    else:
        f.relation_kind = "cooperate" if SECURITY_TIE_RE.search(text) else "cooperate-civil"
        if word in ("membership", "members", "member") and org_parties:
            f.participants = unique_in_order([*org_parties, *parties])
            f.name = f"{org_parties[0]} membership"
        else:
            f.name = f"{'–'.join(parties)} alignment"
    return f


# An organisation's members listed: "the SCO, comprising China, Russia...", "the group comprises".
_MEMBER_LIST_RE = re.compile(
    r"\b(?:compris(?:es|ing|ed)|consist(?:s|ing|ed)? of|made up of|(?:whose )?members (?:are|were|include|included|including))"
    r"\s+(?:the\s+)?",
    re.I,
)


def _membership_frame(sent: Sentence, orgs: dict[str, str], mentions: list[Mention], antecedent: str | None) -> Frame | None:
    """An organisation and the two or more countries listed as its members: the organisation
    named before the list, or ``antecedent`` when the sentence calls it "the group" / "the
    alliance"."""
    text = sent.text
    for listing in _MEMBER_LIST_RE.finditer(text):
        if denied(text[: listing.start()]):
            continue
        groups = country_lists(text, [m for m in mentions if m.start >= listing.end()])
        members = [m for m in groups[0] if m.kind == "country"] if groups and groups[0][0].start == listing.end() else []
        if len(members) < 2:
            continue
        named = [m for m in mentions if m.kind == "org" and m.end <= listing.start()]
        if named:
            org = org_name(named[-1].text, orgs)
        elif antecedent and security_body(antecedent) and _GROUP_ANAPHOR_RE.search(text[: listing.start()]):
            org = antecedent
        else:
            continue
        f = Frame(sent, "alliance")
        f.participants = unique_in_order([org, *(m.country for m in members)])
        f.relation, f.relation_kind, f.joins, f.name = re.sub(r"\s+the$", "", listing.group().strip(), flags=re.I), "agree", True, org
        return f
    return None


_GROUP_ANAPHOR_RE = re.compile(r"\b(?:" + ORG_ANAPHOR + r"|(?:the|this) group\b)", re.I)


# A pact written with its proper name: "the Wellington Declaration", "the Enhanced Defence
# Cooperation Agreement", "the AUKUS agreement".
_PACT_HEADS = r"(?:Declaration|Treaty|Pact|Accord|Agreement|Charter|Convention|Protocol|Arrangement)"
_PACT_NAME_RE = re.compile(
    r"\b((?:[A-Z][\w’'-]*\s+(?:(?:of|for|on|and)\s+(?:the\s+)?)?){1,6}" + _PACT_HEADS
    + r"(?:\s+of\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+(?:and\s+)?[A-Z][\w’'-]*){0,3})?)(?![\w-])"
    r"|\bthe\s+([A-Z][\w-]*[A-Z][\w-]*|[A-Z][a-z]+)\s+(?:agreement|treaty|pact|accord|declaration)\b"
)
_NOT_A_NAME = frozenset("the a an this that its their his her our new former".split())


def pact_name(text: str) -> str | None:
    """The proper name of a pact ``text`` names (a security one: not a trade agreement), None
    when it names none."""
    for m in _PACT_NAME_RE.finditer(text):
        if m.group(1):
            words = m.group(1).split()
            while words and words[0].lower() in _NOT_A_NAME:
                words = words[1:]
            name = " ".join(words)
            if len(words) >= 2 and security_body(name):
                return name
        elif m.group(2).lower() not in _NOT_A_NAME and security_body(m.group(2)):
            return f"{m.group(2)} {m.group(0).split()[-1]}"
    return None


# A preposition between a join verb and an organisation: the organisation is no object of the verb.
_NOT_THE_OBJECT_RE = re.compile(r"\b(?:across|in|at|on|for|during|with|from|by|to|over|against)\b", re.I)


def _join_frame(sent: Sentence, orgs: dict[str, str], mentions: list[Mention], article_org: str | None, join: re.Match) -> Frame | None:
    """Countries written before a join verb joining the organisation named after it (or, when
    none is, the article's organisation); the record is named after the organisation."""
    text = sent.text
    actors = [m for m in mentions if m.kind == "country" and m.role == "actor"]
    joiners = [m for m in actors if m.end <= join.start()]
    if not joiners:
        return None
    target = next((m for m in mentions if m.kind == "org" and m.start >= join.end() - 1), None)
    if target is not None and _NOT_THE_OBJECT_RE.search(text[join.end() : target.start]):
        return None  # "the UK joins a silence across the EU": what it joins is not the organisation
    if target is None:
        if not (article_org and _UNNAMED_TARGET_RE.match(text[join.end() :])):
            return None
        f = Frame(sent, "alliance")
        f.participants = unique_in_order([joiners[-1].country, article_org])
        f.relation, f.relation_kind, f.joins = join.group().strip(), "agree", True
        f.name = article_org
        return f
    # the countries in the list closest before the verb
    groups = country_lists(text, [m for m in mentions if m.end <= join.start()])
    subject = [m for m in (groups[-1] if groups else joiners) if m.kind == "country"] or joiners[-1:]
    f = Frame(sent, "alliance")
    f.participants = unique_in_order([*(m.country for m in subject), org_name(target.text, orgs)])
    f.relation = text[subject[-1].end : join.end()].strip(" ,") or join.group()
    if len(f.relation.split()) > 8:
        f.relation = join.group().strip()
    f.relation_kind = "agree"
    f.joins = True
    f.name = org_name(target.text, orgs)
    return f


def _nominal_join_frame(sent: Sentence, orgs: dict[str, str], mentions: list[Mention], article_org: str | None, nominal: re.Match) -> Frame | None:
    """"With the joining of Cameroon on 1 May": the country right after, joining the organisation
    named later in the sentence or the article's."""
    joiner = next((m for m in mentions if m.kind == "country" and m.start == nominal.end()), None)
    if joiner is None or denied(sent.text[: nominal.start()]):
        return None
    target = next((m for m in mentions if m.kind == "org" and m.start >= joiner.end), None)
    org = org_name(target.text, orgs) if target is not None else article_org
    if not org:
        return None
    f = Frame(sent, "alliance")
    f.participants = [joiner.country, org]
    f.relation, f.relation_kind, f.joins, f.name = nominal.group().strip(), "agree", True, org
    return f


def _relation_text(sentence: str, subject_end: int, cue: re.Match) -> str:
    """How the parties relate, as written: from the subject to the cue word, or the words just
    before the cue when that stretch is long."""
    between = sentence[subject_end : cue.end()].strip(" ,;:")
    words = between.split()
    if 0 < len(words) <= 12:
        return between
    lead = sentence[: cue.end()].split()
    return " ".join(lead[-4:])
