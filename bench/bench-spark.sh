#!/usr/bin/env bash
# The Spark job against `score` on the same folder, side by side on this machine: docs/s of
# `scripts/textcls spark-score --master local[N]` and of `scripts/textcls score --threads N`, as
# each prints it (scoring only: from after the model is loaded to the complete output) and end to
# end (the whole command, JVM and Spark start included), median of several runs alternating the
# two, with each run's ratio; and whether the job's rows equal score's.
#
#   bench/bench-spark.sh --model models/imdb.zip --unsup 10000 [--runs 3] [--cores 2]
#   bench/bench-spark.sh --model models/imdb.zip --input <folder> [--runs 3]
#
# --unsup N copies the first N reviews of data/aclImdb/train/unsup (by name) to a temporary folder.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
model=models/imdb.zip; input=""; unsup=""; runs=3; cores=2; imdb="${IMDB_DIR:-data/aclImdb}"
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2;;
    --input) input="$2"; shift 2;;
    --unsup) unsup="$2"; shift 2;;
    --runs) runs="$2"; shift 2;;
    --cores) cores="$2"; shift 2;;
    *) echo "error: unknown option $1" >&2; exit 2;;
  esac
done
[ -f "$model" ] || { echo "error: model $model not found (train one: scripts/train-imdb.sh)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -z "$input" ]; then
  [ -n "$unsup" ] || { echo "error: give --input <folder> or --unsup N" >&2; exit 1; }
  [ -d "$imdb/train/unsup" ] || { echo "error: $imdb/train/unsup not found (scripts/get-imdb.sh, or IMDB_DIR=)" >&2; exit 1; }
  input="$work/in"; mkdir -p "$input"
  # (sorted to a file first: under pipefail, head closing the pipe early would fail the sort)
  find "$imdb/train/unsup" -name '*.txt' | LC_ALL=C sort > "$work/all"
  head -n "$unsup" "$work/all" > "$work/list"
  xargs -a "$work/list" cp -t "$input"
fi
n="$(find -L "$input" -name '*.txt' | wc -l)"
echo "input: $input ($n files); model: $model; $cores cores; $runs runs each" >&2
(cd "$here" && mvn -q -B package -DskipTests -DskipSparkJar) >&2

rate() { sed -n 's/.*(\([0-9.]*\) docs\/s.*/\1/p' "$1" | head -1; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for r in $(seq 1 "$runs"); do
  rm -rf "$work/score.csv" "$work/score.csv.errors.csv" "$work/job.csv" "$work/job.csv.errors.csv"
  t0=$(date +%s.%N)
  TEXTCLS_JAR="$here/target/textcls.jar" scripts/textcls score --model "$model" --input "$input" \
    --output "$work/score.csv" --threads "$cores" > "$work/score.log" 2>/dev/null || [ $? -eq 3 ]
  t1=$(date +%s.%N)
  TEXTCLS_JAR="$here/target/textcls.jar" scripts/textcls spark-score --master "local[$cores]" --model "$model" \
    --input "$input" --output "$work/job.csv" > "$work/job.log" 2>/dev/null || [ $? -eq 3 ]
  t2=$(date +%s.%N)
  s=$(rate "$work/score.log"); j=$(rate "$work/job.log")
  sw=$(echo "$n $t0 $t1" | awk '{printf "%.1f", $1 / ($3 - $2)}'); jw=$(echo "$n $t1 $t2" | awk '{printf "%.1f", $1 / ($3 - $2)}')
  q=$(echo "$j $s" | awk '{printf "%.2f", $1 / $2}')
  echo "run $r: score $s docs/s ($sw end to end), spark-score local[$cores] $j docs/s ($jw end to end): ratio $q"
  echo "$s" >> "$work/s"; echo "$j" >> "$work/j"; echo "$sw" >> "$work/sw"; echo "$jw" >> "$work/jw"; echo "$q" >> "$work/q"
done
tr -d '\r' < "$work/score.csv" > "$work/want.csv"
{ head -1 "$work/want.csv"; for p in "$work"/job.csv/part-*.csv; do tail -n +2 "$p"; done; } | tr -d '\r' > "$work/got.csv"
if diff -q "$work/want.csv" "$work/got.csv" >/dev/null; then same="equal (every row and digit, same order)"; else same="DIFFERENT"; fi
S=$(median < "$work/s"); J=$(median < "$work/j"); SW=$(median < "$work/sw"); JW=$(median < "$work/jw")
echo "median of $runs: score $S docs/s, spark-score local[$cores] $J docs/s: ratio $(echo "$J $S" | awk '{printf "%.2f", $1 / $2}')" \
  "(median of the runs' ratios $(median < "$work/q"));" \
  "end to end $SW vs $JW docs/s: ratio $(echo "$JW $SW" | awk '{printf "%.2f", $1 / $2}'); rows $same ($n documents)"
[ "$same" != "DIFFERENT" ]
