"""Start and stop the pinned Stoplight Prism mock server on a free loopback port.

Shared by the contract tests (tests/contract) and the demo (tools/demo.py). Prism runs in
mock mode with request validation on; ``--errors`` makes every request that breaks the spec
answer 422 (or the spec's error response, with an ``sl-violations`` header) instead of a
mocked 2xx, so a contract violation can never pass silently.

Prism's output goes to a temporary log file (a pipe nobody reads would fill up and stall
it); the readiness wait and every failure message quote the end of that log.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

__all__ = [
    "DEFAULT_SPEC",
    "PRISM_BIN",
    "NodeMissingError",
    "PrismError",
    "PrismServer",
    "PrismUnavailableError",
    "running_prism",
    "start_prism",
]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT / "openapi.yaml"
PRISM_BIN = ROOT / "node_modules" / ".bin" / "prism"
HOST = "127.0.0.1"
# Prism answers violations with this header when the spec has a matching error response.
VIOLATIONS_HEADER = "sl-violations"
_LOG_TAIL_CHARS = 3000
_READY_LINE = "Prism is listening on"


class PrismError(RuntimeError):
    """Prism could not be started, or did not become ready in time."""


class PrismUnavailableError(PrismError):
    """Prism is not installed: ``make node`` installs it from package-lock.json."""


class NodeMissingError(PrismUnavailableError):
    """Node.js itself is absent, so Prism cannot run at all (tests skip on this one only)."""


@dataclass
class PrismServer:
    """A running Prism process; ``base_url`` is where the client should point."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    _log_file: IO[bytes] = field(repr=False)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_tail(self) -> str:
        """The end of Prism's output, for failure messages."""
        self._log_file.flush()
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return text[-_LOG_TAIL_CHARS:]

    def is_running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 5.0) -> None:
        """Terminate Prism's whole process group (npm shims fork), then kill if it lingers."""
        if self.is_running():
            _signal_group(self.process, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _signal_group(self.process, signal.SIGKILL)
                self.process.wait(timeout=timeout)
        self._log_file.close()
        with contextlib.suppress(OSError):
            self.log_path.unlink()


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def check_installed() -> Path:
    """The Prism executable, or a clear error saying what to install."""
    if shutil.which("node") is None:
        raise NodeMissingError("Node.js is not installed (no `node` on PATH); Prism needs it.")
    if not PRISM_BIN.exists():
        raise PrismUnavailableError(
            f"Prism is not installed ({PRISM_BIN.relative_to(ROOT)} is missing): run make node"
        )
    return PRISM_BIN


def free_port() -> int:
    """An ephemeral loopback port that was free a moment ago (Prism binds it next)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def start_prism(
    spec: Path = DEFAULT_SPEC,
    *,
    port: int | None = None,
    dynamic: bool = False,
    ready_timeout: float = 30.0,
    upstream: str | None = None,
) -> PrismServer:
    """Start ``prism mock`` on ``spec`` and return once it answers HTTP.

    With ``upstream`` (a base URL), ``prism proxy`` instead: every request and every answer of
    that server is validated against the spec (``--errors``: a violation is an error answer).

    Static examples (the default) keep answers deterministic; ``dynamic=True`` asks Prism to
    generate varied bodies from the schemas instead. With ``port=None`` a free port is
    picked, and picked again if another process takes it before Prism binds it.
    """
    attempts = 1 if port is not None else 3
    for attempt in range(1, attempts + 1):
        try:
            return _start_once(spec, port or free_port(), dynamic, ready_timeout, upstream)
        except _PortTaken as taken:
            if attempt == attempts:
                raise PrismError(f"the port is already in use; Prism's output:\n{taken}") from None
    raise AssertionError("unreachable")


class _PortTaken(PrismError):
    pass


def _start_once(
    spec: Path, port: int, dynamic: bool, ready_timeout: float, upstream: str | None = None
) -> PrismServer:
    mode = ["mock", str(spec)] if upstream is None else ["proxy", str(spec), upstream]
    command = [str(check_installed()), *mode, "-h", HOST, "-p", str(port), "--errors"]
    if dynamic:
        command.append("--dynamic")
    fd, log_name = tempfile.mkstemp(prefix="prism-", suffix=".log")
    log_file = os.fdopen(fd, "wb")
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        start_new_session=True,  # its own process group, so stop() reaches node's children too
    )
    server = PrismServer(process=process, port=port, log_path=Path(log_name), _log_file=log_file)
    try:
        _wait_until_ready(server, ready_timeout)
    except PrismError as exc:
        tail = server.log_tail()
        server.stop()
        if "EADDRINUSE" in tail:
            raise _PortTaken(tail) from None
        raise PrismError(f"{exc} ({' '.join(command[1:])}); its output:\n{tail}") from None
    except BaseException:  # Ctrl-C during the wait must not leave Prism running
        server.stop()
        raise
    return server


def _wait_until_ready(server: PrismServer, timeout: float) -> None:
    # Ready = Prism logged that it listens (so the port is ours, not another process's) and
    # answers HTTP; any status will do (404 for "/"), whatever operations the spec has.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.is_running():
            raise PrismError(f"Prism exited with code {server.process.returncode}")
        if _READY_LINE in server.log_tail():
            try:
                httpx.get(server.base_url + "/", timeout=1.0)
            except httpx.TransportError:
                pass
            else:
                return
        time.sleep(0.1)
    raise PrismError(f"Prism was not ready within {timeout:g}s")


@contextlib.contextmanager
def running_prism(
    spec: Path = DEFAULT_SPEC, *, dynamic: bool = False, ready_timeout: float = 30.0
) -> Iterator[PrismServer]:
    """``with running_prism() as prism: ...``: Prism for the duration of the block."""
    server = start_prism(spec, dynamic=dynamic, ready_timeout=ready_timeout)
    try:
        yield server
    finally:
        server.stop()
