"""``qa eval`` on an events gold file: the offline extractor run per article and scored against
the annotated exercises, alliances and deployments.

Gold file (``../shared/eval/defence_dev_events.json``): ``{"definitions": {...}, "articles":
[{"id", "events": [{"kind", "name", "participants", ...}]}], "doubts": [...]}``. An indexed
article belongs to gold article ``id`` when its source is ``<file>.jsonl#<id>`` (a JSONL line)
or its file is ``<id>.txt`` / ``<id>.html`` ...

The matching rule and the scores are in ``qa.evaluation.events_matching``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qa.errors import InputError
from qa.evaluation.events_matching import (
    ArticleErrors,
    EventsEvalReport,
    GoldEvent,
    KindScore,
    Pred,
    match_pairs,
    names_agree,
    participant_jaccard,
    score_articles,
)
from qa.events.record import KINDS

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.events.classifier import KindClassifier
    from qa.llm.chat import ChatLLM
    from qa.retrieval.articles import Article

@dataclass
class GoldArticle:
    id: str
    events: list[GoldEvent]


def is_events_gold_file(path: str | Path) -> bool:
    """Decided by shape, whatever the file's name: one JSON object with an ``articles`` key (and
    no ``question``) is an events gold file, valid or not, so that :func:`load_gold` names what
    is wrong with it; anything else is taken for a question file."""
    p = Path(path)
    if not p.is_file():
        return False
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and "articles" in data and "question" not in data


def load_gold(path: str | Path) -> list[GoldArticle]:
    """The gold articles of ``path``; a bad file is an ``InputError`` naming the first problem."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))  # a byte-order mark is allowed
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: cannot read: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({type(exc).__name__})") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{p}: invalid JSON ({getattr(exc, 'msg', None) or type(exc).__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        raise InputError(f'{p}: not an events gold file (expected an object with a list "articles")')
    if not data["articles"]:
        raise InputError(f'{p}: "articles" is empty: an events gold file needs at least one article')
    out: list[GoldArticle] = []
    seen: set[str] = set()
    for i, art in enumerate(data["articles"]):
        where = f"{p}: articles[{i}]"
        if not isinstance(art, dict):
            raise InputError(f'{where}: must be an object with "id" and "events"')
        if not isinstance(art.get("id"), str) or not art["id"].strip():
            raise InputError(f'{where}: needs a non-empty string "id"')
        if art["id"] in seen:
            raise InputError(f'{where}: id "{art["id"]}" listed twice')
        seen.add(art["id"])
        events = art.get("events")
        if not isinstance(events, list):
            raise InputError(f'{where}: "events" must be a list')
        gold = []
        for j, ev in enumerate(events):
            at = f"{where}.events[{j}]"
            if not isinstance(ev, dict):
                raise InputError(f"{at}: must be an object")
            if ev.get("kind") not in KINDS:
                raise InputError(f'{at}: "kind" must be one of {", ".join(KINDS)}')
            name = ev.get("name")
            if name is not None and not isinstance(name, str):
                raise InputError(f'{at}: "name" must be a string or null')
            parts = ev.get("participants", [])
            if not isinstance(parts, list) or not all(isinstance(x, str) for x in parts):
                raise InputError(f'{at}: "participants" must be a list of strings')
            evidence = ev.get("evidence") or ""
            if not isinstance(evidence, str):
                raise InputError(f'{at}: "evidence" must be a string')
            gold.append(GoldEvent(ev["kind"], name, parts, evidence))
        out.append(GoldArticle(art["id"], gold))
    return out


def gold_id(article: Article) -> str:
    """The gold id of an indexed article (see :func:`gold_id_of_source`)."""
    return gold_id_of_source(article.source)


def gold_id_of_source(source: str) -> str:
    """The gold id of an indexed source: the JSONL record id (``file.jsonl#id``), else the file
    name without its extension."""
    if "#" in source:
        return source.split("#", 1)[1]
    return Path(source).stem


def evaluate_events(
    path: str | Path,
    settings: Settings,
    *,
    articles: list[Article] | None = None,
    on_article: Callable[[str], None] | None = None,
    only_ids: Iterable[str] | None = None,
    classifier: KindClassifier | None = None,
    llm: ChatLLM | None = None,
) -> EventsEvalReport:
    """Run the event extractor on every indexed article of the gold file (or of ``only_ids``)
    and score it; gold articles missing from the index are counted, not scored. ``llm``: score
    the LLM extractor instead of the offline one. ``classifier`` replaces the shipped sentence
    classifier (threshold choice in ``scripts/train_events.py``)."""
    from qa.events.extract import extract_events, extract_offline
    from qa.retrieval.articles import load_articles

    gold_arts = load_gold(path)
    wanted = set(only_ids) if only_ids is not None else None
    gold = {a.id: a.events for a in gold_arts if wanted is None or a.id in wanted}
    if articles is None:
        articles = load_articles(settings)
    by_id = {}
    for art in articles:
        gid = gold_id(art)
        if gid in gold and gid not in by_id:
            by_id[gid] = art
    predicted: dict[str, list[Pred]] = {}
    for gid in gold:
        art = by_id.get(gid)
        if art is None:
            continue
        if llm is not None:
            found = extract_events(settings, llm=llm, articles=[art])
        else:
            found = extract_offline(settings, [art], classifier=classifier)
        predicted[gid] = [Pred.of(e) for e in found]
        if on_article is not None:
            on_article(gid)
    present = {g: ev for g, ev in gold.items() if g in by_id}
    report = score_articles(present, predicted, path=str(path), missing=len(gold) - len(present))
    report.mode = "offline" if llm is None else "llm"
    return report


def split_ids(ids: Iterable[str], seed: int, report_share: float = 0.4) -> tuple[list[str], list[str]]:
    """(choose, report): a fixed-seed split of gold article ids, by article; the choosing part
    trains and sets thresholds, the reporting part is only scored."""
    import random

    ordered = sorted(set(ids))
    random.Random(seed).shuffle(ordered)
    n_report = round(len(ordered) * report_share)
    return sorted(ordered[n_report:]), sorted(ordered[:n_report])


__all__ = [
    "KINDS",
    "ArticleErrors",
    "EventsEvalReport",
    "GoldArticle",
    "GoldEvent",
    "KindScore",
    "Pred",
    "evaluate_events",
    "gold_id",
    "is_events_gold_file",
    "load_gold",
    "match_pairs",
    "names_agree",
    "participant_jaccard",
    "score_articles",
    "split_ids",
]
