"""The formats the client asserts (uuid, date-time, uri), as tables of accepted and refused values
with the rule in the test id, plus exhaustive sweeps against independent oracles (``calendar``,
``datetime``, ``ipaddress``).

The checks are jsonschema-rs's own (``validate_formats=True``, no ``formats=`` of ours): on every
value here, and on a seeded mutation corpus, its verdicts are the RFCs' (RFC 9562 uuid, RFC 3339
date-time, RFC 3986 uri), so the client keeps no format code. Each value is checked through the
validator the client compiles (``compile_validator``), so these tables pin what a request meets.

Where the Prism mock server (ajv-formats 2.1.1, "full" mode) differs, the RFCs win, on purpose:
``urn:uuid:<uuid>`` is not a uuid; a space for ``T``, offsets ``+0530`` / ``+05`` / ``+99:99``
are not date-times; a leap second is valid only at 23:59:60 UTC (Prism: at local 23:59);
``http:`` (``path-empty``) is a uri. Year 0000 and leap seconds are valid date-times, as RFC 3339
says, though Python's ``datetime`` cannot hold them: the response parser refuses those later
(``_http/response_check.py``), the format check does not.
"""

from __future__ import annotations

import calendar
import ipaddress
import random
import string
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import jsonschema_rs
import pytest
from aigenstudio._contract.schema import compile_validator


def _client_check(name: str) -> Callable[[str], bool]:
    """The format check of a validator the client compiles, as a predicate."""
    validator = compile_validator({"type": "string", "format": name}, {})
    return lambda value: bool(validator.is_valid(value))


is_uuid = _client_check("uuid")
is_date_time = _client_check("date-time")
is_uri = _client_check("uri")

P = pytest.param
GOOD_UUID = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"  # RFC 4122 section 3 / RFC 9562 example


# --------------------------------------------------------------------------------------------- uuid

UUID_ACCEPTED = [
    P(GOOD_UUID, id="8-4-4-4-12 lowercase (RFC 9562 s4 example)"),
    P(GOOD_UUID.upper(), id="8-4-4-4-12 uppercase"),
    P("F81d4FAE-7Dec-11D0-a765-00A0c91E6bF6", id="mixed case"),
    P("00000000-0000-0000-0000-000000000000", id="nil UUID (RFC 9562 s5.9)"),
    P("ffffffff-ffff-ffff-ffff-ffffffffffff", id="max UUID (RFC 9562 s5.10)"),
    P("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", id="max UUID uppercase"),
    P("01890a5d-ac96-774b-bcce-b302099a8057", id="version 7"),
    P("7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f", id="version 4"),
    P("01234567-89ab-0def-0123-456789abcdef", id="version and variant bits are not checked"),
    P("abcdefab-cdef-fabc-defa-bcdefabcdefa", id="all letters"),
    P("12345678-1234-1234-1234-123456789012", id="all digits"),
]

UUID_REFUSED = [
    P("{" + GOOD_UUID + "}", id="braces (Microsoft GUID form)"),
    P("{" + GOOD_UUID, id="opening brace only"),
    P(GOOD_UUID.replace("-", ""), id="32 hex digits without hyphens"),
    P("urn:uuid:" + GOOD_UUID, id="urn:uuid: prefix (a URN, not the string form; Prism accepts it)"),
    P("URN:UUID:" + GOOD_UUID, id="URN:UUID: prefix uppercase"),
    P("uuid:" + GOOD_UUID, id="uuid: prefix"),
    P("urn:" + GOOD_UUID, id="bare urn: prefix"),
    P("f81d4fae7dec-11d0-a765-00a0c91e6bf6", id="first hyphen missing"),
    P("f81d4fae-7dec-11d0-a76500a0c91e6bf6", id="last hyphen missing"),
    P("f81d4fa-ee7dec-11d0-a765-00a0c91e6bf6", id="hyphen misplaced 7-5-4-4-12"),
    P("f81d4fae-7dec-11d0-a76500a0-c91e6bf6", id="hyphen misplaced 8-4-4-8-8"),
    P("f81d4fae--7dec-11d0-a765-00a0c91e6bf", id="doubled hyphen"),
    P("f81d4fae_7dec_11d0_a765_00a0c91e6bf6", id="underscores for hyphens"),
    P("f81d4fae-7dec-11d0-a765-00a0c91e6bf", id="last group 11 digits"),
    P("f81d4fae-7dec-11d0-a765-00a0c91e6bf6a", id="last group 13 digits"),
    P("f81d4fae-7dec-11d0-a765-00a0c91e6bg6", id="non-hex letter g"),
    P(" " + GOOD_UUID, id="leading space"),
    P(GOOD_UUID + " ", id="trailing space"),
    P(GOOD_UUID + "\n", id="trailing newline (a $ anchor would accept it)"),
    P("\n" + GOOD_UUID, id="leading newline"),
    P(GOOD_UUID + "\t", id="trailing tab"),
    P(GOOD_UUID + "\x00", id="trailing NUL"),
    P("f81d4fae-7dec-11d0-a765-00a0c91e6bf\u0666", id="non-ASCII digit ARABIC-INDIC SIX"),
    P("\uff18" + GOOD_UUID[1:], id="non-ASCII digit FULLWIDTH EIGHT"),
    P("f81d4fae-7dec-11d0-a765-00a0c91e6b\uff46\uff16", id="FULLWIDTH hex letter f"),
    P("f81d4fae\u20107dec-11d0-a765-00a0c91e6bf6", id="Unicode HYPHEN U+2010"),
    P("", id="empty"),
    P("-", id="lone hyphen"),
    P("0x" + GOOD_UUID, id="0x prefix"),
]


@pytest.mark.parametrize("value", UUID_ACCEPTED)
def test_uuid_accepted(value: str) -> None:
    assert is_uuid(value) is True


@pytest.mark.parametrize("value", UUID_REFUSED)
def test_uuid_refused(value: str) -> None:
    assert is_uuid(value) is False


def test_uuid_every_single_character_substitution() -> None:
    """Each of the 36 positions takes exactly hex (or exactly '-' at 8, 13, 18, 23)."""
    alphabet = string.printable + "\u0660\u0966\uff10\uff21\uff41\u00e9\u2010\u2212\u212a"
    hexdigits = set("0123456789abcdefABCDEF")
    wrong = []
    for position in range(36):
        for char in alphabet:
            value = GOOD_UUID[:position] + char + GOOD_UUID[position + 1 :]
            expected = char == "-" if position in (8, 13, 18, 23) else char in hexdigits
            if is_uuid(value) is not expected:
                wrong.append(value)
    assert wrong == []


# ---------------------------------------------------------------------------------------- date-time

DATE_TIME_ACCEPTED = [
    P("2024-01-15T10:30:00Z", id="basic UTC"),
    P("1985-04-12T23:20:50.52Z", id="RFC 3339 s5.8 example 1"),
    P("1996-12-19T16:39:57-08:00", id="RFC 3339 s5.8 example 2 negative offset"),
    P("1937-01-01T12:00:27.87+00:20", id="RFC 3339 s5.8 example 5 odd offset"),
    P("2024-01-15t10:30:00z", id="lowercase t and z (RFC 3339 s5.6 NOTE)"),
    P("2024-01-15t10:30:00Z", id="lowercase t uppercase Z"),
    P("2024-01-15T10:30:00z", id="uppercase T lowercase z"),
    P("2024-01-15T10:30:00.1Z", id="secfrac one digit"),
    P("2024-01-15T10:30:00.123456Z", id="secfrac microseconds"),
    P("2024-01-15T10:30:00.123456789012345678901234Z", id="secfrac many digits (no limit)"),
    P("2024-01-15T10:30:00.000+00:00", id="secfrac zeros and +00:00"),
    P("2024-01-15T10:30:00+05:30", id="offset +05:30"),
    P("2024-01-15T10:30:00-00:00", id="offset -00:00 unknown local offset (RFC 3339 s4.3)"),
    P("2024-01-15T10:30:00+23:59", id="offset max +23:59"),
    P("2024-01-15T10:30:00-23:59", id="offset max -23:59"),
    P("2024-01-15T10:30:00+14:00", id="offset +14:00 (Kiribati)"),
    P("0000-01-01T00:00:00Z", id="year 0000 minimum"),
    P("9999-12-31T23:59:59Z", id="year 9999 maximum"),
    P("2024-02-29T00:00:00Z", id="Feb 29 in a leap year"),
    P("2000-02-29T00:00:00Z", id="Feb 29 in a year divisible by 400"),
    P("1600-02-29T00:00:00Z", id="Feb 29 in 1600"),
    P("0000-02-29T00:00:00Z", id="Feb 29 in year 0000 (divisible by 400, RFC 3339 appendix C)"),
    P("0004-02-29T00:00:00Z", id="Feb 29 in year 0004"),
    P("9996-02-29T00:00:00Z", id="Feb 29 in year 9996"),
    P("2023-02-28T00:00:00Z", id="Feb 28 in a common year"),
    P("2023-01-31T00:00:00Z", id="31 days in January"),
    P("2023-04-30T00:00:00Z", id="30 days in April"),
    P("2023-07-31T00:00:00Z", id="31 days in July"),
    P("2023-08-31T00:00:00Z", id="31 days in August"),
    P("2023-12-31T00:00:00Z", id="31 days in December"),
    P("2023-11-30T00:00:00Z", id="30 days in November"),
    P("2024-01-15T00:00:00Z", id="hour 00"),
    P("2024-01-15T23:59:59Z", id="hour 23 minute 59 second 59"),
    P("1990-12-31T23:59:60Z", id="leap second 23:59:60Z (RFC 3339 s5.8 example 3)"),
    P("1990-12-31T15:59:60-08:00", id="leap second at 23:59:60 UTC in PST (RFC 3339 s5.8 example 4)"),
    P("2016-12-31T23:59:60.5Z", id="leap second with secfrac"),
    P("1998-12-31T23:59:60+00:00", id="leap second +00:00"),
    P("1998-12-31T23:59:60-00:00", id="leap second -00:00"),
    P("2017-01-01T05:29:60+05:30", id="leap second in IST"),
    P("2017-01-01T00:29:60+00:30", id="leap second with offset crossing midnight"),
    P("2016-12-31T23:59:60z", id="leap second lowercase z"),
]

DATE_TIME_REFUSED = [
    P("2024-01-15 10:30:00Z", id="space separator (Prism accepts it)"),
    P("2024-01-15_10:30:00Z", id="underscore separator"),
    P("2024-01-1510:30:00Z", id="no separator"),
    P("2024-01-15T10:30:00", id="no offset: a naive local time"),
    P("2024-01-15T10:30:00.5", id="no offset with secfrac"),
    P("2024-01-15T10:30:00+05:30:15", id="offset with seconds"),
    P("2024-01-15T10:30:00+0530", id="offset without colon (Prism accepts it)"),
    P("2024-01-15T10:30:00+05", id="offset hours only (Prism accepts it)"),
    P("2024-01-15T10:30:00+5:30", id="offset one-digit hour"),
    P("2024-01-15T10:30:00+05:3", id="offset one-digit minute"),
    P("2024-01-15T10:30:00+24:00", id="offset hour 24"),
    P("2024-01-15T10:30:00+05:60", id="offset minute 60"),
    P("2024-01-15T10:30:00\u221205:00", id="offset with Unicode MINUS SIGN"),
    P("2024-01-15T10:30:00+05:30Z", id="offset and Z"),
    P("2024-01-15T10:30:00ZZ", id="doubled Z"),
    P("2024-01-15T10:30:00UTC", id="UTC letters"),
    P("2024-01-15T10:30:00utc", id="lowercase utc"),
    P("2024-01-15T10:30:00GMT", id="GMT letters"),
    P("2024-01-15x10:30:00Z", id="lowercase x separator"),
    P("2024-00-15T10:30:00Z", id="month 00"),
    P("2024-13-15T10:30:00Z", id="month 13"),
    P("2024-01-00T10:30:00Z", id="day 00"),
    P("2024-01-32T10:30:00Z", id="day 32"),
    P("2023-02-29T10:30:00Z", id="Feb 29 in a common year"),
    P("1900-02-29T10:30:00Z", id="Feb 29 in a year divisible by 100 not 400"),
    P("2100-02-29T10:30:00Z", id="Feb 29 in 2100"),
    P("0100-02-29T10:30:00Z", id="Feb 29 in year 0100"),
    P("2024-02-30T10:30:00Z", id="Feb 30 in a leap year"),
    P("2023-04-31T10:30:00Z", id="April 31"),
    P("2023-06-31T10:30:00Z", id="June 31"),
    P("2023-09-31T10:30:00Z", id="September 31"),
    P("2023-11-31T10:30:00Z", id="November 31"),
    P("2024-01-15T24:00:00Z", id="hour 24"),
    P("2024-01-15T10:60:00Z", id="minute 60"),
    P("2024-01-15T10:30:61Z", id="second 61"),
    P("2024-01-15T10:30:99Z", id="second 99"),
    P("2024-01-15T12:00:60Z", id="leap second not at 23:59 UTC"),
    P("1998-12-31T23:58:60Z", id="leap second on the wrong minute"),
    P("1998-12-31T22:59:60Z", id="leap second on the wrong hour"),
    P("1998-12-31T23:59:60+01:00", id="leap second 23:59:60 local but 22:59:60 UTC (Prism accepts it)"),
    P("10000-01-01T00:00:00Z", id="five-digit year"),
    P("999-01-01T00:00:00Z", id="three-digit year"),
    P("-2024-01-15T10:30:00Z", id="negative year"),
    P("+2024-01-15T10:30:00Z", id="signed year"),
    P("2024-1-15T10:30:00Z", id="one-digit month"),
    P("2024-01-5T10:30:00Z", id="one-digit day"),
    P("2024-01-15T1:30:00Z", id="one-digit hour"),
    P("2024-01-15T10:30Z", id="no seconds"),
    P("2024-01-15T10:30:00.Z", id="secfrac dot without digits"),
    P("2024-01-15T10:30:00,5Z", id="secfrac comma (ISO 8601 allows it, RFC 3339 does not)"),
    P("2024-01-15T10:30:00Z\n", id="trailing newline (a $ anchor would accept it)"),
    P("2024-01-15T10:30:00+05:30\n", id="trailing newline after offset"),
    P(" 2024-01-15T10:30:00Z", id="leading space"),
    P("2024-01-15T10:30:00Z ", id="trailing space"),
    P("\uff12\uff10\uff12\uff14-01-15T10:30:00Z", id="non-ASCII digits FULLWIDTH year"),
    P("2024-01-15T10:30:0\u0660Z", id="non-ASCII digit ARABIC-INDIC ZERO"),
    P("2024-01-15T10:30:00.\u0665Z", id="non-ASCII digit in secfrac"),
    P("2024\u201001-15T10:30:00Z", id="Unicode HYPHEN"),
    P("2024-01-15", id="full-date only"),
    P("10:30:00Z", id="full-time only"),
    P("20240115T103000Z", id="ISO 8601 basic format"),
    P("2024-W03-1T10:30:00Z", id="ISO 8601 week date"),
    P("2024-015T10:30:00Z", id="ISO 8601 ordinal date"),
    P("2024-01-15T10:30:00.123456Z\x00", id="trailing NUL"),
    P("", id="empty"),
]


@pytest.mark.parametrize("value", DATE_TIME_ACCEPTED)
def test_date_time_accepted(value: str) -> None:
    assert is_date_time(value) is True


@pytest.mark.parametrize("value", DATE_TIME_REFUSED)
def test_date_time_refused(value: str) -> None:
    assert is_date_time(value) is False


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if calendar.isleap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def test_date_time_feb_29_in_every_year_matches_the_gregorian_rule() -> None:
    wrong = [
        year
        for year in range(10000)
        if is_date_time(f"{year:04d}-02-29T12:00:00Z") is not calendar.isleap(year)
    ]
    assert wrong == []


@pytest.mark.parametrize("year", [0, 1, 4, 100, 400, 1900, 1970, 2000, 2023, 2024, 2100, 9999])
def test_date_time_every_month_and_day(year: int) -> None:
    wrong = []
    for month in range(100):
        for day in range(100):
            value = f"{year:04d}-{month:02d}-{day:02d}T00:00:00Z"
            expected = 1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)
            if is_date_time(value) is not expected:
                wrong.append(value)
    assert wrong == []


def test_date_time_every_hour_minute_second_below_60() -> None:
    wrong = []
    for hour in range(100):
        for minute in range(100):
            for second in (0, 59, 61, 99):
                value = f"2024-06-15T{hour:02d}:{minute:02d}:{second:02d}Z"
                if is_date_time(value) is not (hour < 24 and minute < 60 and second < 60):
                    wrong.append(value)
    for second in range(100):
        value = f"2024-06-15T12:34:{second:02d}Z"
        if is_date_time(value) is not (second < 60):
            wrong.append(value)
    assert wrong == []


def test_date_time_every_offset() -> None:
    wrong = []
    for sign in "+-":
        for hours in range(100):
            for minutes in range(100):
                value = f"2024-06-15T12:34:56{sign}{hours:02d}:{minutes:02d}"
                if is_date_time(value) is not (hours < 24 and minutes < 60):
                    wrong.append(value)
    assert wrong == []


@pytest.mark.parametrize(
    "offset", ["Z", "+00:00", "-00:00", "-08:00", "+05:30", "+05:45", "+14:00", "-23:59"]
)
def test_date_time_leap_second_only_at_23_59_utc(offset: str) -> None:
    """RFC 3339 s5.7/s5.8: second 60 is a leap second, which happens at 23:59:60 UTC only."""
    if offset == "Z":
        delta = timedelta(0)
    else:
        delta = (1 if offset[0] == "+" else -1) * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:]))
    wrong = []
    for hour in range(24):
        for minute in range(60):
            utc = datetime(2016, 12, 31, hour, minute) - delta
            value = f"2016-12-31T{hour:02d}:{minute:02d}:60{offset}"
            if is_date_time(value) is not (utc.hour == 23 and utc.minute == 59):
                wrong.append(value)
    assert wrong == []


# ---------------------------------------------------------------------------------------------- uri

URI_ACCEPTED = [
    P("https://example.com", id="scheme and host"),
    P("https://example.com/", id="root path"),
    P("https://example.com/images/shoe.png?size=large&v=2#top", id="path query and fragment"),
    P("HTTPS://EXAMPLE.COM/A", id="uppercase scheme and host"),
    P("http://user:pass@example.com:8080/p", id="userinfo with password and port"),
    P("http://a:b:c@example.com/", id="userinfo with several colons"),
    P("http://-._~!$&'()*+,;=%41@example.com/", id="userinfo every allowed kind of char"),
    P("http://@example.com/", id="empty userinfo"),
    P("https://example.com:/x", id="empty port (port = *DIGIT)"),
    P("https://example.com:99999/", id="port out of TCP range (port = *DIGIT, no range)"),
    P("https://example.com:0443/", id="port with leading zero"),
    P("http://192.0.2.1/", id="IPv4 host"),
    P("http://999.999.999.999/", id="IPv4-looking host out of range is a valid reg-name"),
    P("http://1.2.3/", id="three-part dotted host is a reg-name"),
    P("http://[::1]/", id="IPv6 loopback"),
    P("http://[2001:db8::1]:8080/", id="IPv6 with port"),
    P("http://[2001:DB8::A]/", id="IPv6 uppercase hex"),
    P("http://[::]/", id="IPv6 unspecified ::"),
    P("http://[1:2:3:4:5:6:7:8]/", id="IPv6 eight groups"),
    P("http://[1:2:3:4:5:6:7::]/", id="IPv6 seven groups then ::"),
    P("http://[::2:3:4:5:6:7:8]/", id="IPv6 :: then seven groups"),
    P("http://[::ffff:192.0.2.128]/", id="IPv6 with embedded IPv4"),
    P("http://[1:2:3:4:5:6:1.2.3.4]/", id="IPv6 six groups and IPv4"),
    P("http://[::1.2.3.4]/", id="IPv6 :: and IPv4"),
    P("http://[0001:0db8:0000:0000:0000:0000:0000:0001]/", id="IPv6 fully expanded"),
    P("http://[v1.fe]/", id="IPvFuture"),
    P("http://[V7.a:b]/", id="IPvFuture uppercase V with colon"),
    P("http://[vFF.!$&'()*+,;=-._~:]/", id="IPvFuture every allowed kind of char"),
    P("https://xn--bcher-kva.example/", id="punycode host"),
    P("https://b%C3%BCcher.example/", id="percent-encoded UTF-8 host"),
    P("https://example.com/a%20b", id="percent-encoded space"),
    P("https://example.com/%c3%a9", id="lowercase percent hex"),
    P("https://example.com/%7Euser/", id="percent-encoded tilde"),
    P("https://example.com/a;b=c,d!$&'()*+@:x", id="sub-delims colon and at in path"),
    P("https://example.com/?a=/b?c", id="slash and question mark in query"),
    P("https://example.com/#a/b?c:d@e", id="slash question colon at in fragment"),
    P("https://example.com?q", id="empty path then query"),
    P("https://example.com#f", id="empty path then fragment"),
    P("https://example.com/?", id="empty query"),
    P("https://example.com/#", id="empty fragment"),
    P("https://example.com/?#", id="empty query and fragment"),
    P("https://example.com//a//b/", id="empty path segments"),
    P("file:///etc/hosts", id="empty authority (file scheme)"),
    P("http://", id="empty authority and path (generic syntax allows it)"),
    P("http:", id="path-empty: scheme and colon only (Prism refuses it)"),
    P("a:", id="one-letter scheme and path-empty"),
    P("http:/path", id="path-absolute"),
    P("http:path", id="path-rootless"),
    P("a:b", id="one-letter scheme path-rootless"),
    P("git+ssh://git@github.com/o/r.git", id="plus in scheme"),
    P("coap+tcp-x.y://h/", id="plus hyphen dot in scheme"),
    P("z9://h", id="digit in scheme"),
    P("mailto:John.Doe@example.com", id="RFC 3986 s1.1.2 mailto"),
    P("urn:oasis:names:specification:docbook:dtd:xml:4.1.2", id="RFC 3986 s1.1.2 urn"),
    P("urn:uuid:" + GOOD_UUID, id="urn:uuid is a valid URI (just not a uuid)"),
    P("ldap://[2001:db8::7]/c=GB?objectClass?one", id="RFC 3986 s1.1.2 ldap"),
    P("news:comp.infosystems.www.servers.unix", id="RFC 3986 s1.1.2 news"),
    P("tel:+1-816-555-1212", id="RFC 3986 s1.1.2 tel"),
    P("telnet://192.0.2.16:80/", id="RFC 3986 s1.1.2 telnet"),
    P("ftp://ftp.is.co.za/rfc/rfc1808.txt", id="RFC 3986 s1.1.2 ftp"),
    P("about:blank", id="about:blank"),
    P("data:text/plain;base64,SGVsbG8=", id="data URI"),
    P("http:a@b@c", id="at signs in a rootless path"),
    P("https://example.com/" + "a" * 5000, id="long path"),
]

URI_REFUSED = [
    P("https://b\u00fccher.example/", id="non-ASCII host (an IRI, RFC 3987)"),
    P("https://example.com/\u00e4", id="non-ASCII path"),
    P("https://example.com/?q=\u00e4", id="non-ASCII query"),
    P("https://example.com/#\u00e4", id="non-ASCII fragment"),
    P("https://\uff45xample.com/", id="FULLWIDTH letter in host"),
    P("https://example.com/\u212a", id="KELVIN SIGN (case-folds to k)"),
    P("http\u017f://example.com/", id="LATIN SMALL LONG S in scheme (case-folds to s)"),
    P("https://example.com/\u00a0", id="NO-BREAK SPACE"),
    P("/relative/path", id="relative reference: absolute path"),
    P("relative/path", id="relative reference: relative path"),
    P("//example.com/x", id="relative reference: network path"),
    P("example.com", id="bare host"),
    P("?q=1", id="query only"),
    P("#frag", id="fragment only"),
    P("", id="empty"),
    P(":", id="empty scheme"),
    P(":path", id="empty scheme with path"),
    P("1http://example.com/", id="scheme starts with a digit"),
    P("+a://example.com/", id="scheme starts with plus"),
    P("ht_tp://example.com/", id="underscore in scheme"),
    P("ht tp://example.com/", id="space in scheme"),
    P("https://example.com/a b", id="space in path"),
    P("https://exa mple.com/", id="space in host"),
    P(" https://example.com/", id="leading space"),
    P("https://example.com/ ", id="trailing space"),
    P("https://example.com/\n", id="trailing newline (a $ anchor would accept it)"),
    P("https://example.com/\r\n", id="trailing CRLF"),
    P("https://example.com/a\tb", id="tab"),
    P("https://example.com/\x00", id="NUL"),
    P("https://example.com/\x1f", id="control char US"),
    P("https://example.com/\x7f", id="DEL"),
    P("https://example.com/<a>", id="angle brackets"),
    P("https://example.com/{a}", id="braces"),
    P("https://example.com/a|b", id="vertical bar"),
    P("https://example.com/a\\b", id="backslash"),
    P("https://example.com/a^b", id="caret"),
    P("https://example.com/a`b", id="backtick"),
    P('https://example.com/a"b', id="double quote"),
    P("https://example.com/?q={x}", id="braces in query"),
    P("https://example.com/#a|b", id="vertical bar in fragment"),
    P("https://example.com/a[0]", id="square brackets in path"),
    P("https://example.com/?a[]=1", id="square brackets in query"),
    P("https://example.com/#a#b", id="second hash in fragment"),
    P("https://example.com/%", id="percent at the end"),
    P("https://example.com/%2", id="percent and one hex digit"),
    P("https://example.com/%zz", id="percent and non-hex"),
    P("https://example.com/%G1", id="percent and G"),
    P("https://example.com/%%41", id="doubled percent"),
    P("https://example.com/?q=%2", id="bad percent in query"),
    P("https://example.com/#%x1", id="bad percent in fragment"),
    P("https://ex%2gmple.com/", id="bad percent in host"),
    P("https://us%er@example.com/", id="bad percent in userinfo"),
    P("https://example.com/%\uff10\uff10", id="percent and FULLWIDTH digits"),
    P("http://[::1/", id="IP-literal without closing bracket"),
    P("http://::1]/", id="IP-literal without opening bracket"),
    P("http://::1/", id="IPv6 without brackets"),
    P("http://[:::1]/", id="IPv6 triple colon"),
    P("http://[1:2:3:4:5:6:7:8:9]/", id="IPv6 nine groups"),
    P("http://[1:2:3:4:5:6:7]/", id="IPv6 seven groups without ::"),
    P("http://[1::2::3]/", id="IPv6 two ::"),
    P("http://[1:2:3:4:5:6:7:8::]/", id="IPv6 eight groups and ::"),
    P("http://[12345::]/", id="IPv6 five-digit group"),
    P("http://[g::1]/", id="IPv6 non-hex"),
    P("http://[127.0.0.1]/", id="bare IPv4 in brackets"),
    P("http://[::ffff:256.0.0.1]/", id="embedded IPv4 octet 256"),
    P("http://[::ffff:01.2.3.4]/", id="embedded IPv4 leading zero (dec-octet)"),
    P("http://[::1.2.3]/", id="embedded IPv4 with three octets"),
    P("http://[1.2.3.4::]/", id="embedded IPv4 not at the end"),
    P("http://[1:2:3:4:5:6:7:1.2.3.4]/", id="IPv6 seven groups and IPv4"),
    P("http://[fe80::1%25eth0]/", id="IPv6 zone ID (RFC 6874, not RFC 3986)"),
    P("http://[fe80::1%eth0]/", id="IPv6 raw zone ID"),
    P("http://[]/", id="empty IP-literal"),
    P("http://[[::1]]/", id="nested brackets"),
    P("http://[::1]]/", id="extra closing bracket"),
    P("http://[ ::1]/", id="space in IP-literal"),
    P("http://[v1]/", id="IPvFuture without dot"),
    P("http://[v.fe]/", id="IPvFuture without version"),
    P("http://[v1.]/", id="IPvFuture without address"),
    P("http://[vg.x]/", id="IPvFuture non-hex version"),
    P("http://[v1.a/b]/", id="IPvFuture with slash"),
    P("http://[v1.%41]/", id="IPvFuture with percent (not allowed there)"),
    P("http://[::1]x/", id="text after IP-literal"),
    P("http://a[::1]/", id="text before IP-literal"),
    P("http://a@b@c/", id="two at signs in authority"),
    P("http://example.com:port/", id="non-digit port"),
    P("http://example.com:-1/", id="negative port"),
    P("http://example.com:80:90/", id="two ports"),
    P("http://example.com:8\u0660/", id="non-ASCII digit in port"),
    P("http://exa:mple.com:80/", id="colon inside host"),
]


@pytest.mark.parametrize("value", URI_ACCEPTED)
def test_uri_accepted(value: str) -> None:
    assert is_uri(value) is True


@pytest.mark.parametrize("value", URI_REFUSED)
def test_uri_refused(value: str) -> None:
    assert is_uri(value) is False


def test_uri_every_ascii_character_in_each_component() -> None:
    """Which single ASCII character may appear where, straight from the RFC 3986 ABNF."""
    unreserved = set(string.ascii_letters + string.digits + "-._~")
    sub_delims = set("!$&'()*+,;=")
    pchar = unreserved | sub_delims | {":", "@"}
    # component -> (template, chars allowed inside it, chars that end it and still give a valid URI)
    places = {
        "userinfo": ("http://a{}b@h/", unreserved | sub_delims | {":"}, set("/?#")),  # then "b@h/" is valid
        "host": ("http://a{}b/", unreserved | sub_delims, set("@/?#")),  # ":" would start the port "b"
        "path": ("http://h/a{}b", pchar | {"/"}, set("?#")),
        "rootless": ("x:a{}b", pchar | {"/"}, set("?#")),
        "query": ("http://h/?a{}b", pchar | {"/", "?"}, {"#"}),
        "fragment": ("http://h/#a{}b", pchar | {"/", "?"}, set()),
    }
    wrong = []
    for name, (template, allowed, enders) in places.items():
        for code in range(128):
            char = chr(code)
            expected = char in allowed or char in enders
            value = template.format(char)
            if is_uri(value) is not expected:
                wrong.append((name, value))
    assert wrong == []


def test_uri_every_scheme_character() -> None:
    wrong = []
    for code in range(128):
        char = chr(code)
        first = char.isascii() and char.isalpha()
        rest = first or char.isdigit() or char in "+-."
        if is_uri(f"{char}://h") is not first:
            wrong.append(f"{char}://h")
        if is_uri(f"a{char}://h") is not (rest or char == ":"):  # "a:://h": path-rootless
            wrong.append(f"a{char}://h")
    assert wrong == []


def _python_says_ipv6(text: str) -> bool:
    if "%" in text:  # ipaddress accepts a scope ID; RFC 3986 has no zone in IPv6address
        return False
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _ipv6_candidates() -> list[str]:
    rng = random.Random(3986)
    seeds = ["::", "::1", "1::", "1:2:3:4:5:6:7:8", "::ffff:1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "::1.2.3.4"]
    for _ in range(400):
        address = ipaddress.IPv6Address(rng.getrandbits(128) & ~(rng.getrandbits(128) & rng.getrandbits(128)))
        seeds += [address.compressed, address.exploded, address.compressed.upper()]
        ipv4 = ipaddress.IPv4Address(rng.getrandbits(32))
        seeds.append(f"{address.compressed.rsplit(':', 2)[0]}:{ipv4}")
    candidates = list(seeds)
    alphabet = "0123456789abcdefABCDEF:.g%"
    for seed in seeds:
        for _ in range(6):
            chars = list(seed)
            position = rng.randrange(len(chars) + 1)
            action = rng.randrange(4)
            if action == 0 and chars:
                del chars[min(position, len(chars) - 1)]
            elif action == 1:
                chars.insert(position, rng.choice(alphabet))
            elif action == 2:
                chars.insert(position, ":")
            elif chars:
                chars[min(position, len(chars) - 1)] = rng.choice(alphabet)
            candidates.append("".join(chars))
    for _ in range(3000):
        candidates.append("".join(rng.choice("0123456789abcdef:.") for _ in range(rng.randrange(16))))
    return candidates


def test_uri_ipv6_literals_agree_with_ipaddress() -> None:
    """The RFC 3986 s3.2.2 IPv6address grammar, checked against an independent parser."""
    candidates = _ipv6_candidates()
    accepted = [text for text in candidates if _python_says_ipv6(text)]
    assert len(accepted) > 1000  # both sides are exercised
    assert len(candidates) - len(accepted) > 3000
    wrong = [text for text in candidates if is_uri(f"http://[{text}]/") is not _python_says_ipv6(text)]
    assert wrong == []


@pytest.mark.parametrize(
    "value",
    [
        P("http://" + "a" * 100_000 + " ", id="long host then space"),
        P("http://" + "a:" * 50_000, id="many colons in authority"),
        P("http://" + "a@" * 50_000, id="many at signs"),
        P("http://h/" + "%" * 100_000, id="many percents"),
        P("http://h/" + "%4" * 50_000, id="many half escapes"),
        P("a:" + "/" * 100_000 + "\n", id="many slashes then newline"),
        P("http://[" + "1:" * 50_000 + "]/", id="huge IP-literal"),
        P("http://h/?" + "?" * 100_000 + "#" * 2, id="many question marks then two hashes"),
        P("x" * 100_000 + "!", id="long scheme-like run"),
    ],
)
def test_uri_pathological_inputs_are_refused_in_linear_time(value: str) -> None:
    assert is_uri(value) is False


@pytest.mark.parametrize(
    "value",
    [
        P("2024-01-15T10:30:00." + "1" * 100_000 + "Z\n", id="date-time huge secfrac then newline"),
        P("2024-01-15T10:30:00." + "1" * 100_000, id="date-time huge secfrac no offset"),
    ],
)
def test_date_time_pathological_inputs_are_refused(value: str) -> None:
    assert is_date_time(value) is False


# ------------------------------------------------------------------------------------- jsonschema-rs


def test_the_client_adds_no_format_checkers_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """Formats are asserted with jsonschema-rs's built-in checks: no Python callback per value."""
    calls: list[dict[str, Any]] = []
    real = jsonschema_rs.validator_for

    def recording(schema: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(schema, **kwargs)

    monkeypatch.setattr(jsonschema_rs, "validator_for", recording)
    validator = compile_validator({"type": "string", "format": "uuid"}, {})
    assert calls == [{"validate_formats": True}]
    assert validator.is_valid(GOOD_UUID)
    assert not validator.is_valid("urn:uuid:" + GOOD_UUID)


def _mutations(seeds: list[str], count: int, rng: random.Random) -> list[str]:
    alphabet = "0123456789abcdefABCDEFTtZz:-+./?#@[]%!$&'()*,;=~_ vV\n\t\x00\u0660\uff10\u00e4\u212a\u2010"
    found = []
    for _ in range(count):
        chars = list(rng.choice(seeds))
        for _ in range(rng.randrange(1, 4)):
            position = rng.randrange(len(chars) + 1)
            action = rng.randrange(3)
            if action == 0 and chars:
                del chars[min(position, len(chars) - 1)]
            elif action == 1:
                chars.insert(position, rng.choice(alphabet))
            else:
                other = rng.choice(seeds)
                start = rng.randrange(len(other) + 1)
                chars[position:position] = other[start : start + rng.randrange(6)]
        found.append("".join(chars))
    return found


@pytest.mark.parametrize(
    ("name", "accepted", "refused"),
    [
        ("uuid", UUID_ACCEPTED, UUID_REFUSED),
        ("date-time", DATE_TIME_ACCEPTED, DATE_TIME_REFUSED),
        ("uri", URI_ACCEPTED, URI_REFUSED),
    ],
)
def test_the_tables_hold_for_a_fresh_jsonschema_rs_validator(
    name: str, accepted: list[Any], refused: list[Any]
) -> None:
    """The tables above are jsonschema-rs's verdicts, not something the client's compiling adds;
    the same values near-missed (a character dropped, inserted or spliced in) agree too."""
    bare = jsonschema_rs.validator_for({"format": name}, validate_formats=True)
    good = [param.values[0] for param in accepted]
    bad = [param.values[0] for param in refused]
    assert [v for v in good if not bare.is_valid(v)] == []
    assert [v for v in bad if bare.is_valid(v)] == []
    near = _mutations([v for v in good + bad if len(v) < 200], 3000, random.Random(name))
    client_check = _client_check(name)
    assert [v for v in near if client_check(v) is not bare.is_valid(v)] == []


def test_a_format_applies_to_strings_only() -> None:
    assert compile_validator({"format": "uuid"}, {}).is_valid(5)
    assert not compile_validator({"format": "uuid"}, {}).is_valid("5")
