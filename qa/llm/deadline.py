"""``llm.timeout`` as a bound on each whole LLM request, not only on each read.

httpx's timeout is per read: a server sending one token a second never times out, streaming or
not. ``Deadline.hooks()`` go on the httpx client under the openai client: each request made
inside ``guard()`` gets a timer that, when time is up and the response is still open, shuts its
connection down (found from the connect trace, and from the response), so the blocked read
returns at once; ``guard()`` then raises ``TookTooLong`` in place of the resulting connection
error, and ``check()`` raises it between stream chunks.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class TookTooLong(Exception):
    """One request ran past ``llm.timeout`` as a whole (a server trickling its reply)."""


# Before any header the read timeout (as long as the deadline) bounds a silent server and says
# "timed out"; the deadline acts that much later there, for a server trickling its headers.
_GRACE = 0.25


class _Watch:
    """One HTTP request under a deadline: when time is up while it is still open, its sockets
    are shut down, so a read blocked on a trickling server returns at once."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self.response = None
        self._sockets: list = []
        self._lock = threading.Lock()
        self._graced = self._cancelled = False
        self._start(seconds)

    def _start(self, seconds: float) -> None:
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def add(self, stream) -> None:
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            if self._cancelled or (self.response is not None and self.response.is_closed):
                return  # read in time
            if self.response is None and not self._graced:
                self._graced = True
                self._start(_GRACE)
                return
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            self._timer.cancel()


def _shut(sock) -> None:
    with contextlib.suppress(OSError):  # the plain socket's shutdown, also under TLS
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class Deadline:
    """A per-request time limit of ``seconds`` for the requests made under ``guard()``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._local = threading.local()

    def hooks(self) -> dict:
        """httpx ``event_hooks``: run before the request is sent and once its headers are in."""
        return {"request": [self._on_request], "response": [self._on_response]}

    def _watches(self) -> list[_Watch] | None:
        return getattr(self._local, "watches", None)

    def _on_request(self, request) -> None:
        watches = self._watches()
        if watches is None:
            return
        watch = _Watch(self.seconds)
        watches.append(watch)
        previous = request.extensions.get("trace")

        def trace(name: str, info: dict) -> None:  # a new connection: watch its socket from the start
            if name.endswith(("connect_tcp.complete", "start_tls.complete")):
                watch.add(info.get("return_value"))
            if previous is not None:
                previous(name, info)

        request.extensions = {**request.extensions, "trace": trace}

    def _on_response(self, response) -> None:
        watches = self._watches()
        if watches:
            watches[-1].response = response
            watches[-1].add(response.extensions.get("network_stream"))

    @contextlib.contextmanager
    def guard(self):
        watches: list[_Watch] = []
        self._local.watches = watches
        try:
            yield self
        except Exception as exc:
            if any(w.expired for w in watches):
                raise TookTooLong(f"took longer than {self.seconds:g} s") from exc
            raise
        finally:
            for w in watches:
                w.cancel()
            self._local.watches = None

    def check(self) -> None:
        if any(w.expired for w in self._watches() or ()):
            raise TookTooLong(f"took longer than {self.seconds:g} s")
