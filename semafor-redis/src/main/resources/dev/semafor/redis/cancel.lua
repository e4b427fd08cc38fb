-- Cancel a job. ARGV: now, id. Returns what happened (CancelResult's names).
local id = ARGV[2]
local h = redis.call('HMGET', jkey(id), 's', 'q', 'uk', 'g', 'pk')
local s = h[1]
if not s then return 'NOT_FOUND' end
if s == '3' or s == '4' or s == '5' then return 'ALREADY_FINISHED' end
if s == '2' then
  redis.call('HSET', jkey(id), 'cr', '1')
  redis.call('SADD', T .. ':crq', id)
  return 'CANCEL_REQUESTED'
end
unplace(id, h[2], h[5] or nil)
finish(id, h[2], s, '5', h[3] or nil, h[4] or nil)
flush()
return 'CANCELLED'
