"""What makes a name an organisation's rather than a country's: the head words of organisation
names ("Shanghai Cooperation Organisation", "European Union"), acronyms, and "the alliance" /
"the organisation" written for the organisation an article is about. One home for the event
readers (``mentions``, ``countries``, ``alliances``, ``article_frames``), the grouping of an
article's records and the who-with-whom pairs (``relations``)."""

from __future__ import annotations

import re

# Heads of organisation names ("Shanghai Cooperation Organisation", "European Union"): a
# capitalised phrase ending in one is an organisation, and never a country.
ORG_HEADS = frozenset(
    "organisation organization alliance treaty pact union council community bloc partnership "
    "forum nations league association coalition".split()
)
# A party already chosen may also be a group named as one ("Group of Seven", "the Quad"); in
# running text these words head units ("Carrier Strike Group"), so they are no ORG_HEADS.
_PARTY_ORG_WORD_RE = re.compile(r"\b(?:" + "|".join(sorted(ORG_HEADS | {"group", "quad"})) + r")\b", re.I)
# An acronym written alone or after the name ("NATO", "ASEAN", "... (SCO)"); countries come as
# short names ("United States"), not acronyms.
_ACRONYM_RE = re.compile(r"^[A-Z]{3,}\+?$|\([A-Z]{2,}\)$")
# "the alliance", "this organisation": the organisation the article is about.
ORG_ANAPHOR = r"(?:the|this) (?:alliance|organi[sz]ation|treaty|pact|bloc|coalition|grouping)\b"
ORG_ANAPHOR_RE = re.compile(r"\b" + ORG_ANAPHOR, re.I)


def looks_like_organisation(name: str) -> bool:
    """A participant that names an organisation rather than a country ("Shanghai Cooperation
    Organisation (SCO)", "NATO", "European Union")."""
    name = name.strip()
    return bool(_PARTY_ORG_WORD_RE.search(name) or _ACRONYM_RE.search(name))


# Bodies the task's definition of an alliance leaves out, named by what they are: trade and
# customs bodies, export-control regimes ("Missile Technology Control Regime"), armaments
# procurement ("Organisation for Joint Armament Cooperation").
_NOT_SECURITY_BODY_RE = re.compile(
    r"\b(?:trade|customs|commerc\w*|export\w*|regime|armaments?|procurement)\b", re.I
)


def security_body(name: str) -> bool:
    """An organisation that can be a party to an alliance (not one of the bodies above)."""
    return not _NOT_SECURITY_BODY_RE.search(name)
