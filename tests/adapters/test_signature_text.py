"""Signatures that are not ASCII text are refused as forgeries, never a crash: Slack's
headers arrive as latin-1 text (other scripts' digits pass ``str.isdigit``), and a
Mattermost context's JSON may carry any character, lone surrogates included."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from bot.adapters.mattermost.auth import Refused, Signer
from bot.adapters.slack.http import is_signed
from bot.clock import ManualClock
from tests.factories import DUE

SECRET = "s3cret"
NOW = 1_700_000_000


def _slack(timestamp: str, body: bytes = b"{}") -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()


def test_a_genuine_slack_signature_passes() -> None:
    assert is_signed(SECRET, b"{}", str(NOW), _slack(str(NOW)), now=NOW)


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [
        ("\u0661\u0667\u0660\u0660", _slack(str(NOW))),  # Arabic-Indic digits
        ("１７００", _slack(str(NOW))),  # full-width digits
        (str(NOW), "v0=\u00e9" + "0" * 63),  # latin-1 text from the header
        (str(NOW), "v0=" + "\u00ff" * 64),
    ],
)
def test_slack_headers_that_are_not_ascii_are_not_signatures(
    timestamp: str, signature: str
) -> None:
    assert is_signed(SECRET, b"{}", timestamp, signature, now=NOW) is False


@pytest.mark.parametrize(
    "change",
    [
        {"sig": "\u00e9" * 64},
        {"sig": "\ud800"},
        {"value": "\ud800"},
        {"action": "complete\udfff"},
    ],
)
def test_a_mattermost_context_with_odd_text_is_refused(change: dict[str, str]) -> None:
    signer = Signer(SECRET, ManualClock(DUE))
    context = {**signer.context("complete", "1:2", "U1"), **change}
    with pytest.raises(Refused):
        signer.verify(context, "U1")
    assert signer.verify(signer.context("complete", "1:2", "U1"), "U1").value == "1:2"
