-- Delete one finished job. ARGV: now, id. Returns 1 if deleted.
local id = ARGV[2]
local h = redis.call('HMGET', jkey(id), 's', 'q', 'g')
local s = h[1]
if s ~= '3' and s ~= '4' and s ~= '5' then return 0 end
redis.call('DEL', jkey(id))
redis.call('ZREM', T .. ':f:' .. s, id)
count(h[2], s, nil)
if h[3] then groupPruned(h[3]) end
flush()
return 1
