"""What a question asks: the names, numbers, quoted phrases and content words it turns on, the
noun it asks about ("which city"), the verb it uses, and the kind of answer it expects. Shared by
hybrid retrieval (the exact-term channel) and the offline answerer (coverage and abstention).

No model here: the shared tokenizer and stemmer (:mod:`qa.text.terms`) and a few closed word
lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.text.terms import STOPWORDS, lex_terms, normalise, stem, word_tokens

# Words that frame a question rather than name what it is about ("how long will X last").
SCAFFOLD = frozenset(
    """long far often old big large many much last take took taken takes place part happen happened
    happening occur occurred name named called kind type sort exactly approximately roughly around
    tell mention mentioned report reported according describe described give given make made get
    got go going went come came know known say said ask asked new recent recently currently
    current expected expect comment commented comments remark remarked announce announced state
    stated told tell noted added respond responded react reacted reply replied claim claimed""".split()
)

_QUESTION_WORDS = frozenset("what which who whom whose when where why how".split())
_AUX = frozenset(
    "is are was were be been do does did will would shall should can could may might must has have had".split()
)

PERSON_NOUNS = frozenset(
    """person people official officials leader leaders president presidents minister ministers
    spokesman spokeswoman spokesperson commander commanders general generals chief head ambassador
    secretary envoy analyst analysts politician diplomat admiral officer officers king queen prince
    premier chancellor author journalist reporter expert experts member members man woman""".split()
)
PLACE_NOUNS = frozenset(
    """city cities town towns country countries nation nations state states region regions province
    provinces base bases port ports sea seas river rivers island islands capital village area areas
    location locations border borders territory territories airport airbase district coast""".split()
)
ORG_NOUNS = frozenset(
    """organisation organisations organization organizations company companies alliance alliances
    group groups agency agencies bloc firm firms party parties body bodies ministry ministries
    newspaper outlet channel media institution bank union""".split()
)

_INITIALS_RE = re.compile(r"(?:[A-Z]\.){1,3}[A-Z]\.?")
# A designation in the plural: a lowercase "s" after its last digit or capital ("F-35Bs",
# "MiG-29s", "C-130s"); not a variant ("Su-35S"), an ordinal ("12ths") or a decade ("1990s").
_PLURAL_DESIGNATION_RE = re.compile(r"(?=.*[A-Za-z].*s$)(?!(?:[a-z]+-)?'?\d{2}(?:\d{2})?s$)[\w.-]*[0-9A-Z]s")
_QUOTED_RE = re.compile(r"[\"“”«»]([^\"“”«»]{2,80})[\"“”«»]")


@dataclass(frozen=True)
class Term:
    """One thing a question turns on. ``kind``: name | number | quoted | content."""

    text: str  # lower-cased surface form ("belarus", "y-20", "11", "population")
    stem: str
    kind: str
    acronym: bool = False  # all capitals in the question ("US", "SCO"): matched with case
    verb: bool = False  # a content word used as the verb: answers often paraphrase it
    plural: bool = False  # a designation in the plural ("F-35Bs", "MiG-29s"): matched in either number


@dataclass(frozen=True)
class QuestionInfo:
    question: str
    expects: str  # number | duration | date | person | place | org | any
    focus: tuple[str, ...]  # the noun(s) after which/what: the answer replaces them
    terms: tuple[Term, ...] = field(default_factory=tuple)
    counted: str | None = None  # "how many soldiers" -> "soldiers": the number must count them

    @property
    def key_terms(self) -> list[Term]:
        """Names, numbers and quoted phrases: the answer's evidence must mention each."""
        return [t for t in self.terms if t.kind != "content"]

    @property
    def content_terms(self) -> list[Term]:
        return [t for t in self.terms if t.kind == "content"]


def analyse(question: str) -> QuestionInfo:
    """Key terms, content terms, focus noun and expected answer type of ``question``."""
    q = question.strip()
    quoted = [m.group(1).strip() for m in _QUOTED_RE.finditer(q)]
    words = word_tokens(_QUOTED_RE.sub(" ", q))
    lower = [normalise(w) for w in words]
    focus = _focus(words, lower)
    verbs = _verbs(words, lower)
    expects = _expects(lower, focus)

    found: dict[str, Term] = {}

    def add(term: Term) -> None:
        if term.text and term.text not in found:
            found[term.text] = term

    for phrase in quoted:
        add(Term(phrase.lower(), " ".join(lex_terms(phrase)), "quoted"))
    for i, (word, low) in enumerate(zip(words, lower, strict=True)):
        acronym = len(word) >= 2 and word.isalpha() and word.isupper()
        if _INITIALS_RE.fullmatch(word):  # "U.K.", "H.W.": one acronym, matched dotted or not
            add(Term(low.replace(".", ""), low.replace(".", ""), "name", acronym=True))
            continue
        if not low or (low in STOPWORDS and not acronym):
            continue
        if any(ch.isdigit() for ch in low):
            plural = bool(_PLURAL_DESIGNATION_RE.fullmatch(word))
            add(Term(low[:-1] if plural else low, stem(low), "number", plural=plural))
            continue
        parts = [p for p in re.split(r"[-.]", low) if p]
        capital = word[:1].isupper() and (i > 0 or low not in _QUESTION_WORDS | _AUX)
        if capital and i == 0 and low in SCAFFOLD:
            capital = False
        if capital:
            for part in parts if len(parts) > 1 else [low]:
                if (part not in STOPWORDS or acronym) and (len(part) > 1 or len(parts) == 1):
                    add(Term(part, stem(part), "name", acronym=acronym))
            continue
        if low in focus or low in SCAFFOLD or low in _QUESTION_WORDS:
            continue
        for part in parts if len(parts) > 1 else [low]:
            if part not in STOPWORDS and part not in SCAFFOLD and len(part) > 1:
                add(Term(part, stem(part), "content", verb=low in verbs))
    counted = None
    for i in range(len(lower) - 1):
        if lower[i] == "how" and lower[i + 1] == "many":
            run = _noun_run(words, lower, i + 2)
            counted = run[-1] if run else None
            break
    return QuestionInfo(q, expects, tuple(focus), tuple(found.values()), counted)


_DO_AUX = frozenset("do does did will would shall should can could may might must has have had".split())
_BE_AUX = frozenset("is are was were be been being".split())
_IRREGULAR_PARTICIPLES = frozenset(
    """held made built seen known given taken sent won shot hit fought led set put struck drawn shown
    brought bought sold told found kept left lost met paid run begun done gone written spoken chosen
    broken driven flown thrown worn born sunk seized""".split()
)


def _noun_run(words: list[str], lower: list[str], start: int) -> list[str]:
    """Common nouns from ``start`` up to the verb (English word order: "which N aux ..." keeps
    every word before the auxiliary; "which N V obj", with no auxiliary, ends with the verb)."""
    return _run(words, lower, start)[0]


def _run(words: list[str], lower: list[str], start: int) -> tuple[list[str], str | None]:
    out: list[str] = []
    ended_by_aux = False
    for word, low in zip(words[start : start + 5], lower[start : start + 5], strict=True):
        if low in ("other", "another", "two", "three", "four", "five", "several", "main"):
            continue
        if low in _AUX:
            ended_by_aux = True
            break
        if (low in STOPWORDS and not (word.isupper() and len(word) > 1)) or low in SCAFFOLD:
            break
        if word[:1].isupper():  # a name inside the phrase stays a key term
            continue
        out.append(low)
    if len(out) >= 2 and not ended_by_aux:
        return out[:-1], out[-1]
    return out, None


def _verbs(words: list[str], lower: list[str]) -> set[str]:
    """Content words the question uses as its verb: "which N V ...", "did NP V ...", participles."""
    verbs: set[str] = set()
    for i, low in enumerate(lower):
        if low == "who" and i + 1 < len(lower) and lower[i + 1] not in _AUX | STOPWORDS:
            verbs.add(lower[i + 1])  # "who leads ...", "who signed ..."
        if low in ("which", "what", "whose"):
            _, verb = _run(words, lower, i + 1)
            if verb:
                verbs.add(verb)
        elif low in _DO_AUX and i > 0:
            collected: list[str] = []
            for word, nxt in zip(words[i + 1 :], lower[i + 1 :], strict=True):
                if nxt in _BE_AUX or nxt in SCAFFOLD:  # "be held", "take part": verb is elsewhere
                    collected = []
                    break
                if word[:1].isupper():
                    continue
                if nxt in STOPWORDS:
                    if collected:
                        break
                    continue
                collected.append(nxt)
            if collected:
                verbs.add(collected[-1])
        if (low.endswith("ed") and len(low) > 4) or low in _IRREGULAR_PARTICIPLES:
            verbs.add(low)
    return verbs


def _focus(words: list[str], lower: list[str]) -> list[str]:
    """Common nouns between "which"/"what" and the verb: "which city will" -> ["city"],
    "which US official commented on" -> ["official"]. The answer names an instance of them."""
    for i, w in enumerate(lower):
        if w in ("which", "what", "whose"):
            return _noun_run(words, lower, i + 1)
    return []


# What a question's wording says the answer is, first match wins (money before number,
# "how long" before "how far").
_EXPECT_PATTERNS = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (
            r"\bhow much\b.*\b(cost|costs|spend|spent|pay|paid|worth|price|budget|funding|value)\b"
            r"|\bwhat (is|was|were|are) the (cost|price|budget|value)\b",
            "money",
        ),
        (r"\bhow (many|much)\b|\bwhat (number|percentage|proportion|share|amount)\b", "number"),
        (r"\bhow (long|quickly|soon)\b", "duration"),
        (r"\bhow (far|old|big|large|high|fast|heavy)\b", "number"),
        (r"\bname of\b|\bnamed\b|\bnicknamed\b|\bcalled\b", "name"),
        (r"\bwhen\b|\b(what|which) (year|date|day|month|time)\b", "date"),
        (r"\b(who|whom|whose)\b", "person"),
        (r"\bwhere\b", "place"),
    )
)


def _expects(lower: list[str], focus: list[str]) -> str:
    joined = " ".join(lower)
    for pattern, kind in _EXPECT_PATTERNS:
        if pattern.search(joined):
            return kind
    fset = set(focus)
    if fset & PERSON_NOUNS:
        return "person"
    if fset & PLACE_NOUNS:
        return "place"
    if fset & ORG_NOUNS:
        return "org"
    return "any"
