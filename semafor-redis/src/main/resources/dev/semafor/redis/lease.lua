-- Lease up to max due jobs. ARGV: now, worker, duration ms, max, queues... Returns {now} and the
-- id and fields of each leased job as they were before the lease, in lease order; the i-th gets the
-- token TOKEN_BASE .. i (Java's side of the call makes the base).
local worker, dur, max, base = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local exp = NOW + dur

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
    local h = redis.call('HMGET', jkey(id), 's', 'p')
    if h[1] == '0' then
      redis.call('HSET', jkey(id), 's', '1')
      redis.call('ZADD', T .. ':r:' .. q, -(tonumber(h[2]) or 0), id)
      count(q, '0', '1')
    end
  end
end

unpark()
local out = {NOW}
local taken = 0
local leased = {}
for qi = 6, #ARGV do
  local q = ARGV[qi]
  promote(q)
  local rk = T .. ':r:' .. q
  while taken < max do
    local popped = redis.call('ZPOPMIN', rk, max - taken)
    if #popped == 0 then break end
    for k = 1, #popped, 2 do
      local id, score = popped[k], popped[k + 1]
      local key = jkey(id)
      local f = redis.call('HGETALL', key)
      local h = tomap(f)
      if h.s == '1' then
        local c, r = limitsOf(h)
        local kind = nil
        if c or r then kind = blocked(h) end
        if kind then
          local pkey = T .. ':p' .. kind .. ':' .. (kind == 'c' and h.ck or h.rk)
          redis.call('ZADD', pkey, score, id)
          redis.call('HSET', key, 'pk', pkey)
          redis.call('SADD', T .. ':pk', pkey)
        else
          taken = taken + 1
          local token = base .. taken
          redis.call('HSET', key, 's', '2', 'a', (tonumber(h.a) or 0) + 1, 'sa', NOW,
            'le', exp, 'w', worker, 'tk', token)
          leased[#leased + 1] = exp
          leased[#leased + 1] = id
          count(q, '1', '2')
          if c then redis.call('HINCRBY', T .. ':cc', h.ck, 1) end
          if r then
            local wk = T .. ':rt:' .. h.rk
            redis.call('ZADD', wk, NOW, token)
            redis.call('PEXPIRE', wk, tonumber(h.rd) + 60000)
          end
          out[#out + 1] = id
          out[#out + 1] = f
        end
      end
    end
  end
  if taken >= max then break end
end
for k = 1, #leased, 2000 do
  redis.call('ZADD', T .. ':l', unpack(leased, k, math.min(k + 1999, #leased)))
end
flush()
return out
