-- Enqueue a batch, all or nothing. ARGV: now, n, then n jobs (id, k, k field/value items).
-- Returns {''} and per job its stored state, or the unique-key holder kept in its place ({id,
-- fields}); or {'duplicate', id} storing nothing.
local jobs = readJobs(3, tonumber(ARGV[2]))
local dup = firstExisting(jobs)
if dup then return {'duplicate', dup} end
local out = {''}
for j = 1, #jobs do
  local id, pairs = jobs[j][1], jobs[j][2]
  local h = tomap(pairs)
  local kept
  if h.uk then
    local hid, hs = holder(h.uk)
    if hid then
      if h.up == 'R' and hs ~= '2' then
        local o = redis.call('HMGET', jkey(hid), 'q', 'pk', 'g')
        unplace(hid, o[1], o[2] or nil)
        finish(hid, o[1], hs, '5', h.uk, o[3] or nil, 'et', 'dev.semafor.Replaced',
          'em', 'replaced by job ' .. id .. ' (unique key ' .. h.uk .. ')', 'es', '')
      else
        kept = hid
      end
    end
  end
  if kept then
    out[j + 1] = {kept, redis.call('HGETALL', jkey(kept))}
  else
    out[j + 1] = insert(id, pairs, h)
  end
end
flush()
return out
