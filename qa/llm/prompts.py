"""The prompt registry: every prompt by name, with the variables it needs, read from package data.

Prompt files ship inside the package (``qa/llm/prompts/*.md``, also reachable as ``prompts/`` at
the top of the repository) and are read with ``importlib.resources``, so an installed wheel finds
them. ``QA_PROMPTS_DIR`` points at a folder of edited copies; they are checked the same way.

File format: a system part and a user part separated by a line ``=== user ===``. Variables use
Python format syntax (``{question}``); literal braces are doubled (``{{``).
"""

from __future__ import annotations

import os
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from qa.errors import QAError

SEPARATOR = "=== user ==="

# Every prompt the code sends, and exactly the variables its caller fills in.
PROMPTS: dict[str, frozenset[str]] = {
    "answer": frozenset({"question", "sources", "sentinel"}),
    "brief_map": frozenset({"topic", "sources"}),
    "brief_reduce": frozenset({"topic", "notes"}),
    "events": frozenset({"title", "published", "sentences"}),
}


@dataclass(frozen=True)
class Prompt:
    name: str
    system: str
    user: str
    variables: frozenset[str]

    def check(self, values: dict[str, object]) -> None:
        """The caller must give exactly the registered variables: a missing or extra one is a bug in
        the code, caught here rather than sent to the model as a literal ``{name}``."""
        given = set(values)
        if given != self.variables:
            raise QAError(f"prompt {self.name}: rendered with {sorted(given)}, needs {sorted(self.variables)}")

    def render(self, **values: object) -> tuple[str, str]:
        """(system, user) with the variables filled in; values are inserted as data, never re-parsed."""
        self.check(values)
        return self.system.format(**values), self.user.format(**values)


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def _read(name: str) -> tuple[str, str]:
    """(text, where) of prompt ``name``: the override folder if set, else the package data."""
    override = os.environ.get("QA_PROMPTS_DIR")
    if override:
        path = Path(override) / f"{name}.md"
        where = str(path)
        source = path
    else:
        source = resources.files("qa.llm").joinpath("prompts", f"{name}.md")
        where = f"qa/llm/prompts/{name}.md"
    try:
        return source.read_text(encoding="utf-8"), where
    except OSError:
        raise QAError(f"prompt file missing: {where}") from None


@lru_cache(maxsize=32)
def get_prompt(name: str) -> Prompt:
    """The registered prompt ``name``, checked to use exactly its registered variables."""
    if name not in PROMPTS:
        raise QAError(f"unknown prompt {name!r}; registered: {', '.join(sorted(PROMPTS))}")
    variables = PROMPTS[name]
    raw, where = _read(name)
    if SEPARATOR not in raw:
        raise QAError(f"prompt {where} has no '{SEPARATOR}' line between its system and user parts")
    system, user = (part.strip() for part in raw.split(SEPARATOR, 1))
    try:
        found = _fields(system) | _fields(user)
    except ValueError as exc:
        raise QAError(f"prompt {where} is not a valid template: {exc}") from None
    if found != variables:
        missing = sorted(variables - found)
        unknown = sorted(found - variables)
        raise QAError(f"prompt {where}: missing variables {missing}, unknown variables {unknown}")
    return Prompt(name, system, user, variables)



# Article text that could open or close a fence ("</source>", "<article ...>") is defused, so a
# source cannot end its own block and pose as instructions.
_DELIM_RE = re.compile(r"<\s*/?\s*(?:source|article|notes)\b", re.IGNORECASE)


def defuse(text: str) -> str:
    """``text`` with any fence delimiter made inert ("</source>" -> "‹/source>")."""
    return _DELIM_RE.sub(lambda m: m.group(0).replace("<", "‹"), text)


def attribute(text: str | None) -> str:
    """``text`` fit for a fence's ``name="..."`` attribute: defused, on one line, no double quote."""
    return " ".join(defuse(text or "").replace('"', "'").split())


def fence_source(number: int, text: str, **attributes: str | None) -> str:
    """One numbered source between ``<source id="n" ...>`` and ``</source>``, as untrusted data."""
    attrs = "".join(f' {k}="{attribute(v)}"' for k, v in attributes.items() if v)
    return f'<source id="{number}"{attrs}>\n{defuse(text.strip())}\n</source>'
