"""JSON Web Tokens that PostgREST accepts: role claim and subject."""

from __future__ import annotations

import time

import jwt


def make_token(secret: str, role: str, sub: str, ttl_seconds: int | None = 3600,
               **claims: object) -> str:
    """Sign an HS256 token for role and subject; ttl_seconds None means no expiry."""
    payload: dict[str, object] = {"role": role, "sub": sub, **claims}
    if ttl_seconds is not None:
        payload["exp"] = int(time.time()) + ttl_seconds
    return jwt.encode(payload, secret, algorithm="HS256")
