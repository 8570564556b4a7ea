"""Which proxy, if any, the environment gives the client's one origin.

httpx ignores ``HTTP(S)_PROXY``/``ALL_PROXY`` once a client gets ``transport=``, and mounts an
explicit proxy in a transport of its own, past the sending transport; so the client resolves the proxy
for its base URL here and sets it on its own base transport. A loopback base URL never uses
one (the client decides that before asking).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.request import getproxies

import httpx

__all__ = ["environment_proxy"]


def environment_proxy(url: httpx.URL) -> str | None:
    """The proxy httpx would take from the environment for ``url``; None: connect directly.

    httpx has no public API for this, so this mirrors httpx 0.28's private
    ``get_environment_proxies`` and its ``URLPattern`` mount matching, for one URL: proxies
    from ``urllib.request.getproxies()`` (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY), each
    a pattern; the most specific pattern matching ``url`` wins.
    """
    found = getproxies()
    mounts: dict[str, str | None] = {}
    for scheme in ("http", "https", "all"):
        proxy = found.get(scheme)
        if proxy:
            mounts[f"{scheme}://"] = proxy if "://" in proxy else f"http://{proxy}"
    for entry in (host.strip() for host in found.get("no", "").split(",")):
        if entry == "*":
            return None
        if entry:
            mounts[_no_proxy_pattern(entry)] = None
    best: tuple[tuple[int, int, int], str | None] | None = None
    for pattern, proxy in mounts.items():
        priority = _pattern_priority(pattern, url)
        if priority is not None and (best is None or priority < best[0]):
            best = (priority, proxy)
    return None if best is None else best[1]


def _no_proxy_pattern(entry: str) -> str:
    """A NO_PROXY entry as httpx writes it (curl's rules: ``.x.com`` skips subdomains only)."""
    if "://" in entry:
        return entry
    if _is_ip(entry, ipaddress.IPv4Address) or entry.lower() == "localhost":
        return f"all://{entry}"
    if _is_ip(entry, ipaddress.IPv6Address):
        return f"all://[{entry}]"
    return f"all://*{entry}"


def _is_ip(entry: str, kind: type[ipaddress.IPv4Address | ipaddress.IPv6Address]) -> bool:
    try:
        kind(entry.split("/")[0])
    except ValueError:
        return False
    return True


def _pattern_priority(pattern: str, url: httpx.URL) -> tuple[int, int, int] | None:
    """httpx's ``URLPattern`` sort key if ``pattern`` matches ``url``, else None."""
    parsed = httpx.URL(pattern)
    scheme = "" if parsed.scheme == "all" else parsed.scheme
    host = "" if parsed.host == "*" else parsed.host
    if scheme and scheme != url.scheme:
        return None
    if host.startswith("*."):
        host_regex = rf"^.+\.{re.escape(host[2:])}$"
    elif host.startswith("*"):
        host_regex = rf"^(.+\.)?{re.escape(host[1:])}$"
    else:
        host_regex = f"^{re.escape(host)}$"
    if host and not re.match(host_regex, url.host):
        return None
    if parsed.port is not None and parsed.port != url.port:
        return None
    return (0 if parsed.port is not None else 1, -len(host), -len(scheme))
