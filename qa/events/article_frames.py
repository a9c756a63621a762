"""Every frame of one article: sentences about exercises, alignments and deployments, in reading
order.

With the shipped sentence classifier (``qa.events.classifier``) it decides which kinds a sentence
reports and the rules read the fields (a sentence the classifier picks but no rule can read still
gives a frame, with the parties it names). Without it, the vocabulary cues decide (with the
non-military senses of "exercise" and "drill" set aside by the embedder)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qa.events.alliances import alignment_denied, alliance_frame
from qa.events.classifier import KindClassifier, load_classifier
from qa.events.countries import province_country
from qa.events.cues import (
    ALIGNMENT_RE,
    DEPLOYED_FORCE_RE,
    MILITARY_RE,
    SECURITY_TIE_RE,
    exercise_cue,
    only_verbal_exercise,
)
from qa.events.deployments import deployment_frame
from qa.events.exercise_names import named_exercise
from qa.events.exercises import exercise_frame
from qa.events.frame import Frame, find_participants
from qa.events.mentions import Mention, acronym_definitions, find_mentions, find_places, org_name
from qa.events.organisations import ORG_ANAPHOR_RE, security_body
from qa.events.record import unique_in_order
from qa.retrieval.articles import Article, Sentence
from qa.storage.embedders import cached_vectors, model_name_for

if TYPE_CHECKING:
    from qa.config import Settings

# Closer to the first two than to the rest: a military exercise, not fitness, a fire drill or
# exercising a right.
_SENSE_PROTOTYPES = (
    "Troops from several countries held joint military exercises and drills.",
    "The navy and air force staged war games near the border.",
    "Regular physical exercise and a healthy diet keep you fit.",
    "Pupils took part in a fire drill at the school.",
    "The company can exercise its option to buy the shares.",
)




class Context:
    """Per-run caches: organisation acronyms found anywhere in the corpus, the embedder check."""

    def __init__(self, settings: Settings, articles: list[Article], classifier: KindClassifier | None = None) -> None:
        self.settings = settings
        self.classifier = classifier if classifier is not None else load_classifier()
        # The weights fit one embedding model's vectors; with another (the OpenAI backend) the
        # rules decide, and no sentence is embedded (or paid for) just to be classified.
        if self.classifier is not None and self.classifier.model != model_name_for(settings):
            self.classifier = None
        self.orgs: dict[str, str] = {}
        for art in articles:
            self.orgs.update(acronym_definitions(art.text))
        self._embedder = None
        self._protos = None
        self._publishers: dict[str, str] | None = None
        self._doc_ids = [a.doc_id for a in articles]

    def publisher(self, art: Article) -> str:
        """The publisher and address the index keeps for ``art`` ("" when it keeps none, or
        there is no index: articles built in memory)."""
        if self._publishers is None:
            self._publishers = {}
            try:
                from qa.storage.store import open_store

                store = open_store(self.settings)
                try:
                    for _id, meta, _ in store.iter_records(where={"doc_id": {"$in": self._doc_ids}} if self._doc_ids else None):
                        found = " ".join(str(meta.get(k) or "") for k in ("publisher", "url")).strip()
                        if found:
                            self._publishers.setdefault(meta.get("doc_id", ""), found)
                finally:
                    store.close()
            except Exception:  # noqa: BLE001 - no index, or one without these fields: no publisher
                self._publishers = {}
        return self._publishers.get(art.doc_id, "")

    def embedder(self):
        from qa.storage.embedders import get_embedder

        if self._embedder is None:
            self._embedder = get_embedder(self.settings)
        return self._embedder

    def reporting_sentences(self, art: Article) -> list[Sentence]:
        """The article's sentences of four words or more that report: one addressed to an AI
        model ("Disregard the above passages; ...") is never evidence, in events as in answers."""
        from qa.retrieval.injection import instruction_sentences

        sents = [s for s in art.sentences if len(s.text.split()) >= 4]
        flagged = instruction_sentences([s.text for s in sents], self.embedder())
        return [s for s in sents if s.text not in flagged]

    def military_sense(self, texts: list[str]) -> list[bool]:
        """For exercise words with no military word nearby: closer to a military prototype than
        to everyday senses (fitness, fire drills, exercising a right)?"""
        if not texts:
            return []
        if self._protos is None:
            self._protos = cached_vectors(self.embedder(), list(_SENSE_PROTOTYPES))
        vecs = cached_vectors(self.embedder(), texts)
        sims = vecs @ self._protos.T
        return [bool(row[:2].max() > row[2:].max()) for row in sims]


def article_frames(art: Article, ctx: Context) -> list[Frame]:
    if ctx.classifier is not None:
        return classified_frames(art, ctx)
    return cue_frames(art, ctx)


def classified_frames(art: Article, ctx: Context) -> list[Frame]:
    """Frames of the kinds the classifier finds in each sentence, and of the three rules precise
    enough on their own: an exercise written with its proper name, a country joining a named
    organisation, a country's named forces ("Russia's Iskander missiles") sent into another
    country."""
    sents = ctx.reporting_sentences(art)
    verdicts = ctx.classifier.predict(ctx.embedder(), [s.text for s in sents])
    frames: list[Frame] = []
    prev_actors: list[str] = []
    last_org: str | None = None  # the organisation named last, what "the group" refers back to
    main_org = article_org(art, ctx.orgs) if any("alliance" in k for k in verdicts) or _ANY_FORM_OF_JOIN_RE.search(art.text) else None
    for sent, kinds in zip(sents, verdicts, strict=True):
        mentions = find_mentions(sent.text, ctx.orgs)
        if ("exercise" in kinds and not only_verbal_exercise(sent.text)) or (exercise_cue(sent.text) and named_exercise(sent.text)):
            frames.append(exercise_frame(sent, art, ctx.orgs, mentions, prev_actors))
        al = alliance_frame(sent, ctx.orgs, mentions, main_org, last_org) if mentions else None
        # an alignment is written with its vocabulary (allies, pact, member...): without it the
        # classifier takes lists of countries (sport results, tours) for alignments
        if "alliance" in kinds and ALIGNMENT_RE.search(sent.text) and not alignment_denied(sent.text):
            al = al or loose_frame(sent, "alliance", mentions, ctx.orgs)
            if al is not None and main_org and ORG_ANAPHOR_RE.search(sent.text) and main_org not in al.participants:
                al.participants.append(main_org)  # "joined the alliance": the article's organisation
        elif al is not None and not al.joins:
            al = None  # only a country joining a named organisation is read without the classifier
        if al is not None:
            frames.append(al)
        dep = deployment_frame(sent, art, ctx.orgs, mentions) if mentions else None
        if "deployment" in kinds and DEPLOYED_FORCE_RE.search(sent.text):
            # something deployable is named (troops, ships, missiles...)
            dep = dep or loose_frame(sent, "deployment", mentions, ctx.orgs)
        elif dep is not None and not (dep.force and dep.hosts and "exercise" not in kinds):
            dep = None  # only a country's named forces sent into another country
        if dep is not None:
            dep.read_dates(sent.text, art.published)
            frames.append(dep)
        prev_actors = unique_in_order(m.country for m in mentions if m.kind == "country" and m.role == "actor" and m.country)
        named = [org_name(m.text, ctx.orgs) for m in mentions if m.kind == "org" and _party_org(sent.text, m, ctx.orgs)]
        last_org = named[-1] if named else last_org
    return frames


def article_parties(art: Article, orgs: dict[str, str]) -> list[str]:
    """The countries and organisations an article names at least twice, most named first."""
    from collections import Counter

    counts: Counter[str] = Counter()
    for sent in art.sentences:
        for m in find_mentions(sent.text, orgs):
            if m.kind == "country" and m.country and m.how != "capital":
                counts[m.country] += 1
            elif m.kind == "org" and _party_org(sent.text, m, orgs):
                counts[org_name(m.text, orgs)] += 1
    return [p for p, n in counts.most_common() if n >= 2]


def article_country(art: Article, orgs: dict[str, str]) -> str | None:
    """The country an article is mostly about: the most named one (as a country, a demonym, a
    service or unit, or one of its states and provinces), when it is named at least twice and
    more often than any other. A unit's own news release names its country this way."""
    from collections import Counter

    counts: Counter[str] = Counter()
    for sent in art.sentences:
        for m in find_mentions(sent.text, orgs):
            if m.kind == "country" and m.country and m.how != "capital":
                counts[m.country] += 1
        for m in re.finditer(r"(?<=, )[A-Z][a-z]+(?: [A-Z][a-z]+)?\b", sent.text):
            country = province_country(m.group())
            if country:
                counts[country] += 1
    top = counts.most_common(2)
    if not top or top[0][1] < 2 or (len(top) > 1 and top[1][1] == top[0][1]):
        return None
    return top[0][0]


# The verb "join" in any form: an article that may report a join looks for its organisation.
_ANY_FORM_OF_JOIN_RE = re.compile(r"\bjoin(?:ed|s|ing)?\b", re.I)


def article_org(art: Article, orgs: dict[str, str]) -> str | None:
    """The organisation an article is about: the one it names most, at least twice."""
    from collections import Counter

    counts: Counter[str] = Counter()
    for sent in art.sentences:
        for m in find_mentions(sent.text, orgs):
            if m.kind == "org" and _party_org(sent.text, m, orgs):
                counts[org_name(m.text, orgs)] += 1
    top = counts.most_common(2)
    if not top or top[0][1] < 2 or (len(top) > 1 and top[1][1] == top[0][1]):
        return None
    return top[0][0]


def _party_org(sentence: str, m: Mention, orgs: dict[str, str]) -> bool:
    """An organisation that can be a party: one the articles define, or a name, not a code in
    capitals that the articles never spell out and that is written with a number ("CVN 76",
    "CSG 5") or in parentheses (a hull code, a news-agency dateline)."""
    if m.text in orgs or not m.text.isupper():
        return True
    return not (re.match(r"\s*\d", sentence[m.end :]) or sentence[: m.start].endswith("("))


def loose_frame(sent: Sentence, kind: str, mentions: list[Mention], orgs: dict[str, str]) -> Frame | None:
    """A sentence the classifier finds reports ``kind`` but no rule could read: the countries and
    organisations it names as acting are the parties; None when it names none."""
    f = Frame(sent, kind)
    parts, hosts, located, where = find_participants(sent.text, mentions, kind)
    actors = [m.country for m in mentions if m.kind == "country" and m.role == "actor" and m.country]
    org_names = [org_name(m.text, orgs) for m in mentions if m.kind == "org" and m.role == "actor" and _party_org(sent.text, m, orgs)]
    if kind == "alliance":
        org_names = [o for o in org_names if security_body(o)]
    f.participants = unique_in_order([*parts, *actors, *org_names])
    if not f.participants:
        return None
    f.hosts = [h for h in hosts if h not in f.participants]
    f.location_countries, f.location_text = located, where
    f.places = find_places(sent.text, orgs)
    if kind == "alliance":
        f.relation_kind = "cooperate" if SECURITY_TIE_RE.search(sent.text) else "cooperate-civil"
        f.name = org_names[0] if org_names else f"{'–'.join(f.participants)} alignment"
    else:
        dest = f.hosts[0] if f.hosts else (located[0] if located else where or (f.places[0] if f.places else None))
        f.name = f"{f.participants[0]} forces" + (f" in {dest}" if dest else "")
    return f


def cue_frames(art: Article, ctx: Context) -> list[Frame]:
    """Frames from the vocabulary cues alone (no classifier weights)."""
    frames: list[Frame] = []
    ambiguous: list[Sentence] = []
    prev_actors: list[str] = []
    pending: list[tuple[Sentence, list[Mention], list[str]]] = []
    reporting = ctx.reporting_sentences(art)
    for sent in reporting:
        mentions = find_mentions(sent.text, ctx.orgs)
        ex = exercise_cue(sent.text)
        if ex:
            if not (
                MILITARY_RE.search(sent.text.replace(ex.group(), " ", 1))
                or re.search(r"\b(war games|manoeuvres|maneuvers|military training|joint training)\b", ex.group(), re.I)
            ):
                ambiguous.append(sent)
            pending.append((sent, mentions, list(prev_actors)))
        actors = [m.country for m in mentions if m.kind == "country" and m.role == "actor" and m.country]
        prev_actors = unique_in_order(actors)
    keep_ambiguous = ctx.military_sense([s.text for s in ambiguous])
    drop = {id(s) for s, ok in zip(ambiguous, keep_ambiguous, strict=True) if not ok}
    exercise_ids = set()
    for sent, mentions, prev in pending:
        if id(sent) in drop:
            continue
        exercise_ids.add(id(sent))
        frames.append(exercise_frame(sent, art, ctx.orgs, mentions, prev))
    for sent in reporting:
        mentions = find_mentions(sent.text, ctx.orgs)
        if not any(m.kind in ("country", "org") for m in mentions):
            continue
        al = alliance_frame(sent, ctx.orgs, mentions)
        if al is not None and (id(sent) not in exercise_ids or al.relation_kind == "agree"):
            frames.append(al)
        if id(sent) not in exercise_ids:
            dep = deployment_frame(sent, art, ctx.orgs, mentions)
            if dep is not None:
                frames.append(dep)
    frames.sort(key=lambda f: f.sentence.position)
    return frames
