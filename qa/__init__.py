"""qa: cited answers, briefings and event records over news articles.

The package is a library first; ``qa.cli`` is a thin layer over it. Heavy
dependencies (torch, chromadb, langchain) are imported lazily inside the
functions that need them so that ``qa --help`` stays instant.
"""

__version__ = "0.1.0"
