-- Delete finished jobs of one state that finished at or before a cutoff. ARGV: now, state (or 'b':
-- the batches of succeeded jobs complete.lua records, {N}:fb), cutoff ms, offset, limit (jobs, or
-- batches). Returns {deleted, kept (held by a group; batches holding any), scanned}.
local st, cutoff, offset, limit = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local deleted = 0

-- Deletes one finished job of state s unless its group still waits for it. Returns 'kept' if it
-- stays, 'deleted', or 'gone' (no longer a job of that state).
local function pruneOne(id, s)
  local h = redis.call('HMGET', jkey(id), 'q', 'g', 's')
  if not h[1] or h[3] ~= s then return 'gone' end
  if h[2] and groupHolds(h[2]) then return 'kept' end
  redis.call('DEL', jkey(id))
  count(h[1], s, nil)
  if h[2] then groupPruned(h[2]) end
  deleted = deleted + 1
  return 'deleted'
end

if st == 'b' then
  local fk = T .. ':fb'
  local seqs = redis.call('ZRANGEBYSCORE', fk, '-inf', cutoff, 'LIMIT', offset, limit)
  local kept = 0
  for _, seq in ipairs(seqs) do
    local lk = fk .. ':' .. seq
    local keep = {}
    for _, id in ipairs(redis.call('LRANGE', lk, 0, -1)) do
      if pruneOne(id, '3') == 'kept' then keep[#keep + 1] = id end
    end
    redis.call('DEL', lk)
    if #keep == 0 then
      redis.call('ZREM', fk, seq)
    else
      redis.call('RPUSH', lk, unpack(keep))
      kept = kept + 1
    end
  end
  flush()
  return {deleted, kept, #seqs}
end

local fk = T .. ':f:' .. st
local ids = redis.call('ZRANGEBYSCORE', fk, '-inf', cutoff, 'LIMIT', offset, limit)
local kept = 0
for _, id in ipairs(ids) do
  if pruneOne(id, st) == 'kept' then
    kept = kept + 1
  else
    redis.call('ZREM', fk, id)
  end
end
flush()
return {deleted, kept, #ids}
