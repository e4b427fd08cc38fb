-- Claim one tick of a schedule. ARGV: now, name, tick ms, schedule (JSON), then optionally one
-- job (id, k, k items). Returns {1} if claimed, {0} if the tick was taken, {'duplicate', id}.
local name, tick = ARGV[2], tonumber(ARGV[3])
local last = redis.call('HGET', T .. ':sl', name)
if last and tonumber(last) >= tick then return {0} end
local jobs = {}
if #ARGV > 4 then jobs = readJobs(5, 1) end
local dup = firstExisting(jobs)
if dup then return {'duplicate', dup} end
redis.call('HSET', T .. ':sl', name, ARGV[3])
redis.call('HSET', T .. ':sd', name, ARGV[4])
if #jobs == 1 then insert(jobs[1][1], jobs[1][2]) end
flush()
return {1}
