"""The local server's SMTP endpoint, as SES's SMTP interface behaves.

Built on ``aiosmtpd`` (its own thread and event loop, beside uvicorn's):

- ``AUTH PLAIN`` and ``AUTH LOGIN`` with SES SMTP credentials: the user name
  is an access key id the server knows (``ServerOptions.credentials``), the
  password the one :func:`aws_ses.smtp_credentials` derives from its secret
  for the server's region. Mail is refused until the client has logged in
  (``530``); a wrong password gets ``535 Authentication Credentials Invalid``.
- ``STARTTLS`` with ``tls=True``, using a self-signed certificate generated
  for ``localhost``, ``127.0.0.1``, ``::1`` and the bound host
  (:attr:`SmtpEndpoint.certificate_path` is its PEM, for clients to trust).
  As on SES, AUTH then needs TLS first. Without ``tls`` AUTH is accepted in
  the clear: it is a loopback development server.
- A message is sent as ``SendEmail`` with ``Raw`` content would be, through
  the same handler: verified sender (the ``From`` header, else ``MAIL FROM``),
  the sandbox, the quota, the suppression list, the simulator, and the
  ``X-SES-CONFIGURATION-SET`` / ``X-SES-MESSAGE-TAGS`` headers. Envelope
  recipients found in ``To``/``Cc`` keep that place; the rest are Bcc. It
  lands in the same store, read-back and inbox.
- Replies use SES's wording: ``250 Ok <message id>``, ``554 Message rejected:
  ...``, ``454 Throttling failure: ...``, ``554 Transaction failed: ...``;
  messages over SES's 40 MiB limit get ``552``.
"""

from __future__ import annotations

import asyncio
import datetime
import email.parser
import email.policy
import email.utils
import hmac
import ipaddress
import socket
import ssl
import tempfile
import warnings
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from aws_ses._rules import MAX_MESSAGE_BYTES
from aws_ses.local import sending
from aws_ses.local.state import ApiError, ServerState
from aws_ses.smtp import smtp_password

__all__ = ["SmtpEndpoint", "smtp_reply"]


def smtp_reply(error: ApiError) -> str:
    """The SMTP reply SES gives for the error its API would have returned."""
    if error.code == "MessageRejected":
        return f"554 Message rejected: {error.message}"
    if error.code == "TooManyRequestsException":
        return f"454 Throttling failure: {error.message}"
    return f"554 Transaction failed: {error.message}"


class _Authenticator:
    def __init__(self, state: ServerState) -> None:
        self._state = state

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user = auth_data.login.decode("utf-8", "replace")
        secret = self._state.options.credentials.get(user)
        if secret is None:
            return AuthResult(success=False, handled=False)
        expected = smtp_password(secret, self._state.options.region)
        given = auth_data.password.decode("utf-8", "replace")
        ok = hmac.compare_digest(expected.encode(), given.encode())
        return AuthResult(success=ok, handled=False)


def _split_recipients(raw: bytes, rcpt_tos: list[str]) -> dict[str, list[str]]:
    headers = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
        raw, headersonly=True
    )
    remaining = list(rcpt_tos)
    destination: dict[str, list[str]] = {"ToAddresses": [], "CcAddresses": []}
    for header, key in (("To", "ToAddresses"), ("Cc", "CcAddresses")):
        named = {a.lower() for _, a in email.utils.getaddresses(headers.get_all(header, []))}
        for rcpt in list(remaining):
            if rcpt.lower() in named:
                destination[key].append(rcpt)
                remaining.remove(rcpt)
    destination["BccAddresses"] = remaining
    return destination


class _Handler:
    def __init__(self, state: ServerState) -> None:
        self._state = state

    def _send(self, raw: bytes, mail_from: str, rcpt_tos: list[str]) -> str:
        headers = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
            raw, headersonly=True
        )
        params: dict[str, Any] = {
            "Destination": _split_recipients(raw, rcpt_tos),
            "Content": {"Raw": {"Data": raw}},
        }
        if not headers.get("From") and mail_from:
            params["FromEmailAddress"] = mail_from
        with self._state.gate.request():
            result = sending.send_email(self._state, params)
        return str(result["MessageId"])

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        loop = asyncio.get_running_loop()
        try:
            message_id = await loop.run_in_executor(
                None, self._send, raw, envelope.mail_from or "", list(envelope.rcpt_tos)
            )
        except ApiError as exc:
            return smtp_reply(exc)
        return f"250 Ok {message_id}"


def _certificate(directory: Path, host: str) -> tuple[Path, Path]:
    """A self-signed certificate and key for this machine's loopback names and ``host``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "aws-ses local SMTP")])
    names: list[x509.GeneralName] = [x509.DNSName("localhost")]
    for address in {"127.0.0.1", "::1", host}:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(address)))
        except ValueError:
            names.append(x509.DNSName(address))
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


class _Controller(Controller):
    def factory(self) -> SMTP:
        with warnings.catch_warnings():
            # AUTH in the clear is this loopback server's documented choice without tls.
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
            made: SMTP = super().factory()  # type: ignore[no-untyped-call]
            return made


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class SmtpEndpoint:
    """The SMTP side of one local server (``port=0`` picks a free port)."""

    def __init__(
        self, state: ServerState, *, host: str = "127.0.0.1", port: int = 0, tls: bool = False
    ) -> None:
        self.state = state
        self.host = host
        self.port = port or _free_port(host)
        self.tls = tls
        self.certificate_path: Path | None = None
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        self._controller: Controller | None = None

    def _tls_context(self) -> ssl.SSLContext:
        self._tempdir = tempfile.TemporaryDirectory(prefix="aws-ses-smtp-")
        cert, key = _certificate(Path(self._tempdir.name), self.host)
        self.certificate_path = cert
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        return context

    def start(self) -> SmtpEndpoint:
        kwargs: dict[str, Any] = {}
        if self.tls:
            kwargs["tls_context"] = self._tls_context()
        controller = _Controller(
            _Handler(self.state),
            hostname=self.host,
            port=self.port,
            server_hostname="email-smtp.local",
            authenticator=_Authenticator(self.state),
            auth_required=True,
            auth_require_tls=self.tls,
            data_size_limit=MAX_MESSAGE_BYTES,
            **kwargs,
        )
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None

    def __repr__(self) -> str:
        return f"SmtpEndpoint(host={self.host!r}, port={self.port}, tls={self.tls})"
