-- Mark leased jobs started. ARGV: now, then (id, token) pairs; stale tokens and jobs already
-- marked are ignored. Each leaves its queue's count of leased-but-waiting jobs.
for k = 2, #ARGV, 2 do
  local id, tok = ARGV[k], ARGV[k + 1]
  local h = redis.call('HMGET', jkey(id), 'tk', 'st', 'q')
  if h[1] == tok and h[2] ~= '1' then
    redis.call('HSET', jkey(id), 'st', '1')
    leasedWaiting(h[3], -1)
  end
end
flush()
return 0
