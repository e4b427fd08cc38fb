-- Store a running job's progress. ARGV: now, id, token, fraction, has message ('1'/'0'), message.
local key = jkey(ARGV[2])
if redis.call('HGET', key, 'tk') ~= ARGV[3] then return 0 end
redis.call('HSET', key, 'pg', ARGV[4])
if ARGV[5] == '1' then redis.call('HSET', key, 'pm', ARGV[6]) else redis.call('HDEL', key, 'pm') end
return 1
