"""Reading an embedded index's files from outside the process that writes them."""

from __future__ import annotations

import sqlite3


def rows_written(index_dir) -> int:
    """Chunks in Chroma's write-ahead log, read straight from its SQLite file (read-only)."""
    db = index_dir / "chroma.sqlite3"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2) as conn:
            return conn.execute("SELECT COUNT(*) FROM embeddings_queue").fetchone()[0]
    except sqlite3.Error:
        return 0
