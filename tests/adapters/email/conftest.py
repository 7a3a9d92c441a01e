"""A test certificate authority, the SMTP server's TLS context, and the email channel's
config trusting it (``ca_file``), never by switching verification off."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bot.adapters.email import SmtpConfig

SENDER = "remindbot@bot.example"


@dataclass(frozen=True, slots=True)
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


def make_certificate(folder: Path, name: str = "test") -> Certificate:
    """A self-signed certificate for 127.0.0.1 (valid from yesterday for a year: the
    wall clock only has to be within that span, as TLS checks it)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"remindbot {name} mail")])
    start = datetime.now(UTC) - timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / f"{name}-cert.pem", folder / f"{name}-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Certificate(cert_path, key_path)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(tmp_path_factory.mktemp("smtp-tls"))


def config(port: int, certificate: Certificate | None, **overrides: object) -> SmtpConfig:
    """The channel's settings for a server on 127.0.0.1:``port``; STARTTLS unless
    ``certificate`` is None."""
    base: dict[str, object] = {
        "host": "127.0.0.1",
        "port": port,
        "sender": SENDER,
        "starttls": certificate is not None,
        "timeout": 5.0,
        "ca_file": certificate.cert if certificate is not None else None,
    }
    return SmtpConfig(**(base | overrides))  # type: ignore[arg-type]
