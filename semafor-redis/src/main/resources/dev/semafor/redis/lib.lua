-- Shared by every script (prepended when the script is loaded). KEYS[1] is the prefix's hash tag
-- ("{NAME}"), so every key of one prefix lives in one Cluster slot. ARGV[1] is "now" in epoch
-- milliseconds from a test's ControlledClock, or empty: then the server's TIME is used.
-- States: 0 SCHEDULED, 1 QUEUED, 2 RUNNING, 3 SUCCEEDED, 4 DEAD, 5 CANCELLED.
local T = KEYS[1]
local NOW
if ARGV[1] ~= '' then
  NOW = tonumber(ARGV[1])
else
  local t = redis.call('TIME')
  NOW = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- NOW as text, formatted once: a number passed to redis.call is formatted again on every call.
local NOWS = tostring(NOW)
local WOKEN = {}
local COUNTS = {}
local QT = {} -- per queue, per task: the change in its QUEUED count, written at the end
local QP = {} -- per queue, per task: the change in how many of those are parked behind a limit
local READY = {} -- per queue: score, id, score, id… to add to its ready set at once
local ENDED = {} -- per lease batch (its token base): how many of its leases ended in this script

local function jkey(id) return T .. ':j:' .. id end

local function tomap(flat)
  local h = {}
  for k = 1, #flat, 2 do h[flat[k]] = flat[k + 1] end
  return h
end

-- Stats counters per queue and state, written once at the end of the script. t is the job's task:
-- needed when the job enters or leaves QUEUED ('1'), for the per-task count of waiting jobs.
local function count(q, from, to, t)
  local c = COUNTS[q]
  if not c then c = {}; COUNTS[q] = c end
  if from then c[from] = (c[from] or 0) - 1 end
  if to then c[to] = (c[to] or 0) + 1 end
  if from == '1' or to == '1' then
    local d = (to == '1' and 1 or 0) - (from == '1' and 1 or 0)
    local byTask = QT[q]
    if not byTask then byTask = {}; QT[q] = byTask end
    byTask[t] = (byTask[t] or 0) + d
  end
end

-- A QUEUED job of task t in q was parked behind a limit (d = 1) or left its park set (d = -1).
local function parked(q, t, d)
  local byTask = QP[q]
  if not byTask then byTask = {}; QP[q] = byTask end
  byTask[t] = (byTask[t] or 0) + d
end

-- A lease of a job of q began (d = 1) or ended before its start was marked (d = -1): the count of
-- RUNNING jobs that are leased but not started (field 'L' of the queue's counters).
local function leasedWaiting(q, d)
  local c = COUNTS[q]
  if not c then c = {}; COUNTS[q] = c end
  c.L = (c.L or 0) + d
end

-- Adds the jobs place() made ready to their queues' ready sets, one ZADD per queue.
local function flushReady()
  for q, items in pairs(READY) do
    for k = 1, #items, 4000 do
      redis.call('ZADD', T .. ':r:' .. q, unpack(items, k, math.min(k + 3999, #items)))
    end
  end
  READY = {}
end

-- A lease ended (its job completed, failed, was released or reaped). Leases are kept per batch
-- (lease.lua): {N}:l holds each batch's token base, scored at or before the earliest expiry of
-- the leases in it, {N}:lb:BASE its job ids in token order, {N}:ln the count of its leases still
-- live; the batch is forgotten, at the end of the script, once that count reaches 0.
local function leaseEnded(tok)
  local base = string.match(tok, '^(.*%.)')
  if base then ENDED[base] = (ENDED[base] or 0) + 1 end
end

-- Forgets one lease batch: its entry in the lease set, its ids and its count.
local function forgetBatch(base)
  redis.call('ZREM', T .. ':l', base)
  redis.call('DEL', T .. ':lb:' .. base)
  redis.call('HDEL', T .. ':ln', base)
end

-- Writes the ready sets and counters, and wakes the idle workers of every queue that got a
-- waiting job.
local function flush()
  flushReady()
  for base, n in pairs(ENDED) do
    if redis.call('HINCRBY', T .. ':ln', base, -n) <= 0 then forgetBatch(base) end
  end
  ENDED = {}
  for q, c in pairs(COUNTS) do
    local nk = T .. ':n:' .. q
    local touched = false
    for s, d in pairs(c) do
      if d ~= 0 then redis.call('HINCRBY', nk, s, d); touched = true end
    end
    if touched then redis.call('SADD', T .. ':queues', q) end
  end
  for name, deltas in pairs({qt = QT, qp = QP}) do
    for q, byTask in pairs(deltas) do
      local qk = T .. ':' .. name .. ':' .. q
      for t, d in pairs(byTask) do
        if d ~= 0 and redis.call('HINCRBY', qk, t, d) <= 0 then redis.call('HDEL', qk, t) end
      end
    end
  end
  QT, QP = {}, {}
  for q in pairs(WOKEN) do redis.call('PUBLISH', T .. ':wake:' .. q, '1') end
end

-- Puts a waiting job where a lease finds it: ready (by priority, then id) if due, else scheduled
-- by run-at. Returns its state.
local function place(id, q, p, ra)
  WOKEN[q] = true
  if tonumber(ra) > NOW then
    redis.call('ZADD', T .. ':s:' .. q, ra, id)
    return '0'
  end
  local items = READY[q]
  if not items then items = {}; READY[q] = items end
  items[#items + 1] = -(tonumber(p) or 0)
  items[#items + 1] = id
  return '1'
end

-- Stores a new job from its field pairs (without its state). Returns its state.
local function insert(id, pairs, h)
  h = h or tomap(pairs)
  -- Due when enqueued (no ra, or ra not after ea: its producer asked for no delay) is due now,
  -- whatever the producer's clock read against the server's; a delayed job waits for its ra.
  local due = h.ra
  if not due or tonumber(due) <= tonumber(h.ea) then due = NOW end
  local st = place(id, h.q, h.p, due)
  redis.call('HSET', jkey(id), 's', st, unpack(pairs))
  -- a producer's clock ahead of the server's: its "now" is stored as the server's now
  if due == NOW and tonumber(h.ra or h.ea) > NOW then redis.call('HSET', jkey(id), 'ra', NOW) end
  count(h.q, nil, st, h.t)
  if h.uk then redis.call('HSET', T .. ':u', h.uk, id) end
  return st
end

-- The waiting or running job that holds a unique key: its id and state, or nil.
local function holder(uk)
  local hid = redis.call('HGET', T .. ':u', uk)
  if not hid then return nil end
  local s = redis.call('HGET', jkey(hid), 's')
  if s == '0' or s == '1' or s == '2' then return hid, s end
  return nil
end

-- Ends a job in a finished state (3, 4 or 5), with extra field pairs; frees its unique key and
-- fails its group if it did not succeed.
local function finish(id, q, from, to, uk, g, ...)
  local t = from == '1' and redis.call('HGET', jkey(id), 't') or nil
  redis.call('HSET', jkey(id), 's', to, 'fa', NOWS, ...)
  redis.call('ZADD', T .. ':f:' .. to, NOWS, id)
  count(q, from, to, t)
  if uk and redis.call('HGET', T .. ':u', uk) == id then redis.call('HDEL', T .. ':u', uk) end
  if g and to ~= '3' then
    local gk = T .. ':g:' .. g
    if redis.call('EXISTS', gk) == 1 then redis.call('HSET', gk, 'f', '1') end
  end
end

-- Takes a waiting job out of the ready, scheduled and parked sets.
local function unplace(id, q, pk)
  flushReady()
  redis.call('ZREM', T .. ':r:' .. q, id)
  redis.call('ZREM', T .. ':s:' .. q, id)
  if pk then
    if redis.call('ZREM', pk, id) == 1 then parked(q, redis.call('HGET', jkey(id), 't'), -1) end
    redis.call('HDEL', jkey(id), 'pk')
  end
end

-- Ends the current lease (token tok) of a running job: forgets its token and expiry, frees its
-- slot.
local function endLease(id, tok, ck, cl)
  leaseEnded(tok)
  redis.call('HDEL', jkey(id), 'tk', 'le')
  if ck and tonumber(cl or '0') > 0 then
    if redis.call('HINCRBY', T .. ':cc', ck, -1) <= 0 then redis.call('HDEL', T .. ':cc', ck) end
  end
  redis.call('SREM', T .. ':crq', id)
end

-- Reads the field pairs of the jobs of a batch from ARGV, starting at index at. Each job is
-- "id, n, n field/value items". Returns the jobs ({id, pairs}) and the next index.
local function readJobs(at, n)
  local jobs = {}
  for j = 1, n do
    local id, np = ARGV[at], tonumber(ARGV[at + 1])
    local pairs = {}
    for k = 1, np do pairs[k] = ARGV[at + 1 + k] end
    at = at + 2 + np
    jobs[j] = {id, pairs}
  end
  return jobs, at
end

-- The first id of jobs that exists already, or nil.
local function firstExisting(jobs)
  for j = 1, #jobs do
    if redis.call('EXISTS', jkey(jobs[j][1])) == 1 then return jobs[j][1] end
  end
  return nil
end

-- A group member succeeded: counts its group down, and the success that brings it to 0 enqueues
-- the chord's callback with the results in member order, unless the group failed.
local function groupSucceeded(g, gi, result)
  local gk = T .. ':g:' .. g
  if redis.call('EXISTS', gk) == 0 then return end
  redis.call('HSET', T .. ':gr:' .. g, gi, result)
  local rem = redis.call('HINCRBY', gk, 'rem', -1)
  if rem > 0 or redis.call('HGET', gk, 'f') == '1' then return end
  local cb = redis.call('HGET', gk, 'cb')
  if not cb then return end
  local size = tonumber(redis.call('HGET', gk, 'n'))
  local byIndex = tomap(redis.call('HGETALL', T .. ':gr:' .. g))
  local parts = {}
  for k = 1, size do parts[k] = byIndex[tostring(k - 1)] or 'null' end
  local spec = cjson.decode(cb)
  if redis.call('EXISTS', jkey(spec.id)) == 1 then return end
  local pairs = spec.f
  pairs[#pairs + 1] = 'i'; pairs[#pairs + 1] = '[' .. table.concat(parts, ',') .. ']'
  pairs[#pairs + 1] = 'ra'; pairs[#pairs + 1] = tostring(NOW + spec.d)
  pairs[#pairs + 1] = 'ea'; pairs[#pairs + 1] = tostring(NOW)
  insert(spec.id, pairs)
end

-- A group member was deleted; forgets the group once it is done and none of its members is left.
local function groupPruned(g)
  local gk = T .. ':g:' .. g
  local st = redis.call('HINCRBY', gk, 'st', -1)
  local h = redis.call('HMGET', gk, 'rem', 'f')
  if st <= 0 and (h[2] == '1' or h[1] == '0') then
    redis.call('DEL', gk, T .. ':gr:' .. g)
  end
end

-- Whether a finished group member must be kept: its group still waits for results.
local function groupHolds(g)
  local h = redis.call('HMGET', T .. ':g:' .. g, 'rem', 'f')
  return h[1] and h[1] ~= '0' and h[2] ~= '1'
end

-- An instant as Java's Instant.toString prints one of whole milliseconds.
local function iso(ms)
  ms = tonumber(ms)
  local secs = math.floor(ms / 1000)
  local milli = ms - secs * 1000
  local days = math.floor(secs / 86400)
  local rem = secs - days * 86400
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524)
    - math.floor(doe / 146096)) / 365)
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  local s = string.format('%04d-%02d-%02dT%02d:%02d:%02d', y, m, d, math.floor(rem / 3600),
    math.floor((rem % 3600) / 60), rem % 60)
  if milli ~= 0 then s = s .. string.format('.%03d', milli) end
  return s .. 'Z'
end
