#!/usr/bin/env bash
# The main job, end to end: get IMDB, pretrain word2vec on the unlabeled reviews, train the
# default recipe from those vectors, evaluate, score a folder.
#
#   scripts/train-imdb.sh                    # writes models/imdb.zip and models/imdb-*.{json,csv}
#   IMDB_TARBALL=<aclImdb_v1.tar.gz> scripts/train-imdb.sh
#   TRAIN_ARGS="--epochs 3" scripts/train-imdb.sh    # extra 'train' options
#   PRETRAIN_ARGS="--epochs 5" scripts/train-imdb.sh # extra 'pretrain' options
#   NO_PRETRAIN=1 scripts/train-imdb.sh      # random embeddings (the first release's recipe)
#
# A killed run continues where it stopped: run the script again (training resumes from the last
# epoch's checkpoint in models/imdb.zip.ckpt/).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
cli=scripts/textcls
model=models/imdb.zip
mkdir -p models

scripts/get-imdb.sh

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

if [ -f "$model" ] && [ ! -d "$model.ckpt" ] && [ -z "${RETRAIN:-}" ]; then
  echo "== $model exists: skipping training (RETRAIN=1 to train again)"
else
  rm -f "$model"
  echo "== train (log: models/imdb-train.log)"
  # shellcheck disable=SC2086
  $cli train --data data/aclImdb/train --model "$model" --resume "${embeddings[@]}" ${TRAIN_ARGS:-} 2>&1 \
    | tee models/imdb-train.log
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
