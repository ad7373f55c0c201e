#!/usr/bin/env bash
# The main job, end to end: get IMDB, pretrain word2vec on the unlabeled reviews, train the
# networks of the default recipe from those vectors (side by side, one per core), combine them into
# one ensemble bundle, evaluate it, score a folder.
#
#   scripts/train-imdb.sh                    # writes models/imdb.zip and models/imdb-*.{json,csv,log}
#   IMDB_TARBALL=<aclImdb_v1.tar.gz> scripts/train-imdb.sh
#   TRAIN_ARGS="--epochs 3" scripts/train-imdb.sh    # extra 'train' options (every network)
#   PRETRAIN_ARGS="--epochs 5" scripts/train-imdb.sh # extra 'pretrain' options
#   MEMBERS="bilstm lstm64" scripts/train-imdb.sh  # which networks (names in scripts/recipes.sh; default: lstm64 cnn)
#   SINGLE=1 scripts/train-imdb.sh           # one network (train's default, bilstm) instead of the ensemble
#   NO_PRETRAIN=1 scripts/train-imdb.sh      # random embeddings
#   RETRAIN=1 scripts/train-imdb.sh          # redo pretraining and training even if outputs exist
#
# The ensemble: lstm-pool.v1 (64 units) and cnn-pool.v1 (256 filters of width 3), both with
# max+mean pooling over head+tail 600 tokens, trained with the same seed (so the same split and
# vocabulary); models/imdb.zip predicts the mean of their probabilities.
#
# A killed run continues where it stopped: run the script again (each network resumes from its
# last epoch's checkpoint in models/imdb-<network>.zip.ckpt/). A network whose zip is already there
# is not trained again (RETRAIN=1 does).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
cli=scripts/textcls
model=models/imdb.zip
mkdir -p models

# The networks, by name, and the default members: scripts/recipes.sh (TRAIN_ARGS are added to each).
source scripts/recipes.sh
members=(${MEMBERS:-$default_members})
if [ -n "${SINGLE:-}" ]; then members=(bilstm); fi
for m in "${members[@]}"; do
  [ -n "${recipe[$m]+set}" ] || { echo "error: unknown member '$m' in MEMBERS (known: ${!recipe[*]})" >&2; exit 2; }
done
scripts/get-imdb.sh
$cli --version > /dev/null # builds the jar once, before two trainings start at the same time

vectors=models/imdb-w2v.txt
embeddings=()
if [ -z "${NO_PRETRAIN:-}" ]; then
  if [ -f "$vectors" ] && [ -z "${RETRAIN:-}" ]; then
    echo "== $vectors exists: skipping pretraining (RETRAIN=1 to pretrain again)"
  else
    echo "== pretrain: word2vec on the 50,000 unlabeled reviews (log: models/imdb-pretrain.log)"
    # shellcheck disable=SC2086
    $cli pretrain --data data/aclImdb/train/unsup --out "$vectors" ${PRETRAIN_ARGS:-} 2>&1 | tee models/imdb-pretrain.log
  fi
  embeddings=(--embeddings "$vectors")
fi

# Members train side by side, so each JVM gets a smaller heap than a lone run's default (3 GB is
# enough for IMDB; the largest JVM peaked at 6.3 GB RSS, native memory included); TEXTCLS_JAVA_OPTS overrides it.
export TEXTCLS_JAVA_OPTS="${TEXTCLS_JAVA_OPTS:--Xmx3g}"

# train NAME: trains models/imdb-NAME.zip unless it is already there (a checkpoint resumes).
train() {
  local name=$1
  local out=models/imdb-$name.zip
  if [ -f "$out" ] && [ ! -d "$out.ckpt" ] && [ -z "${RETRAIN:-}" ]; then
    echo "== $out exists: skipping (RETRAIN=1 to train again)"
    return 0
  fi
  rm -f "$out"
  if [ -n "${RETRAIN:-}" ]; then rm -rf "$out.ckpt"; fi
  # shellcheck disable=SC2086
  $cli train --data data/aclImdb/train --model "$out" --resume "${embeddings[@]}" ${recipe[$name]} ${TRAIN_ARGS:-} \
    > "models/imdb-$name.log" 2>&1 || { echo "training $name failed (models/imdb-$name.log):"; tail -20 "models/imdb-$name.log"; return 1; }
}

start=$(date +%s)
logs=(); zips=()
for m in "${members[@]}"; do logs+=("models/imdb-$m.log"); zips+=("models/imdb-$m.zip"); done
slots=$(nproc)
if [ "$slots" -ge 2 ] && [ ${#members[@]} -ge 2 ]; then
  # One network per core, in the order given (the longest first): the next starts when one ends.
  echo "== train ${#members[@]} networks, $slots at a time, in this order: ${members[*]} (logs: ${logs[*]})"
  running=0; ok=0
  for m in "${members[@]}"; do
    if [ $running -ge "$slots" ]; then wait -n || ok=1; running=$((running - 1)); fi
    train "$m" & running=$((running + 1))
  done
  while [ $running -gt 0 ]; do wait -n || ok=1; running=$((running - 1)); done
  [ $ok = 0 ] || exit 1
else
  echo "== train ${#members[@]} network(s) one after the other: ${members[*]} (logs: ${logs[*]})"
  for m in "${members[@]}"; do train "$m" || exit 1; done
fi
grep -h "^saved\|epoch [0-9]*: train loss" "${logs[@]}" || true
echo "== training took $(( ($(date +%s) - start) / 60 )) min"
if [ ${#members[@]} = 1 ]; then
  cp "${zips[0]}" "$model.tmp" && mv "$model.tmp" "$model"
else
  echo "== ensemble: the networks in one bundle, scored on their held-out reviews"
  $cli ensemble --data data/aclImdb/train --model "$model" "${zips[@]}" 2>&1 | tee models/imdb-ensemble.log
fi

echo "== inspect"
$cli inspect "$model"

echo "== evaluate: the held-out validation reviews, re-scored from the zip in a fresh JVM"
$cli evaluate --model "$model" --data data/aclImdb/train --held-out --report models/imdb-validation.json

if [ -d data/aclImdb/test/pos ]; then
  echo "== evaluate: the official test split"
  $cli evaluate --model "$model" --data data/aclImdb/test --report models/imdb-test.json
  echo "== score: the test split"
  $cli score --model "$model" --input data/aclImdb/test --output models/imdb-test-predictions.csv
else
  echo "== (no test split in data/aclImdb: the train-only tarball has none; the validation figures above are the held-out measure)"
fi

echo "== score: the 50,000 unlabeled reviews in train/unsup"
$cli score --model "$model" --input data/aclImdb/train/unsup --output models/imdb-unsup-predictions.csv
