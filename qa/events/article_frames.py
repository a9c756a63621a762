"""Every frame of one article: sentences about exercises (with the non-military senses of
"exercise" and "drill" set aside), alignments and deployments, in reading order."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qa.events.alliances import alliance_frame
from qa.events.cues import MILITARY_RE, exercise_cue
from qa.events.deployments import deployment_frame
from qa.events.exercises import exercise_frame
from qa.events.frame import Frame
from qa.events.mentions import Mention, acronym_definitions, find_mentions
from qa.events.record import unique_in_order
from qa.retrieval.articles import Article, Sentence

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
        from qa.storage.embedders import get_embedder

        if self._embedder is None:
            self._embedder = get_embedder(self.settings)
            self._protos = self._embedder.embed_documents(list(_SENSE_PROTOTYPES))
        vecs = self._embedder.embed_documents(texts)
        sims = vecs @ self._protos.T
        return [bool(row[:2].max() > row[2:].max()) for row in sims]


def article_frames(art: Article, ctx: Context) -> list[Frame]:
    frames: list[Frame] = []
    ambiguous: list[Sentence] = []
    prev_actors: list[str] = []
    pending: list[tuple[Sentence, list[Mention], list[str]]] = []
    for sent in art.sentences:
        if len(sent.text.split()) < 4:
            continue
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
    for sent in art.sentences:
        if len(sent.text.split()) < 4:
            continue
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
