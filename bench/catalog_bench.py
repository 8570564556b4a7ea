"""process_catalog at scale: client cost per image, memory per image, and the cost of a resume.

Each measurement runs in a fresh interpreter (``python -m bench.catalog_bench --one ...``)
so its RSS growth belongs to that run alone. The fake API answers in-process through an
httpx.MockTransport (no sockets): a create is queued, the second poll finds it completed,
so what is measured is the client's own work. Rows are produced lazily by a generator.

One more row compares one API key with two (two jobs in flight): wall time per image when
each job finishes at its third poll, 10 ms apart (real sleeps, in this process).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import Row

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 5_000)
# The target: at most 200 bytes of RSS growth per image at 100,000 images.
BYTES_PER_IMAGE_TARGET = 200.0


class FastApi:
    """Idempotent creates, one job per key, every job completed at its second poll.

    It keeps almost nothing per job (the bench's rows are numbered, so a job id encodes its
    first row and its size), so the RSS growth measured is the client's, not the fake's:
    only the key -> job map stays (about 6 bytes per image, before and after alike).
    """

    def __init__(self, finish_at: int = 2) -> None:
        self.by_key: dict[str, str] = {}
        self.polls: dict[str, int] = {}
        self.requests = 0
        self.images_created = 0
        self.finish_at = finish_at
        self._lock = threading.Lock()  # two keys: two worker threads share this fake

    def handler(self, request: Any) -> Any:
        with self._lock:
            return self._answer(request)

    def _answer(self, request: Any) -> Any:
        import httpx

        self.requests += 1
        if request.method == "POST":
            key = request.headers["Idempotency-Key"]
            job_id = self.by_key.get(key)
            status = 200
            if job_id is None:
                images = json.loads(request.content)["images"]
                first = int(images[0]["external_id"].removeprefix("sku-"))
                status, job_id = 201, str(uuid.UUID(int=(first << 16) | len(images)))
                self.by_key[key] = job_id
                self.polls[job_id] = 0
                self.images_created += len(images)
            return httpx.Response(
                status, json={"job": _job(job_id, "queued"), "remaining_paid_credits": 1, "request_id": "r"}
            )
        job_id = request.url.path.rsplit("/", 1)[1]
        polls = self.polls.pop(job_id, self.finish_at - 1) + 1
        if polls < self.finish_at:
            self.polls[job_id] = polls
        state = "completed" if polls >= self.finish_at else "processing"
        return httpx.Response(200, json={"job": _job(job_id, state), "request_id": "r"})


def _job(job_id: str, status: str) -> dict[str, Any]:
    number = uuid.UUID(job_id).int
    first, size = number >> 16, number & 0xFFFF
    job: dict[str, Any] = {"id": job_id, "status": status, "total_items": size}
    job.update(credits_reserved=size, sandbox=True)
    if status != "completed":
        job["items"] = []
        return job
    job["credits_used"] = size
    job["items"] = [
        {
            "id": str(uuid.UUID(int=first + i + 1)),
            "external_id": f"sku-{first + i:07}",
            "result_url": f"https://cdn.test/{job_id}/{i}.png",
            "thumbnail_url": f"https://cdn.test/{job_id}/{i}.thumb.png",
            "credits_used": 1,
        }
        for i in range(size)
    ]
    return job


def rows(n: int) -> Iterator[dict[str, str]]:
    for i in range(n):
        yield {"source_url": f"https://img.test/catalog/{i}.jpg", "external_id": f"sku-{i:07}"}


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_rss_bytes() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_one(n: int, resume: bool) -> dict[str, Any]:
    """One run of n images (and, with ``resume``, the same run again), measured here."""
    import httpx
    from aigenstudio._catalog import process as catalog
    from aigenstudio_client.client import AuthenticatedClient

    api = FastApi()
    client = AuthenticatedClient(
        base_url="https://api.test/api/v1",
        token="aigen_test_bench0123456789",  # noqa: S106 (a sandbox-shaped key for a fake API)
        httpx_args={"transport": httpx.MockTransport(api.handler)},
    )
    journaled = "journal" in inspect.signature(catalog.process_catalog).parameters
    workdir = tempfile.mkdtemp(prefix="catalog-bench-")
    extra: dict[str, Any] = {"journal": os.path.join(workdir, "state.sqlite")} if journaled else {}

    def once() -> Any:
        return catalog.process_catalog(
            client, rows(n), namespace="bench", operation="marketplace_clean", sleep=lambda _s: None, **extra
        )

    warm: dict[str, Any] = {"journal": os.path.join(workdir, "warm.sqlite")} if journaled else {}
    # Warm imports, the spec, the validators (and SQLite) before measuring.
    catalog.process_catalog(client, rows(3), namespace="warm", sleep=lambda _s: None, **warm)
    base_rss, base_peak = _rss_bytes(), _peak_rss_bytes()
    started = time.perf_counter()
    report = once()
    seconds = time.perf_counter() - started
    growth = max(_peak_rss_bytes() - base_peak, _rss_bytes() - base_rss, 0)
    result: dict[str, Any] = {
        "n": n,
        "us_per_image": seconds / n * 1e6,
        "bytes_per_image": growth / n,
        "repr_bytes": len(repr(report)),
        "journal": journaled,
    }
    if resume:
        del report
        requests_before, created_before = api.requests, api.images_created
        started = time.perf_counter()
        once()
        result["resume_us_per_image"] = (time.perf_counter() - started) / n * 1e6
        result["resume_requests"] = api.requests - requests_before
        result["resume_images_charged"] = api.images_created - created_before
    return result


def per_image_with_keys(keys: int, n: int = 200, interval: float = 0.01) -> float:
    """Wall seconds per image with ``keys`` API keys, jobs finishing at their third poll."""
    import httpx
    from aigenstudio._catalog import process as catalog
    from aigenstudio_client.client import AuthenticatedClient

    api = FastApi(finish_at=3)
    clients = [
        AuthenticatedClient(
            base_url="https://api.test/api/v1",
            token=f"aigen_test_bench{k}0123456789",
            httpx_args={"transport": httpx.MockTransport(api.handler)},
        )
        for k in range(keys)
    ]
    catalog.process_catalog(clients, rows(3), namespace=f"warm-{keys}", sleep=lambda _s: None)
    started = time.perf_counter()
    catalog.process_catalog(
        clients, rows(n), namespace=f"keys-{keys}", poll_interval=interval, max_interval=interval
    )
    return (time.perf_counter() - started) / n


def keys_row() -> Row:
    one, two = per_image_with_keys(1), per_image_with_keys(2)
    note = f"1 key: {one * 1e6:.0f} us/image; jobs finish at the 3rd poll, 10 ms apart"
    return Row("catalog: wall time/image, 2 keys vs 1", two * 1e6, one * 1e6, "us", note=note)


def measure(n: int, resume: bool = False) -> dict[str, Any]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in ("generated", "overrides", ".")),
    }
    args = [sys.executable, "-m", "bench.catalog_bench", "--one", str(n)] + (["--resume"] if resume else [])
    out = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=True, timeout=3600)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def catalog_rows(quick: bool = False) -> list[Row]:
    """The bench table's rows: per-image cost and memory at each size, then the resume cost."""
    sizes = QUICK_SIZES if quick else SIZES
    table: list[Row] = []
    for n in sizes:
        got = measure(n, resume=n == sizes[0] * 10 or (quick and n == sizes[-1]))
        table.append(Row(f"catalog: client cost/image (N={n})", got["us_per_image"], None, "us"))
        limit = BYTES_PER_IMAGE_TARGET if n >= 100_000 else None
        table.append(
            Row(
                f"catalog: RSS growth/image (N={n})",
                got["bytes_per_image"],
                1.0 if limit else None,
                "B",
                limit=limit,
                note=f"repr of the result: {got['repr_bytes']} chars",
            )
        )
        if "resume_us_per_image" in got:
            note = f"{got['resume_requests']} requests, {got['resume_images_charged']} images charged again"
            table.append(
                Row(f"catalog: resume cost/image (N={n})", got["resume_us_per_image"], None, "us", note=note)
            )
    table.append(keys_row())
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--one", type=int, help="measure one run of N images in this process (internal)")
    parser.add_argument("--resume", action="store_true", help="with --one: also time a second, resumed run")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.resume)))
        return 0
    for row in catalog_rows(args.quick):
        ratio = f" ({row.ratio:.2f}x)" if row.ratio is not None else ""
        print(f"{row.metric:45} {row.ours:12.1f} {row.unit:3}{ratio} {row.note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
