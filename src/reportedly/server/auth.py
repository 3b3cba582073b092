"""API keys: named, kept only as salted hashes, each with read or write rights.

``REPORTEDLY_API_KEYS`` reads ``alice:KEY,bob:KEY2,carol:KEY3:read``. A key is never kept in
clear: each is hashed with SHA-256 under a salt drawn when the process starts, so a memory dump
or a log of the key ring gives nothing to replay, and lookups stay one hash per request
(scrypt would cost tens of milliseconds on every call).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

RIGHTS = ("read", "write")


@dataclass(frozen=True)
class Reviewer:
    """Who a key belongs to and what it may do."""

    name: str
    can_write: bool


class KeyRing:
    """Named API keys, stored hashed; ``who(key)`` names the holder or gives None."""

    def __init__(self, spec: str | None = None) -> None:
        self._salt = secrets.token_bytes(16)
        self._keys: dict[bytes, Reviewer] = {}
        for name, key, rights in parse_keys(spec or ""):
            self._keys[self._hash(key)] = Reviewer(name, rights == "write")

    def __len__(self) -> int:
        return len(self._keys)

    def _hash(self, key: str) -> bytes:
        return hashlib.sha256(self._salt + key.encode("utf-8", "surrogatepass")).digest()

    def who(self, key: str | None) -> Reviewer | None:
        """The holder of ``key``, or None for a missing or unknown key."""
        if not key:
            return None
        digest = self._hash(key)
        # Compare against every stored hash in constant time: no timing hint about near misses.
        found = None
        for stored, reviewer in self._keys.items():
            if hmac.compare_digest(stored, digest):
                found = reviewer
        return found


def parse_keys(spec: str) -> list[tuple[str, str, str]]:
    """``name:key[:read|write]`` items, comma-separated, to (name, key, rights); malformed
    items (no name, no key, unknown rights) are skipped rather than granting anything."""
    out = []
    for item in spec.split(","):
        parts = [p.strip() for p in item.strip().split(":")]
        if len(parts) == 2:
            parts.append("write")
        if len(parts) != 3 or not parts[0] or not parts[1] or parts[2] not in RIGHTS:
            continue
        out.append((parts[0], parts[1], parts[2]))
    return out
