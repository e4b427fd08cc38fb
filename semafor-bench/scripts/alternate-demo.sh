#!/usr/bin/env bash
# The process demo's speed-up, alternated between builds (this machine is shared and noisy):
#
#   semafor-bench/scripts/alternate-demo.sh 5 /work/base/semafor-c1cd894.jar semafor-cli/target/semafor.jar
#
# Each run of each jar runs `demo --model sequential` and `demo --model processes --concurrency 2`
# on memory: back to back and prints: the jar, both wall times (s) and their ratio. At the end, the
# median of each column per jar, and the load average. SEMAFOR_DEMO_JAVA_OPTS adds JVM options to
# every run (e.g. -Dsemafor.child.aotCache=FILE, which the launcher sets; older builds ignore it).
# Without such an option, each jar's children use the cache beside it (semafor-child.aot, where
# bin/semafor trains it), if there is one: a cache fits only the jar it was trained with, so one
# file for both jars would leave one build's children without a cache. Likewise each jar's parent
# JVM starts from JAR.aot beside it when there is one (alternate-aot.sh trains it from the jar's
# own path: give the jars as absolute paths, since a cache fits only the path it was trained
# from). SEMAFOR_DEMO_BROKER picks the broker (default memory:; "default" for the demo's own
# SQLite file, made in a fresh folder for each run).
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
source "$here/bin/lib/jdk.sh"
semafor_find_jdk
java_bin="$SEMAFOR_JAVA"
runs="$1"
shift
out=$(mktemp)
wall() {
  local cache=()
  if [[ "${SEMAFOR_DEMO_JAVA_OPTS:-}" != *semafor.child.aotCache* && -f "$(dirname "$1")/semafor-child.aot" ]]; then
    cache=("-Dsemafor.child.aotCache=$(dirname "$1")/semafor-child.aot")
  fi
  if [[ -f "$1.aot" ]]; then
    cache+=("-XX:AOTCache=$1.aot" -Xlog:aot=off -Xlog:cds=off)
  fi
  local broker=(--broker "${SEMAFOR_DEMO_BROKER:-memory:}")
  [[ "${SEMAFOR_DEMO_BROKER:-}" == default ]] && broker=()
  local dir
  dir=$(mktemp -d)
  # shellcheck disable=SC2086 # a list of options on purpose
  (cd "$dir" && "$java_bin" -XX:+UseParallelGC "${cache[@]}" ${SEMAFOR_DEMO_JAVA_OPTS:-} \
    -jar "$(readlink -f "$1")" demo "${broker[@]}" --json "${@:2}" 2>/dev/null) |
    sed -E 's/.*"wall_seconds":([0-9.]+).*/\1/'
  rm -rf "$dir"
}
for _ in $(seq "$runs"); do
  for jar in "$@"; do
    seq=$(wall "$jar" --model sequential)
    proc=$(wall "$jar" --model processes --concurrency 2)
    echo "$jar $seq $proc $(awk -v s="$seq" -v p="$proc" 'BEGIN { printf "%.3f", s / p }')" | tee -a "$out"
  done
done
echo "medians (sequential s, processes s, ratio):"
for jar in "$@"; do
  printf '%s ' "$jar"
  for col in 2 3 4; do
    awk -v j="$jar" -v c="$col" '$1 == j { print $c }' "$out" | sort -n |
      awk '{ a[NR] = $1 } END { printf "%s ", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
  done
  echo
done
uptime
rm -f "$out"
