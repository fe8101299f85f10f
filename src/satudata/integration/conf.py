"""The connectors' configuration: environment variables, like every setting (README,
"Configuration").

A Django setting of the same name wins over the environment variable, so tests can change
one with pytest-django's `settings` fixture.
"""

from __future__ import annotations

from django.conf import settings

from satudata.env import env_bool, env_int, env_list


def allow_private_addresses() -> bool:
    """True only for development and tests: connectors may then pull any address at all."""
    value = getattr(settings, "CONNECTOR_ALLOW_PRIVATE_ADDRESSES", None)
    return env_bool("CONNECTOR_ALLOW_PRIVATE_ADDRESSES", False) if value is None else bool(value)


def allowed_hosts() -> list[str]:
    """Internal sources pulled anyway: `host` (any port) or `host:port`, e.g. `10.1.2.3:8080`."""
    value = getattr(settings, "CONNECTOR_ALLOWED_HOSTS", None)
    return env_list("CONNECTOR_ALLOWED_HOSTS") if value is None else list(value)


def max_size_mb() -> int:
    """The largest size limit a producer may give a connector (disk space of the server)."""
    value = getattr(settings, "CONNECTOR_MAX_SIZE_MB", None)
    return env_int("CONNECTOR_MAX_SIZE_MB", 200) if value is None else int(value)
