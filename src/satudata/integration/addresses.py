"""Which addresses a connector may pull from: public ones only (protection against SSRF).

A producer types the source address and the server fetches it, then shows what it read in
the run log. Without this check a producer could make the server read its own loopback
services, the agencies' private network or a cloud metadata address (169.254.169.254).
So every address a host name resolves to must be public, and the connection is then made
to exactly the checked address (fetch.py), so a second DNS answer cannot switch it.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.parse

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_PORTS = {"http": 80, "https": 443}
# Names that always mean this machine, whatever DNS says (RFC 6761).
LOCAL_NAMES = ("localhost", "localhost.localdomain")
# NAT64 gateways translate 64:ff9b::a.b.c.d to the IPv4 address a.b.c.d.
NAT64 = ipaddress.ip_network("64:ff9b::/96")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class InternalAddress(Exception):
    """The host is (or resolves to) an address inside the server's own networks."""

    def __init__(self, host: str):
        super().__init__(host)
        self.message = internal_message(host)


def internal_message(host: str) -> str:
    return _(
        "The source address %(host)s points into the server's internal network; "
        "only public addresses can be pulled."
    ) % {"host": host}


def credentials_message() -> str:
    return _(
        "Do not put a user name or password in the source address: everyone who sees the "
        "connector sees its address."
    )


def has_credentials(url: str) -> bool:
    return "@" in urllib.parse.urlsplit(url).netloc


def without_credentials(url: str) -> str:
    """The address as shown on pages and in the API: a password typed before the fix is hidden."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def _embedded_ipv4(ip: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (::ffff:127.0.0.1, 6to4, NAT64), if any."""
    if ip.version != 6:
        return None
    if ip.ipv4_mapped or ip.sixtofour:
        return ip.ipv4_mapped or ip.sixtofour
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip: Address) -> bool:
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        return is_public(embedded)
    # is_global alone lets multicast (224.0.0.0/4, ff00::/8) through.
    special = ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip.is_link_local
    return ip.is_global and not special


def _port(parts: urllib.parse.SplitResult) -> int | None:
    try:
        return parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:  # a port that is not a number: the URL validators say so
        return None


def _entry(text: str) -> tuple[str, int | None]:
    """`host`, `host:port`, `[v6]` or `[v6]:port` from CONNECTOR_ALLOWED_HOSTS."""
    parts = urllib.parse.urlsplit(f"//{text.strip().lower()}")
    return parts.hostname or "", parts.port


def allowed_anyway(host: str, port: int | None) -> bool:
    """The administrator's exceptions: CONNECTOR_ALLOW_PRIVATE_ADDRESSES (everything, for
    development and tests) and CONNECTOR_ALLOWED_HOSTS (named internal sources)."""
    if settings.CONNECTOR_ALLOW_PRIVATE_ADDRESSES:
        return True
    host = host.lower()
    for allowed_host, allowed_port in map(_entry, settings.CONNECTOR_ALLOWED_HOSTS):
        if allowed_host == host and allowed_port in (None, port):
            return True
    return False


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def refusal_at_save(url: str) -> str | None:
    """What can be refused when a connector is saved: credentials, a literal internal
    address and localhost. Other names are checked when pulled, since DNS answers change."""
    if has_credentials(url):
        return credentials_message()
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or allowed_anyway(host, _port(parts)):
        return None
    literal = _literal(host)
    local = host in LOCAL_NAMES or host.endswith(".localhost")
    if local or (literal is not None and not is_public(literal)):
        return internal_message(host)
    return None


def resolve(host: str, port: int) -> list[str]:
    """The addresses to connect to; raises InternalAddress unless every one is public
    (one private answer among public ones is enough to refuse), socket.gaierror if none."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not addresses:
        raise socket.gaierror(socket.EAI_NONAME, "no address")
    internal = any(not is_public(ipaddress.ip_address(a)) for a in addresses)
    if internal and not allowed_anyway(host, port):
        raise InternalAddress(host)
    return addresses
