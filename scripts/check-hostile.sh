#!/usr/bin/env bash
# Scores a hostile folder with a real model and checks that nothing is lost:
#   - 10,000 normal reviews plus every bad case (empty, markup-only, binary, non-UTF-8, huge,
#     10 MB without whitespace, broken symlink, symlink loop, odd names with spaces, commas,
#     quotes, unicode and newlines, hidden files, files not matching the glob, a folder named like
#     a document);
#   - every file is accounted for: a prediction row, an errors-file row, or counted as skipped;
#   - a run killed with SIGKILL part-way and resumed produces the same file, byte for byte, as an
#     uninterrupted run;
#   - 1,000 reviews with the 10 MB one-token file beside them score in about the time of the
#     1,000 alone (the tokenizer is quadratic in a run's length: unbounded, the 1 MiB read of that
#     file would take it 20 minutes or more).
#
#   scripts/check-hostile.sh [models/imdb.zip]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
model="${1:-models/imdb.zip}"
[ -f "$model" ] || { echo "error: $model not found (scripts/train-imdb.sh makes it)" >&2; exit 1; }
scripts/get-imdb.sh >/dev/null
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
in="$work/hostile"; mkdir -p "$in/normal" "$in/odd"
find data/aclImdb/train/unsup -name '*.txt' | LC_ALL=C sort > "$work/list"   # a file: head under pipefail would fail sort
head -n 10000 "$work/list" | xargs -d '\n' ln -t "$in/normal"
: > "$in/odd/empty.txt"
printf '<br /><br />' > "$in/odd/markup-only.txt"
printf '\x7fELF\x00\x00\x01' > "$in/odd/binary.txt"
printf 'caf\xe9 \xff\xfe a superb film' > "$in/odd/latin1.txt"
{ yes 'A dull, overlong and tedious film. ' || true; } | head -c 3000000 > "$in/odd/huge.txt"  # 3 MB > the 1 MiB cap
python3 -c 'import sys; sys.stdout.write("word" * 2500000)' > "$in/odd/one-token.txt"  # 10 MB, no whitespace
ln -s "$in/odd/does-not-exist" "$in/odd/broken.txt"
ln -s "$in" "$in/odd/loop"
printf 'great fun' > "$in/odd/with space, comma.txt"
printf 'terrible' > "$in/odd/unicodé 映画 \"quoted\".txt"
printf 'wonderful' > "$in/odd/new
line.txt"
printf 'hidden' > "$in/odd/.hidden.txt"
printf 'not a .txt' > "$in/odd/notes.md"
mkdir -p "$in/odd/folder.txt"
entries=$(find "$in" -mindepth 1 \( -type f -o -type l \) -printf . | wc -c)  # names may hold newlines
echo "hostile folder: $entries files and links ($(ls "$in/normal" | wc -l) normal reviews)"

echo "== uninterrupted run"
set +e
scripts/textcls score --model "$model" --input "$in" --output "$work/whole.csv" --chunk 128 | tee "$work/whole.log"
code=${PIPESTATUS[0]}
set -e
echo "exit code $code (3 = some documents failed, listed in the errors file)"
rows=$(( $(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))))' "$work/whole.csv") - 1 ))
errs=$(( $(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))))' "$work/whole.csv.errors.csv") - 1 ))
skipped=$(grep -o '[0-9,]* skipped' "$work/whole.log" | tr -dc '0-9')
echo "prediction rows: $rows; errors-file rows: $errs; skipped (hidden or not *.txt): $skipped"
if [ $(( rows + errs + skipped )) -eq "$entries" ]; then
  echo "RESULT: all $entries files and links accounted for"
else
  echo "RESULT: $(( rows + errs + skipped )) accounted for, but there are $entries" >&2; exit 1
fi
cat "$work/whole.csv.errors.csv"

echo "== killed run (SIGKILL after a few chunks), then --resume"
TEXTCLS_JAVA_OPTS="-Xmx6g -Dtextcls.progress=false" scripts/textcls score --model "$model" --input "$in" \
  --output "$work/killed.csv" --chunk 128 > "$work/killed.log" 2>&1 &
pid=$!
while [ ! -f "$work/killed.csv.journal.json" ] || \
      [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["consumed"])' "$work/killed.csv.journal.json" 2>/dev/null || echo 0)" -lt 2000 ]; do
  kill -0 $pid 2>/dev/null || { echo "error: the run ended before it could be killed" >&2; exit 1; }
  sleep 0.2
done
pkill -KILL -P $pid 2>/dev/null || true; kill -KILL $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
echo "killed after $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["consumed"])' "$work/killed.csv.journal.json") inputs; final output exists: $([ -f "$work/killed.csv" ] && echo yes || echo no)"
set +e
scripts/textcls score --model "$model" --input "$in" --output "$work/killed.csv" --chunk 128 --resume
set -e
if cmp -s "$work/whole.csv" "$work/killed.csv" && cmp -s "$work/whole.csv.errors.csv" "$work/killed.csv.errors.csv"; then
  echo "RESULT: resumed output and errors file are byte-identical to the uninterrupted run's"
else
  echo "RESULT: MISMATCH between resumed and uninterrupted output" >&2; exit 1
fi

echo "== linear cost: 1,000 reviews, then the same with the 10 MB one-token file beside them"
mkdir -p "$work/reviews" "$work/reviews+token"
head -n 1000 "$work/list" | xargs -d '\n' ln -t "$work/reviews"
head -n 1000 "$work/list" | xargs -d '\n' ln -t "$work/reviews+token"
ln "$in/odd/one-token.txt" "$work/reviews+token/one-token.txt"
timed() {  # seconds a whole score run takes (JVM start and model load included), to stdout
  local t0 t1
  t0=$(date +%s.%N)
  TEXTCLS_JAVA_OPTS="-Xmx6g -Dtextcls.progress=false" scripts/textcls score --model "$model" --input "$1" \
    --output "$2" > "$2.log" 2>&1 || { echo "error: scoring $1 failed:" >&2; cat "$2.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  python3 -c 'import sys; print("%.1f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$t0" "$t1"
}
alone=$(timed "$work/reviews" "$work/reviews.csv")
beside=$(timed "$work/reviews+token" "$work/reviews+token.csv")
scoring() { grep -o ' in [0-9.]* s ' "$1.log" | tr -dc '0-9.'; }  # the summary's own time, model loaded
echo "1,000 reviews: $alone s (scoring $(scoring "$work/reviews.csv") s); with the 10 MB one-token file:" \
  "$beside s (scoring $(scoring "$work/reviews+token.csv") s)"
grep -F 'one-token.txt' "$work/reviews+token.csv"
if python3 -c 'import sys; a, b = map(float, sys.argv[1:]); sys.exit(0 if b <= 2 * a + 10 else 1)' "$alone" "$beside"; then
  echo "RESULT: the 10 MB one-token file costs about nothing ($beside s against $alone s)"
else
  echo "RESULT: the 10 MB one-token file made scoring slow ($beside s against $alone s)" >&2; exit 1
fi
