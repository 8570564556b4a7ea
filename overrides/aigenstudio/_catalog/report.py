"""``catalog run --json``: one JSON object per line on stdout, for other programs to follow.

Events, each with an ``event`` name: ``job_created`` (``batch``: the journal's batch number),
``item`` (one row's outcome: the results file's fields, plus ``line``, the catalog file's
line), ``progress`` (the :class:`CatalogProgress` fields, ``done`` included) and, last,
``summary`` (the counts, credits and ``exit_code``). Text from the catalog or the server is
kept as is (JSON escapes control characters); each line is flushed as it is written.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import IO, Any

from .outcomes import CatalogSummary, ItemOutcome
from .progress import CatalogProgress

__all__ = ["JsonEvents"]


class JsonEvents:
    """The ``--json`` stream: hand its methods to the run as ``on_item``, ``on_progress``
    and ``on_step``; ``summary`` ends it."""

    def __init__(self, out: IO[str], line_of: Callable[[int | None], int | None]) -> None:
        self._out = out
        self._line_of = line_of

    def _emit(self, event: str, fields: dict[str, Any]) -> None:
        text = json.dumps({"event": event, **fields}, ensure_ascii=True, default=str)
        print(text, file=self._out, flush=True)

    def item(self, outcome: ItemOutcome) -> None:
        self._emit("item", {**outcome.to_record(), "line": self._line_of(outcome.row)})

    def progress(self, progress: CatalogProgress) -> None:
        fields = dataclasses.asdict(progress)
        fields["done"] = progress.done
        self._emit("progress", fields)

    def step(self, name: str, batch: int) -> None:
        if name == "created":
            self._emit("job_created", {"batch": batch})

    def summary(self, summary: CatalogSummary, exit_code: int) -> None:
        self._emit(
            "summary",
            {
                "completed": summary.completed_count,
                "failed": summary.failed_count,
                "failed_earlier": summary.failed_earlier_count,
                "invalid": summary.invalid_count,
                "earlier": summary.skipped_count,
                "jobs": summary.jobs,
                "credits_used": summary.credits_used,
                "journal": summary.journal,
                "exit_code": exit_code,
            },
        )
