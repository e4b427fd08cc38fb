-- Append log lines to running jobs. ARGV: now, max lines kept, n, then per job: id, token, its new
-- lines (a JSON array of [epoch millis, text] pairs). Field 'lg' of the job holds its lines in the
-- same form, the last max of them. Returns 1 per job appended, 0 per stale token.
local max, n = tonumber(ARGV[2]), tonumber(ARGV[3])
local out = {}
for k = 0, n - 1 do
  local key, token = jkey(ARGV[4 + 3 * k]), ARGV[5 + 3 * k]
  if token == '' or redis.call('HGET', key, 'tk') ~= token then
    out[#out + 1] = 0
  else
    local stored = redis.call('HGET', key, 'lg')
    local lines = stored and cjson.decode(stored) or {}
    for _, l in ipairs(cjson.decode(ARGV[6 + 3 * k])) do lines[#lines + 1] = l end
    local kept = {}
    for i = math.max(1, #lines - max + 1), #lines do kept[#kept + 1] = lines[i] end
    redis.call('HSET', key, 'lg', cjson.encode(kept))
    out[#out + 1] = 1
  end
end
return out
