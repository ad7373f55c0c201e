#!/usr/bin/env bash
# Cold start of one prediction: `echo "A wonderful film." | textcls score --model M --input - --output -`
# in a new JVM, wall time to exit, for several builds and bundles side by side (runs interleaved,
# so a busy moment hits all alike); prints each one's median, minimum and maximum.
#   bench/bench-cold-start.sh [--runs N] LABEL=CHECKOUT:BUNDLE ...
# CHECKOUT is a built checkout (its own scripts/textcls runs its target/textcls.jar; empty: this
# one), so an older build is timed with its own launcher. A launcher that keeps a class-data
# archive is timed as a user's later runs are: one warm-up run each makes it first.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=11
if [ "${1:-}" = "--runs" ]; then runs="$2"; shift 2; fi
[ $# -gt 0 ] || { echo "usage: $0 [--runs N] LABEL=JAR:BUNDLE ..." >&2; exit 2; }
declare -A times
one() { # checkout bundle -> seconds
  local launcher="${1:-$here}/scripts/textcls" bundle="$2" start end
  start=$(date +%s.%N)
  echo "A wonderful film." | "$launcher" score --model "$bundle" --input - --output - >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
for spec in "$@"; do # warm-up: page cache, class-data archive
  label="${spec%%=*}"; rest="${spec#*=}"; one "${rest%%:*}" "${rest#*:}" >/dev/null
done
for ((r = 0; r < runs; r++)); do
  for spec in "$@"; do
    label="${spec%%=*}"; rest="${spec#*=}"
    times[$label]+="$(one "${rest%%:*}" "${rest#*:}") "
  done
done
for spec in "$@"; do
  label="${spec%%=*}"
  echo "${times[$label]}" | tr ' ' '\n' | grep -v '^$' | sort -n | awk -v l="$label" -v n="$runs" \
    '{v[NR]=$1} END {printf "%-28s median %.2f s  (min %.2f, max %.2f, %d runs)\n", l, v[int((NR+1)/2)], v[1], v[NR], n}'
done
