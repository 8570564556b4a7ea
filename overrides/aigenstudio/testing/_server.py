"""The loopback way in: a threaded HTTP server answering from a ``FakeAPI`` (``make mock``,
``python -m aigenstudio mock``), for applications in other processes."""

from __future__ import annotations

import argparse
import socket
import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from ._api import FakeAPI
from ._faults import wait
from ._rules import Timing

__all__ = ["DEFAULT_TIMING", "EXAMPLE_KEY", "FakeServer", "main", "parse_timing"]

BASE_PATH = "/api/v1"
EXAMPLE_KEY = "aigen_test_mock000000000000000000"
# A create body is at most 20 images: anything near this is not a request the API takes.
MAX_BODY_BYTES = 1 << 20
# How often the serving thread checks for shutdown (seconds): leaving ``with`` takes at most this.
SHUTDOWN_POLL = 0.05


class _Handler(BaseHTTPRequestHandler):
    server: FakeServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write("mock: " + (format % args) + "\n")

    def _exchange(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self.send_error(413 if length > 0 else 400, "a body of at most 1 MiB with a Content-Length")
            self.close_connection = True
            return
        content = self.rfile.read(length) if length else b""
        url = f"http://{self.server.host}:{self.server.port}{self.path}"
        headers = [(name, value) for name, value in self.headers.items()]
        request = httpx.Request(self.command, url, headers=headers, content=content)
        api = self.server.api
        fault = api.take_fault(request)
        if fault is not None:
            wait(fault)
        try:
            response = api.respond(request, fault)
        except httpx.ConnectError:  # a reset: the peer sees a TCP RST, not a clean close
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()  # now: the server's own shutdown would send a FIN first
            self.close_connection = True
            return
        except httpx.TransportError:  # a lost answer: the connection closes, nothing said
            self.close_connection = True
            return
        self.send_response(response.status_code)
        for name, value in response.headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.content)))
        self.end_headers()
        self.wfile.write(response.content)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _exchange


class FakeServer(ThreadingHTTPServer):
    """``with FakeServer(FakeAPI()) as server:`` serves on 127.0.0.1 (port 0: a free one);
    ``server.base_url`` is what ``Client(base_url=...)`` and AIGENSTUDIO_BASE_URL take."""

    daemon_threads = True

    def __init__(self, api: FakeAPI | None = None, *, port: int = 0, verbose: bool = False) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.api = api or FakeAPI(base_url=f"http://127.0.0.1{BASE_PATH}")
        self.verbose = verbose
        self.host, self.port = "127.0.0.1", int(self.server_address[1])
        self._thread = threading.Thread(target=self._serve, name="aigenstudio-fake", daemon=True)

    def _serve(self) -> None:
        self.serve_forever(poll_interval=SHUTDOWN_POLL)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client gone before its answer (a timeout, a test done) is no error of the fake's."""
        if isinstance(sys.exc_info()[1], ConnectionError) and not self.verbose:
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]

    @property
    def base_url(self) -> str:
        # The api's own base path: the one it answers under (any other path is a 404).
        return f"http://{self.host}:{self.port}{httpx.URL(self.api.base_url).path.rstrip('/')}"

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.api.release_held()  # a held request's thread would outlive the server
        self.shutdown()
        self.server_close()


# make mock's default: final at the first read, or 5 s after creation if nobody reads it (as a
# real job ends on its own), so a job an app never polls does not hold its key's slot forever.
DEFAULT_TIMING = "polls:1,seconds:5"


def parse_timing(text: str) -> Timing:
    """``instant``, ``polls:N``, ``seconds:S`` or ``polls:N,seconds:S`` (whichever comes first)."""
    if text == "instant":
        return Timing.instant()
    given: dict[str, str] = {}
    for part in text.split(","):
        kind, _, value = part.partition(":")
        if kind not in ("polls", "seconds") or kind in given or not value:
            raise argparse.ArgumentTypeError(f"{text!r}: expected instant, polls:N, seconds:S or both")
        given[kind] = value
    try:
        polls = int(given["polls"]) if "polls" in given else None
        return Timing(polls=polls, seconds=float(given["seconds"]) if "seconds" in given else None)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: N must be a whole number >= 0, S a number >= 0"
        ) from None


def main(argv: list[str] | None = None) -> int:
    """``python -m aigenstudio mock [--port N] [--timing polls:1] [--allow-live-keys] [--quiet]``."""
    parser = argparse.ArgumentParser(
        prog="aigenstudio mock", description="a stateful fake of the API on 127.0.0.1"
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument(
        "--timing",
        type=parse_timing,
        default=parse_timing(DEFAULT_TIMING),
        help="instant, polls:N or seconds:S",
    )
    parser.add_argument(
        "--allow-live-keys", action="store_true", help="accept aigen_live_ keys (simulated spending)"
    )
    parser.add_argument("--quiet", action="store_true", help="no line per request")
    args = parser.parse_args(argv)
    api = FakeAPI(
        timing=args.timing, allow_live_keys=args.allow_live_keys, base_url=f"http://127.0.0.1{BASE_PATH}"
    )
    try:
        server = FakeServer(api, port=args.port, verbose=not args.quiet)
    except OSError as exc:
        print(f"mock: error: cannot listen on 127.0.0.1:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    with server:
        print(f"AIGENSTUDIO_BASE_URL={server.base_url}", flush=True)
        print(
            "# aigenstudio.testing fake API (stateful: jobs finish; rules in README, Testing your app).\n"
            f"#   export AIGENSTUDIO_BASE_URL={server.base_url} AIGENSTUDIO_API_KEY={EXAMPLE_KEY}\n"
            "# Ctrl-C stops it.",
            flush=True,
        )
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("\nmock: stopped", flush=True)
    return 0
