#!/usr/bin/env bash
# End-to-end `score` (read, tokenize, predict) of one bundle on one folder by several builds side by
# side: their runs alternate, so a machine that slows down slows all of them alike. Prints each
# build's median docs/s and peak RSS, its ratio to the first, and how its rows compare with the
# first's (labels that differ, the largest probability difference).
#
#   bench/bench-score-builds.sh --model models/imdb.zip --input <folder> [--runs 3] LABEL=CHECKOUT ...
#
# CHECKOUT is a built checkout (its own scripts/textcls runs its target/textcls.jar); empty: this one.
# For 25,000 IMDB reviews: mkdir -p /tmp/imdb25k && cp -al data/aclImdb/train/{pos,neg} /tmp/imdb25k/
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model=""; input=""; runs=3; builds=()
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2;;
    --input) input="$2"; shift 2;;
    --runs) runs="$2"; shift 2;;
    *=*) builds+=("$1"); shift;;
    *) echo "unknown argument $1 (known: --model, --input, --runs, LABEL=CHECKOUT)" >&2; exit 2;;
  esac
done
[ -f "$model" ] && [ -d "$input" ] && [ ${#builds[@]} -gt 0 ] \
  || { echo "usage: $0 --model <bundle> --input <folder> [--runs N] LABEL=CHECKOUT ..." >&2; exit 2; }
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
for i in $(seq 0 "$runs"); do # run 0: a warm-up (page cache, class-data archive), not counted
  for b in "${builds[@]}"; do
    label="${b%%=*}"; dir="${b#*=}"; dir="${dir:-$here}"
    "$dir/scripts/textcls" score --model "$model" --input "$input" --output "$out/$label-$i.csv" >"$out/log" 2>&1 \
      || [ $? -eq 3 ]
    [ "$i" -gt 0 ] || continue
    rate=$(grep -o '([0-9.]* docs/s' "$out/log" | tr -dc '0-9.')
    rss=$(grep -o 'peak RSS: [0-9]*' "$out/log" | tr -dc '0-9')
    echo "$label run $i: $rate docs/s, peak RSS $rss MB" | tee -a "$out/$label.txt"
  done
done
first=""; firstlabel=""
for b in "${builds[@]}"; do
  label="${b%%=*}"
  med=$(grep -o ': [0-9.]* docs/s' "$out/$label.txt" | tr -dc '0-9.\n' | sort -g | awk '{a[NR]=$1} END {
    print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2 }')
  rss=$(grep -o 'RSS [0-9]*' "$out/$label.txt" | tr -dc '0-9\n' | sort -g | awk '{a[NR]=$1} END {
    print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2 }')
  if [ -z "$first" ]; then first=$med; firstlabel=$label; fi
  rows=$(python3 - "$out/$firstlabel-1.csv" "$out/$label-1.csv" <<'PY'
import csv, sys
def load(p):
    with open(p, newline='') as f:
        return {r['id']: r for r in csv.DictReader(f)}
a, b = load(sys.argv[1]), load(sys.argv[2])
cols = [c for c in next(iter(a.values())) if c.startswith('p_')]
labels = sum(a[k]['label'] != b[k]['label'] for k in a)
diff = max(abs(float(a[k][c]) - float(b[k][c])) for k in a for c in cols)
print(f"{len(a)} rows, {labels} labels differ, max probability difference {diff:.2g}")
PY
)
  awk -v l="$label" -v m="$med" -v r="$rss" -v f="$first" -v rows="$rows" 'BEGIN {
    printf "%-16s median %8.1f docs/s, peak RSS %5d MB, %.2fx the first; %s\n", l, m, r, m / f, rows }'
done
