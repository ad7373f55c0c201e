#!/usr/bin/env bash
# Benchmark of textcls serve against textcls score, side by side in one run, on loopback only.
#
#   bench/bench-serve.sh [--model models/imdb.zip] [--docs 2000] [--seconds 20] [--runs 3] [--soak SECONDS]
#
# 1. score against serve: --runs times in turn, `textcls score` on --docs IMDB reviews
#    (train/unsup, the first by name) and the same model behind `textcls serve` under 32
#    closed-loop clients for --seconds, each request one review; medians and their ratio.
#    Taking turns keeps the ratio fair on a machine whose other load changes.
# 2. serve under 1, 8 and 128 clients, --seconds each (or 20,000 requests): docs/s, p50/p95/p99
#    latency, errors. Every answer is checked against score's probabilities for its review
#    (mismatched), and every request is answered once (lost, duplicated).
# 3. half load: open-loop requests at half the 32-client throughput, --runs times: latency counted
#    from when each request was due (the first tenth of each run, at most 5 s, warms the load
#    generator's fresh JVM and is not counted); the median run's p99 is the figure.
# 4. past capacity: open loop at twice the 32-client throughput on a server with --queue-size 64:
#    503s with Retry-After, and no answer lost, duplicated or wrong.
# 5. with --soak S: open loop at 80 % of the 32-client throughput for S seconds, the server's RSS
#    every 10 s (and its growth over the second half).
# Every phase stops by itself (time and request bounds); the server is stopped with SIGTERM at the
# end. TEXTCLS_JAVA_OPTS sets the JVM options of score and serve; the default here is a fixed,
# pre-touched 2 GB heap (-Xms2g -Xmx2g -XX:+AlwaysPreTouch), so the soak's RSS does not count the
# heap's pages as the JVM first touches them (without pre-touch, RSS climbed in steps for minutes as
# G1 used regions of the fixed heap for the first time). Load generator: bench/ServeLoad.java (HTTP/1.1 keep-alive over
# blocking sockets), run on the same machine: its CPU time (client_cpu_cores, about 0.06 of a core
# at 32 clients) counts against the server's, so the ratio to score is conservative.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
model=models/imdb.zip; docs=2000; seconds=20; runs=3; soak=0; port="${PORT:-18765}"
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2;;
    --docs) docs="$2"; shift 2;;
    --seconds) seconds="$2"; shift 2;;
    --runs) runs="$2"; shift 2;;
    --soak) soak="$2"; shift 2;;
    *) echo "unknown option $1 (known: --model ZIP, --docs N, --seconds S, --runs N, --soak S)" >&2; exit 2;;
  esac
done
[ -f "$model" ] || { echo "error: no model at $model: train one with scripts/train-imdb.sh or pass --model" >&2; exit 1; }
data="${DATA:-data/aclImdb/train/unsup}"
export TEXTCLS_JAVA_OPTS="${TEXTCLS_JAVA_OPTS:--Xms2g -Xmx2g -XX:+AlwaysPreTouch}"
[ -d "$data" ] || scripts/get-imdb.sh >/dev/null
[ -d "$data" ] || { echo "error: no reviews in $data (set DATA=<folder of .txt files>)" >&2; exit 1; }
tmp="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
scripts/textcls --version >/dev/null # builds the jar if needed
load() { java -Xmx2g -cp "target/lib/*" bench/ServeLoad.java "$@"; }
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== JVM options of score and serve: $TEXTCLS_JAVA_OPTS"
mkdir "$tmp/docs"
mapfile -t files < <(find "$data" -maxdepth 1 -name '*.txt' | sort)
cp "${files[@]:0:$docs}" "$tmp/docs/"
start_server() { # extra serve options
  scripts/textcls serve --model "$model" --port "$port" "$@" 2>>"$tmp/serve.log" &
  server=$!
  for _ in $(seq 120); do
    curl -sf "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && return 0
    kill -0 "$server" 2>/dev/null || { cat "$tmp/serve.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "error: the server did not get ready in 60 s" >&2; exit 1
}
stop_server() { kill -TERM "$server"; wait "$server" || { echo "error: serve exited $?" >&2; exit 1; }; server=""; }
url="http://127.0.0.1:$port/"

median() { tr ' ' '\n' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
score() {
  scripts/textcls score --model "$model" --input "$tmp/docs" --output "$tmp/score$1.csv" >"$tmp/score.out"
  sed -n 's/.*(\([0-9.]*\) docs\/s.*/\1/p' "$tmp/score.out"
}
echo "== score: $docs reviews from $data with $model"
score "" >/dev/null # the reference probabilities for every answer, and a warm-up
start_server
# Warm-up: the measured load for as long as one measured run (without it the first of three
# 32-client runs was measured 17 % slower than the third: the server's JIT still compiling).
load closed "$url" "$tmp/docs" "$tmp/score.csv" 32 "$seconds" 20000 >/dev/null
echo "== score and serve at 32 clients (one review per request, ${seconds} s), in turn, $runs times"
scores=""; serves=""
for r in $(seq "$runs"); do
  s=$(score "$r"); scores="$scores $s"
  line=$(load closed "$url" "$tmp/docs" "$tmp/score.csv" 32 "$seconds" 20000)
  echo "   run $r: score $s docs/s; serve $line"
  serves="$serves $(field docs_per_s "$line")"
done
score_dps=$(median <<<"${scores# }"); serve32=$(median <<<"${serves# }")
rss_kb=$(ps -o rss= -p "$server" | tr -d ' ')
echo "   serve's resident memory after the 32-client runs: $((rss_kb / 1024)) MB (JVM options: $TEXTCLS_JAVA_OPTS)"
echo "== serve: closed loop, one review per request, ${seconds} s per level"
declare -A dps
dps[32]=$serve32
for c in 1 8 128; do
  line=$(load closed "$url" "$tmp/docs" "$tmp/score.csv" "$c" "$seconds" 20000)
  echo "$line"
  dps[$c]=$(field docs_per_s "$line")
done
half=$(awk -v d="${dps[32]}" 'BEGIN { printf "%.0f", d / 2 }')
echo "== serve: open loop at half the 32-client throughput ($half requests/s, $((seconds * 3 / 2)) s), $runs times"
p99s=""
for r in $(seq "$runs"); do
  line=$(load open "$url" "$tmp/docs" "$tmp/score.csv" "$half" $((seconds * 3 / 2)) 200000)
  echo "   run $r: $line"
  p99s="$p99s $(field p99_ms "$line")"
done
echo "   half-load p99, median of $runs runs: $(median <<<"${p99s# }") ms"
curl -s "${url}metrics" | awk '/^textcls_batch_documents_sum/ { s = $2 } /^textcls_batch_documents_count/ { c = $2 }
  END { printf "   documents per batch so far: %.1f (%d documents in %d batches, textcls_batch_documents)\n", s / c, s, c }'
if [ "$soak" -gt 0 ]; then
  rate=$(awk -v d="${dps[32]}" 'BEGIN { printf "%.0f", d * 0.8 }')
  echo "== soak: open loop at 80 % of the 32-client throughput ($rate requests/s) for $soak s, server RSS every 10 s"
  pid=$(pgrep -P "$server" java || echo "$server") # scripts/textcls execs java, so usually the same process
  line=$(load open "$url" "$tmp/docs" "$tmp/score.csv" "$rate" "$soak" $((soak * rate * 2)) "$pid")
  echo "$line"
  awk '/^rss_kb_by_second/ { n = NF - 1; for (i = 2; i <= NF; i++) { split($i, a, ":"); kb[i - 1] = a[2] }
       mid = int(n / 2) + 1; max = 0; for (i = mid; i <= n; i++) if (kb[i] > max) max = kb[i];
       printf "   RSS: %.0f MB after warm-up (at %d%%), %.0f MB at the end, max %.0f MB in the second half: %+.1f %% over the second half\n",
         kb[mid] / 1024, 50, kb[n] / 1024, max / 1024, 100 * (kb[n] - kb[mid]) / kb[mid] }' <<<"$line"
fi
stop_server

over=$(awk -v d="${dps[32]}" 'BEGIN { printf "%.0f", d * 2 }')
echo "== past capacity: open loop at twice the 32-client throughput ($over requests/s, 10 s), --queue-size 64"
start_server --queue-size 64
load open "$url" "$tmp/docs" "$tmp/score.csv" "$over" 10 100000
curl -s "${url}metrics" | grep -E '^textcls_rejected_requests_total|^textcls_http_requests_total\{endpoint="\/v1\/classify"' | sed 's/^/   /'
stop_server

echo "== summary (medians of $runs runs in turn; load average now $(cut -d' ' -f1-3 /proc/loadavg))"
awk -v s="$score_dps" -v d="$serve32" -v ss="${scores# }" -v sv="${serves# }" 'BEGIN {
  printf "score %.1f docs/s (%s); serve at 32 clients %.1f docs/s (%s) = %.2f x score\n", s, ss, d, sv, d / s }'
