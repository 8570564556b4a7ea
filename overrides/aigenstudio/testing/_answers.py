"""How the fake answers one request: the fault it meets, the operation's answer checked against
the spec, and the record of the exchange (``FakeAPI``'s base)."""

from __future__ import annotations

import copy

import httpx

from .._core.api_facts import REQUEST_ID_HEADER, RETRY_AFTER_HEADER
from ._faults import Fault, FaultKind
from ._reply import Reply, error
from ._routes import JobRoutes
from ._state import bearer, request_id

__all__ = ["Answers"]


class Answers(JobRoutes):
    """``JobRoutes`` with faults applied and every exchange recorded."""

    def take_fault(self, request: httpx.Request) -> Fault | None:
        """The fault the request meets, if any (counted: a fault applies ``times`` times)."""
        matched = self._operation(request)
        operation_id = matched[0].operation_id if matched else None
        key = bearer(request)
        with self._lock:
            due = None
            for fault in self.faults:  # every matching fault counts the request against after=
                if fault.matches(operation_id, key) and not fault.skip() and due is None:
                    due = fault
            if due is not None:
                due.apply()
                if due.spent:
                    self.faults.remove(due)
            return due

    def respond(self, request: httpx.Request, fault: Fault | None = None) -> httpx.Response:
        """Answer ``request`` as the API would, after ``fault`` (its wait is the caller's), and
        record the exchange. A reset or a lost answer raises the ``httpx.TransportError`` a
        client would meet."""
        kind = None if fault is None else fault.kind
        if fault is not None and fault.kind == "reply":
            self._record(request, self._name(request), fault.status_code, kind)
            headers = {"Content-Type": "application/json", **fault.headers}
            return httpx.Response(fault.status_code, headers=headers, content=fault.content, request=request)
        if fault is not None and fault.kind == "reset":
            self._record(request, self._name(request), None, kind)
            raise httpx.ConnectError("connection reset (a fault injected in the fake)", request=request)
        if fault is not None and fault.kind == "status":
            rid = request_id(request)
            extra = {RETRY_AFTER_HEADER: fault.retry_after} if fault.retry_after is not None else {}
            name = self._name(request)
            reply = error(fault.status_code, fault.code, "a fault injected in the fake", rid, **extra)
        else:
            name, reply = self._answer_recorded(request, kind)
        if fault is not None and fault.kind == "lost_response":
            self._record(request, name, reply.status, kind)  # performed: the status that was lost
            raise httpx.ReadError("the answer was lost (a fault injected in the fake)", request=request)
        if fault is not None and fault.transform is not None:
            reply = self._rewritten(request, name, reply, fault)
        self._record(request, name, reply.status, kind)
        headers = {
            "Content-Type": "application/json",
            REQUEST_ID_HEADER: str(reply.body.get("request_id", "")),
            **reply.headers,
        }
        return httpx.Response(reply.status, headers=headers, content=reply.content(), request=request)

    def _answer_recorded(self, request: httpx.Request, kind: FaultKind | None) -> tuple[str, Reply]:
        """``_answer``, with the exchange recorded (no status) when answering raises."""
        try:
            return self._answer(request)
        except BaseException:
            self._record(request, self._name(request), None, kind)
            raise

    def _rewritten(self, request: httpx.Request, name: str, reply: Reply, fault: Fault) -> Reply:
        """``fault.transform`` applied to a copy of ``reply`` (never the fake's own state)."""
        assert fault.transform is not None
        rewritten = fault.transform(copy.deepcopy(reply))
        if not isinstance(rewritten, Reply):
            self._record(request, name, None, fault.kind)
            raise TypeError(f"a Fault.rewrite function returned {type(rewritten).__name__}, not a Reply")
        return rewritten

    def handle(self, request: httpx.Request) -> Reply:
        """The answer to one request (no faults, not recorded), checked against the spec."""
        return self._answer(request)[1]

    def _name(self, request: httpx.Request) -> str:
        matched = self._operation(request)
        return request.url.path if matched is None else matched[0].operation_id

    def _answer(self, request: httpx.Request) -> tuple[str, Reply]:
        """(operation id or path, the answer): checked against the spec's response schemas."""
        self._finish_due()
        rid = request_id(request)
        matched = self._operation(request)
        if matched is None:
            return request.url.path, self._not_found(request, rid)
        op, arguments = matched
        refused = self._checked_request(op, arguments, request, rid)
        if refused is None:
            with self._lock:
                reply, pending = self._route(op, arguments, request, rid)
            self._deliver(pending)
        else:
            reply = refused
        self._check_reply(op, reply)
        return op.operation_id, reply
