"""SQLite document store for the local server.

Every resource is a JSON document addressed by (kind, key); large byte
strings (raw messages) live beside them as blobs, so they are never
base64-encoded into a document. One connection guarded by a lock keeps
concurrent requests safe; SQLite in WAL mode would allow more, but the
server's work per request is tiny. Creation times come from the injected
clock (the server's), so a test that moves the clock moves them too.
"""

from __future__ import annotations

import builtins
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["Store"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    doc TEXT NOT NULL,
    created REAL NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX IF NOT EXISTS docs_by_order ON docs (kind, seq);
CREATE TABLE IF NOT EXISTS blobs (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (kind, key)
);
"""


class Store:
    """A tiny, thread-safe, transactional JSON document store."""

    def __init__(
        self, path: str | Path | None = None, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._clock = clock
        target = str(path) if path is not None else ":memory:"
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._db.executescript(_SCHEMA)
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
        self._lock = threading.RLock()
        row = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM docs").fetchone()
        self._seq = int(row[0])

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Group reads and writes atomically (re-entrant)."""
        with self._lock:
            outermost = not self._db.in_transaction
            if outermost:
                self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                if outermost:
                    self._db.execute("ROLLBACK")
                raise
            else:
                if outermost:
                    self._db.execute("COMMIT")

    def get(self, kind: str, key: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT doc FROM docs WHERE kind = ? AND key = ?", (kind, key)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, kind: str, key: str, doc: dict[str, Any]) -> None:
        """Insert or replace; a replaced document keeps its place in listings."""
        text = json.dumps(doc, separators=(",", ":"), default=str)
        with self._lock:
            self._seq += 1
            self._db.execute(
                "INSERT INTO docs (kind, key, doc, created, seq) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (kind, key) DO UPDATE SET doc = excluded.doc",
                (kind, key, text, self._clock(), self._seq),
            )

    def delete(self, kind: str, key: str) -> bool:
        with self._lock:
            cur = self._db.execute("DELETE FROM docs WHERE kind = ? AND key = ?", (kind, key))
        return cur.rowcount > 0

    def list(self, kind: str, prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
        """Documents of a kind in creation order, optionally by key prefix."""
        with self._lock:
            rows = self._db.execute(
                "SELECT key, doc FROM docs WHERE kind = ? AND key >= ? AND key < ? ORDER BY seq",
                (kind, prefix, prefix + "\U0010ffff"),
            ).fetchall()
        return [(key, json.loads(doc)) for key, doc in rows]

    def page(
        self, kind: str, *, after: int = 0, limit: int | None = None
    ) -> builtins.list[tuple[int, str, dict[str, Any]]]:
        """``(seq, key, doc)`` of a kind in creation order, from just after ``after``."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, key, doc FROM docs WHERE kind = ? AND seq > ? ORDER BY seq LIMIT ?",
                (kind, after, -1 if limit is None else limit),
            ).fetchall()
        return [(int(seq), key, json.loads(doc)) for seq, key, doc in rows]

    def count(self, kind: str, since: float | None = None) -> int:
        with self._lock:
            if since is None:
                row = self._db.execute("SELECT COUNT(*) FROM docs WHERE kind = ?", (kind,))
            else:
                row = self._db.execute(
                    "SELECT COUNT(*) FROM docs WHERE kind = ? AND created >= ?", (kind, since)
                )
            return int(row.fetchone()[0])

    def clear(self, kind: str) -> int:
        with self._lock:
            cur = self._db.execute("DELETE FROM docs WHERE kind = ?", (kind,))
        return cur.rowcount

    def put_blob(self, kind: str, key: str, data: bytes) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO blobs (kind, key, data) VALUES (?, ?, ?)", (kind, key, data)
            )

    def get_blob(self, kind: str, key: str) -> bytes | None:
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM blobs WHERE kind = ? AND key = ?", (kind, key)
            ).fetchone()
        return bytes(row[0]) if row else None

    def clear_blobs(self, kind: str) -> int:
        with self._lock:
            cur = self._db.execute("DELETE FROM blobs WHERE kind = ?", (kind,))
        return cur.rowcount

    def clear_all(self) -> None:
        """Forget every document and blob, in one transaction, on the same connection."""
        with self.transaction():
            self._db.execute("DELETE FROM docs")
            self._db.execute("DELETE FROM blobs")
            self._seq = 0

    def close(self) -> None:
        with self._lock:
            self._db.close()
