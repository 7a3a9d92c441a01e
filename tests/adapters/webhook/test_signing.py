"""``sign`` and ``verify``: the HMAC over ``"<t>.<raw body>"``, and what is refused."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from bot.adapters.webhook import sign, verify

SECRET = "whsec-test-7f3a"
BODY = '{"message":"vand planterne 🌱","reminder_id":1}'.encode()
T = 1_795_000_000


def test_the_signature_is_the_hmac_of_the_time_and_the_raw_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, BODY, T) == f"t={T},v1={expected}"
    assert expected == expected.lower() and len(expected) == 64


def test_a_fresh_signature_of_the_same_bytes_verifies() -> None:
    header = sign(SECRET, BODY, T)
    assert verify(SECRET, header, BODY, now=T + 299)
    assert verify(SECRET, header, BODY, now=T - 10)  # the sender's clock a little ahead


@pytest.mark.parametrize(
    ("secret", "body", "now"),
    [
        ("another-secret", BODY, T),
        (SECRET, BODY.replace(b"1}", b"2}"), T),  # the body changed after signing
        (SECRET, BODY + b" ", T),  # same JSON, other bytes
        (SECRET, BODY, T + 301),  # too old: a replay
        (SECRET, BODY, T - 301),
    ],
)
def test_another_secret_body_or_time_does_not_verify(secret: str, body: bytes, now: int) -> None:
    assert not verify(secret, sign(SECRET, BODY, T), body, now=now)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "garbage",
        f"v1={'0' * 64}",
        f"t={T}",
        f"t={T},v1=",
        f"t=²,v1={'0' * 64}",
        f"t={'9' * 5000},v1=abc",
        f"t={T},v1=ünïcode",
    ],
)
def test_a_malformed_header_is_refused_not_an_exception(header: str) -> None:
    assert verify(SECRET, header, BODY, now=T) is False


def test_any_of_several_v1_values_may_match_while_a_secret_is_rotated() -> None:
    new = sign(SECRET, BODY, T).split(",")[1]
    old = sign("old-secret", BODY, T).split(",")[1]
    assert verify(SECRET, f"t={T},{old},{new}", BODY, now=T)
    assert verify("old-secret", f"t={T},{old},{new}", BODY, now=T)
    assert not verify("third", f"t={T},{old},{new}", BODY, now=T)
