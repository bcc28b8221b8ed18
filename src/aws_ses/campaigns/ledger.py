"""The per-recipient ledger in Redis: one record per (campaign, address).

States: ``queued -> sending -> sent | failed | maybe_sent``, plus ``skipped``
(suppressed, refused by a hook, or not an address) set when the recipient is
enqueued. Every change is one Lua script (:mod:`._scripts`), so a recipient
is taken by at most one worker and the counts always equal the records.

Each chunk the starter writes is kept as *pending* (its rows, in the same
script as the records) until its Celery task is enqueued, so the orphan sweep
(:mod:`aws_ses.campaigns.orphans`) can enqueue the chunks of a starter that
died in between.

All keys of a campaign share the hash tag ``{<campaign id>}``, so the
scripts also run on Redis Cluster. The one key outside it, :data:`INDEX`,
lists the campaigns for the periodic sweep.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from aws_ses.campaigns import _scripts

if TYPE_CHECKING:
    import redis

__all__ = [
    "DONE_STATES",
    "INDEX",
    "STATES",
    "Claim",
    "Ledger",
    "Record",
    "WrittenChunk",
    "connect",
]

STATES = ("queued", "sending", "sent", "failed", "maybe_sent", "skipped")
DONE_STATES = frozenset({"sent", "failed", "maybe_sent", "skipped"})
Control = Literal["running", "paused", "cancelled"]
Outcome = Literal["sent", "failed", "maybe_sent", "retry"]
#: The set of campaign ids in a Redis (read by the periodic sweep task).
INDEX = "aws_ses:campaigns"
#: A chunk row as a task gets it: [ledger key, address to send to, template data JSON or ""].
ChunkRow = list[str]


def connect(url: str) -> redis.Redis:
    """A Redis client for ``url`` that answers with ``str``."""
    import redis as redis_lib

    return redis_lib.Redis.from_url(url, decode_responses=True)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


@dataclass(frozen=True, slots=True)
class Claim:
    """What a worker got for a chunk: the campaign's control state and addresses."""

    control: Control
    claimed: list[str] = field(default_factory=list)
    # Held by another live claim: address -> seconds until that claim expires.
    held: dict[str, float] = field(default_factory=dict)
    # Found with an expired claim whose request may have left: now maybe_sent.
    unknown: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class WrittenChunk:
    """What :meth:`Ledger.write_chunk` added: a pending chunk (None: nothing to send)."""

    chunk_id: str | None
    rows: list[ChunkRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Record:
    """One recipient's row, as the report shows it."""

    address: str
    state: str
    code: str | None
    message_id: str | None
    attempts: int
    updated: float
    resent: bool = False

    @classmethod
    def decode(cls, address: str, raw: str) -> Record:
        doc = json.loads(raw)
        return cls(
            address=address,
            state=str(doc["s"]),
            code=doc.get("c"),
            message_id=doc.get("m"),
            attempts=int(doc.get("a", 0)),
            updated=float(doc.get("u", 0.0)),
            resent=bool(doc.get("resent")),
        )


class Ledger:
    """The records, counts and control state of one campaign."""

    def __init__(self, client: redis.Redis, campaign_id: str) -> None:
        self.redis = client
        self.campaign_id = campaign_id
        tag = f"aws_ses:campaign:{{{campaign_id}}}"
        self.meta = f"{tag}:meta"
        self.rec = f"{tag}:rec"
        self.counts_key = f"{tag}:counts"
        self.errors_key = f"{tag}:errors"
        self.retries_key = f"{tag}:retries"
        self.timeline = f"{tag}:tl"
        self.park = f"{tag}:park"
        self.data = f"{tag}:data"
        self.chunks = f"{tag}:chunks"
        self.pending = f"{tag}:pending"
        self.clock = time.time
        self._scripts: dict[str, Any] = {}

    # ---------------------------------------------------------------- meta

    def create(self, spec: dict[str, Any]) -> None:
        """Write the campaign's description; refuses an id already in use."""
        now = self.clock()
        fields: dict[Any, Any] = {
            "spec": json.dumps(spec),
            "created": repr(now),
            "control": "running",
        }
        if not self.redis.hsetnx(self.meta, "spec", fields["spec"]):
            raise ValueError(f"campaign {self.campaign_id!r} already exists")
        self.redis.hset(self.meta, mapping=fields)
        self.redis.sadd(INDEX, self.campaign_id)

    def exists(self) -> bool:
        return bool(self.redis.hexists(self.meta, "spec"))

    def spec(self) -> dict[str, Any]:
        raw = self.redis.hget(self.meta, "spec")
        if raw is None:
            raise KeyError(f"no campaign {self.campaign_id!r} in this Redis")
        spec: dict[str, Any] = json.loads(_text(raw))
        return spec

    def meta_fields(self) -> dict[str, str]:
        return {_text(k): _text(v) for k, v in self.redis.hgetall(self.meta).items()}

    def set_meta(self, **values: str | float | int) -> None:
        self.redis.hset(self.meta, mapping={k: str(v) for k, v in values.items()})

    # -------------------------------------------------------- transitions

    def _run(self, script: str, keys: Sequence[str], args: Sequence[Any]) -> Any:
        found = self._scripts.get(script)
        if found is None:  # EVALSHA after the first call
            found = self._scripts[script] = self.redis.register_script(script)
        return found(keys=list(keys), args=list(args))

    def write_chunk(
        self, rows: Sequence[tuple[str, str, str, str, str]], *, resume: bool = False
    ) -> WrittenChunk:
        """Add ``(key, state, code, address, data JSON)`` rows, one chunk of the source.

        An address already in the campaign is a duplicate and is left out
        (counted, unless ``resume``: a resumed stream meets what it wrote
        before). The new ``queued`` rows come back as a pending chunk; call
        :meth:`chunk_enqueued` once its task is on the broker.
        """
        if not rows:
            return WrittenChunk(None)
        args: list[Any] = [self.clock(), "1" if resume else "0"]
        for row in rows:
            args.extend(row)
        keys = [self.meta, self.rec, self.counts_key, self.chunks, self.pending]
        chunk, *accepted = (_text(x) for x in self._run(_scripts.ENQUEUE, keys, args))
        if not chunk:
            return WrittenChunk(None)
        by_key: dict[str, tuple[str, str, str, str, str]] = {}
        for row in rows:
            by_key.setdefault(row[0], row)  # the first of a key twice in one chunk won
        return WrittenChunk(chunk, [[a, by_key[a][3], by_key[a][4]] for a in accepted])

    def enqueue(self, rows: Sequence[tuple[str, str, str]]) -> list[str]:
        """Add ``(address, state, code)`` rows; return the new ``queued`` addresses."""
        written = self.write_chunk([(a, s, c, a, "") for a, s, c in rows])
        return [row[0] for row in written.rows]

    def add_pending_chunk(self, rows: Sequence[ChunkRow]) -> str:
        """Keep ``rows`` as a pending chunk before their records move back to ``queued``."""
        chunk = str(self.redis.hincrby(self.meta, "chunks", 1))
        pipe = self.redis.pipeline()
        pipe.hset(self.chunks, chunk, json.dumps([list(r) for r in rows]))
        pipe.zadd(self.pending, {chunk: self.clock()})
        pipe.execute()
        return chunk

    def chunk_enqueued(self, chunk_id: str) -> None:
        """The chunk's task is on the broker: it is no longer the sweep's business."""
        pipe = self.redis.pipeline()
        pipe.zrem(self.pending, chunk_id)
        pipe.hdel(self.chunks, chunk_id)
        pipe.execute()

    def pending_chunks(self, older_than: float = 0.0) -> list[str]:
        """Chunks written at least ``older_than`` seconds ago whose task is not known enqueued."""
        limit = self.clock() - older_than
        return [_text(c) for c in self.redis.zrangebyscore(self.pending, "-inf", limit)]

    def pending_count(self) -> int:
        return int(self.redis.zcard(self.pending))

    def chunk_rows(self, chunk_id: str) -> list[ChunkRow] | None:
        raw = self.redis.hget(self.chunks, chunk_id)
        if raw is None:
            return None
        rows: list[ChunkRow] = json.loads(_text(raw))
        return rows

    def states_of(self, keys: Sequence[str]) -> list[str | None]:
        """The state of each key (None: not in the ledger)."""
        if not keys:
            return []
        raws = self.redis.hmget(self.rec, list(keys))
        return [None if raw is None else str(json.loads(_text(raw))["s"]) for raw in raws]

    def claim(self, addresses: Sequence[str], *, token: str, lease: float, payload: str) -> Claim:
        """Claim ``addresses`` for one task run (see the CLAIM script)."""
        keys = [self.meta, self.rec, self.counts_key, self.park, self.timeline]
        reply = self._run(_scripts.CLAIM, keys, [self.clock(), lease, token, payload, *addresses])
        state, claimed, held, unknown = reply
        pairs = [_text(x) for x in held]
        return Claim(
            control=_text(state),  # type: ignore[arg-type]
            claimed=[_text(a) for a in claimed],
            held={pairs[i]: float(pairs[i + 1]) for i in range(0, len(pairs), 2)},
            unknown=[_text(a) for a in unknown],
        )

    def mark_wire(
        self,
        recipients: Sequence[tuple[str, str]],
        *,
        token: str,
        lease: float,
        payload: str,
    ) -> tuple[Control, list[str]]:
        """Mark ``(address, data JSON)`` as possibly sent, just before the call.

        Returns the control state and the addresses this token still owns;
        unless the state is ``running`` those went back to ``queued``.
        """
        args: list[Any] = [self.clock(), lease, token, payload]
        for address, data in recipients:
            args.extend((address, data))
        keys = [self.meta, self.rec, self.counts_key, self.park, self.data]
        state, owned = self._run(_scripts.WIRE, keys, args)
        return _text(state), [_text(a) for a in owned]  # type: ignore[return-value]

    def finish(self, outcomes: Sequence[tuple[str, Outcome, str, str]], *, token: str) -> int:
        """Record ``(address, outcome, code, message id)``; returns how many changed.

        ``retry`` keeps the claim but says the request certainly did not
        deliver (SES answered with a transient status), so it may be sent again.
        """
        if not outcomes:
            return 0
        args: list[Any] = [self.clock(), token]
        for row in outcomes:
            args.extend(row)
        keys = [
            self.rec,
            self.counts_key,
            self.errors_key,
            self.timeline,
            self.data,
            self.retries_key,
        ]
        return int(self._run(_scripts.FINISH, keys, args))

    def control(self, want: Control) -> tuple[Control, Control]:
        """Move the control state; returns ``(old, new)``."""
        old, new = self._run(_scripts.CONTROL, [self.meta, self.park], [want])
        return _text(old), _text(new)  # type: ignore[return-value]

    def control_state(self) -> Control:
        value = self.redis.hget(self.meta, "control")
        return _text(value) if value is not None else "running"  # type: ignore[return-value]

    def pop_parked(self) -> Iterator[str]:
        """Parked chunk payloads, each removed only after the caller used it."""
        while True:
            payload = self.redis.lindex(self.park, 0)
            if payload is None:
                return
            yield _text(payload)
            self.redis.lpop(self.park)

    def requeue_unknown(self, addresses: Sequence[str]) -> list[str]:
        if not addresses:
            return []
        moved = self._run(
            _scripts.REQUEUE_UNKNOWN, [self.rec, self.counts_key], [self.clock(), *addresses]
        )
        return [_text(a) for a in moved]

    # ----------------------------------------------------------- reading

    def counts(self) -> dict[str, int]:
        raw = self.redis.hgetall(self.counts_key)
        found = {_text(k): int(v) for k, v in raw.items()}
        return {state: found.get(state, 0) for state in STATES}

    def errors(self) -> dict[str, int]:
        return {_text(k): int(v) for k, v in self.redis.hgetall(self.errors_key).items() if int(v)}

    def retries(self) -> dict[str, int]:
        return {_text(k): int(v) for k, v in self.redis.hgetall(self.retries_key).items()}

    def processed_between(self, start: float, end: float) -> int:
        """Recipients that reached a final state in the whole seconds ``start`` to ``end``."""
        seconds = [str(s) for s in range(int(start), int(end) + 1)]
        if not seconds:
            return 0
        return sum(int(v) for v in self.redis.hmget(self.timeline, seconds) if v is not None)

    def data_of(self, addresses: Sequence[str]) -> list[str | None]:
        if not addresses:
            return []
        return [None if v is None else _text(v) for v in self.redis.hmget(self.data, addresses)]

    def record(self, address: str) -> Record | None:
        raw = self.redis.hget(self.rec, address)
        return None if raw is None else Record.decode(address, _text(raw))

    def records(self, batch: int = 1000) -> Iterator[Record]:
        """Every record, streamed (HSCAN), in no particular order."""
        for address, raw in self.redis.hscan_iter(self.rec, count=batch):
            yield Record.decode(_text(address), _text(raw))

    def addresses_in(self, state: str) -> Iterator[str]:
        for record in self.records():
            if record.state == state:
                yield record.address

    def delete(self) -> None:
        """Forget the campaign entirely."""
        self.redis.delete(
            self.meta,
            self.rec,
            self.counts_key,
            self.errors_key,
            self.retries_key,
            self.timeline,
            self.park,
            self.data,
            self.chunks,
            self.pending,
        )
        self.redis.srem(INDEX, self.campaign_id)
