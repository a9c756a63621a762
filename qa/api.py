"""The library API: what the CLI calls, and what a notebook or a server would call the same way."""

from __future__ import annotations

from pathlib import Path

from qa.config import Settings
from qa.errors import InputError
from qa.ingest.pipeline import ingest
from qa.models import SourceInfo
from qa.storage.store import open_store, write_lock

__all__ = ["ingest", "open_store", "list_sources", "remove_source"]


def list_sources(settings: Settings) -> list[SourceInfo]:
    return open_store(settings).sources()


def remove_source(selector: str, settings: Settings) -> list[str]:
    """Remove every document whose id, file name, source or path matches ``selector``."""
    with write_lock(settings):
        store = open_store(settings)
        resolved = str(Path(selector).resolve())
        matches = [
            s
            for s in store.sources()
            if selector in (s.doc_id, s.source, s.source_key)
            or s.source.split("#")[0] == selector
            or s.source_key == resolved
            or s.source_key.startswith(resolved + "#")
        ]
        if not matches:
            raise InputError(f"no indexed document matches {selector!r} (see 'qa sources')")
        for s in matches:
            store.delete_ids(store.ids_where({"doc_id": s.doc_id}))
        store.bump_revision()
    return [s.source for s in matches]
