"""``EmailBackend``: Django mail through SES v2 with aws-ses.

Set ``EMAIL_BACKEND = "aws_ses.contrib.django.EmailBackend"``; the settings
are in :mod:`aws_ses.contrib.django.settings`, how each message becomes a
``SendEmail`` call in :mod:`aws_ses.contrib.django.convert`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.mail.backends.base import BaseEmailBackend  # type: ignore[import-untyped]

from aws_ses.contrib.django.convert import MESSAGE_ID_HEADER, ContentKind, to_send_email
from aws_ses.contrib.django.settings import read_settings
from aws_ses.contrib.django.signals import post_send, send_failed
from aws_ses.errors import SesError

if TYPE_CHECKING:
    from aws_ses.client import SesClient
    from aws_ses.config import SesConfig

__all__ = ["EmailBackend"]

logger = logging.getLogger("aws_ses.contrib.django")


def _keyword_params(params: dict[str, Any]) -> dict[str, Any]:
    """``SendEmail`` parameters by wire name -> the client method's keywords."""
    from aws_ses._model import shape

    request = shape("SendEmailRequest")
    out: dict[str, Any] = {}
    for wire, value in params.items():
        member = request.lookup(wire)
        if member is None:  # pragma: no cover - the builder only writes model members
            raise KeyError(wire)
        out[member.py] = value
    return out


class EmailBackend(BaseEmailBackend):  # type: ignore[misc]
    """A Django email backend that sends each message with SES v2 ``SendEmail``.

    One :class:`~aws_ses.SesClient` (one connection pool) serves every message
    between :meth:`open` and :meth:`close`, so ``with get_connection() as c:``
    sends many messages over the same connections. With ``fail_silently``,
    any :class:`~aws_ses.SesError` (``MessageRejected`` included) is logged
    and the message is not counted; otherwise it is raised.

    After a successful send the message carries SES's id as
    ``message.ses_message_id`` and ``message.extra_headers["X-SES-Message-ID"]``
    (dropped again if the message is sent a second time).

    Keyword arguments override the settings: ``region``, ``endpoint_url``,
    ``profile``, ``credentials``, ``rate_limit``, ``rate_limit_url``,
    ``rate_limit_max_wait``, ``configuration_set``, ``tags``, ``from_arn``,
    ``config`` (a dict of SesConfig fields), and ``client`` (an existing
    client, which the backend then never closes).
    """

    def __init__(
        self, fail_silently: bool = False, *, client: SesClient | None = None, **options: Any
    ) -> None:
        super().__init__(fail_silently=fail_silently)
        self._settings = read_settings(options)
        self.client: SesClient | None = client
        self._owns_client = client is None
        self._lock = threading.RLock()

    @property
    def config(self) -> SesConfig:
        """The :class:`~aws_ses.SesConfig` clients of this backend are built from."""
        return self._settings.config

    def _create_client(self) -> SesClient:
        from aws_ses.client import SesClient

        return SesClient(self._settings.config)

    def open(self) -> bool:
        """Create the client if there is none; True when this call created it."""
        if self.client is not None:
            return False
        try:
            self.client = self._create_client()
        except SesError:
            if not self.fail_silently:
                raise
            logger.warning("could not create the SES client", exc_info=True)
            return False
        return True

    def close(self) -> None:
        """Release the client's connections (a client passed in is left open)."""
        client = self.client
        if client is None or not self._owns_client:
            return
        self.client = None
        try:
            client.close()
        except Exception:
            if not self.fail_silently:
                raise

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        """Send each message with its own ``SendEmail`` call; return how many SES accepted."""
        if not email_messages:
            return 0
        with self._lock:
            created = self.open()
            client = self.client
            if client is None:
                return 0
            try:
                return sum(1 for message in email_messages if self._send(client, message))
            finally:
                if created:
                    self.close()

    def _send(self, client: SesClient, message: Any) -> bool:
        if not message.recipients():
            return False
        kind: ContentKind | None = None
        try:
            request = to_send_email(message, self._settings.defaults)
            kind = request.kind
            response = client.send_email(**_keyword_params(request.params))
        except SesError as exc:
            send_failed.send(sender=type(self), message=message, error=exc)
            if not self.fail_silently:
                raise
            logger.warning("SES did not send a message: %s", exc, extra={"content_kind": kind})
            return False
        message_id = response.message_id
        message.ses_message_id = message_id
        message.extra_headers[MESSAGE_ID_HEADER] = message_id
        post_send.send(sender=type(self), message=message, message_id=message_id, content_kind=kind)
        return True
