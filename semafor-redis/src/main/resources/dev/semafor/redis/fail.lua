-- Record failed attempts. ARGV: now, then per failure: id, token, error type, message, stack,
-- retry-at ms ('' for none), cancelled ('1' or '0'). Returns per failure 1 applied, 0 lost.
local out = {}
for at = 2, #ARGV, 7 do
  local id, tok = ARGV[at], ARGV[at + 1]
  local et, em, es, retryAt, cancelled = ARGV[at + 2], ARGV[at + 3], ARGV[at + 4],
    ARGV[at + 5], ARGV[at + 6]
  local key = jkey(id)
  local h = redis.call('HMGET', key, 'tk', 'q', 'ck', 'cl', 'uk', 'g', 'p', 't', 'st')
  if h[1] ~= tok then
    out[#out + 1] = 0
  else
    endLease(id, tok, h[3] or nil, h[4] or nil)
    if h[9] ~= '1' then leasedWaiting(h[2], -1) end
    if retryAt ~= '' then
      local st = place(id, h[2], h[7] or nil, retryAt)
      redis.call('HSET', key, 's', st, 'ra', retryAt, 'et', et, 'em', em, 'es', es, 'st', '1')
      count(h[2], '2', st, h[8])
    else
      finish(id, h[2], '2', cancelled == '1' and '5' or '4', h[5] or nil, h[6] or nil,
        'et', et, 'em', em, 'es', es, 'st', '1')
    end
    out[#out + 1] = 1
  end
end
flush()
return out
