"""Does a passage answer a question? Whether a sentence mentions one of the question's terms
(names by stem or shared prefix, acronyms with their case, numbers and quotes literally), and
whether it holds the kind of answer asked for (a number, a date, a duration, a new name).

Used by the offline answerer; the question itself is read by :mod:`qa.retrieval.question`.
"""

from __future__ import annotations

import re

from qa.retrieval.question import Term
from qa.text.dates import MONTH_WORDS, MONTHS, WEEKDAYS, parse_period
from qa.text.terms import STOPWORDS, fold_accents, lex_terms, normalise, stem, word_tokens

NUMBER_WORDS = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred
    hundreds thousand thousands million millions billion billions dozen dozens half several""".split()
)
_DATE_WORDS = MONTH_WORDS | frozenset(
    WEEKDAYS
    + tuple("yesterday today tomorrow tonight weekend spring summer autumn winter ago morning evening night".split())
)
_DURATION_WORDS = frozenset(
    "second seconds minute minutes hour hours day days week weeks month months year years decade decades".split()
)

_TITLES = frozenset(
    """mr mrs ms dr president gen general minister spokesman spokeswoman spokesperson prime
    secretary colonel col admiral adm commander leader chief king queen prince premier chancellor
    sir lord senator sen governor gov ambassador envoy""".split()
)


# Letters and digits, not an ordinal: "F-35B", "MiG-29", not "12th".
_DESIGNATION_RE = re.compile(r"(?!\d+(?:st|nd|rd|th)$)(?=.*[a-z])(?=.*\d)", re.IGNORECASE)


def term_in(term: Term, text: str, stems: set[str] | None = None) -> bool:
    """Whether ``text`` mentions ``term``: numbers and quotes literally, names by stem or a shared
    prefix ("China" ~ "Chinese", "Belarus" ~ "Belarusian"), acronyms with their case; accents
    folded on both sides ("Da Nang" ~ "Đà Nẵng"; ``lex_terms``, and so ``stems``, fold them)."""
    if term.kind in ("number", "quoted"):
        # A designation counts in either number ("F-35Bs" ~ "F-35B", "MiG-29" ~ "MiG-29s"): a
        # lowercase "s" after it, which a variant's capital ("Su-35S") is not.
        written = fold_accents(term.text)
        pattern = r"[-\s]?".join(re.escape(p) for p in re.split(r"[-\s]+", written) if p)
        plural = "(?:'?s)?" if term.plural or _DESIGNATION_RE.match(written) else ""
        return re.search(rf"(?<![A-Za-z0-9])(?i:{pattern}){plural}(?![A-Za-z0-9])", fold_accents(text).replace("’", "'")) is not None
    if term.acronym:  # with its case, dotted or not ("US" ~ "U.S.")
        dotted = r"\.?".join(re.escape(ch) for ch in term.text.upper())
        return re.search(rf"(?<![A-Za-z0-9.]){dotted}\.?(?![A-Za-z0-9])", fold_accents(text)) is not None
    stems = stems if stems is not None else set(lex_terms(text))
    if term.stem in stems:
        return True
    if term.kind == "name" and len(term.text) >= 4:
        n = max(4, len(term.text) - 2)
        prefix = term.text[:n]
        return any(s.startswith(prefix) for s in stems)
    return False


def dated(text: str, date: str | None, period: str | None = None) -> str:
    """``text`` with its article's publication date spelled out ("2016 April"), so a year or month
    that the question names counts as found in an article published then; an article dated only
    by a period ("2014-04", "2004/2005") counts its month or each of its years."""
    if date and re.match(r"\d{4}-\d{2}", date):
        year, month = int(date[:4]), int(date[5:7])
        return f"{text}\n{year} {MONTHS[month - 1].capitalize() if 1 <= month <= 12 else ''}"
    if parsed := parse_period(period):
        _label, first, last = parsed
        years = " ".join(str(y) for y in range(first.year, last.year + 1))
        one_month = (first.year, first.month) == (last.year, last.month)
        return f"{text}\n{years} {MONTHS[first.month - 1].capitalize() if one_month else ''}"
    return text


_ORDINAL_RE = re.compile(r"\d+(?:st|nd|rd|th)")
_YEAR_RE = re.compile(r"(?:1[89]|20)\d\d")
# Words before a year ("in 2016", "since 1999"); "some 1900 soldiers" or "2000 km" are counts.
_BEFORE_YEAR = frozenset("in since by until till from of during before after to between and circa".split())


def is_count(lows: list[str], i: int) -> bool:
    """Whether token ``i`` (lower-cased tokens) can count or measure things: a cardinal in digits
    or words, not an ordinal ("91st"), a year ("in 2016", "May 2016") or the day of a date
    ("June 25", "25 June")."""
    lo = lows[i]
    if lo in NUMBER_WORDS:
        return True
    if not any(ch.isdigit() for ch in lo) or _ORDINAL_RE.fullmatch(lo):
        return False
    before = lows[i - 1] if i > 0 else ""
    if _YEAR_RE.fullmatch(lo) and (before in _BEFORE_YEAR or before in MONTH_WORDS or i + 1 == len(lows)):
        return False
    beside_month = before in MONTH_WORDS or (i + 1 < len(lows) and lows[i + 1] in MONTH_WORDS)
    return not (beside_month and lo.isdigit() and int(lo) <= 31)


def answer_type_ok(expects: str, sentence: str, question_stems: set[str]) -> bool:
    """Does ``sentence`` hold something of the kind the question asks for, beyond the question's
    own words? (a number for "how many", a date for "when", a new name for "who"/"which city")."""
    if expects == "any":
        return True
    words = word_tokens(sentence)
    lows = [normalise(w) for w in words]
    new = [(w, lo) for w, lo in zip(words, lows, strict=True) if lo and stem(lo) not in question_stems]
    has_number = any(any(ch.isdigit() for ch in lo) or lo in NUMBER_WORDS for _, lo in new)
    if expects == "number":  # "how many / much / far": a count or measure, not a date or a rank
        return any(is_count(lows, i) for i, lo in enumerate(lows) if lo and stem(lo) not in question_stems)
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
