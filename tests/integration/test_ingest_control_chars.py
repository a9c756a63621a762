"""Terminal escape sequences and control characters in an article never reach the index: a
title that would clear the screen and set the window title, a NUL between two sentences and an
OSC 8 hyperlink, through the real ingest and ``qa sources --json``."""

from __future__ import annotations

import json
import re

from qa.storage.store import open_store
from qa.text.spans import sentence_spans
from tests.conftest import run_main

TITLE = "Esc \u001b[2J\u001b[31mRED\u001b[0m \u001b]0;PWNED-TITLE\u0007 title"
FIRST = "The naval drill in the Baltic began on 2 June 2025."
SECOND = "It involved 2,000 sailors from nine countries."
LINK = "\u001b]8;;https://example.org/drill\u001b\\the ministry's statement\u001b]8;;\u001b\\"
TEXT = (
    f"{FIRST}\u0000 {SECOND}\n\n"
    f"Details were published in {LINK}. The exercise \u001b[1mended\u001b[0m on 9 June with a parade.\n"
)
# C0 and C1 controls other than tab and newline, and DEL.
CONTROL_RE = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f]")


def test_escape_sequences_and_controls_are_removed_before_anything_is_stored(tmp_path, settings, capsys):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "a1", "title": TITLE, "text": TEXT, "date": "2025-06-10"}) + "\n", encoding="utf-8")
    index = str(settings.index.index_dir)

    code, out, err = run_main(capsys, "--index-dir", index, "ingest", str(feed), "--json")
    assert code == 0, err
    assert json.loads(out)["added"] == 1

    code, out, err = run_main(capsys, "--index-dir", index, "sources", "--json")
    assert code == 0, err
    assert not CONTROL_RE.search(out), out
    (source,) = json.loads(out)
    assert source["title"] == "Esc RED title"

    records = list(open_store(settings).iter_records(documents=True))
    assert records
    for _id, meta, text in records:
        assert not CONTROL_RE.search(text), repr(text)
        assert not any(CONTROL_RE.search(v) for v in meta.values() if isinstance(v, str)), meta
        assert meta["title"] == "Esc RED title"
    stored = "\n".join(text for _id, _meta, text in records)
    sentences = [span.text for span in sentence_spans(stored)]
    assert FIRST in sentences and SECOND in sentences, sentences
    assert "Details were published in the ministry's statement." in stored
    assert "The exercise ended on 9 June with a parade." in stored
    assert "PWNED" not in out and "example.org" not in stored
