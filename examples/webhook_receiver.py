"""A webhook receiver: a small WSGI app (standard library only) that verifies every delivery.

    export AIGENSTUDIO_API_KEY=aigen_test_...   # the key the webhook_url was registered with
    python examples/webhook_receiver.py         # listens on 127.0.0.1:8080 (WEBHOOK_PORT=...)

Each delivery is checked with ``verify_webhook`` (HMAC-SHA256 of the raw body, timestamp and
event id; deliveries older than 5 minutes are refused) and deduplicated by event id with a
``WebhookDeduplicator`` (the vendor retries a delivery with the same id, and a replay inside the
window verifies too). Answers: 204 for a new event (handled) or a duplicate (ignored), 400 for a
delivery that cannot be trusted, 404 and 405 for other paths and methods, 413 past 1 MiB.

In production, run ``app`` under any WSGI server (gunicorn, uWSGI, mod_wsgi) behind https, and
keep the deduplicator's memory in a shared store if there is more than one process.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterable
from wsgiref.simple_server import make_server
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from aigenstudio import (
    DuplicateWebhookError,
    WebhookDeduplicator,
    WebhookEvent,
    WebhookVerificationError,
    verify_webhook,
)

PATH = "/webhooks/aigenstudio"
MAX_BODY = 1024 * 1024


def handle(event: WebhookEvent) -> None:
    """Your code: act on a verified, first-seen event (here: log what it says)."""
    summary = json.dumps(event.payload, sort_keys=True)[:200]  # payload: the parsed JSON body
    print(f"event {event.event_id}: {summary}", flush=True)


def _answer(start_response: StartResponse, status: str, text: str = "") -> Iterable[bytes]:
    body = text.encode()
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    start_response(status, headers)
    return [body]


def make_app(api_key: str, deduplicator: WebhookDeduplicator | None = None) -> WSGIApplication:
    """The WSGI app; ``api_key`` verifies the signatures (never logged, never answered)."""
    seen = deduplicator or WebhookDeduplicator()

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != PATH:
            return _answer(start_response, "404 Not Found")
        if environ.get("REQUEST_METHOD") != "POST":
            return _answer(start_response, "405 Method Not Allowed")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _answer(start_response, "400 Bad Request", "bad Content-Length")
        if length > MAX_BODY:
            return _answer(start_response, "413 Content Too Large")
        raw_body = environ["wsgi.input"].read(length)  # the exact bytes: never re-serialised JSON
        headers = {
            name[5:].replace("_", "-"): value for name, value in environ.items() if name.startswith("HTTP_")
        }
        try:
            event = verify_webhook(raw_body, headers, api_key)
            seen.check(event)
        except DuplicateWebhookError:
            return _answer(start_response, "204 No Content")  # handled already: acknowledge it
        except WebhookVerificationError as problem:
            print(f"refused a delivery: {problem}", file=sys.stderr, flush=True)
            return _answer(start_response, "400 Bad Request", "webhook verification failed")
        handle(event)
        return _answer(start_response, "204 No Content")

    return app


def main() -> int:
    api_key = os.environ.get("AIGENSTUDIO_API_KEY", "")
    if not api_key:
        print("Set AIGENSTUDIO_API_KEY to the key the webhook_url was registered with.", file=sys.stderr)
        return 2
    port = int(os.environ.get("WEBHOOK_PORT", "8080"))
    with make_server("127.0.0.1", port, make_app(api_key)) as server:
        print(f"listening on http://127.0.0.1:{server.server_port}{PATH} (Ctrl-C stops)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
