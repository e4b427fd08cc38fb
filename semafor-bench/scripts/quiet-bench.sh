#!/usr/bin/env bash
# Quiet-machine figures for docs/benchmarks.md: every broker's drain and enqueue->start latency and
# the process-pool demo, each command 3 times in turn (alternated), one JSON line per run in $OUT,
# then medians. Needs PostgreSQL and Redis at their usual addresses (it uses schema/prefix qbench).
# Two builds side by side: alternate.sh beside this script.
set -uo pipefail
S=${SEMAFOR:-$(cd "$(dirname "$0")/../.." && pwd)/bin/semafor}
OUT=${OUT:-/tmp/quiet-bench.jsonl}
: > "$OUT"
cd "$(mktemp -d)"
PG='postgres://postgres@127.0.0.1:5432/test?schema=qbench'
RD='redis://127.0.0.1:6379/0?prefix=qbench'
run() { # label, args...
  local label=$1; shift
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  local j; j=$("$S" "$@" --json 2>/dev/null | tail -1)
  echo "{\"label\":\"$label\",\"load\":$load,\"r\":${j:-null}}" >> "$OUT"
  echo "$label load=$load $j" | cut -c1-300
}
for i in 1 2 3; do
  rm -f bench.db*
  run memory bench --broker memory: --jobs 1000000 --model threads --concurrency 2
  run sqlite bench --broker sqlite:bench.db --jobs 200000 --model virtual --concurrency 64
  psql -q -h 127.0.0.1 -U postgres test -c 'drop schema if exists qbench cascade' >/dev/null 2>&1
  run postgres bench --broker "$PG" --jobs 200000 --model virtual --concurrency 64
  redis-cli --scan --pattern 'qbench*' | xargs -r -n 1000 redis-cli del >/dev/null
  run redis bench --broker "$RD" --jobs 500000 --model virtual --concurrency 64
  run lat-memory bench --broker memory: --latency --jobs 200
  rm -rf lat.db*
  run lat-sqlite bench --broker sqlite:lat.db --latency --jobs 200
  run lat-postgres bench --broker "$PG" --latency --jobs 200
  run lat-redis bench --broker "$RD" --latency --jobs 200
  run procs demo --model processes --concurrency 2 --broker memory:
  run seq demo --model sequential --broker memory:
done
python3 - "$OUT" <<'PY'
import json,sys,statistics as st
rows=[json.loads(l) for l in open(sys.argv[1])]
by={}
for r in rows: by.setdefault(r['label'],[]).append(r)
for k,v in by.items():
    loads=[x['load'] for x in v]
    rs=[x['r'] for x in v if x['r']]
    def med(f):
        vals=[f(r) for r in rs if f(r) is not None]
        return (st.median(vals), vals) if vals else None
    if k.startswith('lat'):
        print(k,'p50',med(lambda r:r.get('p50_ms')),'p99',med(lambda r:r.get('p99_ms')),'load',loads)
    elif k in('procs','seq'):
        print(k,'wall',med(lambda r:r['totals']['wall_seconds']),'load',loads)
    else:
        print(k,'drain',med(lambda r:r.get('jobs_per_sec')),'enq',med(lambda r:r.get('enqueue_per_sec')),'load',loads)
PY
