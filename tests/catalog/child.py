"""A catalog run in its own process, for the crash tests: dies (os._exit) at a chosen step.

Environment: CATALOG_BASE_URL, CATALOG_JOURNAL, CATALOG_ROWS (a JSONL file), and optionally
CATALOG_CRASH_AT ("<step>:<batch>", e.g. "created:1"). Exit 77 is the simulated crash.
"""

from __future__ import annotations

import json
import os
import sys

from aigenstudio._workflow.catalog import process_catalog
from aigenstudio_client.client import AuthenticatedClient

CRASH_EXIT = 77


def main() -> int:
    crash_at = os.environ.get("CATALOG_CRASH_AT")

    def on_step(step: str, batch: int) -> None:
        if crash_at == f"{step}:{batch}":
            os._exit(CRASH_EXIT)  # a hard crash: no finally, no journal close, no flush

    client = AuthenticatedClient(base_url=os.environ["CATALOG_BASE_URL"], token="aigen_test_crash0123456789")
    with open(os.environ["CATALOG_ROWS"], encoding="utf-8") as rows:
        summary = process_catalog(
            client,
            (json.loads(line) for line in rows),
            namespace="crash-test",
            journal=os.environ["CATALOG_JOURNAL"],
            operation="marketplace_clean",
            on_step=on_step,
            poll_interval=0.001,
            max_interval=0.001,
            sleep=lambda _s: None,
        )
    print(json.dumps({"completed": summary.completed_count, "skipped": summary.skipped_count}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
