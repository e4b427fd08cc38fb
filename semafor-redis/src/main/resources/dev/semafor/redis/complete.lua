-- Record successes. ARGV: now, then per completion: id, token, result ('' for none), n, and n
-- jobs to enqueue with it (a chain's next step). Returns per completion 1 applied, 0 lost.
-- The hot path: two calls per job (read, write), the index updates batched at the end.
local out = {}
local ended, done = {}, {}
local at = 2
while at <= #ARGV do
  local id, tok, res, n = ARGV[at], ARGV[at + 1], ARGV[at + 2], tonumber(ARGV[at + 3])
  local nexts
  nexts, at = readJobs(at + 4, n)
  local key = jkey(id)
  local h = redis.call('HMGET', key, 'tk', 'q', 'ck', 'cl', 'uk', 'g', 'gi', 'cr', 'st')
  if h[1] ~= tok then
    out[#out + 1] = 0
  else
    -- the lease ends (token and expiry emptied), the job succeeds, its attempt counts as started
    if res ~= '' then
      redis.call('HSET', key, 's', '3', 'fa', NOWS, 'tk', '', 'le', '', 'st', '1', 'r', res)
    else
      redis.call('HSET', key, 's', '3', 'fa', NOWS, 'tk', '', 'le', '', 'st', '1')
    end
    if h[9] ~= '1' then leasedWaiting(h[2], -1) end
    ended[#ended + 1] = id
    done[#done + 1] = NOWS
    done[#done + 1] = id
    count(h[2], '2', '3')
    if h[3] and tonumber(h[4] or '0') > 0 then
      if redis.call('HINCRBY', T .. ':cc', h[3], -1) <= 0 then redis.call('HDEL', T .. ':cc', h[3]) end
    end
    if h[8] then redis.call('SREM', T .. ':crq', id) end
    if h[5] and redis.call('HGET', T .. ':u', h[5]) == id then redis.call('HDEL', T .. ':u', h[5]) end
    for j = 1, #nexts do
      if redis.call('EXISTS', jkey(nexts[j][1])) == 0 then insert(nexts[j][1], nexts[j][2]) end
    end
    if h[6] then groupSucceeded(h[6], h[7], res ~= '' and res or 'null') end
    out[#out + 1] = 1
  end
end
for k = 1, #ended, 4000 do
  redis.call('ZREM', T .. ':l', unpack(ended, k, math.min(k + 3999, #ended)))
end
for k = 1, #done, 4000 do
  redis.call('ZADD', T .. ':f:3', unpack(done, k, math.min(k + 3999, #done)))
end
flush()
return out
