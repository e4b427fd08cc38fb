-- Return the jobs whose lease expired: queued again, dead without attempts left, cancelled if
-- cancellation was asked. Leases are kept per batch (leaseEnded in lib.lua): reads the batches
-- whose entry in {N}:l is due, about ARGV[2] jobs' worth, and reaps each job of theirs that still
-- holds the batch's lease and whose own expiry ('le') has passed; a batch with leases still live
-- (extended by heartbeats) gets the earliest of their expiries as its new score. ARGV: now,
-- limit. Returns {jobs reaped, 1 if due batches may be left}.
local limit = tonumber(ARGV[2])
local due = redis.call('ZRANGEBYSCORE', T .. ':l', '-inf', NOW, 'LIMIT', 0, limit)
local reaped, seen, read = 0, 0, 0

local function reapOne(id, h)
  local key = jkey(id)
  local q = h[3]
  endLease(id, h[1], h[4] or nil, h[5] or nil)
  if h[14] ~= '1' then leasedWaiting(q, -1) end
  local em = 'lease expired at ' .. iso(h[2]) .. ' (worker ' .. tostring(h[9] or 'null') .. ' gone?)'
  redis.call('HSET', key, 'et', 'dev.semafor.LeaseExpired', 'em', em, 'es', '')
  if h[10] == '1' then
    finish(id, q, '2', '5', h[6] or nil, h[7] or nil)
  elseif (tonumber(h[11]) or 0) < (tonumber(h[12]) or 3) then
    local st = place(id, q, h[8] or nil, NOW)
    redis.call('HSET', key, 's', st, 'ra', NOW)
    if h[14] then redis.call('HDEL', key, 'st') end
    count(q, '2', st, h[13])
  else
    finish(id, q, '2', '4', h[6] or nil, h[7] or nil)
  end
end

for _, base in ipairs(due) do
  if seen >= limit then break end
  read = read + 1
  local ids = redis.call('LRANGE', T .. ':lb:' .. base, 0, -1)
  seen = seen + #ids
  local earliest = nil
  if #ids == 0 then
    -- No batch of that name: an entry written before leases were kept per batch, whose member is
    -- a job id (a store upgraded while jobs ran). Reaped on its own expiry, or kept until then.
    local h = redis.call('HMGET', jkey(base), 'tk', 'le', 'q', 'ck', 'cl', 'uk', 'g', 'p', 'w',
      'cr', 'a', 'm', 't', 'st')
    local le = tonumber(h[2])
    if h[1] and le and le > NOW then
      earliest = le
    elseif h[1] then
      reapOne(base, h)
      reaped = reaped + 1
    end
  end
  for i, id in ipairs(ids) do
    local h = redis.call('HMGET', jkey(id), 'tk', 'le', 'q', 'ck', 'cl', 'uk', 'g', 'p', 'w', 'cr',
      'a', 'm', 't', 'st')
    if h[1] == base .. i or h[1] == base .. '+' .. i then
      local le = tonumber(h[2]) or 0
      if le > NOW then
        if not earliest or le < earliest then earliest = le end
      else
        reapOne(id, h)
        reaped = reaped + 1
      end
    end
  end
  if earliest then
    redis.call('ZADD', T .. ':l', earliest, base)
  else
    forgetBatch(base)
  end
end
flush()
return {reaped, (read < #due or #due == limit) and 1 or 0}
