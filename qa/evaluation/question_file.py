"""The question file of ``qa eval``, read and checked row by row.

JSON lines with ``question``, ``expect_any`` (groups of alternative strings; a correct answer
contains one string of every group), ``sources`` (expected article file names), ``answerable``
and optionally ``id``; other fields (``answer``, notes) are ignored. Types are strict, so
``"answerable": "no"`` is an error rather than a true value, and a row that cannot be scored (an
empty string or group, a flat list of several strings, an answerable question with neither
``expect_any`` nor ``sources``) is refused: a bad row is a one-line ``InputError`` naming its
line and field. A UTF-8 byte-order mark is allowed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from qa.errors import InputError

_FLAT = (
    'a flat list of several strings is ambiguous: write [["11", "eleven"]] for one fact with '
    'alternatives, or [["11"], ["eleven"]] for facts that must all appear'
)


@dataclass
class EvalQuestion:
    id: str
    question: str
    expect_any: list[list[str]]
    sources: list[str]
    answerable: bool


class QuestionRow(BaseModel):
    """One line of a question file, as written (before defaults are filled in)."""

    model_config = ConfigDict(strict=True, extra="ignore")

    question: str
    id: str | int | None = None
    expect_any: list[list[str]] = []
    sources: list[str] = []
    answerable: bool | None = None

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: object) -> object:
        if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
            raise ValueError("must be a string or an integer")
        return value

    @field_validator("expect_any", mode="before")
    @classmethod
    def _groups(cls, value: object) -> object:
        # Shorthands kept from the first format: null for none, a bare string for a one-string group.
        if value is None:
            return []
        if isinstance(value, list):
            if len(value) > 1 and all(isinstance(item, str) for item in value):
                # ["11", "eleven"]: alternatives of one fact, or facts that must all appear?
                raise ValueError(_FLAT)
            return [[item] if isinstance(item, str) else item for item in value]
        return value

    @field_validator("sources", mode="before")
    @classmethod
    def _sources(cls, value: object) -> object:
        if value is None:
            return []
        return [value] if isinstance(value, str) else value

    def unscorable(self) -> str | None:
        """Why an answer to this row could not be scored, or None."""
        for i, group in enumerate(self.expect_any):
            if not group:
                return f'field "expect_any[{i}]": an empty group is never in an answer; give at least one string'
            for j, alt in enumerate(group):
                if not alt.strip():
                    return f'field "expect_any[{i}][{j}]": must not be empty (an empty string is in every answer)'
        for i, source in enumerate(self.sources):
            if not source.strip():
                return f'field "sources[{i}]": must not be empty'
        if self.answerable and not self.expect_any and not self.sources:
            return '"answerable" is true but nothing can score the answer: give "expect_any" or "sources"'
        return None

    def to_question(self, lineno: int) -> EvalQuestion:
        answerable = self.answerable if self.answerable is not None else bool(self.expect_any or self.sources)
        qid = str(self.id) if self.id not in (None, "") else f"q{lineno}"
        return EvalQuestion(qid, self.question, self.expect_any, self.sources, answerable)


def load_questions(path: str | Path) -> list[EvalQuestion]:
    """Parse a JSONL question set; a bad line is a one-line ``InputError`` naming it and its field."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"question file not found: {p}")
    if not p.is_file():
        raise InputError(f"question file is not a regular file: {p}")
    try:
        lines = p.read_text(encoding="utf-8-sig").splitlines()  # a byte-order mark is allowed
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot read {p}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc}") from None
    out: list[EvalQuestion] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise InputError(f"{p}:{n}: not valid JSON ({getattr(exc, 'msg', None) or type(exc).__name__})") from None
        if not isinstance(row, dict):
            raise InputError(f"{p}:{n}: each line must be a JSON object with a \"question\"")
        try:
            checked = QuestionRow.model_validate(row)
        except ValidationError as exc:
            raise InputError(f"{p}:{n}: {_first_problem(exc)}") from None
        problem = checked.unscorable()
        if problem:
            raise InputError(f"{p}:{n}: {problem}")
        out.append(checked.to_question(n))
    if not out:
        raise InputError(f"{p} holds no questions")
    return out


def _first_problem(exc: ValidationError) -> str:
    """The first error as 'field "sources[0]": Input should be a valid string (got 5)'."""
    error = exc.errors(include_url=False)[0]
    # The field, then list indices; other parts name union members ("str", "int"), not places.
    field, *rest = error.get("loc", ()) or ("row",)
    name = str(field) + "".join(f"[{part}]" for part in rest if isinstance(part, int))
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    if error.get("type") == "missing":
        return f'missing field "{name}"'
    shown = json.dumps(error.get("input"), ensure_ascii=False, default=str)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return f'field "{name}": {message} (got {shown})'
