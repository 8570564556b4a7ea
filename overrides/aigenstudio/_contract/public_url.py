"""Is a URL a public https URL, as a URL parser on the receiving side would read it?

The host is judged after WHATWG URL parsing (the parser of browsers and Node.js, here the
``ada_url`` binding), not as typed: UTS-46 mapping folds full-width digits, ideographic full
stops and circled letters to ASCII, and ``2130706433``, ``0x7f.1`` and ``127.1`` are all
127.0.0.1. IPv4 addresses carried inside IPv6 ones (mapped, compatible, NAT64, 6to4, Teredo)
are judged as IPv4.

Only literal forms are judged, with no DNS lookup: a public-looking name that resolves to a
private address (or redirects to one) remains the API's to reject.
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

__all__ = ["public_https_url_problem"]


def public_https_url_problem(url: str) -> str | None:
    """Why ``url`` is not a public https URL, in a few plain words, or None when it is."""
    # Imported here: `import aigenstudio` stays cheap (the parser loads on first use).
    from ada_url import HostType, parse_url

    try:
        # Lone surrogates cannot be encoded: parse_url raises ValueError for them too.
        parts = parse_url(url, attributes=("protocol", "username", "password", "hostname", "host_type"))
    except ValueError:
        return "must be a valid URL"
    if parts.get("protocol") != "https:":  # the parser lower-cases the scheme
        return "must be an https:// URL"
    hostname = parts.get("hostname", "")
    if not hostname:  # the parser already refuses an https URL without a host
        return "must be a valid URL"
    host_type = parts.get("host_type")
    if host_type == HostType.IPV4:
        why = _ipv4_problem(IPv4Address(hostname), hostname)
    elif host_type == HostType.IPV6:
        bare = hostname.strip("[]")
        why = _ipv6_problem(IPv6Address(bare), bare)
    else:
        why = _name_problem(hostname)
    if why is not None:
        return f"must be a public host ({why})"
    # Userinfo is not refused: the documentation asks only for a public https host, and
    # the host judged here is the one a WHATWG parser calls (`https://a.example@0x7f.1/` is
    # judged as 127.0.0.1). Errors that quote the URL redact the userinfo.
    return None


_V4 = IPv4Network
_IPV4_KINDS: tuple[tuple[IPv4Network, str], ...] = (
    (_V4("0.0.0.0/32"), "the unspecified address"),
    (_V4("0.0.0.0/8"), "a 'this network' address"),
    (_V4("10.0.0.0/8"), "a private address"),
    (_V4("172.16.0.0/12"), "a private address"),
    (_V4("192.168.0.0/16"), "a private address"),
    (_V4("100.64.0.0/10"), "a shared (carrier-grade NAT) address"),
    (_V4("127.0.0.0/8"), "a loopback address"),
    (_V4("169.254.0.0/16"), "a link-local address"),
    (_V4("192.0.0.0/24"), "a special-purpose (IETF protocol) address"),
    (_V4("192.0.2.0/24"), "a documentation address"),
    (_V4("198.51.100.0/24"), "a documentation address"),
    (_V4("203.0.113.0/24"), "a documentation address"),
    (_V4("198.18.0.0/15"), "a benchmarking address"),
    (_V4("224.0.0.0/4"), "a multicast address"),
    (_V4("255.255.255.255/32"), "the broadcast address"),
    (_V4("240.0.0.0/4"), "a reserved address"),
)


def _ipv4_kind(address: IPv4Address) -> str | None:
    """What makes ``address`` non-public, or None for a globally routable one."""
    for network, kind in _IPV4_KINDS:
        if address in network:
            return kind
    # The table names the common ranges; is_global covers the rest of the IANA registry.
    return None if address.is_global else "not a public address"


def _ipv4_problem(address: IPv4Address, shown: str) -> str | None:
    kind = _ipv4_kind(address)
    return None if kind is None else f"{shown} is {kind}"


_V6 = IPv6Network
_UNSPECIFIED = IPv6Address("::")
_LOOPBACK = IPv6Address("::1")
_LOW32 = 0xFFFFFFFF


def _last_32_bits(value: int) -> int:
    return value & _LOW32


def _after_2002(value: int) -> int:
    return (value >> 80) & _LOW32  # 2002:AABB:CCDD::/48


def _teredo_client(value: int) -> int:
    return (value & _LOW32) ^ _LOW32  # the client's address, stored inverted


# IPv6 forms that carry an IPv4 address: the prefix, where the IPv4 address sits, and the
# verdict when that IPv4 address is public (None: the public IPv4 host is what gets called).
# The tunnels and the local-use NAT64 prefix are not globally reachable themselves (IANA);
# Python's is_global agrees only from 3.12.4 on, so they are refused here on every version.
_CARRIERS: tuple[tuple[IPv6Network, Callable[[int], int], str | None], ...] = (
    (_V6("::ffff:0:0/96"), _last_32_bits, None),  # IPv4-mapped
    (_V6("::/96"), _last_32_bits, "a deprecated IPv4-compatible address"),
    (_V6("64:ff9b::/96"), _last_32_bits, None),  # well-known NAT64 prefix (RFC 6052)
    (_V6("64:ff9b:1::/48"), _last_32_bits, "a local-use NAT64 address"),  # RFC 8215
    (_V6("2002::/16"), _after_2002, "a 6to4 tunnel address"),
    (_V6("2001::/32"), _teredo_client, "a Teredo tunnel address"),
)
_IPV6_KINDS: tuple[tuple[IPv6Network, str], ...] = (
    (_V6("fc00::/7"), "a unique local (private) address"),
    (_V6("fe80::/10"), "a link-local address"),
    (_V6("fec0::/10"), "a site-local address"),
    (_V6("ff00::/8"), "a multicast address"),
    (_V6("2001:db8::/32"), "a documentation address"),
    (_V6("3fff::/20"), "a documentation address"),
    (_V6("100::/64"), "a discard-only address"),
)
_GLOBAL_UNICAST = _V6("2000::/3")


def _ipv6_problem(address: IPv6Address, shown: str) -> str | None:
    if address == _UNSPECIFIED:
        return f"{shown} is the unspecified address"
    if address == _LOOPBACK:
        return f"{shown} is the loopback address"
    for network, extract, verdict in _CARRIERS:
        if address in network:
            embedded = IPv4Address(extract(int(address)))
            kind = _ipv4_kind(embedded)
            if kind is not None:
                return f"{shown} embeds {embedded}, {kind}"
            return None if verdict is None else f"{shown} is {verdict}"
    for network, kind in _IPV6_KINDS:
        if address in network:
            return f"{shown} is {kind}"
    if address not in _GLOBAL_UNICAST:
        return f"{shown} is a reserved address"
    return None if address.is_global else f"{shown} is not a public address"


# Special-use names (RFC 6761, 6762, 8375 and the ICANN .internal reservation) that never
# name a public host. .test and .example are left alone: they are for tests and docs, and a
# mock API may well resolve them.
_NAME_KINDS: tuple[tuple[str, str], ...] = (
    ("localhost", "a name for this machine"),
    ("local", "a local-network (mDNS) name"),
    ("internal", "a private-network name"),
    ("localdomain", "a private-network name"),
    ("home.arpa", "a private-network name"),
    ("invalid", "a reserved, never-resolving name"),
)


def _name_problem(hostname: str) -> str | None:
    """``hostname`` is already lower-cased, IDNA-mapped ASCII (the parser did it)."""
    name = hostname.removesuffix(".")  # the root label of a fully qualified name
    labels = name.split(".")
    if "" in labels:
        return f"{hostname} has an empty label"
    for suffix, kind in _NAME_KINDS:
        if name == suffix or name.endswith("." + suffix):
            return f"{name} is {kind}"
    if len(labels) == 1:
        return f"{name} is a single-label name, not a public domain"
    return None
