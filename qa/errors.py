"""Errors the user can act on. The CLI prints their message on one line and exits non-zero."""


class QAError(Exception):
    """An expected failure with a message fit for the user (no traceback)."""

    exit_code = 1


class InputError(QAError):
    """Bad input from the user: a missing path, an unreadable file, a bad flag value."""

    exit_code = 2


class IndexMissingError(QAError):
    """The index does not exist or is empty."""


class IndexDamagedError(QAError):
    """The index's files cannot be read (a damaged or foreign database): it must be rebuilt."""

    exit_code = 2


class NothingToScoreError(QAError):
    """``qa eval`` found nothing it could score (none of the expected articles is indexed)."""


class EmbeddingMismatchError(QAError):
    """The index was built with another embedding model or chunking than the settings ask for."""


class StoreUnavailableError(QAError):
    """The Chroma server cannot be reached."""


class LLMError(QAError):
    """The language model failed after retries."""
