#!/usr/bin/env bash
# Speed benchmark: textcls (DL4J) against PyTorch on the same network and the same sequences.
#
#   scripts/bench.sh [--docs 2048] [--runs 3]
#
# Prints, as median (min-max) of --runs after a warm-up: training docs/s and tokens/s and
# network scoring docs/s on IMDB reviews (length-bucketed) and on synthetic fixed-length
# sequences; then end-to-end scoring (read, tokenize, predict) with scripts/bench-score.sh when
# models/imdb.zip exists. If Debian's python3-torch is installed (apt-get install python3-torch
# libopenblas0-pthread), PyTorch runs the same network on the exported sequences with 1 and 2
# threads and the ratios are printed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
docs=2048; runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) docs="$2"; shift 2;;
    --runs) runs="$2"; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
scripts/get-imdb.sh >/dev/null
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "== textcls (DL4J 1.0.0-M2.1, OMP_NUM_THREADS=${OMP_NUM_THREADS:-1})"
TEXTCLS_JAVA_OPTS="-Xmx4g -Dtextcls.progress=false" scripts/textcls bench --docs "$docs" --runs "$runs" \
  --export "$tmp" | tee "$tmp/dl4j.txt"

py=/usr/bin/python3
if [ -x "$py" ] && "$py" -c 'import torch' 2>/dev/null; then
  for threads in 1 2; do
    echo "== PyTorch, $threads thread(s), same sequences"
    OMP_NUM_THREADS=$threads "$py" scripts/bench_torch.py --dir "$tmp" --runs "$runs" --threads "$threads" \
      | tee "$tmp/torch$threads.txt"
  done
  echo "== ratios: textcls / PyTorch (above 1: textcls faster); scoring uses the fused op"
  for threads in 1 2; do
    awk -v t="$threads" '
      FNR == NR { if ($0 ~ / docs\/s /) { key = substr($0, 1, 30); sub(/ +$/, "", key); dl[key] = $(NF-4) } next }
      / docs\/s / { key = substr($0, 1, 30); sub(/ +$/, "", key); torch[key] = $(NF-4) }
      END {
        split("train imdb (bucketed)|train synthetic|score imdb|score synthetic", k, "|")
        for (i = 1; i <= 4; i++) {
          d = (k[i] ~ /^score/) ? dl[k[i] ", fused op"] : dl[k[i]]
          if (torch[k[i]] > 0) printf "%-24s vs PyTorch %d thread(s): %.2fx\n", k[i], t, d / torch[k[i]]
        }
      }' "$tmp/dl4j.txt" "$tmp/torch$threads.txt"
  done
else
  echo "== PyTorch not installed for $py (apt-get install python3-torch libopenblas0-pthread): no comparison"
fi

if [ -f models/imdb.zip ]; then
  echo "== end-to-end scoring (read, tokenize, predict) of 10,000 reviews"
  scripts/bench-score.sh --model models/imdb.zip --docs 10000 --runs "$runs"
else
  echo "== models/imdb.zip missing: end-to-end scoring skipped (scripts/train-imdb.sh makes it)"
fi
