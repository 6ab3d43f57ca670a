"""The client's address: X-Forwarded-For is believed only as far as trusted proxies wrote it."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from dueregard.core.client_address import client_address, parse_trusted_proxies

PROXY = "10.0.0.5"


def request(remote: str | None, forwarded: str | None = None):
    made = RequestFactory().get("/")
    if forwarded is not None:
        made.META["HTTP_X_FORWARDED_FOR"] = forwarded
    if remote is None:
        del made.META["REMOTE_ADDR"]
    else:
        made.META["REMOTE_ADDR"] = remote
    return made


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY, "192.168.0.0/16", "fd00::/8"]


def test_without_trusted_proxies_the_header_is_ignored(settings) -> None:
    settings.TRUSTED_PROXIES = []
    assert client_address(request(PROXY, "203.0.113.9")) == PROXY


def test_a_trusted_proxy_s_forwarded_address_is_the_client(behind_proxy) -> None:
    assert client_address(request(PROXY, "203.0.113.9")) == "203.0.113.9"


def test_an_untrusted_sender_s_header_is_ignored(behind_proxy) -> None:
    # Someone connecting directly cannot choose the address the audit log records.
    assert client_address(request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_the_rightmost_untrusted_hop_is_the_client(behind_proxy) -> None:
    # The client wrote "1.1.1.1" itself; our proxies saw it connect from 203.0.113.9.
    chain = "1.1.1.1, 203.0.113.9, 192.168.1.20"
    assert client_address(request(PROXY, chain)) == "203.0.113.9"


def test_a_chain_of_only_trusted_proxies_ends_at_its_leftmost_hop(behind_proxy) -> None:
    assert client_address(request(PROXY, "192.168.4.4, 192.168.1.20")) == "192.168.4.4"


def test_a_malformed_hop_stops_at_the_last_trusted_one(behind_proxy) -> None:
    assert client_address(request(PROXY, "203.0.113.9, not-an-address")) == PROXY
    assert client_address(request(PROXY, "not-an-address, 192.168.1.20")) == "192.168.1.20"


def test_a_trusted_proxy_without_the_header_is_the_client(behind_proxy) -> None:
    assert client_address(request(PROXY)) == PROXY
    assert client_address(request(PROXY, "")) == PROXY


def test_ipv6_and_ipv4_mapped_addresses(behind_proxy) -> None:
    assert client_address(request("fd00::1", "2001:db8::7")) == "2001:db8::7"
    assert client_address(request("::ffff:10.0.0.5", "203.0.113.9")) == "203.0.113.9"


def test_no_usable_remote_address_is_none(behind_proxy) -> None:
    assert client_address(request(None)) is None
    assert client_address(request("")) is None
    assert client_address(request("garbage", "203.0.113.9")) is None


def test_trusted_proxies_accept_addresses_and_networks_and_refuse_typos() -> None:
    assert [str(n) for n in parse_trusted_proxies(["10.0.0.5", " 10.1.0.0/16 ", "::1"])] == [
        "10.0.0.5/32",
        "10.1.0.0/16",
        "::1/128",
    ]
    with pytest.raises(ImproperlyConfigured, match=re.escape("'10.0.0.300'")):
        parse_trusted_proxies(["10.0.0.300"])
