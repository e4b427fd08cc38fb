#!/usr/bin/env bash
# Runs the 1M-job memory-broker bench N times with each given semafor.jar in turn, so that two
# builds are compared under the same machine load (this machine is shared and noisy):
#
#   git worktree add /tmp/before <commit> && (cd /tmp/before && mvn -q -pl semafor-cli -am package -DskipTests)
#   semafor-bench/scripts/alternate.sh 5 /tmp/before/semafor-cli/target/semafor.jar semafor-cli/target/semafor.jar
#
# Prints one line per run: the jar, drain jobs/s, enqueue jobs/s, p50 and p99 latency (ms).
# SEMAFOR_BENCH_ARGS replaces the bench's arguments, e.g. for the SQLite drain (its file is
# deleted before each run): SEMAFOR_BENCH_ARGS='--broker sqlite:/tmp/ab.db --jobs 200000
# --model virtual --concurrency 64'.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
source "$here/bin/lib/jdk.sh"
semafor_find_jdk
java_bin="$SEMAFOR_JAVA"
runs="$1"
shift
args=${SEMAFOR_BENCH_ARGS:---broker memory: --jobs 1000000 --model threads --concurrency 2}
for _ in $(seq "$runs"); do
  for jar in "$@"; do
    printf '%s ' "$jar"
    rm -f /tmp/ab.db /tmp/ab.db-*
    # shellcheck disable=SC2086 # a list of arguments on purpose
    "$java_bin" -XX:+UseParallelGC -jar "$jar" bench $args --json 2>/dev/null |
      sed -E 's/.*"enqueue_per_sec":([0-9]+).*"jobs_per_sec":([0-9]+).*"latency_ms":\{"p50":([0-9.]+),"p90":[0-9.]+,"p99":([0-9.]+).*/\2 \1 \3 \4/'
  done
done
