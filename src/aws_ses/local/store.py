"""SQLite document store for the local server.

Every resource is a JSON document addressed by (kind, key); large byte
strings (raw messages) live beside them as blobs, never base64-encoded into a
document and never copied into SQLite (which would hold three copies while
inserting one): in memory they are the very ``bytes`` object handed in, with
a data directory they are files under ``blobs/`` next to the database. One
connection guarded by a lock keeps concurrent requests safe; SQLite in WAL
mode would allow more, but the server's work per request is tiny. Creation
times come from the injected clock (the server's), so a test that moves the
clock moves them too.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import shutil
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
"""


class Store:
    """A tiny, thread-safe, transactional JSON document store."""

    def __init__(
        self, path: str | Path | None = None, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._clock = clock
        self._blobs: dict[tuple[str, str], bytes] = {}
        self._blob_dir = Path(path).parent / "blobs" if path is not None else None
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

    def key_range(
        self, kind: str, *, below: str | None = None, above: str | None = None
    ) -> builtins.list[tuple[str, dict[str, Any]]]:
        """Documents of a kind whose key is ``< below`` or ``> above``, in key order."""
        query, args = "SELECT key, doc FROM docs WHERE kind = ?", [kind]
        if below is not None:
            query, args = query + " AND key < ?", [*args, below]
        if above is not None:
            query, args = query + " AND key > ?", [*args, above]
        with self._lock:
            rows = self._db.execute(query + " ORDER BY key", args).fetchall()
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

    def _blob_path(self, kind: str, key: str) -> Path:
        assert self._blob_dir is not None
        name = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        return self._blob_dir / kind / name

    def put_blob(self, kind: str, key: str, data: bytes) -> None:
        if self._blob_dir is None:
            with self._lock:
                self._blobs[(kind, key)] = data
            return
        target = self._blob_path(kind, key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(target)

    def get_blob(self, kind: str, key: str) -> bytes | None:
        if self._blob_dir is None:
            with self._lock:
                return self._blobs.get((kind, key))
        try:
            return self._blob_path(kind, key).read_bytes()
        except FileNotFoundError:
            return None

    def clear_blobs(self, kind: str) -> int:
        if self._blob_dir is None:
            with self._lock:
                gone = [k for k in self._blobs if k[0] == kind]
                for k in gone:
                    del self._blobs[k]
            return len(gone)
        folder = self._blob_dir / kind
        files = list(folder.iterdir()) if folder.is_dir() else []
        for file in files:
            file.unlink(missing_ok=True)
        return len(files)

    def clear_all(self) -> None:
        """Forget every document and blob, in one transaction, on the same connection."""
        with self.transaction():
            self._db.execute("DELETE FROM docs")
            self._seq = 0
            if self._blob_dir is None:
                self._blobs.clear()
            elif self._blob_dir.is_dir():
                shutil.rmtree(self._blob_dir)

    def close(self) -> None:
        with self._lock:
            self._db.close()
