-- Record successes. ARGV: now, then per completion: id, token, result ('' for none), n, and n
-- jobs to enqueue with it (a chain's next step). Returns per completion 1 applied, 0 lost.
-- The hot path: two calls per job (read, write), the index updates batched at the end. A token
-- lease.lua marked plain (no '+': the job has no concurrency key, unique key or group) needs
-- only four of the job's fields; the succeeded job's lease expiry is left as it was (JobCodec
-- reads it only while RUNNING) and its started flag implied by its state.
local out = {}
local done = {}
local at = 2
while at <= #ARGV do
  local id, tok, res, n = ARGV[at], ARGV[at + 1], ARGV[at + 2], tonumber(ARGV[at + 3])
  local nexts = nil
  if n > 0 then nexts, at = readJobs(at + 4, n) else at = at + 4 end
  local key = jkey(id)
  local h
  if string.find(tok, '+', 1, true) then
    h = redis.call('HMGET', key, 'tk', 'q', 'st', 'cr', 'ck', 'cl', 'uk', 'g', 'gi')
  else
    h = redis.call('HMGET', key, 'tk', 'q', 'st', 'cr')
  end
  if h[1] ~= tok then
    out[#out + 1] = 0
  else
    -- the lease ends (its token emptied), the job succeeds
    if res ~= '' then
      redis.call('HSET', key, 's', '3', 'fa', NOWS, 'tk', '', 'r', res)
    else
      redis.call('HSET', key, 's', '3', 'fa', NOWS, 'tk', '')
    end
    if h[3] ~= '1' then leasedWaiting(h[2], -1) end
    leaseEnded(tok)
    done[#done + 1] = id
    count(h[2], '2', '3')
    if h[4] then redis.call('SREM', T .. ':crq', id) end
    if h[5] and tonumber(h[6] or '0') > 0 then
      if redis.call('HINCRBY', T .. ':cc', h[5], -1) <= 0 then redis.call('HDEL', T .. ':cc', h[5]) end
    end
    if h[7] and redis.call('HGET', T .. ':u', h[7]) == id then redis.call('HDEL', T .. ':u', h[7]) end
    if nexts then
      for j = 1, #nexts do
        if redis.call('EXISTS', jkey(nexts[j][1])) == 0 then insert(nexts[j][1], nexts[j][2]) end
      end
    end
    if h[8] then groupSucceeded(h[8], h[9], res ~= '' and res or 'null') end
    out[#out + 1] = 1
  end
end
-- The call's successes as one batch: a list of their ids, scored by the time in {N}:fb (what
-- prune and the SUCCEEDED query read), not one sorted-set entry per job.
if #done > 0 then
  local seq = redis.call('INCR', T .. ':fbn')
  for k = 1, #done, 4000 do
    redis.call('RPUSH', T .. ':fb:' .. seq, unpack(done, k, math.min(k + 3999, #done)))
  end
  redis.call('ZADD', T .. ':fb', NOWS, seq)
end
flush()
return out
