"""The framework-neutral receiver, the ASGI app, SQS parsing and the suppression hook."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest

from aws_ses.auth.credentials import Credentials
from aws_ses.client import SesClient
from aws_ses.events import (
    EventReceiver,
    EventType,
    SesEvent,
    SnsVerificationError,
    SuppressionHook,
    asgi_app,
    parse_sqs_message,
)
from aws_ses.transport import HttpRequest, MockTransport, json_response

from .conftest import TOPIC, Fetcher, Signer, load, now_stamp

Make = Callable[..., dict[str, Any]]


def body(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope).encode()


def test_verified_notification_reaches_its_hooks(notification: Make, fetcher: Fetcher) -> None:
    receiver = EventReceiver(fetch=fetcher, topic_arns=[TOPIC])
    bounces: list[SesEvent] = []
    everything: list[str] = []
    receiver.add_hook(EventType.BOUNCE, bounces.append)
    receiver.add_hook(EventType.COMPLAINT, lambda e: pytest.fail("not a complaint"))

    @receiver.on()
    def every(event: SesEvent) -> None:
        everything.append(event.type)

    result = receiver.handle(body(notification()), {"x-amz-sns-message-type": "Notification"})
    assert (result.status, result.outcome) == (200, "processed")
    assert [e.recipients for e in bounces] == [["recipient@example.com"]]
    assert everything == ["Bounce"]
    assert result.envelope is not None and result.envelope.TopicArn == TOPIC


def test_refused_message_never_reaches_a_hook(notification: Make, fetcher: Fetcher) -> None:
    receiver = EventReceiver(fetch=fetcher, hooks={"*": lambda e: pytest.fail("hook ran")})
    forged = notification() | {"Message": json.dumps(load("ses_complaint_notification.json"))}
    result = receiver.handle(body(forged))
    assert (result.status, result.outcome) == (403, "rejected")
    assert result.error == "the signature does not match the message"
    mismatch = receiver.handle(body(notification()), {"X-Amz-Sns-Message-Type": "Other"})
    assert mismatch.status == 403 and "does not match Type" in (mismatch.error or "")


def test_resent_notification_runs_hooks_once_unless_they_failed(
    notification: Make, fetcher: Fetcher
) -> None:
    calls: list[str] = []
    fail = [True]

    def hook(event: SesEvent) -> None:
        calls.append(event.message_id)
        if fail.pop() if fail else False:
            raise RuntimeError("database down")

    receiver = EventReceiver(fetch=fetcher, hooks={"Bounce": hook})
    envelope = body(notification())
    first = receiver.handle(envelope)
    assert (first.status, first.outcome, first.error) == (
        500,
        "hook_failed",
        "hook failed: RuntimeError",
    )
    assert receiver.handle(envelope).outcome == "processed"  # SNS's retry runs it again
    assert receiver.handle(envelope).outcome == "duplicate"
    assert len(calls) == 2


def test_subscription_confirmed_only_when_asked(signer: Signer, fetcher: Fetcher) -> None:
    envelope = signer.sign(load("sns_subscription_confirmation.json") | {"Timestamp": now_stamp()})
    subscribe_url = envelope["SubscribeURL"]
    fetcher.certs[subscribe_url] = b"<ConfirmSubscriptionResponse/>"

    ignored = EventReceiver(fetch=fetcher).handle(body(envelope))
    assert ignored.outcome == "subscription_ignored"
    assert subscribe_url not in fetcher.calls

    other_topic = EventReceiver(fetch=fetcher, auto_confirm=True, topic_arns=["arn:x"])
    assert other_topic.handle(body(envelope)).status == 403
    assert subscribe_url not in fetcher.calls

    confirmed = EventReceiver(fetch=fetcher, auto_confirm=True, topic_arns=[TOPIC])
    assert confirmed.handle(body(envelope)).outcome == "subscription_confirmed"
    assert fetcher.calls.count(subscribe_url) == 1


def test_subscribe_url_gets_the_same_host_check(signer: Signer, fetcher: Fetcher) -> None:
    envelope = load("sns_subscription_confirmation.json") | {
        "Timestamp": now_stamp(),
        "SubscribeURL": "https://evil.s3.amazonaws.com/?Action=ConfirmSubscription",
    }
    result = EventReceiver(fetch=fetcher, auto_confirm=True).handle(body(signer.sign(envelope)))
    assert result.status == 403
    assert result.error == "SubscribeURL host 'evil.s3.amazonaws.com' is not an Amazon SNS host"


def test_raw_delivery_only_when_allowed(fetcher: Fetcher) -> None:
    raw = json.dumps(load("ses_bounce_event.json"))
    headers = {"x-amz-sns-rawdelivery": "true", "x-amz-sns-topic-arn": TOPIC}
    refused = EventReceiver(fetch=fetcher).handle(raw, headers)
    assert refused.status == 403 and "allow_raw=True" in (refused.error or "")
    allowed = EventReceiver(fetch=fetcher, allow_raw=True, topic_arns=[TOPIC]).handle(raw, headers)
    assert allowed.outcome == "processed" and allowed.event is not None
    assert allowed.event.is_permanent_bounce
    wrong_topic = EventReceiver(allow_raw=True, topic_arns=["arn:x"]).handle(raw, headers)
    assert wrong_topic.status == 403


def test_sync_handle_refuses_async_hooks(notification: Make, fetcher: Fetcher) -> None:
    async def hook(event: SesEvent) -> None:
        return None

    result = EventReceiver(fetch=fetcher, hooks={"Bounce": hook}).handle(body(notification()))
    assert result.status == 500


async def test_handle_async_runs_sync_and_async_hooks(notification: Make, fetcher: Fetcher) -> None:
    seen: list[str] = []

    async def async_hook(event: SesEvent) -> None:
        await asyncio.sleep(0)
        seen.append("async")

    receiver = EventReceiver(
        fetch=fetcher, hooks={"Bounce": [async_hook, lambda e: seen.append("sync")]}
    )
    result = await receiver.handle_async(body(notification()))
    assert result.status == 200 and seen == ["async", "sync"]


async def test_asgi_app_answers_sns(notification: Make, fetcher: Fetcher) -> None:
    app = asgi_app(fetch=fetcher)
    seen: list[SesEvent] = []
    app.receiver.add_hook("Bounce", seen.append)

    async def call(method: str, payload: bytes) -> tuple[int, dict[str, Any]]:
        sent: list[dict[str, Any]] = []
        chunks = [payload[:10], payload[10:]]

        async def receive() -> dict[str, Any]:
            chunk = chunks.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {"type": "http", "method": method, "path": "/", "headers": []}
        await app(scope, receive, send)
        return sent[0]["status"], json.loads(sent[1]["body"])

    assert await call("POST", body(notification())) == (200, {"outcome": "processed"})
    assert len(seen) == 1
    status, answer = await call("POST", b"{}")
    assert status == 403 and answer["outcome"] == "rejected"
    assert (await call("GET", b""))[0] == 405


def test_sqs_message_envelope_and_raw(notification: Make, fetcher: Fetcher) -> None:
    envelope = json.dumps(notification())
    event = parse_sqs_message({"MessageId": "q-1", "Body": envelope}, fetch=fetcher)
    assert event is not None and event.recipients == ["recipient@example.com"]
    assert parse_sqs_message(envelope, fetch=fetcher, topic_arns=[TOPIC]) is not None
    with pytest.raises(SnsVerificationError, match="signature does not match"):
        parse_sqs_message(envelope.replace("recipient@", "victim@"), fetch=fetcher)
    raw = json.dumps(load("ses_bounce_event.json"))
    with pytest.raises(SnsVerificationError, match="allow_raw=True"):
        parse_sqs_message(raw)
    raw_event = parse_sqs_message({"body": raw}, allow_raw=True)
    assert raw_event is not None and raw_event.type == "Bounce"
    with pytest.raises(SnsVerificationError, match="not JSON"):
        parse_sqs_message("garbage")


# ------------------------------------------------------------- suppression


def suppression_client() -> tuple[SesClient, list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []

    def handler(request: HttpRequest) -> Any:
        assert request.method == "PUT" and request.url.endswith("/v2/email/suppression/addresses")
        calls.append(json.loads(request.body))
        return json_response({})

    client = SesClient(
        region="us-east-1",
        credentials=Credentials("AKIDEXAMPLE", "secret"),
        transport=MockTransport(handler),
    )
    return client, calls


def bounce(kind: str, sub: str, *addresses: str) -> SesEvent:
    from aws_ses.events import parse_event

    return parse_event(
        {
            "eventType": "Bounce",
            "bounce": {
                "bounceType": kind,
                "bounceSubType": sub,
                "bouncedRecipients": [{"emailAddress": a} for a in addresses],
            },
        }
    )


def test_suppression_hook_suppresses_hard_bounces_and_complaints_once() -> None:
    client, calls = suppression_client()
    hook = SuppressionHook(client)
    hook(bounce("Permanent", "General", "a@example.com", "b@example.com"))
    hook(bounce("Permanent", "General", "A@example.com"))  # resent: no second call
    hook(parse_event_complaint("c@example.com"))
    hook(bounce("Permanent", "OnAccountSuppressionList", "d@example.com"))  # listed already
    assert calls == [
        {"EmailAddress": "a@example.com", "Reason": "BOUNCE"},
        {"EmailAddress": "b@example.com", "Reason": "BOUNCE"},
        {"EmailAddress": "c@example.com", "Reason": "COMPLAINT"},
    ]


def parse_event_complaint(address: str) -> SesEvent:
    from aws_ses.events import parse_event

    return parse_event(
        {
            "eventType": "Complaint",
            "complaint": {"complainedRecipients": [{"emailAddress": address}]},
        }
    )


def test_soft_bounces_are_counted_then_suppressed() -> None:
    client, calls = suppression_client()
    hook = SuppressionHook(client, soft_bounce_limit=2)
    hook(bounce("Transient", "MailboxFull", "soft@example.com"))
    assert calls == [] and hook.soft_bounces["soft@example.com"] == 1
    hook(bounce("Transient", "MailboxFull", "soft@example.com"))
    assert calls == [{"EmailAddress": "soft@example.com", "Reason": "BOUNCE"}]
    never = SuppressionHook(client, soft_bounce_limit=None)
    for _ in range(5):
        never(bounce("Transient", "General", "x@example.com"))
    assert len(calls) == 1
    with pytest.raises(ValueError, match="soft_bounce_limit must be at least 1"):
        SuppressionHook(client, soft_bounce_limit=0)


async def test_suppression_hook_with_an_async_client() -> None:
    calls: list[str] = []

    class AsyncTarget:
        async def put_suppressed_destination(self, *, email_address: str, reason: str) -> None:
            calls.append(f"{email_address}:{reason}")

    hook = SuppressionHook(AsyncTarget())
    assert hook.is_async
    pending = hook(bounce("Permanent", "General", "a@example.com"))
    assert pending is not None and calls == []
    await pending
    assert calls == ["a@example.com:BOUNCE"]


def test_resent_soft_bounce_is_counted_once_but_retried_until_suppressed() -> None:
    from aws_ses.events import parse_event

    attempts: list[str] = []

    class Flaky:
        def put_suppressed_destination(self, *, email_address: str, reason: str) -> None:
            attempts.append(email_address)
            if len(attempts) == 1:
                raise ConnectionError("SES unreachable")

    hook = SuppressionHook(Flaky(), soft_bounce_limit=2)

    def soft(feedback_id: str) -> SesEvent:
        return parse_event(
            {
                "eventType": "Bounce",
                "bounce": {
                    "bounceType": "Transient",
                    "feedbackId": feedback_id,
                    "bouncedRecipients": [{"emailAddress": "s@example.com"}],
                },
            }
        )

    hook(soft("f-1"))
    hook(soft("f-1"))  # the same notification resent: not a second bounce
    assert attempts == [] and hook.soft_bounces["s@example.com"] == 1
    with pytest.raises(ConnectionError):
        hook(soft("f-2"))
    hook(soft("f-2"))  # resent after the failure: the suppression is tried again
    assert attempts == ["s@example.com", "s@example.com"]
    hook(soft("f-3"))
    assert len(attempts) == 2  # suppressed already
