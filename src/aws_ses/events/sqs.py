"""SES events that SNS wrote into an SQS queue.

An SQS message body is either the SNS envelope (verified exactly as an HTTP
delivery is) or, with raw message delivery on the subscription, the SES
record itself, which carries no signature and so is accepted only with
``allow_raw=True``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aws_ses.events.models import SesEvent
from aws_ses.events.receiver import EventReceiver
from aws_ses.events.sns import SnsVerificationError, SnsVerifier

__all__ = ["parse_sqs_message"]


def _looks_like_envelope(body: bytes | str) -> bool:
    try:
        decoded = json.loads(body)
    except ValueError:
        raise SnsVerificationError("the SQS message body is not JSON") from None
    return isinstance(decoded, dict) and "Type" in decoded and "TopicArn" in decoded


def parse_sqs_message(
    message: bytes | str | Mapping[str, Any],
    *,
    verifier: SnsVerifier | None = None,
    allow_raw: bool = False,
    **verifier_options: Any,
) -> SesEvent | None:
    """The SES event in one SQS message, verified.

    ``message`` is the body text, or an SQS message dict (boto3's
    ``receive_message`` entries or a Lambda SQS record) whose ``Body`` /
    ``body`` is used. Returns None for an SNS subscription or unsubscribe
    confirmation (SQS subscriptions need no action). Raises
    :class:`SnsVerificationError` when the message is refused.
    """
    if isinstance(message, Mapping):
        body = message.get("Body", message.get("body"))
        if not isinstance(body, str):
            raise SnsVerificationError("the SQS message has no Body")
    else:
        body = message
    receiver = EventReceiver(verifier=verifier, allow_raw=allow_raw, **verifier_options)
    headers = {} if _looks_like_envelope(body) else {"x-amz-sns-rawdelivery": "true"}
    return receiver.accept(body, headers).event
