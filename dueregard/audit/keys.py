"""The keys that seal the audit log's chain ([ADR 0012]), read from the environment.

A key is written `ID:SECRET`: the id (letters, digits, `-`, `_`; at most 16) is stored on
every event it sealed, the secret never leaves the environment. `AUDIT_CHAIN_KEY` seals new
events; `AUDIT_CHAIN_OLD_KEYS` (comma-separated) keeps the keys of earlier events so they
still verify after a rotation (docs/operations.md). settings.py parses them here, so a
malformed key stops the service rather than sealing with the wrong one.

[ADR 0012]: ../../docs/adr/0012-tamper-evident-audit.md
"""

from __future__ import annotations

import re

from django.core.exceptions import ImproperlyConfigured

KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,16}")
MINIMUM_SECRET_LENGTH = 32


def parse_key(value: str, setting: str) -> tuple[str, bytes]:
    """`ID:SECRET` as (id, secret bytes), or ImproperlyConfigured naming the setting."""
    key_id, colon, secret = value.strip().partition(":")
    if not colon or not KEY_ID.fullmatch(key_id):
        raise ImproperlyConfigured(
            f"{setting}: write each key as ID:SECRET, the ID of 1 to 16 letters, digits, '-' or '_'"
        )
    if len(secret) < MINIMUM_SECRET_LENGTH:
        raise ImproperlyConfigured(
            f"{setting}: the secret of key {key_id!r} has {len(secret)} characters; "
            f"it needs at least {MINIMUM_SECRET_LENGTH}"
        )
    return key_id, secret.encode()


def parse_keys(current: str, old: list[str]) -> tuple[str, dict[str, bytes]]:
    """The current key's id and every key by id; refuses one id given two secrets."""
    current_id, secret = parse_key(current, "AUDIT_CHAIN_KEY")
    keys = {current_id: secret}
    for entry in old:
        key_id, old_secret = parse_key(entry, "AUDIT_CHAIN_OLD_KEYS")
        if keys.get(key_id, old_secret) != old_secret:
            raise ImproperlyConfigured(
                f"AUDIT_CHAIN_OLD_KEYS: key {key_id!r} is given two different secrets"
            )
        keys[key_id] = old_secret
    return current_id, keys
