"""The webhook signature: ``X-Remindbot-Signature: t=<unix seconds>,v1=<hex>``.

``v1`` is the lowercase hex HMAC-SHA256, keyed with the secret's UTF-8 bytes, of
``"<t>.<raw body>"``: the exact bytes sent, so a receiver checks what it got before it
parses anything. ``t`` is signed with it, so an old request replayed later is refused
(``tolerance``). Stripe and GitHub sign the same way; receivers know the pattern.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Remindbot-Signature"


def sign(secret: str, body: bytes, t: int) -> str:
    """The header value signing ``body`` at Unix time ``t``."""
    signed = str(t).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


# verify() is standard library alone, so a receiver can copy it as it stands
# (docs/channels.md shows it; tests/adapters/webhook/test_docs.py keeps the two equal).
def verify(secret: str, header: str, body: bytes, now: float, tolerance: int = 300) -> bool:
    """Whether ``header`` (X-Remindbot-Signature) signs ``body`` with ``secret`` and
    was made within ``tolerance`` seconds of ``now`` (Unix seconds, as time.time()).

    ``body`` is the raw request body, before any JSON parsing. Several ``v1`` values
    are accepted (any one matching), for a secret being rotated.
    """
    stamp = None
    given = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isascii() and value.isdigit() and len(value) <= 12:
            stamp = int(value)
        elif key == "v1":
            given.append(value.encode())
    if stamp is None or abs(now - stamp) > tolerance:
        return False
    signed = str(stamp).encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest().encode()
    return any(hmac.compare_digest(expected, value) for value in given)
