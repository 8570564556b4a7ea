"""The contract's checks on each exchange: the operation a request is, whether the API would
refuse it before looking at its state (401, 422), and the answer against the spec's schemas.
The request checks are the client's own (``Operation.validate_path``, ``validate_beyond_path``)."""

from __future__ import annotations

import httpx

from .._contract.spec import Operation
from .._core.errors import RequestValidationError
from .._http.settings import key_kind
from ._reply import Reply, error
from ._state import FakeState, bearer

__all__ = ["CheckedState"]


class CheckedState(FakeState):
    """``FakeState`` with the contract's checks."""

    def _operation(self, request: httpx.Request) -> tuple[Operation, dict[str, str]] | None:
        path = self._api_path(request)
        return None if path is None else self._spec.match(request.method, path)

    def _api_path(self, request: httpx.Request) -> str | None:
        """The request's path below the base path (``/api/v1``), as the spec writes paths; None
        outside it, which the API answers 404 (so a base URL without it fails here too)."""
        path = request.url.path
        if not self._base_path:
            return path
        if path.startswith(self._base_path + "/"):
            return path[len(self._base_path) :]
        return None

    def _not_found(self, request: httpx.Request, rid: str) -> Reply:
        """404 in the API's error envelope for a request no operation answers."""
        message = f"no operation for {request.method} {request.url.path[:200]}"
        if self._api_path(request) is None:
            message += f": the API's paths start with {self._base_path} (check the base URL)"
        return error(404, "not_found", message, rid)

    def _checked_request(
        self, op: Operation, arguments: dict[str, str], request: httpx.Request, rid: str
    ) -> Reply | None:
        """401 or 422 for a request the API would refuse before looking at its state, else None."""
        if not op.public:
            refused = self._key_problem(request, rid)
            if refused is not None:
                return refused
        # The request as the server reads it: the bytes, never an extension the client set.
        probe = httpx.Request(request.method, request.url, headers=request.headers, content=request.content)
        try:
            op.validate_path(arguments)
            op.validate_beyond_path(probe)
        except RequestValidationError as exc:
            return error(422, "invalid_request", str(exc), rid)
        return None

    def _key_problem(self, request: httpx.Request, rid: str) -> Reply | None:
        key = bearer(request)
        if key is None or key_kind(key) == "unknown":
            return error(401, "invalid_api_key", "missing or invalid API key", rid)
        if key_kind(key) == "live" and not self.allow_live_keys:
            how = "FakeAPI(allow_live_keys=True); aigenstudio mock --allow-live-keys"
            message = f"the fake refuses live keys ({how})"
            return error(401, "live_key_refused", message, rid)
        return None

    def _check_reply(self, op: Operation, reply: Reply) -> None:
        problem = op.response_problem(reply.status, reply.body)
        if problem is not None:
            raise AssertionError(
                f"the fake's {reply.status} answer to {op.operation_id} breaks the spec: {problem.describe()}"
            )
