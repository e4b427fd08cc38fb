-- Return up to ARGV[2] jobs whose lease expired: queued again, dead without attempts left,
-- cancelled if cancellation was asked. ARGV: now, limit. Returns how many.
local expired = redis.call('ZRANGEBYSCORE', T .. ':l', '-inf', NOW, 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(expired) do
  local key = jkey(id)
  local h = redis.call('HMGET', key, 'q', 'ck', 'cl', 'uk', 'g', 'p', 'le', 'w', 'cr', 'a', 'm',
    't', 'st')
  endLease(id, h[2] or nil, h[3] or nil)
  if h[13] ~= '1' then leasedWaiting(h[1], -1) end
  local em = 'lease expired at ' .. iso(h[7]) .. ' (worker ' .. tostring(h[8] or 'null') .. ' gone?)'
  redis.call('HSET', key, 'et', 'dev.semafor.LeaseExpired', 'em', em, 'es', '')
  if h[9] == '1' then
    finish(id, h[1], '2', '5', h[4] or nil, h[5] or nil)
  elseif (tonumber(h[10]) or 0) < (tonumber(h[11]) or 3) then
    local st = place(id, h[1], h[6] or nil, NOW)
    redis.call('HSET', key, 's', st, 'ra', NOW)
    if h[13] then redis.call('HDEL', key, 'st') end
    count(h[1], '2', st, h[12])
  else
    finish(id, h[1], '2', '4', h[4] or nil, h[5] or nil)
  end
end
flush()
return #expired
