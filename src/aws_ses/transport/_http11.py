"""HTTP/1.1 on the wire, with no I/O: request heads and an incremental response parser.

Both of our own transports (:mod:`.http11_transport` for threads,
:mod:`.async_http11_transport` for asyncio) use this module, so a reply is
framed by exactly the same rules whichever client reads it (RFC 9112):

* ``HEAD`` replies and 1xx/204/304 statuses have no body; other 1xx
  (``100 Continue``) are skipped;
* ``Transfer-Encoding: chunked`` wins over ``Content-Length``; any other
  transfer coding, or no length at all, means "read until the server closes";
* conflicting ``Content-Length`` values, a malformed status line, header or
  chunk size are protocol errors, never a guess;
* an end of stream before the framing says the reply is complete is an error
  (:class:`Incomplete`), never a short success.

Only the standard library's ``bytes`` methods are used: a typical SES reply
(one ``recv``) is parsed with a handful of ``find`` and ``split`` calls.
"""

from __future__ import annotations

__all__ = ["Incomplete", "ProtocolError", "ResponseParser", "encode_head"]

MAX_HEAD = 64 * 1024  # bytes of status line plus headers
MAX_HEADERS = 200
_CHUNK_LINE_MAX = 4096

# Parser states.
_HEAD, _LENGTH, _CHUNK_SIZE, _CHUNK_DATA, _CHUNK_END, _TRAILERS, _UNTIL_CLOSE, _DONE = range(8)


class ProtocolError(Exception):
    """The peer sent something that is not a valid HTTP/1.1 response."""


class Incomplete(ProtocolError):
    """The connection ended before the response was complete."""


def encode_head(
    method: str, target: str, host: str, headers: dict[str, str], body_length: int
) -> bytes:
    """The request line and headers, ending with the blank line.

    ``Host`` is added unless given; ``Content-Length`` is added for a body,
    or as ``0`` for a body-less POST/PUT/PATCH; nothing else is added, as the
    other headers were signed. A header name or value that would break the
    framing (CR, LF, or a colon in the name) is refused, not sent.
    """
    lines = [f"{method} {target} HTTP/1.1"]
    has_host = False
    for name, value in headers.items():
        if "\n" in value or "\r" in value or "\n" in name or "\r" in name or ":" in name:
            raise ValueError(f"header {name!r} contains a line break or colon; not sent")
        lower = name.lower()
        if lower == "host":
            has_host = True
        elif lower == "content-length":
            continue  # we frame the body ourselves
        lines.append(f"{name}: {value}")
    if not has_host:
        lines.insert(1, f"Host: {host}")
    if body_length or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {body_length}")
    lines.append("\r\n")
    try:
        return "\r\n".join(lines).encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError("request line or a header is not latin-1 text; not sent") from None


class ResponseParser:
    """Parses one response fed in pieces; ``feed`` returns True once it is complete.

    After completion, ``status``, ``headers`` (lower-case names, repeats
    joined with ``", "``), ``body`` and ``reusable`` (the connection may
    carry another request) are set. Bytes after the end of the response
    make the connection not reusable.
    """

    __slots__ = (
        "_buf",
        "_parts",
        "_remaining",
        "_state",
        "body",
        "head_only",
        "headers",
        "reusable",
        "status",
    )

    def __init__(self, *, head_only: bool = False) -> None:
        self.head_only = head_only  # HEAD request, or a CONNECT to a proxy
        self._buf = b""
        self._parts: list[bytes] = []
        self._remaining = 0
        self._state = _HEAD
        self.status = 0
        self.headers: dict[str, str] = {}
        self.body = b""
        self.reusable = False

    @property
    def done(self) -> bool:
        return self._state == _DONE

    @property
    def started(self) -> bool:
        """Whether any byte of a response has arrived."""
        return bool(self._buf) or self._state != _HEAD or self.status != 0

    def feed(self, data: bytes) -> bool:
        state = self._state
        if state == _HEAD and not self._buf:
            # The usual reply: head and a Content-Length body in one piece.
            end = data.find(b"\r\n\r\n")
            if end >= 0:
                state = self._parse_head(data[:end])
                if state == _LENGTH and len(data) - end - 4 == self._remaining:
                    self.body = data[end + 4 :]
                    self._state = _DONE
                    return True
                if state == _DONE and len(data) == end + 4:
                    self._state = _DONE
                    return True
                data = data[end + 4 :]
            else:
                state = _HEAD
        buf = self._buf + data if self._buf else data
        self._buf = b""
        while True:
            if state == _HEAD:
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    if len(buf) > MAX_HEAD:
                        raise ProtocolError("response headers are too long")
                    self._buf = buf
                    return False
                state = self._parse_head(buf[:end])
                buf = buf[end + 4 :]
                if state == _HEAD:  # an interim 1xx: its real response follows
                    continue
            elif state == _LENGTH:
                remaining = self._remaining
                if len(buf) < remaining:
                    self._parts.append(buf)
                    self._remaining = remaining - len(buf)
                    self._state = state
                    return False
                self._parts.append(buf[:remaining])
                buf = buf[remaining:]
                state = _DONE
            elif state == _CHUNK_SIZE:
                end = buf.find(b"\r\n")
                if end < 0:
                    if len(buf) > _CHUNK_LINE_MAX:
                        raise ProtocolError("chunk size line is too long")
                    self._buf = buf
                    self._state = state
                    return False
                size_text = buf[:end].split(b";", 1)[0].strip()
                try:
                    size = int(size_text, 16)
                except ValueError:
                    raise ProtocolError(f"invalid chunk size {size_text[:20]!r}") from None
                if size < 0 or not size_text.isalnum():
                    raise ProtocolError(f"invalid chunk size {size_text[:20]!r}")
                buf = buf[end + 2 :]
                if size == 0:
                    state = _TRAILERS
                else:
                    self._remaining = size
                    state = _CHUNK_DATA
            elif state == _CHUNK_DATA:
                remaining = self._remaining
                if len(buf) < remaining:
                    self._parts.append(buf)
                    self._remaining = remaining - len(buf)
                    self._state = state
                    return False
                self._parts.append(buf[:remaining])
                buf = buf[remaining:]
                state = _CHUNK_END
            elif state == _CHUNK_END:
                if len(buf) < 2:
                    self._buf = buf
                    self._state = state
                    return False
                if buf[:2] != b"\r\n":
                    raise ProtocolError("chunk not followed by CRLF")
                buf = buf[2:]
                state = _CHUNK_SIZE
            elif state == _TRAILERS:
                # Trailer fields are read and dropped; an empty line ends them.
                if buf.startswith(b"\r\n"):
                    buf = buf[2:]
                    state = _DONE
                    continue
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    if len(buf) > MAX_HEAD:
                        raise ProtocolError("response trailers are too long")
                    self._buf = buf
                    self._state = state
                    return False
                buf = buf[end + 4 :]
                state = _DONE
            elif state == _UNTIL_CLOSE:
                if buf:
                    self._parts.append(buf)
                self._state = state
                return False
            else:  # _DONE
                self._state = _DONE
                if buf:
                    self.reusable = False  # stray bytes: this connection is out of step
                parts = self._parts
                self.body = parts[0] if len(parts) == 1 else b"".join(parts)
                self._parts = []
                return True

    def feed_eof(self) -> bool:
        """The peer closed. True when that ends a read-until-close body."""
        if self._state == _UNTIL_CLOSE:
            self.body = b"".join(self._parts)
            self._parts = []
            self._state = _DONE
            self.reusable = False
            return True
        if self._state == _DONE:
            return True
        if self._state == _HEAD and not self._buf and self.status == 0:
            raise Incomplete("the server closed the connection without a response")
        raise Incomplete("the response was cut short")

    def _parse_head(self, head: bytes) -> int:
        # One decode, then str methods: cheaper than decoding piece by piece.
        lines = head.decode("latin-1").split("\r\n")
        status_line = lines[0]
        code = status_line[9:12]
        if (
            not status_line.startswith("HTTP/1.")
            or not code.isdigit()
            or (len(status_line) > 12 and status_line[12] != " ")
            or status_line[8:9] != " "
        ):
            raise ProtocolError(f"invalid status line {status_line[:40]!r}")
        status = int(code)
        if len(lines) > MAX_HEADERS + 1:
            raise ProtocolError("too many response headers")
        headers: dict[str, str] = {}
        last = ""
        for raw in lines[1:]:
            name, sep, value = raw.partition(":")
            if not sep or not name or name[-1] in " \t" or name[0] in " \t":
                if raw[:1] in (" ", "\t") and last:  # obsolete line folding
                    headers[last] = f"{headers[last]} {raw.strip()}"
                    continue
                raise ProtocolError(f"invalid response header line {raw[:40]!r}")
            key = name.lower()
            text = value.strip()
            previous = headers.get(key)
            headers[key] = text if previous is None else f"{previous}, {text}"
            last = key
        if 100 <= status < 200 and status != 101:
            return _HEAD  # interim response; the final one follows
        self.status = status
        self.headers = headers
        connection = headers.get("connection", "").lower()
        if status_line[7] == "1":
            self.reusable = "close" not in connection
        else:  # HTTP/1.0
            self.reusable = "keep-alive" in connection
        if self.head_only or status < 200 or status in (204, 304):
            return _DONE
        coding = headers.get("transfer-encoding")
        if coding is not None:
            if coding.lower().rsplit(",", 1)[-1].strip() == "chunked":
                return _CHUNK_SIZE
            self.reusable = False
            return _UNTIL_CLOSE
        length = headers.get("content-length")
        if length is None:
            self.reusable = False
            return _UNTIL_CLOSE
        text = length
        if "," in length:  # repeated: only the same value repeated is acceptable
            values = {v.strip() for v in length.split(",")}
            if len(values) != 1:
                raise ProtocolError("conflicting Content-Length values")
            text = values.pop()
        if not text.isdigit():
            raise ProtocolError(f"invalid Content-Length {text[:20]!r}")
        self._remaining = int(text)
        return _LENGTH if self._remaining else _DONE
