"""The fake's jobs and its credit ledger: a job's items, its stage, its wire form."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ._rules import CANCELLED, COMPLETED, FAILED, PARTIALLY_COMPLETED, Failure, Timing

__all__ = ["FakeItem", "FakeJob", "Ledger", "LedgerEntry"]

_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(slots=True)
class FakeItem:
    id: str
    source_url: str
    external_id: str | None
    credits: int
    failure: Failure | None

    def wire(self, job_id: str, index: int, final: bool, status: str) -> dict[str, Any]:
        item: dict[str, Any] = {"id": self.id, "credits_reserved": self.credits}
        if self.external_id is not None:
            item["external_id"] = self.external_id
        if not final:
            return item
        if status == CANCELLED:
            return {
                **item,
                "credits_used": 0,
                "error_code": "job_cancelled",
                "error_message": "job cancelled",
            }
        if self.failure is not None:
            return {
                **item,
                "credits_used": 0,
                "error_code": self.failure.code,
                "error_message": self.failure.message,
            }
        url = f"https://cdn.aigenstudio.fake/results/{job_id}/{index}"
        return {
            **item,
            "credits_used": self.credits,
            "result_url": f"{url}.png",
            "thumbnail_url": f"{url}.thumb.png",
        }


@dataclass(slots=True)
class FakeJob:
    """A job as the fake keeps it; ``status`` follows ``timing`` (see ``Timing.stage``)."""

    id: str
    api_key: str
    sandbox: bool
    operation: str
    items: list[FakeItem]
    timing: Timing
    created_at: datetime
    started: float  # the fake clock's time at creation
    body: dict[str, Any]
    reads: int = 0
    final_status: str | None = None  # set once the job has ended (or was cancelled)

    @property
    def credits_reserved(self) -> int:
        return sum(item.credits for item in self.items)

    @property
    def credits_used(self) -> int:
        if self.final_status in (None, CANCELLED):
            return 0
        return sum(item.credits for item in self.items if item.failure is None)

    def outcome(self) -> str:
        """The final status the items decide: completed, partially_completed or failed."""
        failed = sum(1 for item in self.items if item.failure is not None)
        if failed == 0:
            return COMPLETED
        return FAILED if failed == len(self.items) else PARTIALLY_COMPLETED

    def status(self, now: float) -> str:
        if self.final_status is not None:
            return self.final_status
        stage = self.timing.stage(self.reads, now - self.started)
        return self.outcome() if stage == "final" else stage

    def summary(self, now: float) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status(now),
            "total_items": len(self.items),
            "credits_reserved": self.credits_reserved,
            "sandbox": self.sandbox,
        }

    def wire(self, now: float) -> dict[str, Any]:
        status = self.status(now)
        final = self.final_status is not None
        items = [item.wire(self.id, n, final, status) for n, item in enumerate(self.items)]
        return {
            **self.summary(now),
            "completed_items": sum(1 for item in items if "result_url" in item),
            "failed_items": sum(1 for item in items if "error_code" in item),
            "credits_used": self.credits_used,
            "items": items,
        }


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One movement of credits: ``reserve`` at create, ``settle`` (used) or ``release`` at the end."""

    job_id: str
    kind: str
    credits: int
    simulated: bool  # a sandbox key's entry: the account's paid balance did not move


@dataclass(slots=True)
class Ledger:
    """Every credit movement, and how many created jobs included each image."""

    entries: list[LedgerEntry] = field(default_factory=list)
    images: Counter[str] = field(default_factory=Counter)

    def charges(self, image: str) -> int:
        """How many jobs reserved credits for ``image`` (its external_id, else its source_url)."""
        return self.images[image]

    def total(self, kind: str, *, simulated: bool | None = None) -> int:
        return sum(
            e.credits
            for e in self.entries
            if e.kind == kind and (simulated is None or e.simulated is simulated)
        )

    def reserve(self, job: FakeJob) -> None:
        self.entries.append(LedgerEntry(job.id, "reserve", job.credits_reserved, job.sandbox))
        for item in job.items:
            self.images[item.external_id or item.source_url] += 1

    def settle(self, job: FakeJob) -> None:
        used = job.credits_used
        self.entries.append(LedgerEntry(job.id, "settle", used, job.sandbox))
        self.entries.append(LedgerEntry(job.id, "release", job.credits_reserved - used, job.sandbox))


def new_id() -> str:
    return str(uuid.uuid4())


def created_at(sequence: int) -> datetime:
    """Distinct, increasing creation times (the list cursor is one)."""
    return _EPOCH + timedelta(milliseconds=sequence)
