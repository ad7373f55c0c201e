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
model=src/runtime/test/resources/golden/format3-ensemble.zip
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
submit() { # model input output log: sets rc
  set +e
  java -Xmx2g @scripts/spark-jvm.options -cp "$(cat target/spark-dist-classpath.txt)" \
    org.apache.spark.deploy.SparkSubmit --master 'local[2]' --class io.textcls.spark.ScoreJob \
    --conf spark.ui.enabled=false --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
    "$jar" --model "$1" --input "$2" --output "$3" --top-k 1 > "$4" 2>&1
  rc=$?
  set -e
}
# Same rows, same order: score's CSV against the job's part files (header once, line ends aside).
norm() { tr -d '\r'; }
same_rows() { # score.csv job-output-folder what
  norm < "$1" > "$1.want"
  { head -1 "$1.want"; for p in "$2"/part-*.csv; do tail -n +2 "$p"; done; } | norm > "$1.got"
  if ! diff -q "$1.want" "$1.got" >/dev/null; then
    diff "$1.want" "$1.got" | head -20 >&2
    echo "FAIL: $3: the submitted job's rows differ from score's" >&2
    exit 1
  fi
}
submit "$model" "$work/in" "$work/job.csv" "$work/job.log"
if [ "$rc" -ne 3 ]; then
  tail -40 "$work/job.log" >&2
  echo "FAIL: the submitted job exited with $rc (3 expected: one binary file in the errors output)" >&2
  exit 1
fi
grep "^scored" "$work/job.log"
same_rows "$work/score.csv" "$work/job.csv" "the golden ensemble"
errs="$(cat "$work"/job.csv.errors.csv/part-*.csv | grep -c binary.txt)"
[ "$errs" -eq 1 ] || { echo "FAIL: binary.txt not in the errors output" >&2; exit 1; }

# A Chinese bundle (the ICU tokenizer) on Spark's classpath, which brings an ICU4J of its own: the
# shaded jar's relocated, pinned ICU must tokenize exactly as textcls.jar does.
zh=(很好吃 太难吃了 送餐很快 等了两个小时 味道不错 再也不点了 分量很足 服务太差)
printf 'label,text\n' > "$work/zh.csv"
mkdir -p "$work/zh/a"
for i in $(seq 1 120); do
  l=$(( i % 2 )); s="${zh[$(( (i * 3) % 4 * 2 + l ))]}，${zh[$(( (i * 5 + 1) % 4 * 2 + l ))]}"
  printf '%s,%s\n' "$l" "$s" >> "$work/zh.csv"
  printf '%s\n' "$s" > "$work/zh/a/$i.txt"
done
TEXTCLS_JAR="$here/target/textcls.jar" scripts/textcls train --data "$work/zh.csv" --recipe ngram-nb --epochs 1 --min-steps 0 \
  --hidden-size 4096 --model "$work/zh.zip" > "$work/zh-train.log" 2>&1 \
  || { tail -20 "$work/zh-train.log" >&2; echo "FAIL: training the Chinese bundle" >&2; exit 1; }
grep -q "icu-" "$work/zh-train.log" || { echo "FAIL: the Chinese bundle does not use the ICU tokenizer" >&2; exit 1; }
TEXTCLS_JAR="$here/target/textcls.jar" scripts/textcls score --model "$work/zh.zip" --input "$work/zh" \
  --output "$work/zh-score.csv" --top-k 1 >/dev/null
submit "$work/zh.zip" "$work/zh" "$work/zh-job.csv" "$work/zh-job.log"
[ "$rc" -eq 0 ] || { tail -40 "$work/zh-job.log" >&2; echo "FAIL: the Chinese bundle's job exited with $rc" >&2; exit 1; }
same_rows "$work/zh-score.csv" "$work/zh-job.csv" "the Chinese bundle"
echo "OK: SparkSubmit --master local[2] ran $(basename "$jar") ($(( $(stat -c %s "$jar") / 1048576 )) MiB); $(( $(wc -l < "$work/score.csv.got") - 1 )) rows equal to score's, 1 error row; a Chinese (ICU) bundle's $(( $(wc -l < "$work/zh-score.csv.got") - 1 )) rows equal to score's"
