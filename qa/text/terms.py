"""Word tokens and the one stop list, shared by retrieval, answering, citations and briefings.

One tokenizer (:func:`word_tokens`): runs of letters and digits, keeping hyphenated names, codes and
numbers whole ("Y-20", "11-day", "200,000" is two tokens, "U.S." stays "U.S"), accents folded
("Đà Nẵng" gives "Da", "Nang"). The variants on
top of it differ only in what they do to each token:

* :func:`terms` — lower-cased (matching words as written);
* :func:`content_terms` — lower-cased, stop words out (which sentence supports a claim);
* :func:`lex_terms` — normalised, stop words out, stemmed with British and American spellings
  folded, compounds also split (BM25 tokens and term matching).

No model here: Snowball stemming, a stop list and a few spelling rules.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

# Function words: never searched for, never required, never evidence.
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

_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-’'.]*[A-Za-z0-9]|[A-Za-z0-9]")


# Letters Unicode does not decompose into a base letter and a mark.
_UNDECOMPOSED = str.maketrans(
    {"đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE",
     "œ": "oe", "Œ": "OE", "ı": "i", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th"}
)
_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold_accents(text: str) -> str:
    """``text`` with letters stripped of their accents ("Türkiye" -> "Turkiye", "Đà Nẵng" -> "Da
    Nang", "Rzeszów" -> "Rzeszow"), as sklearn's ``strip_accents_unicode`` (NFKD, marks dropped)
    plus the Latin letters that do not decompose. A place name is written both ways in English
    news and in questions; the tokenizer reads ASCII letters and digits only, so unfolded it
    would cut "Nẵng" into "N" and "ng" (other scripts are decomposed too, and dropped by it)."""
    if text.isascii():
        return text
    return _COMBINING_RE.sub("", unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED)))


def word_tokens(text: str) -> list[str]:
    """The word tokens of ``text`` with their case, accents folded and curly apostrophes made
    straight (for name and acronym checks)."""
    return _WORD_RE.findall(fold_accents(text).replace("’", "'"))


def terms(text: str) -> list[str]:
    """Lower-cased word tokens, keeping hyphenated names and numbers whole ("y-20", "11-day")."""
    return [w.lower() for w in word_tokens(text)]


def content_terms(text: str) -> set[str]:
    """The lower-cased words of ``text`` that are not stop words (possessives kept as written)."""
    return {t for t in terms(text) if t not in STOPWORDS}


def normalise(token: str) -> str:
    """A token lower-cased, its possessive dropped and stray apostrophes and dots stripped
    ("China's" -> "china", "U.S." -> "u.s")."""
    token = token.lower().replace("’", "'")
    if token.endswith("'s"):
        token = token[:-2]
    return token.strip("'.")


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


_LOCAL = threading.local()


def _stemmer():
    """This thread's Snowball stemmer: one keeps the word being stemmed in its own state, so two
    threads sharing one corrupt each other's words (an IndexError, or a wrong stem)."""
    stemmer = getattr(_LOCAL, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _LOCAL.stemmer = snowballstemmer.stemmer("english")
    return stemmer


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball stem of a lower-cased word, spelling folded; numbers and codes ("y-20", "2022")
    stay whole."""
    if any(ch.isdigit() for ch in word) or len(word) <= 3:
        return word
    return _stemmer().stemWord(fold_spelling(word))


def lex_terms(text: str) -> list[str]:
    """Tokens for BM25 and term matching: stemmed, stop words out, compounds also split.

    "Y-20" gives "y-20", "y", "20"; "11-day" gives "11-day", "11", "day"; "China's" gives "china".
    """
    out: list[str] = []
    for raw in terms(text):
        token = normalise(raw)
        if not token or token in STOPWORDS:
            continue
        out.append(stem(token))
        if "-" in token or "." in token:
            for part in re.split(r"[-.]", token):
                if part and part not in STOPWORDS and (len(part) > 1 or part.isdigit()):
                    out.append(stem(part))
    return out
