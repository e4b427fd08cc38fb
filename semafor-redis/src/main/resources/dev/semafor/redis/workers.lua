-- The worker registry, stamped with the broker's time. ARGV: now, op, id, [in-flight, [info]].
-- 'register' stores info; 'beat' updates a registered worker; 'forget' removes it.
local op, id = ARGV[2], ARGV[3]
if op == 'register' then
  redis.call('HSET', T .. ':wk', id, ARGV[5])
  redis.call('HSET', T .. ':wh', id, NOW .. ',' .. ARGV[4])
elseif op == 'beat' then
  if redis.call('HEXISTS', T .. ':wk', id) == 1 then
    redis.call('HSET', T .. ':wh', id, NOW .. ',' .. ARGV[4])
  end
else
  redis.call('HDEL', T .. ':wk', id)
  redis.call('HDEL', T .. ':wh', id)
end
return 0
