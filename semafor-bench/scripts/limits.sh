#!/usr/bin/env bash
# The floors of docs/benchmarks.md's "limits" section, measured on this machine: what each hot path
# could do with no queue at all, beside Semafor's own figure (run quiet-bench.sh for those).
#
#   semafor-bench/scripts/limits.sh        # needs semafor-bench/target/benchmarks.jar and bin/semafor built
#
# 1. FloorBenchmark (JMH): a two-thread pool's hand-off per job; SQLite's insert + lease + set-based
#    complete on a narrow table.
# 2. The process demo's bound: its 20 jobs' times (from a sequential run) split over 2 children as
#    well as they can be (longest job first), so the best speed-up this job mix allows.
# 3. Start-up: a bare JVM (java -version) and `semafor --version` beside `semafor status`.
set -uo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
source "$here/bin/lib/jdk.sh"
semafor_find_jdk
S="$here/bin/semafor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "== floors (JMH)"
"$SEMAFOR_JAVA" -jar "$here/semafor-bench/target/benchmarks.jar" FloorBenchmark -rf json -rff floors.json \
  >floors.log 2>&1 || { tail -20 floors.log; exit 1; }
python3 - floors.json <<'PY'
import json, sys
for b in json.load(open(sys.argv[1])):
    name = b["benchmark"].rsplit(".", 2)[-2:]
    m = b["primaryMetric"]
    raw = sorted(x for fork in m["rawData"] for x in fork)
    med = raw[len(raw) // 2]
    per_sec = med if m["scoreUnit"] == "ops/s" else 1e9 / med  # ns/op -> ops/s
    print(f"{'.'.join(name)}: median {per_sec:,.0f} jobs/s ({len(raw)} iterations)")
PY

echo "== process demo bound (2 children)"
for i in 1 2 3; do "$S" demo --model sequential --broker memory: --json 2>/dev/null | tail -1; done >seq.jsonl
python3 - seq.jsonl <<'PY'
import json, sys, statistics
bounds = []
for line in open(sys.argv[1]):
    ms = sorted((r["ms"] for r in json.loads(line)["results"]), reverse=True)
    lanes = [0.0, 0.0]
    for t in ms:  # longest first, onto the less loaded lane
        lanes[lanes.index(min(lanes))] += t
    bounds.append(sum(ms) / max(lanes))
print(f"bound: median {statistics.median(bounds):.2f}x over sequential ({', '.join(f'{b:.2f}' for b in bounds)})")
PY

echo "== start-up (median of 7, seconds)"
rm -f s.db*
"$S" enqueue semafor.noop --broker sqlite:s.db >/dev/null
t() { # label, command...
  local label=$1; shift
  for _ in 1 2 3 4 5 6 7; do
    /usr/bin/time -f %e "$@" >/dev/null 2>>"$label.t" || true
  done
  printf '%s: %s\n' "$label" "$(grep -E '^[0-9.]+$' "$label.t" | sort -n | sed -n 4p)"
}
t java-version "$SEMAFOR_JAVA" -version
t semafor-version "$S" --version
t semafor-status "$S" status --broker sqlite:s.db
