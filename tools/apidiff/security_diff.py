"""Security requirements, security schemes and servers: what a client needs to reach the API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tools.apidiff.loader import Spec, listing, mapping
from tools.apidiff.rules import Change, Level

Requirement = frozenset[tuple[str, str]]
_WIRE_KEYS = ("type", "scheme", "in", "name", "flows", "openIdConnectUrl")


def _requirements(security: Any) -> set[Requirement]:
    """Alternatives as sets of (scheme, scope); ("x", "") stands for the scheme itself.
    Anonymous access (`{}` or `security: []`) is no requirement to report."""
    found: set[Requirement] = set()
    for req in security if isinstance(security, list) else []:
        if isinstance(req, dict) and req:
            found.add(
                frozenset(
                    (str(scheme), str(scope))
                    for scheme, scopes in req.items()
                    for scope in ["", *(scopes if isinstance(scopes, list) else [])]
                )
            )
    return found


def _shown(requirement: Requirement) -> str:
    schemes: dict[str, list[str]] = {}
    for scheme, scope in sorted(requirement):
        schemes.setdefault(scheme, [])
        if scope:
            schemes[scheme].append(scope)
    return " + ".join(f"{s}({', '.join(scopes)})" if scopes else s for s, scopes in schemes.items())


def security_changes(name: str, old_security: Any, new_security: Any) -> Iterator[Change]:
    """Requirement alternatives of an operation added or removed: oasdiff reports them as info
    (a client configured with its credentials keeps sending them)."""
    before, after = _requirements(old_security), _requirements(new_security)
    where = f"{name} security"
    for requirement in sorted(after - before, key=sorted):
        message = f"security requirement {_shown(requirement)} added"
        yield Change("security-added", Level.INFO, where, message, "api-security-added")
    for requirement in sorted(before - after, key=sorted):
        message = f"security requirement {_shown(requirement)} removed"
        yield Change("security-removed", Level.INFO, where, message, "api-security-removed")


def scheme_changes(old: Spec, new: Spec) -> Iterator[Change]:
    """A scheme whose type, location or name changes: the old client sends its credential where
    the server no longer looks, so every call fails. Breaking on purpose (oasdiff: info)."""
    before = mapping(mapping(old, "components"), "securitySchemes")
    after = mapping(mapping(new, "components"), "securitySchemes")
    for scheme in sorted(before.keys() & after.keys()):
        old_scheme, new_scheme = before[scheme], after[scheme]
        if not isinstance(old_scheme, dict) or not isinstance(new_scheme, dict):
            continue
        changed = [key for key in _WIRE_KEYS if old_scheme.get(key) != new_scheme.get(key)]
        if changed:
            message = f"security scheme {scheme}: {', '.join(changed)} changed"
            oasdiff = "api-security-component-type-changed" if "type" in changed else ""
            yield Change(
                "security-scheme-changed",
                Level.BREAKING,
                f"#/components/securitySchemes/{scheme}",
                message,
                oasdiff,
            )


def _urls(spec: Spec) -> list[str]:
    return [str(server.get("url")) for server in listing(spec, "servers") if isinstance(server, dict)]


def server_changes(old: Spec, new: Spec) -> Iterator[Change]:
    """Not on oasdiff's list; info because the client's default base URL comes from `servers`."""
    before, after = _urls(old), _urls(new)
    removed, added = [u for u in before if u not in after], [u for u in after if u not in before]
    if len(removed) == 1 and len(added) == 1:
        yield Change("server-url-changed", Level.INFO, "servers", f"server URL {removed[0]} -> {added[0]}")
        return
    for url in removed:
        yield Change("server-removed", Level.INFO, "servers", f"server {url} removed")
    for url in added:
        yield Change("server-added", Level.INFO, "servers", f"server {url} added")
