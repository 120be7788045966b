"""The client's address: behind the trusted proxy only the hop it added, and only an IP address."""

from __future__ import annotations

from portal.rules.client import client_address, scope_address


def test_client_address() -> None:
    assert client_address("10.0.0.1", "1.1.1.1, 2.2.2.2", "10.0.0.1") == "2.2.2.2"
    assert client_address("10.0.0.9", "2.2.2.2", "10.0.0.1") == "10.0.0.9"
    assert client_address("10.0.0.1", None, "10.0.0.1") == "10.0.0.1"
    assert client_address("10.0.0.1", "2.2.2.2", "") == "10.0.0.1"
    assert client_address(None, None, "") == "unknown"


def test_a_spoofed_forwarded_for_never_chooses_the_address_nor_carries_markup() -> None:
    spoofed = "1.2.3.4, <script>"
    assert client_address("203.0.113.7", spoofed, "127.0.0.1") == "203.0.113.7"  # not the proxy: ignored
    assert client_address("127.0.0.1", spoofed, "127.0.0.1") == "127.0.0.1"  # the last hop is no address
    assert client_address("127.0.0.1", "<script>, 198.51.100.4", "127.0.0.1") == "198.51.100.4"
    assert client_address("127.0.0.1", "1.2.3.4, 2001:DB8::1", "127.0.0.1") == "2001:db8::1"
    assert (
        client_address("127.0.0.1", ["1.2.3.4", "198.51.100.4, 198.51.100.5"], "127.0.0.1") == "198.51.100.5"
    )


def test_the_address_of_an_asgi_scope_reads_every_forwarded_header() -> None:
    headers = [(b"x-forwarded-for", b"9.9.9.9"), (b"host", b"x"), (b"x-forwarded-for", b"198.51.100.8")]
    scope = {"client": ("127.0.0.1", 5000), "headers": headers}
    assert scope_address(scope, "127.0.0.1") == "198.51.100.8"
    assert scope_address(scope, "10.0.0.1") == "127.0.0.1"
    assert scope_address({"headers": headers}, "127.0.0.1") == "unknown"
