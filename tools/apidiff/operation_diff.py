"""One operation's parameters, request body, responses and response headers.

Each function yields the changes of its part and hands the schemas it meets to the
SchemaDiffer as roots ("GET /pets parameter query:limit", "GET /pets response 200"). The
parameters come keyed by http_diff's `_param_key` (path parameters by template position).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any, Literal

from tools.apidiff.loader import mapping
from tools.apidiff.rules import Change, Context, Level, known
from tools.apidiff.schema_diff import SchemaDiffer

Operation = dict[str, Any]
BREAKING, WARNING, INFO = Level.BREAKING, Level.WARNING, Level.INFO


def _change(kind: str, level: Level, location: str, message: str, oasdiff: str = "") -> Change:
    return Change(kind, level, location, message, known(oasdiff))


Removal = Literal["not-deprecated", "bad-sunset", "before-sunset", "deprecated"]


def sunset_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def removal(item: dict[str, Any]) -> tuple[Removal, datetime.date | None]:
    """How removing a deprecatable item (an endpoint, a parameter) counts, as in oasdiff: not
    deprecated (breaking), deprecated with an `x-sunset` that is not a date (breaking), removed
    before its sunset date (breaking), or deprecated with no sunset or after it (allowed)."""
    if not item.get("deprecated"):
        return "not-deprecated", None
    raw = item.get("x-sunset")
    sunset = sunset_date(raw)
    if raw is not None and sunset is None:
        return "bad-sunset", None
    if sunset is not None and sunset > datetime.date.today():
        return "before-sunset", sunset
    return "deprecated", sunset


def _removed_parameter(shown: str, param: dict[str, Any], where: str) -> Change:
    state, sunset = removal(param)
    if state == "not-deprecated":
        # The server ignores (or refuses) what old clients still send; the generated
        # function loses the argument (a Python-surface break).
        return _change(
            "parameter-removed", WARNING, where, f"parameter {shown} removed", "request-parameter-removed"
        )
    if state == "bad-sunset":
        message = (
            f"deprecated parameter {shown} removed; its x-sunset {param.get('x-sunset')!r} is not a date"
        )
        return _change("parameter-removed", BREAKING, where, message, "request-parameter-sunset-parse")
    if state == "before-sunset":
        message = f"deprecated parameter {shown} removed before its sunset date {sunset}"
        return _change(
            "parameter-removed", BREAKING, where, message, "request-parameter-removed-before-sunset"
        )
    when = f"after its sunset date {sunset}" if sunset else "after deprecation (no sunset date)"
    message = f"deprecated parameter {shown} removed {when}"
    return _change("parameter-removed", INFO, where, message, "request-parameter-removed-with-deprecation")


def _shown_key(key: str, param: dict[str, Any]) -> str:
    return f"path:{param.get('name')}" if key.startswith("path:#") else key


def parameter_changes(name: str, old: Operation, new: Operation, schemas: SchemaDiffer) -> Iterator[Change]:
    before, after = old["parameters"], new["parameters"]
    for key in sorted(before.keys() - after.keys()):
        shown = _shown_key(key, before[key])
        yield _removed_parameter(shown, before[key], f"{name} parameter {shown}")
    for key in sorted(after.keys() - before.keys()):
        shown = _shown_key(key, after[key])
        where = f"{name} parameter {shown}"
        if key.startswith("path:"):
            message = f"path parameter {shown} added"
            yield _change("parameter-added", BREAKING, where, message, "new-request-path-parameter")
        elif after[key].get("required"):
            message = f"required parameter {shown} added"
            yield _change("parameter-added", BREAKING, where, message, "new-required-request-parameter")
        else:
            message = f"optional parameter {shown} added"
            yield _change("parameter-added", INFO, where, message, "new-optional-request-parameter")
    for key in sorted(before.keys() & after.keys()):
        shown = _shown_key(key, after[key])
        where = f"{name} parameter {shown}"
        was, now = bool(before[key].get("required")), bool(after[key].get("required"))
        if was != now:
            state = "required" if now else "optional"
            level = BREAKING if now else INFO
            message = f"parameter {shown} is now {state}"
            yield _change(
                f"parameter-became-{state}", level, where, message, f"request-parameter-became-{state}"
            )
        old_schema, new_schema = before[key].get("schema") or {}, after[key].get("schema") or {}
        schemas.add_site(old_schema, new_schema, Context("request", "parameter"), where)


def request_body_changes(
    name: str, old: Operation, new: Operation, schemas: SchemaDiffer
) -> Iterator[Change]:
    before, after = old.get("requestBody"), new.get("requestBody")
    where = f"{name} request body"
    if not isinstance(before, dict) and not isinstance(after, dict):
        return
    if not isinstance(before, dict):
        required = bool(after.get("required")) if isinstance(after, dict) else False
        kind = "required" if required else "optional"
        message = f"{kind} request body added"
        yield _change(
            "request-body-added", BREAKING if required else INFO, where, message, f"request-body-added-{kind}"
        )
        return
    if not isinstance(after, dict):
        # oasdiff request-body-removed (ERR): a server may refuse a body it no longer reads, and
        # the generated function loses its `body` argument (a Python-surface break too).
        yield _change("request-body-removed", BREAKING, where, "request body removed", "request-body-removed")
        return
    was, now = bool(before.get("required")), bool(after.get("required"))
    if now != was:
        state = "required" if now else "optional"
        rule = f"request-body-became-{state}"
        yield _change(rule, BREAKING if now else INFO, where, f"request body is now {state}", rule)
    yield from _content_changes(before, after, Context("request", "body"), where, schemas)


def _content_changes(
    old: dict[str, Any], new: dict[str, Any], ctx: Context, where: str, schemas: SchemaDiffer
) -> Iterator[Change]:
    before, after = mapping(old, "content"), mapping(new, "content")
    side = "request-body" if ctx.request else "response"
    for media in sorted(before.keys() - after.keys()):
        message = f"{ctx.direction} media type {media} removed"
        yield _change("media-type-removed", BREAKING, where, message, f"{side}-media-type-removed")
    for media in sorted(after.keys() - before.keys()):
        message = f"{ctx.direction} media type {media} added"
        yield _change("media-type-added", INFO, where, message, f"{side}-media-type-added")
    for media in sorted(before.keys() & after.keys()):
        old_schema, new_schema = _schema_of(before[media]), _schema_of(after[media])
        site = where if media == "application/json" else f"{where} ({media})"
        schemas.add_site(old_schema or {}, new_schema or {}, ctx, site)


def _schema_of(media: Any) -> Any:
    return media.get("schema") if isinstance(media, dict) else None


def response_changes(name: str, old: Operation, new: Operation, schemas: SchemaDiffer) -> Iterator[Change]:
    before, after = mapping(old, "responses"), mapping(new, "responses")
    for status in sorted(before.keys() - after.keys()):
        where = f"{name} response {status}"
        if status.startswith("2"):
            message = f"response {status} removed (a success the client parses)"
            yield _change(
                "response-status-removed", BREAKING, where, message, "response-success-status-removed"
            )
        else:
            message = f"response {status} removed"
            yield _change(
                "response-status-removed", INFO, where, message, "response-non-success-status-removed"
            )
    for status in sorted(after.keys() - before.keys()):
        oasdiff = f"response-{'success' if status.startswith('2') else 'non-success'}-status-added"
        yield _change(
            "response-status-added", INFO, f"{name} response {status}", f"response {status} added", oasdiff
        )
    for status in sorted(before.keys() & after.keys()):
        old_response, new_response = before[status], after[status]
        if isinstance(old_response, dict) and isinstance(new_response, dict):
            where = f"{name} response {status}"
            yield from _content_changes(
                old_response, new_response, Context("response", "body"), where, schemas
            )
            yield from _header_changes(old_response, new_response, where, schemas)


def _headers(response: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """lower-case name -> (name as written, header): header names are case-insensitive."""
    return {
        str(k).lower(): (str(k), v) for k, v in mapping(response, "headers").items() if isinstance(v, dict)
    }


def _header_changes(
    old: dict[str, Any], new: dict[str, Any], where: str, schemas: SchemaDiffer
) -> Iterator[Change]:
    before, after = _headers(old), _headers(new)
    for key in sorted(before.keys() - after.keys()):
        header_name, header = before[key]
        at = f"{where} header {header_name}"
        if header.get("required"):
            message = f"required response header {header_name} removed"
            yield _change(
                "response-header-removed", BREAKING, at, message, "required-response-header-removed"
            )
        else:
            message = f"optional response header {header_name} removed"
            yield _change("response-header-removed", WARNING, at, message, "optional-response-header-removed")
    for key in sorted(after.keys() - before.keys()):
        header_name, _ = after[key]
        message = f"response header {header_name} added"
        yield _change("response-header-added", INFO, f"{where} header {header_name}", message)
    for key in sorted(before.keys() & after.keys()):
        (_, old_header), (header_name, new_header) = before[key], after[key]
        at = f"{where} header {header_name}"
        was, now = bool(old_header.get("required")), bool(new_header.get("required"))
        if was and not now:
            message = f"response header {header_name} is now optional (may be missing)"
            yield _change(
                "response-header-became-optional", BREAKING, at, message, "response-header-became-optional"
            )
        elif now and not was:
            message = f"response header {header_name} is now required"
            yield _change("response-header-became-required", INFO, at, message)
        old_schema, new_schema = old_header.get("schema") or {}, new_header.get("schema") or {}
        schemas.add_site(old_schema, new_schema, Context("response", "header"), at)
