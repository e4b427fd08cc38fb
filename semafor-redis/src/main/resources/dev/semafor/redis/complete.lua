-- Record successes. ARGV: now, then per completion: id, token, result ('' for none), n, and n
-- jobs to enqueue with it (a chain's next step). Returns per completion 1 applied, 0 lost.
local out = {}
local at = 2
while at <= #ARGV do
  local id, tok, res, n = ARGV[at], ARGV[at + 1], ARGV[at + 2], tonumber(ARGV[at + 3])
  local nexts
  nexts, at = readJobs(at + 4, n)
  local key = jkey(id)
  local h = redis.call('HMGET', key, 'tk', 'q', 'ck', 'cl', 'uk', 'g', 'gi')
  if h[1] ~= tok then
    out[#out + 1] = 0
  else
    endLease(id, h[3] or nil, h[4] or nil)
    if res ~= '' then
      finish(id, h[2], '2', '3', h[5] or nil, h[6] or nil, 'r', res)
    else
      finish(id, h[2], '2', '3', h[5] or nil, h[6] or nil)
    end
    for j = 1, #nexts do
      if redis.call('EXISTS', jkey(nexts[j][1])) == 0 then insert(nexts[j][1], nexts[j][2]) end
    end
    if h[6] then groupSucceeded(h[6], h[7], res ~= '' and res or 'null') end
    out[#out + 1] = 1
  end
end
flush()
return out
