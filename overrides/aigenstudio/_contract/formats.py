"""JSON Schema format checkers for ``uuid``, ``date-time`` and ``uri``: the forms the API checks.

Given to jsonschema-rs as ``formats={"uuid": is_uuid, "date-time": is_date_time, "uri": is_uri}``.
Each is a pure ``(value: str) -> bool`` predicate that runs on every request, so each is one
precompiled, fully anchored ``re.fullmatch`` (never ``$``, which also matches before a trailing
newline) over explicit ASCII character classes (never ``\\d`` or ``\\w``, and ``re.ASCII``, so no
other script's digits and no case folding of the Kelvin sign or long s); only a leap second costs
a few integer operations more.

They follow the RFCs, which is where they differ from the Prism mock server (ajv-formats 2.1.1,
"full" mode); only these differences are intended:

- ``uuid``: stricter -- Prism also accepts the ``urn:uuid:`` URN form; we do not.
- ``date-time``: stricter -- Prism also accepts a space (or any whitespace) for ``T``, offsets
  ``+0530`` and ``+05``, and offsets out of range such as ``+99:99``. Leap seconds differ both
  ways: Prism accepts second 60 only at local 23:59, we only where it is 23:59 UTC (so we accept
  RFC 3339's own ``1990-12-31T15:59:60-08:00`` and refuse ``1998-12-31T23:59:60+01:00``).
- ``uri``: looser in one place -- a URI with an empty path and nothing else, such as ``http:``, is
  valid by RFC 3986 (``path-empty``), Prism refuses it.
"""

from __future__ import annotations

import re

__all__ = ["is_date_time", "is_uri", "is_uuid"]

# ------------------------------------------------------------------------------------------- uuid

_UUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    re.ASCII,
).fullmatch


def is_uuid(value: str) -> bool:
    """The UUID string representation of RFC 9562 section 4 (formerly RFC 4122 section 3).

    Exactly ``8HEXDIG "-" 4HEXDIG "-" 4HEXDIG "-" 4HEXDIG "-" 12HEXDIG``, 36 characters, hex
    digits in either case (mixed case too; RFC 9562 says parsers accept both). The version and
    variant bits are not checked, so the nil and max UUIDs pass.

    Refused: braces, the 32-digit form without hyphens, and any prefix, including ``urn:uuid:``.
    Prism accepts ``urn:uuid:...``; we do not, because JSON Schema's ``uuid`` format (2020-12,
    section 7.3.5) is the RFC's string representation, while ``urn:uuid:<uuid>`` is a URN
    (RFC 9562 section 4, ``UUID-URN``) that contains one -- a different string, which the API's
    UUID fields do not take. Surrounding whitespace, a trailing newline and non-ASCII digits are
    refused too.
    """
    return _UUID(value) is not None


# -------------------------------------------------------------------------------------- date-time

# Years divisible by 4 but not by 100, or by 400 (RFC 3339 appendix C): 0000 is a leap year.
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[048]|[2468][048]|[13579][26])00)"
_FULL_DATE = (
    r"(?:[0-9]{4}-(?:"
    r"(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"  # 31-day months
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"  # 30-day months
    r"|02-(?:0[1-9]|1[0-9]|2[0-8])"  # February, any year
    rf")|{_LEAP_YEAR}-02-29)"  # February 29, leap years only
)
_PARTIAL_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\.[0-9]++)?+"
_TIME_OFFSET = r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
_DATE_TIME = re.compile(rf"{_FULL_DATE}[Tt]{_PARTIAL_TIME}{_TIME_OFFSET}", re.ASCII).fullmatch

_LAST_MINUTE_OF_THE_DAY = 23 * 60 + 59
_MINUTES_A_DAY = 24 * 60


def is_date_time(value: str) -> bool:
    """RFC 3339 section 5.6 ``date-time``: ``full-date "T" full-time``, with a time offset.

    ``YYYY-MM-DD`` ``T`` ``hh:mm:ss`` [``.`` 1*DIGIT] ``Z`` or ``+hh:mm`` / ``-hh:mm``:

    - ``T`` and ``Z`` may be lowercase (section 5.6 NOTE); no other letters, no space separator.
    - year 0000-9999 (exactly four digits); month 01-12; day 01 to the month's last day, with
      February 29 only in leap years (divisible by 4 and not by 100, or by 400: 0000, 2000 and
      2024 are, 1900 and 2100 are not -- appendix C).
    - hour 00-23, minute 00-59, second 00-59, or 60 for a leap second: allowed, as RFC 3339
      allows it, but only where a leap second happens, at 23:59:60 UTC once the offset is
      applied (sections 5.7 and 5.8: ``1990-12-31T23:59:60Z`` and ``1990-12-31T15:59:60-08:00``
      pass, ``12:00:60Z`` does not). The date is not checked against the leap second table.
    - ``time-secfrac`` optional, a dot then one or more digits, no upper limit on their number.
    - the offset is required (a naive local time is refused): ``Z``, ``z`` or ``±hh:mm`` with
      hh 00-23 and mm 00-59; ``-00:00`` (unknown local offset, section 4.3) passes. ``+0530``,
      ``+05`` and ``+05:30:15`` do not.

    Refused too: a trailing newline, surrounding whitespace, and non-ASCII digits.
    """
    if _DATE_TIME(value) is None:
        return False
    if value[17] != "6":  # "YYYY-MM-DDThh:mm:ss": second is 00-59, the common case
        return True
    # second 60: the leap second is 23:59:60 UTC; local time minus the offset gives UTC.
    minutes = int(value[11:13]) * 60 + int(value[14:16])
    if value[-1] not in "Zz":
        offset = int(value[-5:-3]) * 60 + int(value[-2:])
        minutes = minutes - offset if value[-6] == "+" else minutes + offset
    return minutes % _MINUTES_A_DAY == _LAST_MINUTE_OF_THE_DAY


# -------------------------------------------------------------------------------------------- uri

# RFC 3986 appendix A, as character classes; "-" first so it is literal.
_UNRESERVED = r"\-A-Za-z0-9._~"
_SUB_DELIMS = r"!$&'()*+,;="


def _run(chars: str) -> str:
    """``*( [chars] / pct-encoded )`` as an unrolled, possessive loop: linear, no backtracking.

    Safe to make possessive because whatever follows each use is a character not in ``chars``.
    """
    return rf"[{chars}]*+(?:%[0-9A-Fa-f]{{2}}[{chars}]*+)*+"


_H16 = r"[0-9A-Fa-f]{1,4}"
_DEC_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_IPV4 = rf"{_DEC_OCTET}\.{_DEC_OCTET}\.{_DEC_OCTET}\.{_DEC_OCTET}"
_LS32 = rf"(?:{_H16}:{_H16}|{_IPV4})"
_IPV6 = (  # section 3.2.2, line for line
    rf"(?:(?:{_H16}:){{6}}{_LS32}"
    rf"|::(?:{_H16}:){{5}}{_LS32}"
    rf"|(?:{_H16})?::(?:{_H16}:){{4}}{_LS32}"
    rf"|(?:(?:{_H16}:){{0,1}}{_H16})?::(?:{_H16}:){{3}}{_LS32}"
    rf"|(?:(?:{_H16}:){{0,2}}{_H16})?::(?:{_H16}:){{2}}{_LS32}"
    rf"|(?:(?:{_H16}:){{0,3}}{_H16})?::{_H16}:{_LS32}"
    rf"|(?:(?:{_H16}:){{0,4}}{_H16})?::{_LS32}"
    rf"|(?:(?:{_H16}:){{0,5}}{_H16})?::{_H16}"
    rf"|(?:(?:{_H16}:){{0,6}}{_H16})?::)"
)
_IPV_FUTURE = rf"[Vv][0-9A-Fa-f]++\.[{_UNRESERVED}{_SUB_DELIMS}:]++"
# host = IP-literal / IPv4address / reg-name; every IPv4address is also a reg-name, so the
# IPv4address alternative changes nothing and is left out.
_HOST = rf"(?:\[(?:{_IPV6}|{_IPV_FUTURE})\]|{_run(_UNRESERVED + _SUB_DELIMS)})"
_AUTHORITY = rf"(?:{_run(_UNRESERVED + _SUB_DELIMS + ':')}@)?{_HOST}(?::[0-9]*+)?"
_SEGMENT = _run(_UNRESERVED + _SUB_DELIMS + ":@")
_SEGMENT_NZ = rf"(?=[{_UNRESERVED}{_SUB_DELIMS}:@%]){_SEGMENT}"  # at least one pchar
_HIER_PART = (
    rf"(?://{_AUTHORITY}(?:/{_SEGMENT})*+"  # "//" authority path-abempty
    rf"|/(?:{_SEGMENT_NZ}(?:/{_SEGMENT})*+)?"  # path-absolute
    rf"|{_SEGMENT_NZ}(?:/{_SEGMENT})*+"  # path-rootless
    r"|)"  # path-empty
)
_QUERY = _run(_UNRESERVED + _SUB_DELIMS + ":@/?")  # fragment is the same production
_URI = re.compile(
    rf"[A-Za-z][A-Za-z0-9+\-.]*+:{_HIER_PART}(?:\?{_QUERY})?+(?:#{_QUERY})?+",
    re.ASCII,
).fullmatch


def is_uri(value: str) -> bool:
    """An RFC 3986 section 3 ``URI``: ``scheme ":" hier-part [ "?" query ] [ "#" fragment ]``.

    JSON Schema's ``uri`` format (2020-12, section 7.3.5): a URI with a scheme, so relative
    references (section 4.1) are refused. "Absolute" in the section 4.3 sense except that a
    fragment is allowed, as the ``URI`` production allows it. The generic syntax only; no scheme's
    own rules (``http://`` with an empty host passes, as does ``http:`` with an empty path):

    - scheme: ``ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )``.
    - hier-part: ``"//" authority path-abempty``, ``path-absolute``, ``path-rootless`` or
      ``path-empty``.
    - authority: ``[ userinfo "@" ] host [ ":" port ]``, port ``*DIGIT`` (may be empty, no range);
      host a reg-name (which also covers every IPv4address, and dotted digits out of range) or an
      IP-literal ``"[" ( IPv6address / IPvFuture ) "]"``: the IPv6address grammar of section 3.2.2
      in full (``[::1]``, ``[2001:db8::1]``, ``[::ffff:192.0.2.1]``; not ``[:::1]``,
      ``[127.0.0.1]``, nine groups, two ``::``, or a zone ID -- that is RFC 6874, not 3986), or
      ``"v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )`` (``[v1.fe]``).
    - path, query and fragment characters: unreserved, sub-delims, ``:``, ``@``, ``/`` (and ``?``
      in query and fragment), and pct-encoded: ``%`` followed by exactly two hex digits.

    ASCII only: a non-ASCII character (an IRI, RFC 3987, such as ``https://bücher.example/``) is
    refused, as are spaces, controls (NUL, tab, newline, DEL), ``"<>\\^`{|}``, ``[`` or ``]``
    outside an IP-literal, a second ``#``, and a ``%`` without two hex digits after it.
    """
    return _URI(value) is not None
