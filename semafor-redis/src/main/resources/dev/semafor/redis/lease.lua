-- Lease up to max due jobs. ARGV: now, worker, duration ms, max, token base, n, n task names (none:
-- any task), queues... Returns {now} and the id and fields of each leased job as they were before
-- the lease (packed, below), in lease order; the i-th gets the token TOKEN_BASE .. i (Java's side
-- makes the base).
local worker, dur, max, base = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local exp = tostring(NOW + dur) -- the leases' expiry, as text (see NOWS)
local nt = tonumber(ARGV[6])
local admitted = nil -- the tasks the worker runs, as a set; nil: any
if nt > 0 then
  admitted = {}
  for k = 7, 6 + nt do admitted[ARGV[k]] = true end
end
-- How many ready jobs a filtered lease reads at a time while it looks past other tasks' jobs.
local SCAN = 256

local function limitsOf(h)
  local c = h.ck and tonumber(h.cl or '0') > 0
  local r = h.rk and tonumber(h.rp or '0') > 0 and h.rd
  return c, r
end

-- The starts of a rate key within its period, aged out first.
local function window(rk, rd)
  local wk = T .. ':rt:' .. rk
  redis.call('ZREMRANGEBYSCORE', wk, '-inf', NOW - tonumber(rd))
  return redis.call('ZCARD', wk)
end

local function running(ck)
  return tonumber(redis.call('HGET', T .. ':cc', ck) or '0')
end

-- Which limit holds h back now ('c' concurrency, 'r' rate), or nil.
local function blocked(h)
  local c, r = limitsOf(h)
  if c and tonumber(h.cl) - running(h.ck) <= 0 then return 'c' end
  if r and tonumber(h.rp) - window(h.rk, h.rd) <= 0 then return 'r' end
  return nil
end

-- How many more jobs like h may start under the limit of a park key of this kind.
local function room(h, kind)
  if kind == 'c' then return tonumber(h.cl) - running(h.ck) end
  return tonumber(h.rp) - window(h.rk, h.rd)
end

-- Hands parked jobs back to their queues, as many per key as the key has room for.
local function unpark()
  local keys = redis.call('SMEMBERS', T .. ':pk')
  for _, pkey in ipairs(keys) do
    local free = nil
    while true do
      local head = redis.call('ZRANGE', pkey, 0, 0, 'WITHSCORES')
      if #head == 0 then redis.call('SREM', T .. ':pk', pkey); break end
      local id, score = head[1], head[2]
      local h = tomap(redis.call('HGETALL', jkey(id)))
      if h.s ~= '1' or h.pk ~= pkey then
        redis.call('ZREM', pkey, id)
      else
        if free == nil then free = room(h, string.sub(pkey, #T + 3, #T + 3)) end
        if free <= 0 then break end
        redis.call('ZREM', pkey, id)
        redis.call('HDEL', jkey(id), 'pk')
        redis.call('ZADD', T .. ':r:' .. h.q, score, id)
        parked(h.q, h.t, -1)
        free = free - 1
      end
    end
  end
end

-- Moves the scheduled jobs of q that have come due to its ready set.
local function promote(q)
  local sk = T .. ':s:' .. q
  local due = redis.call('ZRANGEBYSCORE', sk, '-inf', NOW, 'LIMIT', 0, 1000)
  for _, id in ipairs(due) do
    redis.call('ZREM', sk, id)
    local h = redis.call('HMGET', jkey(id), 's', 'p', 't')
    if h[1] == '0' then
      redis.call('HSET', jkey(id), 's', '1')
      redis.call('ZADD', T .. ':r:' .. q, -(tonumber(h[2]) or 0), id)
      count(q, '0', '1', h[3])
    end
  end
end

-- A per-task counter hash of q ('qt' or 'qp') as numbers, with what this script changed in it.
local function perTask(name, q, deltas)
  local counts = tomap(redis.call('HGETALL', T .. ':' .. name .. ':' .. q))
  for t, n in pairs(counts) do counts[t] = tonumber(n) end
  for t, d in pairs(deltas[q] or {}) do counts[t] = (counts[t] or 0) + d end
  return counts
end

-- Whether the request takes every task that has jobs waiting in q; if not, how many of the jobs in
-- q's ready set it admits (its tasks' waiting jobs less those parked behind a limit).
local function coverage(q)
  local queued = perTask('qt', q, QT)
  for t, n in pairs(queued) do
    if n > 0 and not admitted[t] then
      local parkedByTask = perTask('qp', q, QP)
      local mine = 0
      for tm, nm in pairs(queued) do
        if nm > 0 and admitted[tm] then mine = mine + nm - (parkedByTask[tm] or 0) end
      end
      return false, mine
    end
  end
  return true, 0
end

local out = {NOW}

-- A job's fields (HGETALL's list) as one string, names and values joined by NUL: the reply then
-- carries one string per job instead of one per name and value, each of which costs the server and
-- the client. A job with a NUL in a value (an error message may hold one) goes as the list itself.
local function packed(f)
  for k = 2, #f, 2 do
    if string.find(f[k], '\0', 1, true) then return f end
  end
  return table.concat(f, '\0')
end
local taken = 0
local leased = {}

-- What take() needs of a job's fields (f, HGETALL's list), read without a map per job: its
-- state, task, attempts, started flag and priority; whether it has a limit (lim) and whether its
-- completion must read more than the plain fields (more: a concurrency key, unique key or group).
local function fieldsOf(f)
  local s, t, a, st, p, lim, more
  for k = 1, #f, 2 do
    local n = f[k]
    if n == 's' then s = f[k + 1]
    elseif n == 't' then t = f[k + 1]
    elseif n == 'a' then a = f[k + 1]
    elseif n == 'st' then st = f[k + 1]
    elseif n == 'p' then p = f[k + 1]
    elseif n == 'ck' then lim = true; more = true
    elseif n == 'rk' then lim = true
    elseif n == 'uk' or n == 'g' then more = true
    end
  end
  return s, t, a, st, p, lim, more
end

-- Leases a waiting job of q (f its fields as read; t, a, st, lim and more from fieldsOf), or parks
-- it behind the limit that holds it back. The caller has taken it out of the ready set, where its
-- score was -priority.
local function take(q, id, f, t, a, st, p, lim, more)
  local key = jkey(id)
  local c, r, h = false, false, nil
  if lim then
    h = tomap(f)
    c, r = limitsOf(h)
    local kind = nil
    if c or r then kind = blocked(h) end
    if kind then
      local pkey = T .. ':p' .. kind .. ':' .. (kind == 'c' and h.ck or h.rk)
      redis.call('ZADD', pkey, -(tonumber(p) or 0), id)
      redis.call('HSET', key, 'pk', pkey)
      redis.call('SADD', T .. ':pk', pkey)
      parked(q, t, 1)
      return
    end
  end
  taken = taken + 1
  -- '+' marks the token of a job that complete.lua must read more of (JobCodec.token says the same)
  local token = more and (base .. '+' .. taken) or (base .. taken)
  redis.call('HSET', key, 's', '2', 'a', a and tostring(tonumber(a) + 1) or '1', 'sa', NOWS,
    'le', exp, 'w', worker, 'tk', token)
  if st then redis.call('HDEL', key, 'st') end -- started by an earlier attempt
  leased[taken] = id
  count(q, '1', '2', t)
  leasedWaiting(q, 1)
  if c then redis.call('HINCRBY', T .. ':cc', h.ck, 1) end
  if r then
    local wk = T .. ':rt:' .. h.rk
    redis.call('ZADD', wk, NOWS, token)
    redis.call('PEXPIRE', wk, tonumber(h.rd) + 60000)
  end
  out[#out + 1] = id
  out[#out + 1] = packed(f)
end

-- The common case: the request takes every task waiting in q. Takes from the head of the ready set
-- (ZRANGE, then ZREMRANGEBYRANK: cheaper than ZPOPMIN, which formats every score). A job of a task
-- not admitted (only if the counters are behind) goes back in its place.
local function popFrom(q, rk)
  local aside = {}
  while taken < max do
    local ids = redis.call('ZRANGE', rk, 0, max - taken - 1)
    if #ids == 0 then break end
    redis.call('ZREMRANGEBYRANK', rk, 0, #ids - 1)
    for _, id in ipairs(ids) do
      local f = redis.call('HGETALL', jkey(id))
      local s, t, a, st, p, lim, more = fieldsOf(f)
      if s == '1' then
        if admitted and not admitted[t] then
          aside[#aside + 1] = -(tonumber(p) or 0)
          aside[#aside + 1] = id
        else
          take(q, id, f, t, a, st, p, lim, more)
        end
      end
    end
  end
  for k = 1, #aside, 2000 do
    redis.call('ZADD', rk, unpack(aside, k, math.min(k + 1999, #aside)))
  end
end

-- Jobs of other tasks wait in q: reads the ready set in order and takes only admitted jobs, so the
-- others stay where they are. Stops once it has seen as many admitted jobs as the counters hold.
local function scan(q, rk, mine)
  local skip = 0 -- jobs of other tasks left ahead of the part still to read
  while taken < max and mine > 0 do
    local ready = redis.call('ZRANGE', rk, skip, skip + SCAN - 1)
    if #ready == 0 then break end
    local gone = {}
    for _, id in ipairs(ready) do
      if taken >= max or mine <= 0 then break end
      local cur = redis.call('HMGET', jkey(id), 's', 't')
      if cur[1] ~= '1' then
        gone[#gone + 1] = id
      elseif not admitted[cur[2]] then
        skip = skip + 1
      else
        gone[#gone + 1] = id
        mine = mine - 1
        local f = redis.call('HGETALL', jkey(id))
        local _, t, a, st, p, lim, more = fieldsOf(f)
        take(q, id, f, t, a, st, p, lim, more)
      end
    end
    if #gone > 0 then redis.call('ZREM', rk, unpack(gone)) end
  end
end

unpark()
for qi = 7 + nt, #ARGV do
  local q = ARGV[qi]
  promote(q)
  if redis.call('SISMEMBER', T .. ':paused', q) == 0 then -- a paused queue's jobs wait
    local rk = T .. ':r:' .. q
    local all, mine = true, 0
    if admitted then all, mine = coverage(q) end
    if all then popFrom(q, rk) else scan(q, rk, mine) end
  end
  if taken >= max then break end
end
-- One entry per batch in the lease set, not one per job (see leaseEnded in lib.lua)
if taken > 0 then
  redis.call('ZADD', T .. ':l', exp, base)
  for k = 1, taken, 4000 do
    redis.call('RPUSH', T .. ':lb:' .. base, unpack(leased, k, math.min(k + 3999, taken)))
  end
  redis.call('HSET', T .. ':ln', base, taken)
end
flush()
return out
