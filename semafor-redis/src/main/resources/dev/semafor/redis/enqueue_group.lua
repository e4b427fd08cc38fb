-- Store a group and its members. ARGV: now, group id, size, callback spec (JSON or ''), n, jobs.
-- Returns {''} and each member's state, or {'duplicate', id} / {'group', id} storing nothing.
local g, size, cb = ARGV[2], ARGV[3], ARGV[4]
local gk = T .. ':g:' .. g
if redis.call('EXISTS', gk) == 1 then return {'group', g} end
local jobs = readJobs(6, tonumber(ARGV[5]))
local dup = firstExisting(jobs)
if dup then return {'duplicate', dup} end
redis.call('HSET', gk, 'n', size, 'rem', size, 'st', size)
if cb ~= '' then redis.call('HSET', gk, 'cb', cb) end
local out = {''}
for j = 1, #jobs do out[j + 1] = insert(jobs[j][1], jobs[j][2]) end
flush()
return out
