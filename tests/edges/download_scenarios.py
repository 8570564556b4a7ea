"""Run in a subprocess by test_downloads.py, against the client generated from
tests/fixtures/specs/v1.1/binary.yaml (first on PYTHONPATH; so mypy does not check this file
against the main package): one scenario per call, its findings printed as one JSON line.
Base URL and key come from the environment."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import aigenstudio
import httpx


def _digest_sync(download: Any, chunk_size: int) -> dict[str, Any]:
    digest = hashlib.sha256()
    sizes = []
    for chunk in download.iter_bytes(chunk_size):
        digest.update(chunk)
        sizes.append(len(chunk))
    return {
        "sha256": digest.hexdigest(),
        "size": sum(sizes),
        "largest": max(sizes),
        "closed": download.is_closed,
    }


def stream_sync(export_id: str) -> dict[str, Any]:
    with aigenstudio.Client() as client:
        with client.exports.download.list(export_id) as warm_up:  # the first call's lazy imports
            next(iter(warm_up.iter_bytes(1024)))
        tracemalloc.start()  # from here on: what streaming the body costs
        with client.exports.download.list(export_id) as download:
            found = {"content_type": download.content_type, "request_id": download.request_id}
            found.update(_digest_sync(download, 256 * 1024))
        found["peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return found


def stream_async(export_id: str) -> dict[str, Any]:
    async def run() -> dict[str, Any]:
        async with aigenstudio.AsyncClient() as client:
            async with await client.exports.download.list(export_id) as warm_up:  # lazy imports
                async for _ in warm_up.iter_bytes(1024):
                    break
            tracemalloc.start()  # from here on: what streaming the body costs
            async with await client.exports.download.list(export_id) as download:
                digest = hashlib.sha256()
                size = 0
                async for chunk in download.iter_bytes(256 * 1024):
                    digest.update(chunk)
                    size += len(chunk)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            return {"sha256": digest.hexdigest(), "size": size, "peak": peak, "closed": download.is_closed}

    return asyncio.run(run())


def write_file(export_id: str, target: str) -> dict[str, Any]:
    with aigenstudio.Client() as client:
        tracemalloc.start()
        try:
            written = client.exports.download.list(export_id).write_to_file(target)
        except aigenstudio.AigenStudioError as error:
            return {"error": type(error).__name__, "message": str(error), "files": _files(target)}
        peak = tracemalloc.get_traced_memory()[1]
        return {"written": written, "peak": peak, "files": _files(target)}


def _files(target: str) -> list[str]:
    return sorted(p.name for p in Path(target).parent.iterdir())


def released(export_id: str, how: str) -> dict[str, Any]:
    """A pool of one connection: the second download gets it only if the first released it."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    with aigenstudio.Client(timeout=httpx.Timeout(10.0, pool=5.0), httpx_args={"limits": limits}) as client:
        first = client.exports.download.list(export_id)
        if how == "gc":  # never read nor closed: dropped
            del first
            gc.collect()
        else:
            chunks = first.iter_bytes(1024)
            next(chunks)
            if how == "close":
                first.close()
            elif how == "break":
                chunks.close()  # a for loop left early: the generator's finally runs
        second = client.invoices.get("inv_1").read()
        return {"second": len(second)}


def error(export_id: str, max_download_size: int | None) -> dict[str, Any]:
    options = {} if max_download_size is None else {"max_download_size": max_download_size}
    with aigenstudio.Client(**options) as client:
        try:
            client.exports.download.list(export_id).read()
        except aigenstudio.AigenStudioError as caught:
            status = getattr(caught, "status_code", None)
            return {"error": type(caught).__name__, "message": str(caught), "status": status}
    return {"error": None}


def async_error(export_id: str) -> dict[str, Any]:
    async def run() -> dict[str, Any]:
        async with aigenstudio.AsyncClient() as client:
            try:
                async with await client.exports.download.list(export_id) as download:
                    await download.read()
            except aigenstudio.AigenStudioError as caught:
                return {"error": type(caught).__name__, "message": str(caught)}
        return {"error": None}

    return asyncio.run(run())


SCENARIOS = {
    "stream_sync": stream_sync,
    "stream_async": stream_async,
    "write_file": write_file,
    "released": released,
    "error": lambda export_id, limit="": error(export_id, int(limit) if limit else None),
    "async_error": async_error,
}

if __name__ == "__main__":
    print(json.dumps(SCENARIOS[sys.argv[1]](*sys.argv[2:])))
