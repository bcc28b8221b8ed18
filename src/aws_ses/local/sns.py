"""SNS for the local server: topics' HTTP subscribers get signed envelopes.

A test subscribes an HTTP endpoint to a topic ARN with
``POST /_aws/sns/subscriptions`` (``{"TopicArn": ..., "Endpoint": ...}``; the
subscription is confirmed at once). Every event the server publishes to an
event destination whose ``SnsDestination.TopicArn`` is that topic is then
POSTed to the endpoint as SNS does it: a ``Notification`` envelope, JSON with
``Content-Type: text/plain; charset=UTF-8`` and the ``x-amz-sns-*`` headers,
signed (``SignatureVersion`` 1, or 2 when the subscription asks) with a test
certificate this module makes. Its ``SigningCertURL`` points at this server
(``/_aws/sns/SimpleNotificationService-local.pem``), which no real receiver
accepts, so receivers trust it explicitly::

    trusted = aws_ses.local.sns.trusted_certificates(server)
    EventReceiver(trusted_certificates=trusted, ...)

Deliveries run on one background thread per server, in order; a delivery
that fails (connection error or non-2xx) is retried ``MaxAttempts`` times in
all, waiting ``RetryDelay`` seconds and doubling. Each delivery is recorded
and ``GET /_aws/sns/deliveries?wait=<seconds>`` lists them once the queue has
drained (or the wait is over).
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import queue
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from aws_ses.events.sns import SnsMessage, canonical_string
from aws_ses.local.state import ServerState

if TYPE_CHECKING:
    from aws_ses.local.app import LocalServer

__all__ = [
    "CERTIFICATE_PATH",
    "DELIVERY_KIND",
    "SUBSCRIPTION_KIND",
    "deliveries",
    "publish",
    "routes",
    "signing_certificate",
    "subscribe",
    "trusted_certificates",
    "wait_idle",
]

log = logging.getLogger("aws_ses.local.sns")

SUBSCRIPTION_KIND = "sns_subscription"
DELIVERY_KIND = "sns_delivery"
CERTIFICATE_PATH = "/_aws/sns/SimpleNotificationService-local.pem"

_TOPIC_ARN = re.compile(r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?")
_DELIVERY_TIMEOUT = 5.0  # seconds per attempt, SNS's own default is 15


# -------------------------------------------------------------- certificate


@dataclass(frozen=True, slots=True)
class _Signer:
    key: Any  # rsa.RSAPrivateKey
    pem: bytes


@functools.cache
def _signer() -> _Signer:
    # One key per process: generating RSA keys is slow, and this is a test key.
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.local.aws-ses.invalid")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return _Signer(key, certificate.public_bytes(serialization.Encoding.PEM))


def signing_certificate() -> bytes:
    """The PEM certificate local envelopes are signed with."""
    return _signer().pem


def trusted_certificates(server: LocalServer) -> dict[str, bytes]:
    """``{SigningCertURL: PEM}`` for a running server, to pass as ``trusted_certificates=``."""
    return {server.url + CERTIFICATE_PATH: signing_certificate()}


def _sign(envelope: SnsMessage) -> str:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    algorithm = hashes.SHA256() if envelope.SignatureVersion == "2" else hashes.SHA1()
    signature = _signer().key.sign(canonical_string(envelope), padding.PKCS1v15(), algorithm)
    return base64.b64encode(signature).decode("ascii")


# ------------------------------------------------------------ subscriptions


class SubscriptionError(ValueError):
    """A subscription request names a bad topic, endpoint or option."""


def subscribe(
    state: ServerState,
    topic_arn: str,
    endpoint: str,
    *,
    base_url: str,
    raw_message_delivery: bool = False,
    signature_version: str = "1",
    max_attempts: int = 3,
    retry_delay: float = 0.2,
) -> dict[str, Any]:
    """Subscribe ``endpoint`` to ``topic_arn``; ``base_url`` is this server's, for URLs."""
    if not isinstance(topic_arn, str) or not _TOPIC_ARN.fullmatch(topic_arn):
        raise SubscriptionError(f"TopicArn is not an SNS topic ARN: {topic_arn!r}")
    parts = urlsplit(endpoint) if isinstance(endpoint, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise SubscriptionError(f"Endpoint must be an http or https URL: {endpoint!r}")
    if signature_version not in ("1", "2"):
        raise SubscriptionError(f"SignatureVersion must be '1' or '2': {signature_version!r}")
    if not isinstance(max_attempts, int) or isinstance(max_attempts, bool) or max_attempts < 1:
        raise SubscriptionError(f"MaxAttempts must be a positive integer: {max_attempts!r}")
    if not isinstance(retry_delay, int | float) or retry_delay < 0:
        raise SubscriptionError(f"RetryDelay must be a non-negative number: {retry_delay!r}")
    if not isinstance(raw_message_delivery, bool):
        raise SubscriptionError(f"RawMessageDelivery must be a boolean: {raw_message_delivery!r}")
    arn = f"{topic_arn}:{uuid.uuid4()}"
    doc = {
        "SubscriptionArn": arn,
        "TopicArn": topic_arn,
        "Protocol": parts.scheme,
        "Endpoint": endpoint,
        "RawMessageDelivery": raw_message_delivery,
        "SignatureVersion": signature_version,
        "MaxAttempts": max_attempts,
        "RetryDelay": float(retry_delay),
        "SigningCertURL": base_url + CERTIFICATE_PATH,
        "UnsubscribeURL": f"{base_url}/_aws/sns/subscriptions?SubscriptionArn={quote(arn)}",
    }
    state.store.put(SUBSCRIPTION_KIND, arn, doc)
    return doc


def subscriptions(state: ServerState, topic_arn: str | None = None) -> list[dict[str, Any]]:
    return [
        doc
        for _, doc in state.store.list(SUBSCRIPTION_KIND)
        if topic_arn is None or doc["TopicArn"] == topic_arn
    ]


# ---------------------------------------------------------------- delivery


@dataclass(frozen=True, slots=True)
class _Job:
    delivery_id: str
    subscription: dict[str, Any]
    body: bytes
    headers: dict[str, str]


class _Hub:
    """The delivery queue and its worker thread for one server state."""

    def __init__(self, state: ServerState) -> None:
        self._state = weakref.ref(state)
        self.queue: queue.Queue[_Job] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._pending = 0  # queued or being delivered
        self._idle = threading.Condition()

    def put(self, job: _Job) -> None:
        with self._idle:
            self._pending += 1
        self.queue.put(job)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="aws-ses-local-sns", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                job = self.queue.get(timeout=30)
            except queue.Empty:
                with self._lock:  # idle: end, put() starts a new worker
                    if self.queue.empty():
                        self._thread = None
                        return
                continue
            try:
                state = self._state()
                if state is not None:
                    _deliver(state, job)
            except Exception:
                log.exception("local SNS: delivery %s crashed", job.delivery_id)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)


_hubs: weakref.WeakKeyDictionary[ServerState, _Hub] = weakref.WeakKeyDictionary()
_hubs_lock = threading.Lock()


def _hub(state: ServerState) -> _Hub:
    with _hubs_lock:
        hub = _hubs.get(state)
        if hub is None:
            hub = _hubs[state] = _Hub(state)
        return hub


def _timestamp(seconds: float) -> str:
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def envelope_for(subscription: dict[str, Any], message: str, now: float) -> SnsMessage:
    """A signed ``Notification`` envelope of ``message`` for ``subscription``."""
    envelope = SnsMessage(
        Type="Notification",
        MessageId=str(uuid.uuid4()),
        TopicArn=subscription["TopicArn"],
        Message=message,
        Timestamp=_timestamp(now),
        SignatureVersion=subscription["SignatureVersion"],
        SigningCertURL=subscription["SigningCertURL"],
        UnsubscribeURL=subscription["UnsubscribeURL"],
    )
    envelope.Signature = _sign(envelope)
    return envelope


def publish(state: ServerState, topic_arn: str, record: dict[str, Any]) -> list[str]:
    """Queue ``record`` for every subscriber of ``topic_arn``; the delivery ids."""
    found = subscriptions(state, topic_arn)
    if not found:
        return []
    message = json.dumps(record, separators=(",", ":"))
    hub = _hub(state)
    ids = []
    for subscription in found:
        headers = {
            "Content-Type": "text/plain; charset=UTF-8",
            "User-Agent": "Amazon Simple Notification Service Agent",
            "x-amz-sns-topic-arn": topic_arn,
            "x-amz-sns-subscription-arn": subscription["SubscriptionArn"],
        }
        if subscription["RawMessageDelivery"]:
            body = message.encode("utf-8")
            message_id = str(uuid.uuid4())
            headers["x-amz-sns-rawdelivery"] = "true"
        else:
            envelope = envelope_for(subscription, message, state.clock())
            body = json.dumps(
                {k: v for k, v in _envelope_dict(envelope).items() if v is not None}
            ).encode("utf-8")
            message_id = envelope.MessageId
        headers["x-amz-sns-message-type"] = "Notification"
        headers["x-amz-sns-message-id"] = message_id
        delivery_id = str(uuid.uuid4())
        state.store.put(
            DELIVERY_KIND,
            delivery_id,
            {
                "Id": delivery_id,
                "SubscriptionArn": subscription["SubscriptionArn"],
                "TopicArn": topic_arn,
                "Endpoint": subscription["Endpoint"],
                "MessageId": message_id,
                "EventType": record.get("eventType"),
                "Status": "PENDING",
                "Attempts": 0,
                "StatusCode": None,
                "Error": None,
            },
        )
        hub.put(_Job(delivery_id, subscription, body, headers))
        ids.append(delivery_id)
    return ids


def _envelope_dict(envelope: SnsMessage) -> dict[str, Any]:
    # SNS's field order: Type, MessageId, TopicArn, (Subject,) Message, Timestamp, ...
    return {
        "Type": envelope.Type,
        "MessageId": envelope.MessageId,
        "TopicArn": envelope.TopicArn,
        "Subject": envelope.Subject,
        "Message": envelope.Message,
        "Timestamp": envelope.Timestamp,
        "SignatureVersion": envelope.SignatureVersion,
        "Signature": envelope.Signature,
        "SigningCertURL": envelope.SigningCertURL,
        "UnsubscribeURL": envelope.UnsubscribeURL,
    }


def _post(job: _Job) -> int:
    request = urllib.request.Request(
        job.subscription["Endpoint"], data=job.body, headers=job.headers, method="POST"
    )
    # No proxies: the endpoints are local, and a proxy from the environment would intercept.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=_DELIVERY_TIMEOUT) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _deliver(state: ServerState, job: _Job) -> None:
    attempts = int(job.subscription["MaxAttempts"])
    delay = float(job.subscription["RetryDelay"])
    status: int | None = None
    error: str | None = None
    attempt = 0
    for attempt in range(1, attempts + 1):
        try:
            status, error = _post(job), None
        except (OSError, ValueError) as exc:
            status, error = None, f"{type(exc).__name__}: {exc}"
        if status is not None and 200 <= status < 300:
            break
        if error is None:
            error = f"HTTP {status}"
        if attempt < attempts:
            time.sleep(delay * 2 ** (attempt - 1))
    doc = state.store.get(DELIVERY_KIND, job.delivery_id)
    if doc is None:  # the state was reset meanwhile
        return
    doc.update(
        Status="DELIVERED" if error is None else "FAILED",
        Attempts=attempt,
        StatusCode=status,
        Error=error,
    )
    state.store.put(DELIVERY_KIND, job.delivery_id, doc)


def wait_idle(state: ServerState, timeout: float = 10.0) -> bool:
    """Wait until every queued delivery is done; False if ``timeout`` ran out first."""
    return _hub(state).wait_idle(timeout)


def deliveries(state: ServerState) -> list[dict[str, Any]]:
    return [doc for _, doc in state.store.list(DELIVERY_KIND)]


# ------------------------------------------------------------------ routes


def _state(request: Request) -> ServerState:
    state: ServerState = request.app.state.ses
    return state


def _bad(message: str) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=400)


async def _subscriptions(request: Request) -> Response:
    state = _state(request)
    if request.method == "GET":
        topic = request.query_params.get("TopicArn")
        return JSONResponse({"Subscriptions": subscriptions(state, topic)})
    if request.method == "DELETE":
        arn = request.query_params.get("SubscriptionArn", "")
        if not state.store.delete(SUBSCRIPTION_KIND, arn):
            return JSONResponse({"message": f"no subscription {arn!r}"}, status_code=404)
        return JSONResponse({"Deleted": arn})
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        return _bad("the body is not JSON")
    if not isinstance(body, dict):
        return _bad("the body must be a JSON object")
    unknown = set(body) - {
        "TopicArn",
        "Endpoint",
        "RawMessageDelivery",
        "SignatureVersion",
        "MaxAttempts",
        "RetryDelay",
    }
    if unknown:
        return _bad(f"unknown fields: {', '.join(sorted(unknown))}")
    base_url = str(request.base_url).rstrip("/")
    try:
        doc = subscribe(
            state,
            body.get("TopicArn"),  # type: ignore[arg-type]  # checked by subscribe
            body.get("Endpoint"),  # type: ignore[arg-type]
            base_url=base_url,
            raw_message_delivery=body.get("RawMessageDelivery", False),
            signature_version=str(body.get("SignatureVersion", "1")),
            max_attempts=body.get("MaxAttempts", 3),
            retry_delay=body.get("RetryDelay", 0.2),
        )
    except SubscriptionError as exc:
        return _bad(str(exc))
    return JSONResponse(doc, status_code=201)


async def _deliveries(request: Request) -> Response:
    state = _state(request)
    try:
        wait = float(request.query_params.get("wait", "0"))
    except ValueError:
        return _bad("wait must be a number of seconds")
    if wait > 0:
        from starlette.concurrency import run_in_threadpool

        await run_in_threadpool(wait_idle, state, min(wait, 60.0))
    return JSONResponse({"Deliveries": deliveries(state)})


async def _certificate(request: Request) -> Response:
    base_url = str(request.base_url).rstrip("/")
    return JSONResponse(
        {
            "SigningCertURL": base_url + CERTIFICATE_PATH,
            "Certificate": signing_certificate().decode("ascii"),
        }
    )


async def _certificate_pem(request: Request) -> Response:
    return Response(signing_certificate(), media_type="application/x-pem-file")


def routes() -> list[Route]:
    """The SNS admin routes, for the core app to mount."""
    return [
        Route("/_aws/sns/subscriptions", _subscriptions, methods=["GET", "POST", "DELETE"]),
        Route("/_aws/sns/deliveries", _deliveries, methods=["GET"]),
        Route("/_aws/sns/certificate", _certificate, methods=["GET"]),
        Route(CERTIFICATE_PATH, _certificate_pem, methods=["GET"]),
    ]
