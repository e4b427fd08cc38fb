-- Put a dead or cancelled job back on its queue. ARGV: now, id. Returns {1} if retried, {0} if
-- no such job or another state, {2, holder id, holder state} if another job holds its unique key.
local id = ARGV[2]
local key = jkey(id)
local h = redis.call('HMGET', key, 's', 'q', 'uk', 'p', 't')
local s = h[1]
if s ~= '4' and s ~= '5' then return {0} end
local uk = h[3] or nil
if uk then
  local hid, hs = holder(uk)
  if hid and hid ~= id then return {2, hid, hs, uk} end
end
redis.call('ZREM', T .. ':f:' .. s, id)
redis.call('HDEL', key, 'r', 'sa', 'fa', 'le', 'w', 'pg', 'pm', 'cr', 'tk', 'pk', 'st')
local st = place(id, h[2], h[4] or nil, NOW)
redis.call('HSET', key, 's', st, 'a', 0, 'ra', NOW)
count(h[2], s, st, h[5])
if uk then redis.call('HSET', T .. ':u', uk, id) end
flush()
return {1}
