#!/usr/bin/env bash
# Makes the two seeded splits and runs the five reference baselines of README.md, from the repository
# root: docs/experiments/tables/run_baselines.sh. Metrics go to data/results/<name>.json.
set -euo pipefail
cd "$(dirname "$0")/../../.."
T=docs/experiments/tables
MORE=../shared/data/more

python3 $T/split.py $MORE/semeval2018-ec-en-train.tsv data/semeval --test-fraction 0.2 --seed 1 --stratify-columns '*'
python3 $T/split.py $MORE/waimai_10k.csv data/waimai --test-fraction 0.2 --seed 1 --stratify-column label
python3 $T/check_linear_baseline.py > /dev/null

mkdir -p data/results
run() {  # name, then linear_baseline.py's arguments
  local name=$1; shift
  echo "== $name: python3 $T/linear_baseline.py $*"
  /usr/bin/time -f "process wall %e s" python3 $T/linear_baseline.py "$@" --json data/results/$name.json
}
SEM=(data/semeval/train.tsv data/semeval/test.tsv --text-column Tweet --label-columns '*')
WAI=(data/waimai/train.csv data/waimai/test.csv --text-column review --label-column label)
run semeval-word12 "${SEM[@]}" --ngram 1,2
run semeval-word11 "${SEM[@]}" --ngram 1,1
run waimai-charwb13 "${WAI[@]}" --analyzer char_wb --ngram 1,3
run waimai-char13 "${WAI[@]}" --analyzer char --ngram 1,3
run waimai-word11 "${WAI[@]}" --ngram 1,1
