#!/usr/bin/env bash
# End-to-end scoring (read, tokenize, predict) of one bundle with each scoring engine, side by side:
# the runs of the engines alternate, so a machine that slows down slows all of them alike.
#
#   bench/bench-engines.sh --model models/exp-kernel/imdb-lstm64.zip --docs 10000 [--runs 3] [--engines "fused kernel"]
#
# Engines (textcls.inference): kernel (textcls's kernels in Java, the default where the network is
# an LSTM or GRU), fused (ND4J's fused lstmLayer op, one-layer LSTMs), dl4j (DL4J's layers).
# Prints each engine's median docs/s and peak RSS, and each engine's ratio to the first.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
model=""; docs=10000; runs=3; engines="fused kernel"
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2;;
    --docs) docs="$2"; shift 2;;
    --runs) runs="$2"; shift 2;;
    --engines) engines="$2"; shift 2;;
    *) echo "unknown option $1 (known: --model, --docs, --runs, --engines)" >&2; exit 2;;
  esac
done
[ -f "$model" ] || { echo "error: give --model <bundle> (got '$model')" >&2; exit 1; }
# one run first to build data/bench-N and the jar
bench/bench-score.sh --model "$model" --docs "$docs" --runs 1 > /dev/null
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
for i in $(seq 1 "$runs"); do
  for e in $engines; do
    TEXTCLS_JAVA_OPTS="-Xmx6g -Dtextcls.inference=$e" bench/bench-score.sh --model "$model" --docs "$docs" --runs 1 \
      | grep '^run 1' | sed "s/^run 1/$e run $i/" | tee -a "$out/$e.txt"
  done
done
first=""
for e in $engines; do
  med=$(grep -o ': [0-9.]* docs/s' "$out/$e.txt" | tr -dc '0-9.\n' | sort -g | awk '{a[NR]=$1} END {
    print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2 }')
  rss=$(grep -o 'RSS [0-9]*' "$out/$e.txt" | tr -dc '0-9\n' | sort -g | awk '{a[NR]=$1} END {
    print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2 }')
  [ -n "$first" ] || first=$med
  awk -v e="$e" -v m="$med" -v r="$rss" -v f="$first" 'BEGIN { printf "%-8s median %8.1f docs/s, peak RSS %5d MB, %.2fx the first\n", e, m, r, m / f }'
done
