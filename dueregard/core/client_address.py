"""The address of the client that sent a request, honouring only the proxies we trust.

Every council deployment sits behind a reverse proxy, so `REMOTE_ADDR` is usually the
proxy's address and the client's is in `X-Forwarded-For`. That header is written by
whoever sent the request, so it is believed only as far as the hops that appended to it
are proxies listed in `settings.TRUSTED_PROXIES`: anyone else can put any address in it.
The audit log and the sign-in lockout both read the address here, so they always agree.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:  # settings.py imports this module, so it stays light at runtime
    from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_trusted_proxies(entries: list[str] | tuple[str, ...]) -> tuple[Network, ...]:
    """Parse addresses and CIDR networks (`10.0.0.5`, `10.0.0.0/8`, `::1`).

    Raises ImproperlyConfigured naming the first entry that is neither, so a typo in the
    environment stops the service instead of silently trusting nobody (or everybody).
    """
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network"
            ) from None
    return tuple(networks)


@lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_trusted_proxies(entries)


def _address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket reads ::ffff:a.b.c.d; compare it as IPv4.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, or None when the request carries no usable one.

    `REMOTE_ADDR` unless it is a trusted proxy. Then `X-Forwarded-For` is read from the
    right (the hop nearest us) leftwards, passing over trusted proxies: the first address
    that is not one is the client, since everything to its left was written by the
    client or by proxies we do not control. An entry that is not an address ends the
    walk at the last trusted hop. When every hop is trusted, the leftmost is the client.
    """
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    trusted = _trusted(tuple(settings.TRUSTED_PROXIES))

    def is_trusted(address: Address) -> bool:
        return any(address in network for network in trusted)

    client = remote
    if is_trusted(client):
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for hop in reversed([hop for hop in hops if hop.strip()]):
            address = _address(hop)
            if address is None:
                break
            client = address
            if not is_trusted(address):
                break
    return str(client)
