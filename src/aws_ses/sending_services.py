"""``client.emails``: the generated group plus the bulk helper.

``client.emails.send_bulk`` *is* ``client.send_bulk`` (any number of
entries, 50 per call), for the sync and the async client alike; the single
``SendBulkEmail`` call stays available as ``send_bulk_email``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_ses._generated.async_services import AsyncEmailsService as _AsyncEmailsService
from aws_ses._generated.sync_services import EmailsService as _EmailsService

if TYPE_CHECKING:
    from aws_ses.async_client import AsyncSesClient
    from aws_ses.client import SesClient

__all__ = ["AsyncEmailsService", "EmailsService"]


class EmailsService(_EmailsService):
    __slots__ = ("send_bulk",)

    def __init__(self, client: SesClient) -> None:
        super().__init__(client)
        self.send_bulk = client.send_bulk


class AsyncEmailsService(_AsyncEmailsService):
    __slots__ = ("send_bulk",)

    def __init__(self, client: AsyncSesClient) -> None:
        super().__init__(client)
        self.send_bulk = client.send_bulk
