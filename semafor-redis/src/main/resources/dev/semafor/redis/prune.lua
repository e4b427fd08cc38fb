-- Delete finished jobs of one state that finished at or before a cutoff. ARGV: now, state,
-- cutoff ms, offset, limit. Returns {deleted, kept (held by a group), scanned}.
local st, cutoff, offset, limit = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local fk = T .. ':f:' .. st
local ids = redis.call('ZRANGEBYSCORE', fk, '-inf', cutoff, 'LIMIT', offset, limit)
local deleted, kept = 0, 0
for _, id in ipairs(ids) do
  local h = redis.call('HMGET', jkey(id), 'q', 'g', 's')
  if not h[1] or h[3] ~= st then
    redis.call('ZREM', fk, id)
  elseif h[2] and groupHolds(h[2]) then
    kept = kept + 1
  else
    redis.call('DEL', jkey(id))
    redis.call('ZREM', fk, id)
    count(h[1], st, nil)
    if h[2] then groupPruned(h[2]) end
    deleted = deleted + 1
  end
end
flush()
return {deleted, kept, #ids}
