"""A catalog run in its own process, for the crash tests: dies (os._exit) at a chosen step.

Environment: CATALOG_BASE_URL, CATALOG_JOURNAL, CATALOG_ROWS (a JSONL file), and optionally
CATALOG_CRASH_AT ("<step>:<batch>", e.g. "created:1", or "<step>#<n>": its n-th occurrence,
whatever the batch), CATALOG_KEYS (how many API keys, one client each; default 1),
CATALOG_KEY_ORDER (the order of those clients, e.g. "1,0"; default: 0, 1, ...) and
CATALOG_POLL_INTERVAL (real seconds between polls; default: no sleeping). Exit 77 is the
simulated crash.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter

from aigenstudio._catalog.process import process_catalog
from aigenstudio_client.client import AuthenticatedClient

CRASH_EXIT = 77


def crash_key(n: int) -> str:
    return f"aigen_test_crash{n}0123456789"


def main() -> int:
    crash_at = os.environ.get("CATALOG_CRASH_AT")
    seen: Counter[str] = Counter()

    def on_step(step: str, batch: int) -> None:
        seen[step] += 1
        if crash_at in (f"{step}:{batch}", f"{step}#{seen[step]}"):
            os._exit(CRASH_EXIT)  # a hard crash: no finally, no journal close, no flush

    base_url = os.environ["CATALOG_BASE_URL"]
    keys = int(os.environ.get("CATALOG_KEYS", "1"))
    order = os.environ.get("CATALOG_KEY_ORDER")
    numbers = [int(n) for n in order.split(",")] if order else list(range(keys))
    clients = [AuthenticatedClient(base_url=base_url, token=crash_key(n)) for n in numbers]
    interval = float(os.environ.get("CATALOG_POLL_INTERVAL", "0.001"))
    real_sleep = "CATALOG_POLL_INTERVAL" in os.environ
    with open(os.environ["CATALOG_ROWS"], encoding="utf-8") as rows:
        summary = process_catalog(
            clients[0] if len(clients) == 1 else clients,
            (json.loads(line) for line in rows),
            namespace="crash-test",
            journal=os.environ["CATALOG_JOURNAL"],
            operation="marketplace_clean",
            on_step=on_step,
            poll_interval=interval,
            max_interval=interval,
            sleep=time.sleep if real_sleep else lambda _s: None,
        )
    print(json.dumps({"completed": summary.completed_count, "skipped": summary.skipped_count}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
