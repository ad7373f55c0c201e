#!/usr/bin/env bash
# Submits the shaded jar (target/textcls-*-spark.jar) through Spark's own submit path,
# org.apache.spark.deploy.SparkSubmit (the class behind spark-submit), with --master local[2], on
# Spark's jars alone from Maven Central (scripts/spark-dist: what a cluster's installation has),
# and checks that its rows equal `score`'s on the same folder. CI runs it after `mvn -B test`.
# Builds the jars first when they are missing (SKIP_BUILD=1: use them as they are).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
if [ -z "${SKIP_BUILD:-}" ] || ! ls target/textcls-*-spark.jar >/dev/null 2>&1; then
  echo "building target/textcls.jar and the shaded jar (mvn package -DskipTests) ..." >&2
  mvn -q -B package -DskipTests
fi
jar="$(ls target/textcls-*-spark.jar | head -1)"
mvn -q -B -f scripts/spark-dist/pom.xml dependency:build-classpath -Dmdep.outputFile="$here/target/spark-dist-classpath.txt" >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
model=src/test/resources/golden/format3-ensemble.zip
# A small folder of reviews: two labels, a few hundred files, one binary file (an errors row).
words=(good bad great awful film plot acting boring superb dull moving story the a was and not very)
for label in pos neg; do
  mkdir -p "$work/in/$label"
  for i in $(seq 1 150); do
    s=""
    for j in $(seq 1 $(( (i * 7 + ${#label}) % 40 + 3 ))); do s+="${words[$(( (i * 31 + j * 17 + ${#label}) % ${#words[@]} ))]} "; done
    printf '%s\n' "$s" > "$work/in/$label/$i.txt"
  done
done
printf 'a\0b' > "$work/in/pos/binary.txt"

export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
TEXTCLS_JAR="$here/target/textcls.jar" scripts/textcls score --model "$model" --input "$work/in" \
  --output "$work/score.csv" --top-k 1 >/dev/null || [ $? -eq 3 ]

# spark-submit's own path: SparkSubmit on Spark's classpath, the shaded jar as the application.
set +e
java -Xmx2g @scripts/spark-jvm.options -cp "$(cat target/spark-dist-classpath.txt)" \
  org.apache.spark.deploy.SparkSubmit --master 'local[2]' --class io.textcls.spark.ScoreJob \
  --conf spark.ui.enabled=false --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
  "$jar" --model "$model" --input "$work/in" --output "$work/job.csv" --top-k 1 > "$work/job.log" 2>&1
rc=$?
set -e
if [ "$rc" -ne 3 ]; then
  tail -40 "$work/job.log" >&2
  echo "FAIL: the submitted job exited with $rc (3 expected: one binary file in the errors output)" >&2
  exit 1
fi
grep "^scored" "$work/job.log"
# Same rows, same order: score's CSV against the job's part files (header once, line ends aside).
norm() { tr -d '\r'; }
norm < "$work/score.csv" > "$work/want.csv"
{ head -1 "$work/want.csv"; for p in "$work"/job.csv/part-*.csv; do tail -n +2 "$p"; done; } | norm > "$work/got.csv"
if ! diff -q "$work/want.csv" "$work/got.csv" >/dev/null; then
  diff "$work/want.csv" "$work/got.csv" | head -20 >&2
  echo "FAIL: the submitted job's rows differ from score's" >&2
  exit 1
fi
errs="$(cat "$work"/job.csv.errors.csv/part-*.csv | grep -c binary.txt)"
[ "$errs" -eq 1 ] || { echo "FAIL: binary.txt not in the errors output" >&2; exit 1; }
echo "OK: SparkSubmit --master local[2] ran $(basename "$jar") ($(( $(stat -c %s "$jar") / 1048576 )) MiB); $(( $(wc -l < "$work/got.csv") - 1 )) rows equal to score's, 1 error row"
