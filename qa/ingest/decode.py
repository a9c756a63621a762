"""Bytes to text for article files: which encoding, and whether it is text at all."""

from __future__ import annotations

import codecs

# Byte-order marks of the wide Unicode encodings, UTF-32 first: its little-endian mark begins
# with UTF-16's. Such files are full of NUL bytes and would otherwise look binary.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def wide_encoding(head: bytes) -> str | None:
    """'utf-16' or 'utf-32' when ``head`` starts with that encoding's byte-order mark."""
    return next((name for bom, name in _WIDE_BOMS if head.startswith(bom)), None)


def decode_bytes(data: bytes) -> str:
    """UTF-16/32 with a BOM; else UTF-8 (with or without BOM) first; cp1252 then latin-1 for
    legacy files, so 'café' stays 'café'. Never raises."""
    wide = wide_encoding(data)
    if wide:
        return data.decode(wide, errors="replace")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters near the start: not an article."""
    wide = wide_encoding(data)
    head: bytes | str = data[:8192].decode(wide, errors="replace") if wide else data[:8192]
    if (b"\x00" if isinstance(head, bytes) else "\x00") in head:
        return True
    codes = head if isinstance(head, bytes) else [ord(c) for c in head]
    # Many control characters (other than whitespace) mean it is not text.
    controls = sum(1 for b in codes if b < 32 and b not in (9, 10, 12, 13))
    return bool(head) and controls / len(head) > 0.05
