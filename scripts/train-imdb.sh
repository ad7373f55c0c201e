#!/usr/bin/env bash
# The main job, end to end: get IMDB, pretrain word2vec on the unlabeled reviews, train the two
# networks of the default recipe from those vectors (in parallel, one per core), combine them into
# one ensemble bundle, evaluate it, score a folder.
#
#   scripts/train-imdb.sh                    # writes models/imdb.zip and models/imdb-*.{json,csv,log}
#   IMDB_TARBALL=<aclImdb_v1.tar.gz> scripts/train-imdb.sh
#   TRAIN_ARGS="--epochs 3" scripts/train-imdb.sh    # extra 'train' options (both networks)
#   PRETRAIN_ARGS="--epochs 5" scripts/train-imdb.sh # extra 'pretrain' options
#   SINGLE=1 scripts/train-imdb.sh           # one network (bilstm-pool.v1) instead of the ensemble
#   NO_PRETRAIN=1 scripts/train-imdb.sh      # random embeddings
#   RETRAIN=1 scripts/train-imdb.sh          # redo pretraining and training even if outputs exist
#
# The ensemble: bilstm-pool.v1 (64 units per direction) and lstm-pool.v1 (128 units), both with
# max+mean pooling over head+tail 600 tokens, trained with the same seed (so the same split and
# vocabulary); models/imdb.zip predicts the mean of their probabilities.
#
# A killed run continues where it stopped: run the script again (each network resumes from its
# last epoch's checkpoint in models/imdb-<network>.zip.ckpt/).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
cli=scripts/textcls
model=models/imdb.zip
mkdir -p models

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

# train NAME ARGS...: trains models/imdb-NAME.zip unless it is already there (a checkpoint resumes).
train() {
  local name=$1; shift
  local out=models/imdb-$name.zip
  if [ -f "$out" ] && [ ! -d "$out.ckpt" ] && [ -z "${RETRAIN:-}" ]; then
    echo "== $out exists: skipping (RETRAIN=1 to train again)"
    return 0
  fi
  rm -f "$out"
  if [ -n "${RETRAIN:-}" ]; then rm -rf "$out.ckpt"; fi
  # shellcheck disable=SC2086
  $cli train --data data/aclImdb/train --model "$out" --resume "${embeddings[@]}" "$@" ${TRAIN_ARGS:-} \
    > "models/imdb-$name.log" 2>&1
}

if [ -n "${SINGLE:-}" ]; then
  echo "== train one network (log: models/imdb-bilstm.log)"
  train bilstm || { tail -20 models/imdb-bilstm.log; exit 1; }
  cp models/imdb-bilstm.zip "$model.tmp" && mv "$model.tmp" "$model"
else
  start=$(date +%s)
  if [ "$(nproc)" -ge 2 ]; then
    echo "== train two networks in parallel (logs: models/imdb-bilstm.log, models/imdb-lstm.log; ~1 h on 2 cores)"
    train bilstm & p1=$!
    train lstm --architecture lstm-pool.v1 --hidden-size 128 & p2=$!
    ok=0
    wait $p1 || { ok=1; echo "training bilstm failed:"; tail -20 models/imdb-bilstm.log; }
    wait $p2 || { ok=1; echo "training lstm failed:"; tail -20 models/imdb-lstm.log; }
    [ $ok = 0 ] || exit 1
  else
    echo "== train two networks one after the other (logs: models/imdb-bilstm.log, models/imdb-lstm.log)"
    train bilstm || { tail -20 models/imdb-bilstm.log; exit 1; }
    train lstm --architecture lstm-pool.v1 --hidden-size 128 || { tail -20 models/imdb-lstm.log; exit 1; }
  fi
  grep -h "^saved\|epoch [0-9]*: train loss" models/imdb-bilstm.log models/imdb-lstm.log || true
  echo "== training took $(( ($(date +%s) - start) / 60 )) min"
  echo "== ensemble: both networks in one bundle, scored on their held-out reviews"
  $cli ensemble --data data/aclImdb/train --model "$model" models/imdb-bilstm.zip models/imdb-lstm.zip \
    2>&1 | tee models/imdb-ensemble.log
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
