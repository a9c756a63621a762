"""Alliance frames: a country joining an organisation, a pact between parties, or parties
described as allies, partners or friends."""

from __future__ import annotations

import re

from qa.events.cues import ALIGNMENT_RE, JOIN_RE, NEGATED_RE, SECURITY_TIE_RE
from qa.events.frame import Frame, country_lists
from qa.events.mentions import Mention, org_name
from qa.events.record import unique_in_order
from qa.retrieval.articles import Sentence

# After "joined", what it joined is left unsaid or called "the alliance": the organisation the
# article is about ("Kenya joined on 1 September", "Oman has joined the alliance").
_UNNAMED_TARGET_RE = re.compile(
    r"^\s*(?:(?:the|this) (?:alliance|organi[sz]ation|treaty|pact|bloc|coalition|grouping)\b|"
    r"(?:in|on) (?:\d|[A-Z][a-z]+ \d)|[.;,]|$)"
)


def alliance_frame(sent: Sentence, orgs: dict[str, str], mentions: list[Mention], article_org: str | None = None) -> Frame | None:
    """The alignment ``sent`` reports, None when it reports none (or denies one); ``article_org``
    is the organisation the article is about, for a country that "joined" without naming it."""
    text = sent.text
    join = JOIN_RE.search(text)
    actors = [m for m in mentions if m.kind == "country" and m.role == "actor"]
    org_mentions = [m for m in mentions if m.kind == "org"]
    if join and not NEGATED_RE.search(text[: join.start()]):
        joiners = [m for m in actors if m.end <= join.start()]
        target = next((m for m in org_mentions if m.start >= join.end() - 1), None)
        if joiners and target is None and article_org and _UNNAMED_TARGET_RE.match(text[join.end() :]):
            f = Frame(sent, "alliance")
            f.participants = unique_in_order([joiners[-1].country, article_org])
            f.relation, f.relation_kind, f.joins = join.group().strip(), "agree", True
            f.name = f"{joiners[-1].country} {f.relation} {article_org}"
            return f
        if joiners and target is not None:
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
            f.name = f"{' and '.join(m.country for m in subject)} {f.relation} {org_name(target.text, orgs)}"
            return f
    cues = list(ALIGNMENT_RE.finditer(text))
    if not cues or NEGATED_RE.search(text[: cues[0].start()]):
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
    else:
        f.relation_kind = "cooperate" if SECURITY_TIE_RE.search(text) else "cooperate-civil"
        if word in ("membership", "members", "member") and org_parties:
            f.participants = unique_in_order([*org_parties, *parties])
            f.name = f"{org_parties[0]} membership"
        else:
            f.name = f"{'–'.join(parties)} alignment"
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
