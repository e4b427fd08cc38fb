#!/usr/bin/env bash
# Like alternate.sh, but runs each jar as bin/semafor does: with its own JVM ahead-of-time cache
# (JDK 25+), made once from that jar's own `train` command and kept beside it as JAR.aot (made
# again when the jar is newer). Compares two builds' launcher figures under the same load:
#
#   semafor-bench/scripts/alternate-aot.sh 5 /tmp/before/semafor.jar semafor-cli/target/semafor.jar
#
# Prints one line per run (jar, drain jobs/s, enqueue jobs/s, p50 and p99 latency in ms) and the
# load average after each pair. SEMAFOR_BENCH_ARGS replaces the bench's arguments.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
source "$here/bin/lib/jdk.sh"
semafor_find_jdk
java_bin="$SEMAFOR_JAVA"
runs="$1"
shift
args=${SEMAFOR_BENCH_ARGS:---broker memory: --jobs 1000000 --model threads --concurrency 2}
for jar in "$@"; do
  if [[ ! -f "$jar.aot" || "$jar" -nt "$jar.aot" ]]; then
    rm -f "$jar.aot"
    "$java_bin" -XX:+UseParallelGC -XX:AOTCacheOutput="$jar.aot" -Xlog:aot=off -Xlog:cds=off \
      -jar "$jar" train </dev/null >/dev/null 2>&1
  fi
done
for _ in $(seq "$runs"); do
  for jar in "$@"; do
    printf '%s ' "$jar"
    rm -f /tmp/ab.db /tmp/ab.db-*
    # shellcheck disable=SC2086 # a list of arguments on purpose
    "$java_bin" -XX:+UseParallelGC -XX:AOTCache="$jar.aot" -Xlog:aot=off -Xlog:cds=off \
      -jar "$jar" bench $args --json 2>/dev/null |
      sed -E 's/.*"enqueue_per_sec":([0-9]+).*"jobs_per_sec":([0-9]+).*"latency_ms":\{"p50":([0-9.]+),"p90":[0-9.]+,"p99":([0-9.]+).*/\2 \1 \3 \4/'
  done
  printf 'load %s\n' "$(cut -d' ' -f1 /proc/loadavg)"
done
