"""Shared pieces of the fuzz tests: example budgets and text strategies."""

from __future__ import annotations

import os

from hypothesis import settings
from hypothesis import strategies as st

# The isolated_env fixture clears QA_* variables, but only once a test runs: read it at import.
_SCALE = max(1, int(os.environ.get("QA_FUZZ_SCALE", "1") or 1))


def budget(examples: int) -> settings:
    """``@settings`` for a fuzz test: ``examples`` per run (times QA_FUZZ_SCALE), no deadline."""
    return settings(max_examples=examples * _SCALE, deadline=None)


_WORDS = ["Troops", "arrived", "in", "Minsk", "on", "Monday", "Mr.", "U.S.", "Nato's", "“quoted”", "e.g.",
          "drills", "café", "20 000", "2024-07-08", "—", "Leave a Reply", "Credit: Reuters", "Share this"]
_GLUE = [" ", " ", " ", ". ", "! ", "? ", "\n", "\n\n", ", ", "\t", "\r\n", "  "]

# Article-like text: words and sentence marks, with blank lines, boilerplate and odd spacing.
article_text = st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_GLUE)), max_size=200).map(
    lambda pairs: "".join(w + g for w, g in pairs)
)
# One "word" with no whitespace at all, up to a few thousand characters (a URL, a base64 blob).
_NOT_SPACE = st.characters(blacklist_categories=("Zs", "Zl", "Zp", "Cc", "Cs"))
long_word = st.builds(lambda piece, n: piece * n, st.text(_NOT_SPACE, min_size=1, max_size=6), st.integers(1, 700))
any_text = st.one_of(st.text(max_size=600), article_text, long_word,
                     st.lists(st.one_of(article_text, long_word), max_size=4).map(" ".join))
