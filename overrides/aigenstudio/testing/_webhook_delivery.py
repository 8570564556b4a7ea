"""Webhook deliveries from the fake: one event per job that ends, signed with the job's API key
exactly as ``verify_webhook`` checks it, POSTed to each registered URL or handed to a callable."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from .._webhooks import signed_webhook_headers

if TYPE_CHECKING:
    from ._jobs import FakeJob

__all__ = ["Delivery", "WebhookTarget", "deliver", "event_for"]

# A URL (any http(s) URL, loopback included) or a callable receiving (raw body, headers).
WebhookTarget = str | Callable[[bytes, Mapping[str, str]], object]


@dataclass(slots=True)
class Delivery:
    """One event: its body and signed headers, where it went and how each target answered."""

    event_id: str
    body: bytes
    headers: dict[str, str]
    targets: list[WebhookTarget]
    answers: list[int | str] = field(default_factory=list)  # HTTP status, "called", or the error


def event_for(job: FakeJob, targets: list[WebhookTarget]) -> Delivery:
    status = job.final_status or "completed"
    event_id = f"evt_{uuid.uuid4().hex}"
    payload = {"id": event_id, "type": f"job.{status}", "data": {"job_id": job.id, "status": status}}
    body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    headers = signed_webhook_headers(body, job.api_key, event_id=event_id, timestamp=int(time.time()))
    return Delivery(event_id, body, {"Content-Type": "application/json", **headers}, targets)


def deliver(delivery: Delivery) -> None:
    """Send ``delivery`` to its targets once each (no retries); every answer is recorded."""
    for target in delivery.targets:
        if callable(target):
            try:
                target(delivery.body, dict(delivery.headers))
            except Exception as exc:  # the receiver's bug is recorded, never the API's answer
                delivery.answers.append(f"{type(exc).__name__}: {exc}")
            else:
                delivery.answers.append("called")
            continue
        try:
            answer = httpx.post(target, content=delivery.body, headers=delivery.headers, timeout=10.0)
            delivery.answers.append(answer.status_code)
        except httpx.HTTPError as exc:
            delivery.answers.append(f"{type(exc).__name__}: {exc}")
