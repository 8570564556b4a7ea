"""The fake's answers to each operation (``FakeAPI``'s routes), by operation id."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import httpx

from .._contract.spec import Operation
from .._core.api_facts import IDEMPOTENCY_KEY_HEADER
from .._http.settings import key_kind
from ._checks import CheckedState
from ._jobs import FakeItem, FakeJob, created_at, new_id
from ._reply import Reply, error
from ._rules import (
    ACTIVE,
    DEFAULT_BILLED_AS,
    OPERATION_CREDITS,
    PRESET_OPERATIONS,
    PRESETS,
    Failure,
    failure_by_rule,
)
from ._state import bearer
from ._webhook_delivery import Delivery

__all__ = ["JobRoutes"]


class JobRoutes(CheckedState):
    """Creating, reading and listing jobs, and the public listings."""

    def _route(
        self, op: Operation, arguments: dict[str, str], request: httpx.Request, rid: str
    ) -> tuple[Reply, list[Delivery]]:
        if op.operation_id == "listProductPhotoOperations":
            ops = [
                {"id": i, "name": i.replace("_", " ").capitalize(), "credits_per_image": c}
                for i, c in OPERATION_CREDITS.items()
            ]
            return Reply(200, {"operations": ops, "request_id": rid}), []
        if op.operation_id == "listProductPhotoPresets":
            return Reply(200, {"presets": [dict(preset) for preset in PRESETS], "request_id": rid}), []
        key = bearer(request) or ""
        if op.operation_id == "createProductPhotoJob":
            return self._create(request, key, rid)
        if op.operation_id == "getProductPhotoJob":
            return self._read(next(iter(arguments.values()), ""), key, rid)
        if op.operation_id == "listProductPhotoJobs":
            return self._list(request, key, rid), []
        return error(501, "not_implemented", f"the fake does not implement {op.operation_id}", rid), []

    def _create(self, request: httpx.Request, key: str, rid: str) -> tuple[Reply, list[Delivery]]:
        body = json.loads(request.content)
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        idempotency = (key, request.headers[IDEMPOTENCY_KEY_HEADER])
        known = self._idempotency.get(idempotency)
        if known is not None:
            if known[0] != digest:
                message = "this Idempotency-Key was used with another request body"
                return error(409, "idempotency_key_reused", message, rid), []
            job = self.jobs[known[1]]
            return Reply(200, self._created(job, rid)), []
        refused = self._limit_problem(key, rid)
        if refused is not None:
            return refused, []
        job = self._new_job(body, key)
        if not job.sandbox and job.credits_reserved > self.remaining_paid_credits():
            return error(402, "insufficient_credits", "not enough paid credits for this job", rid), []
        self.jobs[job.id] = job
        self._idempotency[idempotency] = (digest, job.id)
        self.ledger.reserve(job)
        pending = self._finish_due_locked()
        return Reply(201, self._created(job, rid)), pending

    def _limit_problem(self, key: str, rid: str) -> Reply | None:
        now = self.now()
        active = [j for j in self.jobs.values() if j.status(now) in ACTIVE]
        if any(job.api_key == key for job in active):
            return error(409, "active_job_limit", "this API key already has an active job (one per key)", rid)
        if len(active) >= self.jobs_per_account:
            message = f"the account already has {self.jobs_per_account} active jobs"
            return error(409, "active_job_limit", message, rid)
        return None

    def _new_job(self, body: dict[str, Any], key: str) -> FakeJob:
        operation = body.get("operation") or PRESET_OPERATIONS.get(body.get("preset", ""), DEFAULT_BILLED_AS)
        cost = OPERATION_CREDITS[operation]
        items = [
            FakeItem(new_id(), image["source_url"], image.get("external_id"), cost, self._failure(image))
            for image in body["images"]
        ]
        return FakeJob(
            id=new_id(),
            api_key=key,
            sandbox=key_kind(key) == "sandbox",
            operation=operation,
            items=items,
            timing=self.timing,
            created_at=created_at(len(self.jobs)),
            started=self.now(),
            body=body,
        )

    def _failure(self, image: dict[str, Any]) -> Failure | None:
        for match, failure in self.scripts:
            if image.get("external_id") == match or match in image["source_url"]:
                return failure
        return failure_by_rule(image["source_url"])

    def _created(self, job: FakeJob, rid: str) -> dict[str, Any]:
        remaining = max(self.remaining_paid_credits(), 0)
        return {"job": job.summary(self.now()), "remaining_paid_credits": remaining, "request_id": rid}

    def _read(self, job_id: str, key: str, rid: str) -> tuple[Reply, list[Delivery]]:
        job = self.jobs.get(job_id.lower())
        if job is None or job.api_key != key:
            return error(404, "job_not_found", "no such job for this API key", rid), []
        job.reads += 1
        pending = self._finish_due_locked()
        return Reply(200, {"job": job.wire(self.now()), "request_id": rid}), pending

    def _list(self, request: httpx.Request, key: str, rid: str) -> Reply:
        params = request.url.params
        limit = int(params.get("limit", "20"))
        now = self.now()
        jobs = sorted(
            (j for j in self.jobs.values() if j.api_key == key), key=lambda j: j.created_at, reverse=True
        )
        if "cursor" in params:
            cursor = _parse_time(params["cursor"])
            jobs = [j for j in jobs if j.created_at < cursor]
        if "status" in params:
            jobs = [j for j in jobs if j.status(now) == params["status"]]
        page = jobs[:limit]
        more = len(jobs) > limit
        cursor_out = page[-1].created_at.isoformat().replace("+00:00", "Z") if more else None
        return Reply(
            200, {"jobs": [j.summary(now) for j in page], "request_id": rid, "next_cursor": cursor_out}
        )


def _parse_time(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
