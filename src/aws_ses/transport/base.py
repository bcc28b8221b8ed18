"""The transport contract: the single seam between aws-ses and the network.

A transport takes a fully built, signed :class:`HttpRequest` and returns an
:class:`HttpResponse` with the whole body read. It knows nothing of SES,
signing, retries or JSON; it only moves bytes.

Contract, for anyone writing a transport:

* ``request.url`` is absolute (``https://host[:port]/path?query``), already
  percent-encoded; send it byte for byte, do not re-encode or normalise it.
* ``request.headers`` are sent exactly as given (they are signed). The
  transport may add ``Content-Length``; it must not add or change any other
  header that is listed as signed.
* The response's ``headers`` mapping has **lower-case** names; repeated
  headers are joined with ``", "``.
* A failure before a complete response raises
  :class:`aws_ses.errors.SesTransportError` with ``sent=False`` when the
  request certainly never left (DNS failure, refused connection, connect
  timeout) and ``sent=True`` otherwise; a timeout raises
  :class:`aws_ses.errors.SesTimeoutError` (a subclass) the same way.
  Any HTTP status, 4xx and 5xx included, is a normal response.
* ``close()`` / ``aclose()`` release pooled connections; calling it twice is
  harmless.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from aws_ses._http import HttpRequest, HttpResponse, Timeout

__all__ = ["AsyncTransport", "HttpRequest", "HttpResponse", "Timeout", "Transport"]


@runtime_checkable
class Transport(Protocol):
    """A blocking transport."""

    def send(self, request: HttpRequest, *, timeout: Timeout) -> HttpResponse: ...

    def close(self) -> None: ...


@runtime_checkable
class AsyncTransport(Protocol):
    """A transport for asyncio."""

    async def send(self, request: HttpRequest, *, timeout: Timeout) -> HttpResponse: ...

    async def aclose(self) -> None: ...
