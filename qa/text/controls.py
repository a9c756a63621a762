"""Characters no reader wants, the one home for them: terminal escape sequences, control
characters and bidirectional overrides (in article text and titles, and in a model's replies)
and lone UTF-16 surrogates (which cannot be encoded as UTF-8 for Chroma, the embedder, JSON
output or the terminal)."""

from __future__ import annotations

import re

_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# Control characters other than tab and newline: C0, DEL, C1.
CONTROL = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"
# Explicit bidirectional embeddings, overrides and isolates reorder what a terminal or a page
# shows ("Trojan Source"): a title could display as a different text than the one cited. The
# implicit marks (U+200E/F) that right-to-left text relies on stay.
_BIDI = "[\u202a-\u202e\u2066-\u2069]"
_UNWANTED_CHAR_RE = re.compile(CONTROL[:-1] + "\ud800-\udfff" + _BIDI[1:])


def valid_text(text: str) -> str:
    """``text`` with lone surrogates (JSON's ``"\\ud800"``) replaced by U+FFFD, so it is valid
    UTF-8 for Chroma, JSON output and the terminal."""
    return _SURROGATE_RE.sub("\ufffd", text)


def drop_unprintable(text: str) -> str:
    """``text`` without control characters other than newline and tab, bidirectional overrides
    or lone surrogates; a carriage return becomes a line break. Character by character, unlike
    :func:`strip_controls`, so that the pieces of a streamed reply clean exactly as the whole:
    an escape sequence split across two pieces loses its ESC and stays inert, as text."""
    if text.isascii() and text.isprintable():
        return text
    return _UNWANTED_CHAR_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


# Terminal escape sequences (ECMA-48) and control characters in article text or titles would be
# stored, embedded and printed raw: a title could clear the screen or set the window title, a
# NUL makes brief.md "binary" and glues sentences. No dependency strips them (rich only parses
# its own markup), so a compiled regex does. Order matters: whole sequences first (CSI; OSC,
# DCS, SOS, PM, APC strings up to BEL or ST, single-line so an unterminated one cannot swallow
# text; other ESC sequences), then any stray control other than tab and newline (C0, DEL, C1).
_ESCAPE = (
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]"
    rf"|{_BIDI}"
)
_UNPRINTABLE_RE = re.compile(rf"(?P<run>(?:{_ESCAPE}|{CONTROL})+)(?P<trail>[ \t]*)")
_ESCAPE_RE = re.compile(_ESCAPE)
_BARE_CONTROL_RE = re.compile(CONTROL)


def strip_controls(text: str) -> str:
    """``text`` without escape sequences, bidirectional overrides and control characters (tab
    and newline stay).

    A removed run between two words becomes a space when it held a bare control ("2025.\\x00It"
    is two sentences), nothing when it was only escapes (colour codes and hyperlinks wrap words:
    "\\x1b[1mbold\\x1b[0m."). A run after a space also takes the spaces after it, so
    "Esc \\x1b]0;t\\x07 next" reads "Esc next", not "Esc  next". Text without any is unchanged."""

    def replace(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() else "\n"
        if before in " \t":
            return ""
        after = m["trail"] or (text[m.end()] if m.end() < len(text) else "\n")
        joins_words = not before.isspace() and not after.isspace()
        if joins_words and _BARE_CONTROL_RE.search(_ESCAPE_RE.sub("", m["run"])):
            return " "
        return m["trail"]

    return _UNPRINTABLE_RE.sub(replace, text)


def clean_query(text: str) -> str:
    """A question or topic as typed or pasted: no escape sequences or control characters (a
    pasted "\\x1b[31mAUKUS" would otherwise be searched as "[31mAUKUS"), no lone surrogates,
    whitespace runs as single spaces."""
    return " ".join(strip_controls(valid_text(text)).split())
