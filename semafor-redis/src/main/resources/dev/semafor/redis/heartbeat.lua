-- Extend live leases. ARGV: now, extension ms, then (id, token) pairs. Returns per lease
-- 0 lost, 1 active, 2 cancel requested.
local ext = tonumber(ARGV[2])
local out = {}
for k = 3, #ARGV, 2 do
  local id, tok = ARGV[k], ARGV[k + 1]
  local cur = redis.call('HMGET', jkey(id), 'tk', 'cr')
  if cur[1] ~= tok then
    out[#out + 1] = 0
  else
    local exp = NOW + ext
    -- the batch's entry in {N}:l keeps its earlier score: a bound reap.lua moves forward
    redis.call('HSET', jkey(id), 'le', exp)
    out[#out + 1] = cur[2] == '1' and 2 or 1
  end
end
return out
