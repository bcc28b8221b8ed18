"""The ledger's Lua scripts: every state change of a recipient happens in one of these.

Redis runs a script atomically, so two workers holding the same chunk (a task
redelivered while its first copy still runs) can never both take a recipient.
A record is JSON in the campaign's ``rec`` hash, keyed by address::

    {"s": state, "t": claim token, "x": claim expiry, "w": 1 once the request
     may have left, "a": attempts, "c": SES status or error code,
     "m": message id, "u": last change (epoch seconds)}

Counts per state live in the ``counts`` hash and move in the same script as
the record, so they always add up.
"""

from __future__ import annotations

# Shared Lua helpers, prepended to each script.
_PRELUDE = """
local function move(counts, from, to)
  if from then redis.call('HINCRBY', counts, from, -1) end
  if to then redis.call('HINCRBY', counts, to, 1) end
end
local function load(rec, a)
  local raw = redis.call('HGET', rec, a)
  if not raw then return nil end
  return cjson.decode(raw)
end
local function save(rec, a, r)
  redis.call('HSET', rec, a, cjson.encode(r))
end
local function control(meta)
  return redis.call('HGET', meta, 'control') or 'running'
end
"""

# KEYS: meta, rec, counts, chunks, pending
# ARGV: now, resume flag, then quintuples (key, state, code, address, data JSON)
# New addresses get a record; an address already in the ledger is a duplicate
# (not counted when resuming a dead starter's stream: it wrote them). The new
# ``queued`` rows are kept as one pending chunk in the same step, so no record
# can exist that neither a task nor the orphan sweep will find.
# Returns {chunk id or '', accepted keys...}.
ENQUEUE = (
    _PRELUDE
    + """
local now, resume = tonumber(ARGV[1]), ARGV[2] == '1'
local accepted, rows = {}, {}
local dup = 0
for i = 3, #ARGV, 5 do
  local a, s, c = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if redis.call('HEXISTS', KEYS[2], a) == 1 then
    if not resume then dup = dup + 1 end
  else
    local r = {s = s, u = now, a = 0}
    if c ~= '' then r.c = c end
    save(KEYS[2], a, r)
    move(KEYS[3], nil, s)
    redis.call('HINCRBY', KEYS[1], 'total', 1)
    if s == 'queued' then
      table.insert(accepted, a)
      table.insert(rows, {a, ARGV[i + 3], ARGV[i + 4]})
    end
  end
end
if dup > 0 then redis.call('HINCRBY', KEYS[1], 'duplicates', dup) end
local chunk = ''
if #rows > 0 then
  chunk = tostring(redis.call('HINCRBY', KEYS[1], 'chunks', 1))
  redis.call('HSET', KEYS[4], chunk, cjson.encode(rows))
  redis.call('ZADD', KEYS[5], now, chunk)
end
table.insert(accepted, 1, chunk)
return accepted
"""
)

# KEYS: meta, rec, counts, park, tl
# ARGV: now, lease, token, payload, addresses...
# Returns {control, claimed, held (address, seconds left)..., unknown}.
# A recipient is claimed from ``queued``, or from an expired claim whose
# request never left (w == 0). An expired claim whose request may have left
# becomes ``maybe_sent``: never sent again by us. While paused the chunk is
# parked whole, to be enqueued again by resume.
CLAIM = (
    _PRELUDE
    + """
local state = control(KEYS[1])
if state == 'paused' then
  redis.call('RPUSH', KEYS[4], ARGV[4])
  return {state, {}, {}, {}}
end
if state == 'cancelled' then return {state, {}, {}, {}} end
local now, lease, token = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local claimed, held, unknown = {}, {}, {}
for i = 5, #ARGV do
  local a = ARGV[i]
  local r = load(KEYS[2], a)
  if r then
    local expired = r.s == 'sending' and r.x <= now
    if r.s == 'queued' or (expired and r.w == 0) then
      move(KEYS[3], r.s, 'sending')
      r.s, r.t, r.x, r.w, r.u = 'sending', token, now + lease, 0, now
      save(KEYS[2], a, r)
      table.insert(claimed, a)
    elseif expired then
      move(KEYS[3], 'sending', 'maybe_sent')
      r.s, r.u = 'maybe_sent', now
      if not r.c then r.c = 'WorkerLost' end
      save(KEYS[2], a, r)
      redis.call('HINCRBY', KEYS[5], tostring(math.floor(now)), 1)
      table.insert(unknown, a)
    elseif r.s == 'sending' and r.t ~= token then
      table.insert(held, a)
      table.insert(held, tostring(r.x - now))
    end
  end
end
return {state, claimed, held, unknown}
"""
)

# KEYS: meta, rec, counts, park, data
# ARGV: now, lease, token, payload, then pairs (address, template data JSON)
# Marks the owned recipients "may have left" just before the request is made;
# the data is kept so that resend_unknown can rebuild them. When the campaign
# was paused or cancelled meanwhile, the recipients go back to ``queued``
# (and, when paused, the chunk is parked).
WIRE = (
    _PRELUDE
    + """
local state = control(KEYS[1])
local now, lease, token = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local owned = {}
for i = 5, #ARGV, 2 do
  local a = ARGV[i]
  local r = load(KEYS[2], a)
  if r and r.s == 'sending' and r.t == token then
    if state == 'running' then
      r.w, r.x, r.u = 1, now + lease, now
      r.a = (r.a or 0) + 1
      if ARGV[i + 1] ~= '' then redis.call('HSET', KEYS[5], a, ARGV[i + 1]) end
    else
      move(KEYS[3], 'sending', 'queued')
      r.s, r.w, r.u = 'queued', 0, now
      r.t, r.x = nil, nil
    end
    save(KEYS[2], a, r)
    table.insert(owned, a)
  end
end
if state == 'paused' and #owned > 0 then redis.call('RPUSH', KEYS[4], ARGV[4]) end
return {state, owned}
"""
)

# KEYS: rec, counts, errors, tl, data, retries
# ARGV: now, token, then quads (address, outcome, code, message id)
# outcome: sent | failed | maybe_sent | retry (SES said not sent: w back to 0)
FINISH = (
    _PRELUDE
    + """
local now, token = tonumber(ARGV[1]), ARGV[2]
local bucket = tostring(math.floor(now))
local changed = 0
for i = 3, #ARGV, 4 do
  local a, outcome, code, mid = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local r = load(KEYS[1], a)
  if r and r.t == token and (r.s == 'sending' or r.s == 'maybe_sent') then
    if code ~= '' then r.c = code else r.c = nil end
    r.u = now
    if outcome == 'retry' then
      if r.s == 'sending' then
        r.w = 0
        if code ~= '' then redis.call('HINCRBY', KEYS[6], code, 1) end
      end
    else
      if r.s == 'sending' then redis.call('HINCRBY', KEYS[4], bucket, 1) end
      move(KEYS[2], r.s, outcome)
      r.s = outcome
      r.t, r.x = nil, nil
      if mid ~= '' then r.m = mid end
      if outcome ~= 'maybe_sent' then redis.call('HDEL', KEYS[5], a) end
      if outcome ~= 'sent' and code ~= '' then redis.call('HINCRBY', KEYS[3], code, 1) end
    end
    save(KEYS[1], a, r)
    changed = changed + 1
  end
end
return changed
"""
)

# KEYS: meta, park   ARGV: wanted control state ('paused' | 'running' | 'cancelled')
# Pause only a running campaign; resume only a paused one; cancel anything.
# Returns {old state, new state}.
CONTROL = (
    _PRELUDE
    + """
local old = control(KEYS[1])
local want = ARGV[1]
local new = old
if want == 'paused' and old == 'running' then new = 'paused' end
if want == 'running' and old == 'paused' then new = 'running' end
if want == 'cancelled' then new = 'cancelled'; redis.call('DEL', KEYS[2]) end
if new ~= old then redis.call('HSET', KEYS[1], 'control', new) end
return {old, new}
"""
)

# KEYS: rec, counts   ARGV: now, addresses...
# resend_unknown: maybe_sent -> queued, by an explicit call only.
REQUEUE_UNKNOWN = (
    _PRELUDE
    + """
local now = tonumber(ARGV[1])
local moved = {}
for i = 2, #ARGV do
  local a = ARGV[i]
  local r = load(KEYS[1], a)
  if r and r.s == 'maybe_sent' then
    move(KEYS[2], 'maybe_sent', 'queued')
    r.s, r.u, r.w, r.resent = 'queued', now, 0, 1
    save(KEYS[1], a, r)
    table.insert(moved, a)
  end
end
return moved
"""
)
