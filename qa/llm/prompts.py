"""Prompt templates live as files in ``prompts/``; they are loaded by name and checked for their variables.

File format: a system part and a user part separated by a line ``=== user ===``. Variables use
Python format syntax (``{question}``); literal braces are doubled (``{{``).
"""

from __future__ import annotations

import os
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qa.errors import QAError

SEPARATOR = "=== user ==="


def prompts_dir() -> Path:
    override = os.environ.get("QA_PROMPTS_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "prompts"


@dataclass(frozen=True)
class Prompt:
    name: str
    system: str
    user: str

    @property
    def variables(self) -> set[str]:
        return _fields(self.system) | _fields(self.user)

    def render(self, **values: object) -> tuple[str, str]:
        """(system, user) with the variables filled in; values are inserted as data, never re-parsed."""
        return self.system.format(**values), self.user.format(**values)


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


@lru_cache(maxsize=32)
def load_prompt(name: str, variables: frozenset[str]) -> Prompt:
    """Load ``prompts/<name>.md`` and check it uses exactly ``variables``."""
    path = prompts_dir() / f"{name}.md"
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError:
        raise QAError(f"prompt file missing: {path}") from None
    if SEPARATOR not in raw:
        raise QAError(f"prompt {path} has no '{SEPARATOR}' line between its system and user parts")
    system, user = (part.strip() for part in raw.split(SEPARATOR, 1))
    prompt = Prompt(name, system, user)
    try:
        found = prompt.variables
    except ValueError as exc:
        raise QAError(f"prompt {path} is not a valid template: {exc}") from None
    if found != set(variables):
        missing = sorted(set(variables) - found)
        unknown = sorted(found - set(variables))
        raise QAError(f"prompt {path}: missing variables {missing}, unknown variables {unknown}")
    return prompt
