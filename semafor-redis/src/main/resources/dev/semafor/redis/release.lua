-- Hand leased, unstarted jobs back. ARGV: now, then (id, token) pairs; stale ones are ignored.
for k = 2, #ARGV, 2 do
  local id, tok = ARGV[k], ARGV[k + 1]
  local key = jkey(id)
  local h = redis.call('HMGET', key, 'tk', 'q', 'ck', 'cl', 'uk', 'g', 'p', 'ra', 'a', 'cr', 'rk',
    'ea', 't', 'st')
  if h[1] == tok then
    endLease(id, tok, h[3] or nil, h[4] or nil)
    if h[14] ~= '1' then leasedWaiting(h[2], -1) end
    if h[11] then redis.call('ZREM', T .. ':rt:' .. h[11], tok) end
    if h[10] == '1' then
      redis.call('HDEL', key, 'cr')
      finish(id, h[2], '2', '5', h[5] or nil, h[6] or nil)
    else
      local st = place(id, h[2], h[7] or nil, h[8] or h[12])
      redis.call('HSET', key, 's', st, 'a', math.max(0, (tonumber(h[9]) or 0) - 1))
      redis.call('HDEL', key, 'sa', 'w', 'st')
      count(h[2], '2', st, h[13])
    end
  end
end
flush()
return 0
