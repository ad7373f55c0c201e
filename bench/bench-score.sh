#!/usr/bin/env bash
# Batch-scoring benchmark: docs/s, ms/doc and peak RSS of 'textcls score' on a folder, as the
# median (min-max) of several runs.
#
#   bench/bench-score.sh --model models/imdb.zip --docs 10000 [--runs 3] [--threads 2]
#   bench/bench-score.sh --model models/imdb.zip --input <folder> [--runs 3]
#
# --docs N builds data/bench-N: N IMDB reviews (hard links to data/aclImdb/train/unsup, pos and
# neg, repeated in numbered subfolders past 75,000), so any size can be tried.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
model=models/imdb.zip; input=""; docs=""; runs=3; threads=""; extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2;;
    --input) input="$2"; shift 2;;
    --docs) docs="$2"; shift 2;;
    --runs) runs="$2"; shift 2;;
    --threads) threads="$2"; shift 2;;
    *) extra+=("$1"); shift;;
  esac
done
[ -f "$model" ] || { echo "error: model $model not found (train one: scripts/train-imdb.sh)" >&2; exit 1; }

if [ -z "$input" ]; then
  [ -n "$docs" ] || { echo "error: give --input <folder> or --docs N" >&2; exit 1; }
  input="data/bench-$docs"
  if [ ! -d "$input" ]; then
    scripts/get-imdb.sh >/dev/null
    echo "building $input ($docs reviews, hard links)" >&2
    tmp="$(mktemp -d data/.bench.XXXXXX)"
    left=$docs; part=0
    while [ "$left" -gt 0 ]; do
      for src in unsup pos neg; do
        [ "$left" -gt 0 ] || break
        mkdir -p "$tmp/part$part/$src"
        # ln -t takes many files per process; names are unique within each source folder
        # (listing to a file first: under pipefail, head closing the pipe early would fail the sort)
        find "data/aclImdb/train/$src" -name '*.txt' | LC_ALL=C sort > "$tmp/list"
        head -n "$left" "$tmp/list" | xargs -d '\n' ln -t "$tmp/part$part/$src"
        left=$(( docs - $(find "$tmp" -name '*.txt' | wc -l) ))
      done
      part=$(( part + 1 ))
    done
    rm -f "$tmp/list"; mv "$tmp" "$input"
  fi
fi
n=$(find "$input" -name '*.txt' | wc -l)
echo "model $model, input $input ($n documents), $runs runs${threads:+, --threads $threads}"

out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
rates=(); rss=()
for i in $(seq 1 "$runs"); do
  log="$out/run$i.log"
  scripts/textcls score --model "$model" --input "$input" --output "$out/p$i.csv" ${threads:+--threads "$threads"} \
    "${extra[@]}" > "$log" 2>/dev/null || true
  rate=$(grep -o '([0-9.]* docs/s' "$log" | tr -dc '0-9.')
  mb=$(grep -o 'peak RSS: [0-9]*' "$log" | tr -dc '0-9')
  echo "run $i: $rate docs/s, peak RSS $mb MB"
  rates+=("$rate"); rss+=("$mb")
done
printf '%s\n' "${rates[@]}" | sort -g | awk -v runs="$runs" '{a[NR]=$1} END {
  m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2;
  printf "docs/s: median %.1f (min %.1f, max %.1f) over %d runs; ms/doc: median %.2f\n", m, a[1], a[NR], runs, 1000/m }'
printf '%s\n' "${rss[@]}" | sort -g | awk '{a[NR]=$1} END {
  m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "peak RSS: median %d MB (min %d, max %d)\n", m, a[1], a[NR] }'
