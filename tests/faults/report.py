"""The reliability figures of the fault suite: one row per faulted call, and the totals."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Row:
    fault: str
    scenario: str  # the fault, with "-persistent" when every attempt gets it
    mode: str  # "sync" or "async"
    outcome: str  # the result model's name, or the exception class the caller saw
    request_id_present: bool
    requests_sent: int
    jobs_created: int  # on the server after the call and, after an error, the caller's repeat
    clean: bool  # the expected typed error, or a correct result
    secret_leaked: bool


@dataclass
class FaultReport:
    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)

    def totals(self) -> dict[str, int]:
        return {
            "faults_tried": len({row.fault for row in self.rows}),
            "scenarios": len({row.scenario for row in self.rows}),
            "calls": len(self.rows),
            "clean_typed_error_or_correct_result": sum(row.clean for row in self.rows),
            "duplicate_jobs_created": sum(max(0, row.jobs_created - 1) for row in self.rows),
            "secrets_leaked": sum(row.secret_leaked for row in self.rows),
        }

    def to_json(self) -> dict[str, Any]:
        ordered = sorted(self.rows, key=lambda row: (row.scenario, row.mode))
        return {"totals": self.totals(), "calls": [asdict(row) for row in ordered]}
