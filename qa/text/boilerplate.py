"""Web furniture: lines that are not reporting ("Leave a Reply", share prompts, photo credits).

One list, used when cleaning an article at ingest and again when briefings and events skip
stray lines of older indexes.
"""

from __future__ import annotations

import re

# Lines matching any of these are web furniture, not reporting. Each is anchored or bounded so
# that an ordinary sentence that merely mentions e.g. "copyright" is kept.
_BOILERPLATE = [
    r"^leave a (reply|comment)\b",
    r"^(your )?email address will not be published",
    r"^required fields are marked",
    r"^disclaimer\s*:",
    r"^(the )?copyright (of|in) this article",
    r"^(copyright|©|\(c\))\s*(\d{4}|©)",
    r"\ball rights reserved\.?$",
    r"^see also\b",
    r"^scroll down for (the )?video",
    r"^(read|see) (more|also)\s*:?",
    r"^more on this story\b",
    r"^related (articles?|stories|coverage|content)\b",
    r"^(share|tweet|email|print|whatsapp|facebook|twitter)( this( article| story)?)?( on .*)?\s*$",
    r"^(click|tap) (here )?to (share|print|email|subscribe|read)",
    r"^(sign up|subscribe)( now)?\b.*(newsletter|updates|free)",
    r"^follow (us|\w+) on (twitter|x|facebook|instagram|telegram)",
    r"^advertisement\s*$",
    r"^(\d+ )?comments?\s*$",
    r"^posted (in|by)\b.{0,80}$",
    r"^(image|photo|picture|video)( source| caption)?\s*:",
    r"^[-–—]?\s*(getty images|reuters|afp|ap|epa|pa media)\s*$",
    r"^(tags|topics|categories|filed under)\s*:",
    r"^([-*_=~]\s*){3,}$",  # a Markdown rule ("---", "* * *"), markup with no words
]
_BOILERPLATE_RE = re.compile("|".join(f"(?:{p})" for p in _BOILERPLATE), re.IGNORECASE)

# Captions carry an inline credit ("... bread Credit: Belarus Ministry of Defence"). Such a line
# repeats the photo, not the story; it is short and ends with the credit.
_CREDIT_RE = re.compile(
    r"\b(credit|photo(graph)?|image|picture)s?\s*:\s*[^.!?]{2,80}$|/\s*(getty images|reuters|afp|ap|epa)\s*$",
    re.IGNORECASE,
)


def is_boilerplate(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    if _BOILERPLATE_RE.search(stripped):
        return True
    return len(stripped.split()) <= 40 and bool(_CREDIT_RE.search(stripped))
