"""``webhook_url`` edge forms: the host is judged as a WHATWG URL parser on the receiving side
reads it (IDNA/UTS-46 mapping, IPv4 number forms, IPv4 embedded in IPv6), not as typed.

NUMBER_FORMS are the twelve forms the old ``urlsplit`` + ``ipaddress`` check let through
(it returned None for each): every one is a loopback or "this network" address once
normalised, so it was sent and the API refused it after a round trip.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from typing import Any

import httpx
import pytest
from aigenstudio._contract.public_url import public_https_url_problem as webhook_url_problem
from aigenstudio._contract.spec import load_spec

# (url, the normalised host the message must show)
NUMBER_FORMS = [
    ("https://2130706433/", "127.0.0.1"),  # one 32-bit decimal number
    ("https://0x7f000001/", "127.0.0.1"),  # one hexadecimal number
    ("https://0177.0.0.1/", "127.0.0.1"),  # octal part
    ("https://127.1/", "127.0.0.1"),  # short form: last part fills the low 24 bits
    ("https://0x7f.1/", "127.0.0.1"),  # short form, hexadecimal
    ("https://127.000.000.001/", "127.0.0.1"),  # zero-padded (octal) parts
    ("https://0/", "0.0.0.0"),  # a lone zero
    ("https://\uff11\uff12\uff17\uff0e\uff10\uff0e\uff10\uff0e\uff11/", "127.0.0.1"),  # full-width
    ("https://127\u30020\u30020\u30021/", "127.0.0.1"),  # ideographic full stops
    ("https://127\uff0e0\uff0e0\uff0e1/", "127.0.0.1"),  # full-width full stops
    ("https://[::127.0.0.1]/", "127.0.0.1"),  # IPv4-compatible IPv6
    ("https://[64:ff9b::7f00:1]/", "127.0.0.1"),  # NAT64 well-known prefix
]


@pytest.mark.parametrize(("url", "host"), NUMBER_FORMS)
def test_number_forms_are_normalised_then_refused(url: str, host: str) -> None:
    problem = webhook_url_problem(url)
    assert problem is not None
    assert problem.startswith("must be a public host (")
    assert host in problem  # the user sees the address the parser reads


def test_a_short_form_message_names_the_address_and_why() -> None:
    assert webhook_url_problem("https://0x7f.1/") == "must be a public host (127.0.0.1 is a loopback address)"
    assert webhook_url_problem("https://0/") == "must be a public host (0.0.0.0 is the unspecified address)"
    assert webhook_url_problem("https://[::127.0.0.1]/") == (
        "must be a public host (::7f00:1 embeds 127.0.0.1, a loopback address)"
    )


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("https://127.255.255.254/", "127.255.255.254 is a loopback address"),
        ("https://0.1.2.3/", "0.1.2.3 is a 'this network' address"),
        ("https://10.1.2.3/", "10.1.2.3 is a private address"),
        ("https://172.16.5.4/", "172.16.5.4 is a private address"),
        ("https://172.31.255.1/", "172.31.255.1 is a private address"),
        ("https://192.168.0.10/", "192.168.0.10 is a private address"),
        ("https://100.64.0.1/", "100.64.0.1 is a shared (carrier-grade NAT) address"),
        ("https://100.127.255.254/", "100.127.255.254 is a shared (carrier-grade NAT) address"),
        ("https://169.254.169.254/latest", "169.254.169.254 is a link-local address"),
        ("https://192.0.0.9/", "192.0.0.9 is a special-purpose (IETF protocol) address"),
        ("https://192.0.2.1/", "192.0.2.1 is a documentation address"),
        ("https://198.51.100.7/", "198.51.100.7 is a documentation address"),
        ("https://203.0.113.9/", "203.0.113.9 is a documentation address"),
        ("https://198.18.0.1/", "198.18.0.1 is a benchmarking address"),
        ("https://198.19.255.1/", "198.19.255.1 is a benchmarking address"),
        ("https://224.0.0.1/", "224.0.0.1 is a multicast address"),
        ("https://239.255.255.250/", "239.255.255.250 is a multicast address"),
        ("https://240.0.0.1/", "240.0.0.1 is a reserved address"),
        ("https://255.255.255.255/", "255.255.255.255 is the broadcast address"),
        ("https://4294967295/", "255.255.255.255 is the broadcast address"),
        ("https://%31%32%37.0.0.1/", "127.0.0.1 is a loopback address"),  # percent-encoded host
        ("https://\uff10\uff58\uff17\uff46.1/", "127.0.0.1 is a loopback address"),  # full-width 0x7f.1
        ("https://127.0.0.1./", "127.0.0.1 is a loopback address"),  # trailing dot
        ("https://127\uff610\uff610\uff611/", "127.0.0.1 is a loopback address"),  # half-width stops
    ],
)
def test_non_public_ipv4(url: str, why: str) -> None:
    assert webhook_url_problem(url) == f"must be a public host ({why})"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://[::]/", ":: is the unspecified address"),
        ("https://[::1]/hook", "::1 is the loopback address"),
        ("https://[0:0:0:0:0:0:0:1]/", "::1 is the loopback address"),
        ("https://[fc00::1]/", "fc00::1 is a unique local (private) address"),
        ("https://[fd12:3456::1]/", "fd12:3456::1 is a unique local (private) address"),
        ("https://[fe80::1]/hook", "fe80::1 is a link-local address"),
        ("https://[fec0::1]/", "fec0::1 is a site-local address"),
        ("https://[ff02::1]/", "ff02::1 is a multicast address"),
        ("https://[2001:db8::1]/", "2001:db8::1 is a documentation address"),
        ("https://[3fff::1]/", "3fff::1 is a documentation address"),
        ("https://[100::1]/", "100::1 is a discard-only address"),
        ("https://[::ffff:127.0.0.1]/", "::ffff:7f00:1 embeds 127.0.0.1, a loopback address"),
        ("https://[::ffff:10.0.0.1]/hook", "::ffff:a00:1 embeds 10.0.0.1, a private address"),
        (
            "https://[::ffff:169.254.169.254]/",
            "::ffff:a9fe:a9fe embeds 169.254.169.254, a link-local address",
        ),
        ("https://[::10.0.0.1]/", "::a00:1 embeds 10.0.0.1, a private address"),
        ("https://[::8.8.8.8]/", "::808:808 is a deprecated IPv4-compatible address"),
        ("https://[64:ff9b::10.0.0.1]/", "64:ff9b::a00:1 embeds 10.0.0.1, a private address"),
        ("https://[64:ff9b:1::7f00:1]/", "64:ff9b:1::7f00:1 embeds 127.0.0.1, a loopback address"),
        ("https://[64:ff9b:1::8.8.8.8]/", "64:ff9b:1::808:808 is a local-use NAT64 address"),
        ("https://[2002:7f00:1::]/", "2002:7f00:1:: embeds 127.0.0.1, a loopback address"),
        ("https://[2002:c0a8:101::1]/", "2002:c0a8:101::1 embeds 192.168.1.1, a private address"),
        ("https://[2002:808:808::1]/", "2002:808:808::1 is a 6to4 tunnel address"),
        # Teredo: the client address is the last 32 bits inverted (0x80fffffe -> 127.0.0.1).
        (
            "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
            "2001:0:4136:e378:8000:63bf:80ff:fffe embeds 127.0.0.1, a loopback address",
        ),
        (
            "https://[2001:0:4136:e378:8000:63bf:f7f7:f7f7]/",
            "2001:0:4136:e378:8000:63bf:f7f7:f7f7 is a Teredo tunnel address",
        ),
        ("https://[4000::1]/", "4000::1 is a reserved address"),
    ],
)
def test_non_public_ipv6(url: str, why: str) -> None:
    assert webhook_url_problem(url) == f"must be a public host ({why})"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://localhost/hook", "localhost is a name for this machine"),
        ("https://LOCALHOST/", "localhost is a name for this machine"),
        ("https://localhost./", "localhost is a name for this machine"),
        ("https://api.localhost:8443/hook", "api.localhost is a name for this machine"),
        ("https://api.localhost./", "api.localhost is a name for this machine"),
        (
            "https://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/",
            "localhost is a name for this machine",
        ),
        (
            "https://\u24db\u24de\u24d2\u24d0\u24db\u24d7\u24de\u24e2\u24e3/",
            "localhost is a name for this machine",
        ),
        ("https://loc\u00adalhost/", "localhost is a name for this machine"),  # soft hyphen is mapped away
        ("https://%6c%6fcalhost/", "localhost is a name for this machine"),
        ("https://printer.local/", "printer.local is a local-network (mDNS) name"),
        ("https://db.internal/", "db.internal is a private-network name"),
        ("https://box.localdomain/", "box.localdomain is a private-network name"),
        ("https://nas.home.arpa/", "nas.home.arpa is a private-network name"),
        ("https://x.invalid/", "x.invalid is a reserved, never-resolving name"),
        ("https://intranet/", "intranet is a single-label name, not a public domain"),
        ("https://intranet./", "intranet is a single-label name, not a public domain"),
        ("https:///intranet/x", "intranet is a single-label name, not a public domain"),
        ("https://a..b/", "a..b has an empty label"),
        ("https://./", ". has an empty label"),
    ],
)
def test_non_public_names(url: str, why: str) -> None:
    assert webhook_url_problem(url) == f"must be a public host ({why})"


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",
        "HTTP://hooks.example.com/x",
        "wss://hooks.example.com/x",
        "ftp://hooks.example.com/x",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "mailto:ops@example.com",
    ],
)
def test_scheme_must_be_https(url: str) -> None:
    assert webhook_url_problem(url) == "must be an https:// URL"


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "",
        "https://",
        "//hooks.example.com/x",
        "hooks.example.com/x",  # no scheme: nothing says it is https
        "https://999.1.1.1/",
        "https://1.2.3.4.5/",
        "https://[::1/",
        "https://[::1::2]/",
        "https://exa mple.com/",
        "https://hooks.example.com:99999/",
        "https://\ud800.example/",  # a lone surrogate cannot be encoded
    ],
)
def test_unparseable_urls(url: str) -> None:
    assert webhook_url_problem(url) == "must be a valid URL"


@pytest.mark.parametrize(
    "url",
    [
        "https://user:secret@hooks.example.com/x",
        "https://user@hooks.example.com/x",
        "https://:secret@hooks.example.com/x",
    ],
)
def test_userinfo_is_not_a_reason_to_refuse(url: str) -> None:
    # The documentation asks for a public https host, nothing about userinfo: what the spec
    # and the documentation allow is never refused.
    assert webhook_url_problem(url) is None


def test_userinfo_that_hides_the_real_host_names_the_host() -> None:
    # Reads as hooks.example.com; the host is 127.0.0.1, and that is the reason shown.
    assert webhook_url_problem("https://hooks.example.com@0x7f.1/") == (
        "must be a public host (127.0.0.1 is a loopback address)"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/x",
        "https://hooks.example.com/aigen",
        "HTTPS://Hooks.Example.COM./x",
        "https://hooks.example.com:8443/x?a=1#f",
        "https://hooks.client.example/aigen",
        "https://shop.example/hooks",
        "https://@hooks.example.com/x",  # an empty userinfo is dropped by the parser
        "https://8.8.8.8/",
        "https://8.8.8.8./",
        "https://134744072/",  # 8.8.8.8 as one number: public however it is written
        "https://1.1.1.1/hook",
        "https://[2606:4700:4700::1111]/",
        "https://[2606:4700::1]/x",
        "https://[::ffff:8.8.8.8]/",
        "https://[64:ff9b::808:808]/",
        "https://b\u00fccher.example/",
        "https://xn--bcher-kva.example/",
        "https://\uff48\uff4f\uff4f\uff4b\uff53.example.com/",  # full-width letters map to ASCII
    ],
)
def test_public_https_urls_pass(url: str) -> None:
    assert webhook_url_problem(url) is None


def test_the_new_module_answers_the_same() -> None:
    from aigenstudio._contract.public_url import public_https_url_problem

    for url, _ in NUMBER_FORMS:
        assert public_https_url_problem(url) == webhook_url_problem(url)
    assert public_https_url_problem("https://hooks.example.com/x") is None


def test_no_dns_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("webhook_url must be judged without DNS")

    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        monkeypatch.setattr(socket, name, no_dns)
    assert webhook_url_problem("https://hooks.example.com/x") is None
    assert webhook_url_problem("https://intranet/") is not None


def test_request_error_names_the_field_and_the_normalised_host() -> None:
    from aigenstudio import RequestValidationError

    create = load_spec().operations["createProductPhotoJob"]
    body = {"images": [{"source_url": "https://cdn.example.com/a.jpg"}]}
    headers = {"Idempotency-Key": "key-12345678"}
    with pytest.raises(RequestValidationError) as info:
        create.validate_arguments(json={**body, "webhook_url": "https://0x7f.1/hook"}, headers=headers)
    assert info.value.field == "body.webhook_url"
    assert "127.0.0.1 is a loopback address" in info.value.limit
    create.validate_arguments(json={**body, "webhook_url": "https://hooks.example.com/x"}, headers=headers)


@pytest.mark.parametrize(("url", "host"), NUMBER_FORMS[:3])
def test_a_client_sends_nothing_for_a_number_form(url: str, host: str) -> None:
    from aigenstudio import Client, RequestValidationError
    from aigenstudio._workflow.operations import find_operation
    from aigenstudio_client.models import ProductPhotoJobCreateRequest

    sent: list[httpx.Request] = []

    def wire(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    body = ProductPhotoJobCreateRequest.from_dict(
        {"images": [{"source_url": "https://cdn.example.com/a.jpg"}], "webhook_url": url}
    )
    client = Client(
        "aigen_test_" + "k" * 32,
        base_url="https://api.example.test/api/v1",
        max_retries=0,
        transport=httpx.MockTransport(wire),
    )
    try:
        with pytest.raises(RequestValidationError, match=f"{host} is ") as info:
            find_operation("create_product_photo_job").sync(
                client=client, body=body, idempotency_key="key-12345678"
            )
    finally:
        client.close()
    assert info.value.field == "body.webhook_url"
    assert sent == []


def test_importing_the_sdk_does_not_load_the_url_parser() -> None:
    code = (
        "import sys, aigenstudio, aigenstudio._contract.spec\n"
        "assert 'ada_url' not in sys.modules, 'ada_url imported eagerly'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
