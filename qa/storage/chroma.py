"""The one module that talks to chromadb: the client the settings select, and collection access.

``index_dir`` -> embedded ``PersistentClient``; ``QA_CHROMA_URL`` -> ``HttpClient``, probed with
a timeout first and wrapped so that a lost server is a one-line ``StoreUnavailableError``.
Collections are always opened without an embedding function: vectors are computed by the
project's embedder and passed in, so Chroma's default one (which downloads a model) never runs.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from qa.errors import IndexDamagedError, IndexMissingError, InputError, StoreUnavailableError

if TYPE_CHECKING:
    from qa.config import Settings

# chromadb shares one ``System`` per embedded folder within a process, but creates it with an
# unlocked check-then-act: threads opening the same folder at once see a half-started system
# (KeyError, "no attribute 'bindings'", "Could not connect to tenant"). Every embedded client is
# therefore created under this lock. Calls through a created client need no lock: the embedded
# Rust bindings are thread-safe. Server clients share nothing (chromadb gives each its own
# system) and are not locked, so a hung server never blocks another thread's index.
_EMBEDDED_CLIENT_LOCK = threading.Lock()


def parse_chroma_url(value: str) -> tuple[str, int, bool]:
    """(host, port, ssl) of ``http[s]://host[:port]``; raises ``InputError`` on anything else."""
    url = urlparse(value.strip())
    try:
        port = url.port
    except ValueError:
        port = -1
    if url.scheme not in ("http", "https") or not url.hostname or port == -1 or url.path not in ("", "/"):
        raise InputError(f"invalid Chroma URL {value!r}: expected http://host:port")
    return url.hostname, port or (443 if url.scheme == "https" else 8000), url.scheme == "https"


def where_location(settings: Settings) -> str:
    """The index as a user names it: the server URL or the embedded folder."""
    return settings.index.chroma_url or str(settings.index.index_dir)


def connect(settings: Settings, create: bool):
    """The chromadb client of the index the settings name. The embedded folder is made only
    when ``create`` (ingest); reading a missing one is an ``IndexMissingError``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.index.chroma_url:
        host, port, ssl = parse_chroma_url(settings.index.chroma_url)
        try:
            # chromadb's HTTP client waits forever by default: a hung server must fail, not hang qa.
            timeout = settings.index.chroma_timeout
            _probe(host, port, ssl, timeout)  # chromadb's own first requests would not time out
            client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings)
            _set_http_timeout(client, timeout)
            client.heartbeat()
        except Exception as exc:  # chromadb raises several types for a dead server
            raise StoreUnavailableError(
                f"cannot reach the Chroma server at {settings.index.chroma_url}: {_first_line(exc)}"
            ) from None
        return _Guarded(client, settings.index.chroma_url)
    path = Path(settings.index.index_dir)
    if not create and not (path / "chroma.sqlite3").exists():
        raise IndexMissingError(f"no index at {path}: run 'qa ingest PATH' first")
    path.mkdir(parents=True, exist_ok=True)
    try:
        with _EMBEDDED_CLIENT_LOCK:
            # resolved: chromadb shares a System by the path string, and "idx" and "/abs/idx"
            # must not get two on one SQLite file
            return chromadb.PersistentClient(path=str(path.resolve()), settings=chroma_settings)
    except Exception as exc:
        if not _unreadable_database(exc):
            raise
        reason = _first_line(exc).removeprefix("error returned from database: ")
        raise IndexDamagedError(
            f"the index at {path} cannot be read: {reason}; move it away and run 'qa ingest PATH' again to rebuild it"
        ) from None


def close_client(client) -> None:
    """Release server mode's HTTP connections (embedded mode holds none)."""
    session = getattr(getattr(getattr(client, "_target", None), "_server", None), "_session", None)
    if session is not None:
        session.close()


# ---------------------------------------------------------------------- collections
def collection_names(client) -> set[str]:
    return {c.name if hasattr(c, "name") else str(c) for c in client.list_collections()}


def get_collection(client, name: str):
    return client.get_collection(name, embedding_function=None)


def create_collection(client, name: str, metadata: dict[str, Any]):
    """A new collection of cosine-distance vectors that records ``metadata``."""
    return client.create_collection(
        name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}, metadata=metadata
    )


def max_batch_size(client) -> int:
    """How many records one upsert may carry (1000 for servers too old to say)."""
    try:
        return max(1, int(client.get_max_batch_size()))
    except Exception:  # noqa: BLE001 - older servers: a safe default
        return 1000


# ---------------------------------------------------------------------- server mode
def _probe(host: str, port: int, ssl: bool, timeout: float) -> None:
    """One heartbeat within ``timeout`` seconds; raises on no answer or a non-Chroma answer."""
    import httpx

    url = f"{'https' if ssl else 'http'}://{host}:{port}/api/v2/heartbeat"
    resp = httpx.get(url, timeout=httpx.Timeout(timeout))
    if resp.status_code != 200 or "heartbeat" not in resp.text:
        raise ConnectionError(f"HTTP {resp.status_code} from {url}: not a Chroma 1.x server")


def _set_http_timeout(client, timeout: float) -> None:
    """Every later request of ``client`` fails after ``timeout`` seconds without an answer."""
    try:
        import httpx

        client._server._session.timeout = httpx.Timeout(timeout)
    except AttributeError:  # another chromadb layout: keep its default
        pass


def _connection_error(exc: BaseException) -> bool:
    import httpx

    if isinstance(exc, httpx.TransportError | ConnectionError | TimeoutError):
        return True
    return "could not connect to a chroma server" in str(exc).lower()


class _Guarded:
    """A chromadb HTTP client or collection whose connection failures become one-line
    ``StoreUnavailableError``s. Whatever was written before the failure stays consistent: each
    document's chunks go in one upsert, and old versions are deleted only after new ones are in."""

    def __init__(self, target, url: str) -> None:
        self._target = target
        self._url = url

    def __getattr__(self, name: str):
        attr = getattr(self._target, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            try:
                result = attr(*args, **kwargs)
            except Exception as exc:
                if _connection_error(exc):
                    raise StoreUnavailableError(
                        f"lost the Chroma server at {self._url} ({type(exc).__name__}: {_first_line(exc)}); "
                        "run the command again when it is back (ingest resumes where it stopped)"
                    ) from None
                raise
            if hasattr(result, "upsert") and hasattr(result, "query"):  # a Collection
                return _Guarded(result, self._url)
            return result

        return call


def _unreadable_database(exc: BaseException) -> bool:
    """Whether opening the embedded index failed in its SQLite database (damaged, truncated, not
    a database at all): chromadb reports these as ``InternalError`` from its Rust bindings."""
    import sqlite3

    from chromadb.errors import InternalError

    return isinstance(exc, InternalError | sqlite3.DatabaseError)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
