"""The benchmark harness itself: the loopback server and the table's verdicts (nothing timed)."""

from __future__ import annotations

import httpx

from bench.report import Row, render
from bench.server import JOB_ID, BenchServer


def test_server_answers_both_routes_and_counts_connections() -> None:
    with BenchServer(lifetime=30) as server, httpx.Client(base_url=server.base_url) as client:
        operations = client.get("/product-photo-operations", headers={"X-Request-Id": "req-smoke"})
        job = client.get(f"/product-photo-jobs/{JOB_ID}")
        missing = client.get("/nowhere")

        assert operations.status_code == 200
        assert operations.headers["x-request-id"] == "req-smoke"
        assert len(operations.json()["operations"]) == 6
        assert len(job.json()["job"]["items"]) == 20
        assert missing.status_code == 404
        assert server.connections == 1  # keep-alive: three requests, one connection


def test_rows_pass_fail_and_info() -> None:
    rows = [
        Row("fast", 1.1, 1.0, "us", limit=1.15),
        Row("slow", 1.2, 1.0, "us", limit=1.15),
        Row("memory", 300.0, 200.0, "MiB"),
        Row("absent", None, 1.0, "us", limit=1.15, note="n/a (tool not present)"),
    ]
    assert [row.verdict for row in rows] == ["pass", "FAIL", "-", "n/a"]
    table = render(rows)
    assert "1.50x" in table
    assert "[4] n/a (tool not present)" in table
