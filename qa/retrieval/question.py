"""What a question asks: its lexical terms, the names and numbers it turns on, and the kind of
answer it expects. Shared by hybrid retrieval (BM25 tokens, exact-term boost) and the offline
answerer (coverage and abstention).

No model here: stemming (Snowball), a stop list and a few closed word lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from qa.text.spans import terms

# Function words: never searched for, never required.
STOPWORDS = frozenset(
    """a an the of to in on at for and or but nor is are was were be been being by with as from that
    this these those it its their theirs his her hers they them he him she we us you your i me my our
    not no will would shall should can could may might must has have had having do does did doing
    done which who whom whose what when where why how than then there here into onto about after
    before over under up down out off again further once so such too very s t just also any some
    each every both all either neither other another own same only if while because until during
    through between against among per via within without upon across toward towards said says say
    like if whether more most less least much many few near besides beside outside inside around
    along behind beyond despite since till unless whereas whilst onto amid amongst""".split()
)

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
NUMBER_WORDS = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred
    hundreds thousand thousands million millions billion billions dozen dozens half several""".split()
)
_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_DATE_WORDS = frozenset(
    (
        _MONTHS
        + " monday tuesday wednesday thursday friday saturday sunday yesterday today tomorrow tonight"
        " weekend spring summer autumn winter ago morning evening night"
    ).split()
)
_DURATION_WORDS = frozenset(
    "second seconds minute minutes hour hours day days week weeks month months year years decade decades".split()
)

_QUOTED_RE = re.compile(r"[\"“”«»]([^\"“”«»]{2,80})[\"“”«»]")
_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-’'.]*[A-Za-z0-9]|[A-Za-z0-9]")


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


# British and American spellings of one word meet before stemming ("manoeuvres" ~ "maneuvers",
# "defence" ~ "defense", "mobilised" ~ "mobilized", "centre" ~ "center"): wire copy and local
# press mix them, and an analyst's question may use either. Both the index and the question go
# through the same folding, so a rule only has to avoid merging two different words.
_SPELLING_RULES = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"oeuvred$", "euvered"),
        (r"oeuvring$", "euvering"),
        (r"oeuvre(s)?$", r"euver\1"),
        (r"^(def|off|lic|pret)ence", r"\1ense"),
        (r"^(\w{3,})our(s|ed|ing|ite|ites|able|ably|er|ers)?$", r"\1or\2"),
        (r"^(\w{2,})tre(s)?$", r"\1ter\2"),
        (r"^(\w{3,})ys(e|es|ed|ing)$", r"\1yz\2"),
        (r"^(\w{3,})is(e|es|ed|ing|ation|ations)$", r"\1iz\2"),
        (r"^(\w{3,})ogue(s)?$", r"\1og\2"),
    )
)


def fold_spelling(word: str) -> str:
    """The American spelling of a lower-cased British one (other words unchanged)."""
    for pattern, repl in _SPELLING_RULES:
        word = pattern.sub(repl, word)
    return word


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball stem of a lower-cased word, spelling folded; numbers and codes ("y-20", "2022")
    stay whole."""
    if any(ch.isdigit() for ch in word) or len(word) <= 3:
        return word
    return _stemmer().stemWord(fold_spelling(word))


def _norm(token: str) -> str:
    token = token.lower().replace("’", "'")
    if token.endswith("'s"):
        token = token[:-2]
    return token.strip("'.")


def lex_terms(text: str) -> list[str]:
    """Tokens for BM25 and term matching: stemmed, stop words out, compounds also split.

    "Y-20" gives "y-20", "y", "20"; "11-day" gives "11-day", "11", "day"; "China's" gives "china".
    """
    out: list[str] = []
    for raw in terms(text):
        token = _norm(raw)
        if not token or token in STOPWORDS:
            continue
        out.append(stem(token))
        if "-" in token or "." in token:
            for part in re.split(r"[-.]", token):
                if part and part not in STOPWORDS and (len(part) > 1 or part.isdigit()):
                    out.append(stem(part))
    return out


def surface_words(text: str) -> list[str]:
    """The words of ``text`` with their case (for name and acronym checks)."""
    return _WORD_RE.findall(text.replace("’", "'"))


# --------------------------------------------------------------------------- question analysis
@dataclass(frozen=True)
class Term:
    """One thing a question turns on. ``kind``: name | number | quoted | content."""

    text: str  # lower-cased surface form ("belarus", "y-20", "11", "population")
    stem: str
    kind: str
    acronym: bool = False  # all capitals in the question ("US", "SCO"): matched with case
    verb: bool = False  # a content word used as the verb: answers often paraphrase it


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
    words = surface_words(_QUOTED_RE.sub(" ", q))
    lower = [_norm(w) for w in words]
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
        if not low or (low in STOPWORDS and not acronym):
            continue
        if any(ch.isdigit() for ch in low):
            add(Term(low, stem(low), "number"))
            continue
        parts = [p for p in re.split(r"[-.]", low) if p]
        capital = word[:1].isupper() and (i > 0 or low not in _QUESTION_WORDS | _AUX)
        if capital and i == 0 and low in SCAFFOLD:
            capital = False
        if capital:
            for part in parts if len(parts) > 1 else [low]:
                if part not in STOPWORDS or acronym:
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


# --------------------------------------------------------------------------- matching
def term_in(term: Term, text: str, stems: set[str] | None = None) -> bool:
    """Whether ``text`` mentions ``term``: numbers and quotes literally, names by stem or a shared
    prefix ("China" ~ "Chinese", "Belarus" ~ "Belarusian"), acronyms with their case."""
    if term.kind in ("number", "quoted"):
        pattern = r"[-\s]?".join(re.escape(p) for p in re.split(r"[-\s]+", term.text) if p)
        return re.search(rf"(?<![a-z0-9]){pattern}(?![a-z0-9])", text.lower().replace("’", "'")) is not None
    if term.acronym:
        return re.search(rf"(?<![A-Za-z0-9]){re.escape(term.text.upper())}(?![A-Za-z0-9])", text) is not None
    stems = stems if stems is not None else set(lex_terms(text))
    if term.stem in stems:
        return True
    if term.kind == "name" and len(term.text) >= 4:
        n = max(4, len(term.text) - 2)
        prefix = term.text[:n]
        return any(s.startswith(prefix) for s in stems)
    return False


def answer_type_ok(expects: str, sentence: str, question_stems: set[str]) -> bool:
    """Does ``sentence`` hold something of the kind the question asks for, beyond the question's
    own words? (a number for "how many", a date for "when", a new name for "who"/"which city")."""
    if expects == "any":
        return True
    words = surface_words(sentence)
    lows = [_norm(w) for w in words]
    new = [(w, lo) for w, lo in zip(words, lows, strict=True) if lo and stem(lo) not in question_stems]
    has_number = any(any(ch.isdigit() for ch in lo) or lo in NUMBER_WORDS for _, lo in new)
    if expects == "number":
        return has_number
    if expects == "money":
        return has_number and bool(
            re.search(r"[$£€¥]|\b(dollars?|pounds?|euros?|yuan|roubles?|rubles?|yen|rupees?|usd|eur|gbp|bn|m)\b", sentence, re.I)
        )
    if expects == "duration":
        return has_number and (
            any(lo in _DURATION_WORDS or re.search(r"-(day|week|month|year|hour)s?$", lo) for _, lo in new)
            or any(lo in _DURATION_WORDS for lo in lows)
        )
    if expects == "date":
        if re.search(r"\b(last|next|this|earlier this|later this|previous|coming) (week|month|year|decade)\b", sentence, re.I):
            return True
        return any(lo in _DATE_WORDS or re.fullmatch(r"(1[89]|20)\d\ds?", lo) for _, lo in new)
    long_stems = [q for q in question_stems if len(q) >= 4]

    def new_capital(i: int) -> bool:
        w, lo = words[i], lows[i]
        if not w[:1].isupper() or not lo or lo in STOPWORDS or lo in _DATE_WORDS:
            return False
        st = stem(lo)
        return st not in question_stems and not any(st[:4] == q[:4] for q in long_stems)

    def capital(i: int) -> bool:
        return 0 <= i < len(words) and words[i][:1].isupper() and lows[i] not in STOPWORDS

    if expects in ("person", "name"):
        # A person's name: two capitalised words ("Ned Price"), or a title and a name ("Mr Xi").
        for i in range(len(words)):
            if new_capital(i) and (capital(i - 1) or capital(i + 1) or (i > 0 and lows[i - 1] in _TITLES)):
                return True
        if expects == "name":  # or a nickname in quotes
            return bool(re.search(r"[\"“«][^\"”»]{2,40}[\"”»]", sentence))
        return False
    # place / org: a capitalised word the question does not contain (not sentence-initial)
    return any(new_capital(i) for i in range(1, len(words)))


_TITLES = frozenset(
    """mr mrs ms dr president gen general minister spokesman spokeswoman spokesperson prime
    secretary colonel col admiral adm commander leader chief king queen prince premier chancellor
    sir lord senator sen governor gov ambassador envoy""".split()
)
