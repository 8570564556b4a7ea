"""`make mock`: a local API for your application's tests: the stateful fake, or Prism.

Usage (normally through make):
    python tools/mock.py [--port N] [--engine fake|prism] [--timing polls:1] [--spec PATH]

``--engine fake`` (the default) serves ``aigenstudio.testing`` (the same server as
``python -m aigenstudio mock``): jobs finish (``--timing instant``, ``polls:N``,
``seconds:S``, or ``polls:1,seconds:5``, the default), outcomes follow the README's rules,
creates are idempotent and limited as the API documents. ``--engine prism``
(``make mock ENGINE=prism``), the strict contract mock, starts Stoplight Prism (pinned in
package-lock.json) on 127.0.0.1, on port N or a free one,
validating every request against the spec (a request that breaks it gets 422 or the spec's
error response with an ``sl-violations`` header). The first line printed is the base URL as
the client reads it from the environment::

    AIGENSTUDIO_BASE_URL=http://127.0.0.1:PORT

then Prism's log follows, one line per request, until Ctrl-C (or SIGTERM) stops it. Any
sandbox-shaped key works (``AIGENSTUDIO_API_KEY=aigen_test_...``): Prism only checks that a
bearer token is sent. Exits 2, in one line, when Prism cannot start (no Node, port taken).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path
from types import FrameType

if __package__ in (None, ""):  # run as a script (make mock): make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.prism import DEFAULT_SPEC, PrismError, PrismServer, start_prism

BASE_URL_ENV = "AIGENSTUDIO_BASE_URL"
API_KEY_ENV = "AIGENSTUDIO_API_KEY"
EXAMPLE_KEY = "aigen_test_mock000000000000000000"


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"PORT={text!r} is not a number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"PORT={port} is not a TCP port (1-65535)")
    return port


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def follow(server: PrismServer, poll: float = 0.2) -> None:
    """Print Prism's log as it grows, until Prism exits (or Ctrl-C)."""
    offset = 0
    while True:
        with server.log_path.open("rb") as log:
            log.seek(offset)
            chunk = log.read()
        if chunk:
            offset += len(chunk)
            sys.stdout.write(chunk.decode("utf-8", errors="replace"))
            sys.stdout.flush()
        if not server.is_running():
            raise PrismError(f"Prism exited with code {server.process.returncode}")
        time.sleep(poll)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=_port, default=None, help="port to listen on (default: a free one)")
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="the spec (default: openapi.yaml)")
    parser.add_argument("--engine", choices=("fake", "prism"), default="fake", help="default: fake")
    parser.add_argument("--timing", default=None, help="the fake's: instant, polls:N, seconds:S or both")
    parser.add_argument("--allow-live-keys", action="store_true", help="the fake's: accept aigen_live_ keys")
    args = parser.parse_args(argv)
    if args.engine == "fake":
        from aigenstudio.testing._server import main as fake_main

        signal.signal(signal.SIGTERM, _stop_on_sigterm)
        port = ["--port", str(args.port)] if args.port else []
        live = ["--allow-live-keys"] if args.allow_live_keys else []
        return fake_main([*port, *(["--timing", args.timing] if args.timing else []), *live])
    if not args.spec.is_file():
        print(f"mock: error: {args.spec}: cannot read the spec: no such file", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        server = start_prism(args.spec, port=args.port)
    except PrismError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = f" on port {args.port}" if args.port else ""
        print(f"mock: error: Prism cannot start{where}: {first_line}", file=sys.stderr)
        return 2
    try:
        print(f"{BASE_URL_ENV}={server.base_url}", flush=True)
        print(
            f"# Prism mock of {args.spec.name} (every request validated). Point your app at it:\n"
            f"#   export {BASE_URL_ENV}={server.base_url} {API_KEY_ENV}={EXAMPLE_KEY}\n"
            "# Error paths per client: client.with_headers({'Prefer': 'code=404'}). Ctrl-C stops it.",
            flush=True,
        )
        follow(server)
    except KeyboardInterrupt:
        print("\nmock: stopped", flush=True)
    except PrismError as exc:
        print(f"mock: error: {exc}", file=sys.stderr)
        return 2
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
