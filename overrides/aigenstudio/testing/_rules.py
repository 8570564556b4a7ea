"""The fake API's documented rules: what each operation costs, which images fail, when a job
finishes, and the faults a test can inject. Deterministic: the same requests give the same
outcomes (ids aside)."""

from __future__ import annotations

from dataclasses import dataclass

from aigenstudio_client.models.product_photo_job_status import ProductPhotoJobStatus

__all__ = [
    "ACTIVE",
    "DEFAULT_BILLED_AS",
    "FAIL_MARKER",
    "OPERATION_CREDITS",
    "PRESETS",
    "PRESET_OPERATIONS",
    "Failure",
    "Timing",
    "failure_by_rule",
]

# The job statuses, as the spec names them (the generated enum).
QUEUED = ProductPhotoJobStatus.QUEUED.value
PROCESSING = ProductPhotoJobStatus.PROCESSING.value
COMPLETED = ProductPhotoJobStatus.COMPLETED.value
PARTIALLY_COMPLETED = ProductPhotoJobStatus.PARTIALLY_COMPLETED.value
FAILED = ProductPhotoJobStatus.FAILED.value
CANCELLED = ProductPhotoJobStatus.CANCELLED.value
# A job in one of these counts against the limits (one per key, two per account).
ACTIVE = frozenset({QUEUED, PROCESSING})

# Credits per image of each operation id the spec lists (the fake's price list).
OPERATION_CREDITS = {
    "product_photo_enhance": 2,
    "remove_background": 1,
    "studio_packshot": 5,
    "marketplace_clean": 1,
    "natural_lifestyle": 3,
    "premium_ad": 4,
}
# The operation a create names neither by ``operation`` nor by a known preset is billed as.
DEFAULT_BILLED_AS = "marketplace_clean"
PRESETS = [
    {"id": "marketplace_white", "name": "Marketplace white", "description": "marketplace_clean on white"},
    {"id": "studio_soft", "name": "Studio soft light", "description": "studio_packshot, soft shadow"},
]
# What each preset is billed as.
PRESET_OPERATIONS = {"marketplace_white": "marketplace_clean", "studio_soft": "studio_packshot"}
# A source_url containing this (any case) fails, with FAIL_CODE: the rule a test relies on.
FAIL_MARKER = "fail"


@dataclass(frozen=True, slots=True)
class Failure:
    """How one image fails: the item's ``error_code`` and ``error_message``."""

    code: str = "image_processing_failed"
    message: str = "the image could not be processed"


def failure_by_rule(source_url: str) -> Failure | None:
    """The documented rule: a ``source_url`` containing ``fail`` fails, every other succeeds."""
    if FAIL_MARKER in source_url.lower():
        return Failure("image_processing_failed", "the fake fails every source_url containing 'fail'")
    return None


# By default a job is final at its first read.
FIRST_READ = 1


@dataclass(frozen=True, slots=True)
class Timing:
    """When a job finishes: at creation, at its N-th read (GET), after N seconds of the fake's
    clock, or whichever of a read count and a time comes first (both given)."""

    polls: int | None = FIRST_READ
    seconds: float | None = None

    def __post_init__(self) -> None:
        if self.polls is not None and self.polls < 0:
            raise ValueError("polls must be >= 0")
        if self.seconds is not None and not self.seconds >= 0:
            raise ValueError("seconds must be >= 0")

    @classmethod
    def instant(cls) -> Timing:
        """Final already in the create answer."""
        return cls(polls=0)

    @classmethod
    def after_polls(cls, polls: int) -> Timing:
        """``processing`` until the job's ``polls``-th read, which shows it final."""
        return cls(polls=polls)

    @classmethod
    def after_seconds(cls, seconds: float) -> Timing:
        """Final once ``seconds`` have passed on the fake's clock (real time, plus ``advance``)."""
        return cls(polls=None, seconds=seconds)

    def stage(self, reads: int, elapsed: float) -> str:
        """``queued``, ``processing`` or ``final`` after ``reads`` reads and ``elapsed`` seconds."""
        by_reads = self.polls is not None and reads >= self.polls
        by_time = self.seconds is not None and elapsed >= self.seconds
        if by_reads or by_time:
            return "final"
        return QUEUED if reads == 0 else PROCESSING
