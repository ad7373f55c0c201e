#!/usr/bin/env bash
# Speed benchmark: textcls (DL4J) against PyTorch on the same networks and the same sequences.
#
#   bench/bench.sh [--docs 1024] [--runs 3] [--networks "lstm64 cnn"] [--isa avx2]
#   (networks: lstm64, cnn, lstm, bilstm, lstm128, gru64, bigru)
#
# For each network, named by its built-in one-network recipe (lstm64 and cnn are imdb-default's
# two networks; lstm is the design card's lstm-last.v1 128 network; bilstm the BiLSTM 64/dir;
# lstm128 is lstm64 with 128 units), prints, as median (min-max) of --runs after a warm-up:
# training docs/s and tokens/s and network scoring docs/s on IMDB reviews (length-bucketed) and on
# synthetic fixed-length sequences. If Debian's python3-torch is installed (apt-get install
# python3-torch libopenblas0-pthread), PyTorch runs the same network on the exported sequences
# with 1 and 2 threads and the ratios are printed. Then end-to-end scoring (read, tokenize,
# predict) of models/imdb.zip with bench/bench-score.sh, when it exists. --isa avx2 runs both sides
# on AVX2 only, on a machine with AVX-512: the JVM with -XX:UseAVX=2 (the Vector API's 8 float lanes;
# through JDK_JAVA_OPTIONS) and PyTorch with ATEN_CPU_CAPABILITY=avx2, as on a machine without it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
# network name -> bench options (a built-in recipe and changes to it)
declare -A recipe=([lstm64]="--recipe lstm64" [cnn]="--recipe cnn" [bilstm]="--recipe bilstm" [lstm]="--recipe lstm"
  [lstm128]="--recipe lstm64 --hidden-size 128" [gru64]="--recipe gru64" [bigru]="--recipe bigru")
docs=1024; runs=3; networks="lstm64 cnn"; isa=""
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) docs="$2"; shift 2;;
    --runs) runs="$2"; shift 2;;
    --networks) networks="$2"; shift 2;;
    --isa) isa="$2"; shift 2;;
    *) echo "unknown option $1 (known: --docs N, --runs N, --networks \"NAME ...\", --isa avx2)" >&2; exit 2;;
  esac
done
for n in $networks; do
  [ -n "${recipe[$n]+set}" ] || { echo "error: unknown network '$n' (known: ${!recipe[*]})" >&2; exit 2; }
done
scripts/get-imdb.sh >/dev/null
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
torch=""
if [ -x "$py" ] && "$py" -c 'import torch' 2>/dev/null; then torch=1; fi
case "$isa" in
  "") ;;
  avx2) # the JVM's vectors, PyTorch's kernels, OpenBLAS's (PyTorch's BLAS) and oneDNN's (both sides')
    export JDK_JAVA_OPTIONS="-XX:UseAVX=2" ATEN_CPU_CAPABILITY=avx2 OPENBLAS_CORETYPE=Haswell \
      ONEDNN_MAX_CPU_ISA=AVX2 DNNL_MAX_CPU_ISA=AVX2;;
  *) echo "error: --isa $isa: only avx2 can be forced" >&2; exit 2;;
esac
flags="$(grep -m1 '^flags' /proc/cpuinfo || true)"
if [ "$isa" = avx2 ]; then simd="AVX2 forced on both sides (the CPU has $(grep -qw avx512f <<<"$flags" && echo AVX-512 || echo no AVX-512))"
elif grep -qw avx512f <<<"$flags"; then simd="AVX-512"; else simd="AVX2, no AVX-512"; fi
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $simd"

# One thread and two for each side; the ratio compares each side's best. textcls's two threads wait
# passively (spinning OpenMP threads cost ND4J 3x on 2 vCPUs); PyTorch's two run both ways, its
# default spinning (best for its convolution) and passive (best for its LSTM), and the faster counts.
for n in $networks; do
  opts="${recipe[$n]}"
  out="$tmp/$n"; mkdir -p "$out"
  for threads in 1 2; do
    echo "== $n: textcls (DL4J 1.0.0-M2.1), $threads thread(s)"
    # shellcheck disable=SC2086
    OMP_NUM_THREADS=$threads OMP_WAIT_POLICY=PASSIVE TEXTCLS_JAVA_OPTS="-Xmx4g -Dtextcls.progress=false" \
      scripts/textcls bench --docs "$docs" --runs "$runs" --export "$out" $opts | tee "$out/dl4j$threads.txt"
  done
  if [ -z "$torch" ]; then
    echo "== PyTorch not installed for $py (apt-get install python3-torch libopenblas0-pthread): no comparison"
    continue
  fi
  for run in 1:PASSIVE 2:ACTIVE 2:PASSIVE; do
    threads=${run%:*}; policy=${run#*:}
    echo "== $n: PyTorch, $threads thread(s), OMP_WAIT_POLICY=$policy, same sequences"
    OMP_NUM_THREADS=$threads OMP_WAIT_POLICY=$policy "$py" bench/bench_torch.py --dir "$out" --runs "$runs" \
      --threads "$threads" | tee -a "$out/torch$threads.txt"
  done
  echo "== $n: docs/s, medians; ratio = best textcls / best PyTorch (above 1: textcls faster)"
  echo "   (textcls scores with the engine it picks, marked (default) above)"
  awk '
    / docs\/s / {
      key = substr($0, 1, 40); sub(/ +$/, "", key); v = $(NF-4)
      t = substr(FILENAME, length(FILENAME) - 4, 1); side = (FILENAME ~ /dl4j[12][.]txt$/) ? "dl" : "pt"
      if (side == "dl" && key ~ /^score /) {   # several engines: the one textcls uses, "(default)", counts
        if (key !~ / [(]default[)]$/) next
        sub(/, [^,]* [(]default[)]$/, "", key)
      }
      if (v > val[side t "|" key]) val[side t "|" key] = v
    }
    END {
      split("train imdb (bucketed)|train synthetic|score imdb|score synthetic", k, "|")
      printf "%-24s %10s %10s %10s %10s %7s\n", "", "textcls 1", "textcls 2", "PyTorch 1", "PyTorch 2", "ratio"
      for (i = 1; i <= 4; i++) {
        d1 = val["dl1|" k[i]]; d2 = val["dl2|" k[i]]; p1 = val["pt1|" k[i]]; p2 = val["pt2|" k[i]]
        d = d1 > d2 ? d1 : d2; p = p1 > p2 ? p1 : p2
        printf "%-24s %10.1f %10.1f %10.1f %10.1f %6.2fx\n", k[i], d1, d2, p1, p2, (p > 0 ? d / p : 0)
      }
    }' "$out/dl4j1.txt" "$out/dl4j2.txt" "$out/torch1.txt" "$out/torch2.txt"
done

if [ -f models/imdb.zip ]; then
  echo "== end-to-end scoring (read, tokenize, predict) of 10,000 reviews with models/imdb.zip"
  bench/bench-score.sh --model models/imdb.zip --docs 10000 --runs "$runs"
else
  echo "== models/imdb.zip missing: end-to-end scoring skipped (scripts/train-imdb.sh makes it)"
fi
