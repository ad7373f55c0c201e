#!/usr/bin/env bash
# The main job, end to end: get IMDB, pretrain word2vec on the 50,000 unlabeled reviews, train the
# default recipe (imdb-default: an LSTM, a CNN and a naive-Bayes n-gram model, side by side or one after
# another as measured, saved as one ensemble) from those vectors, validating on whole movies held out;
# the three networks then label the unlabeled reviews they are sure of and train again on both
# (self-training); check the bundle, evaluate it on its held-out reviews, score a folder. About
# 20 minutes on 2 cores.
#
#   scripts/train-imdb.sh                       # writes models/imdb.zip and models/imdb-*.{json,csv,log}
#   IMDB_TARBALL=<aclImdb_v1.tar.gz> scripts/train-imdb.sh
#   RECIPE=<name or file> scripts/train-imdb.sh # another recipe ('textcls recipe list'), into models/imdb-<name>.zip
#   TRAIN_ARGS="--epochs 3" scripts/train-imdb.sh    # extra 'train' options
#   TRAIN_ARGS="--unlabeled none" scripts/train-imdb.sh # no self-training (the teacher alone, about half the time)
#   PRETRAIN_ARGS="--epochs 5" scripts/train-imdb.sh # extra 'pretrain' options
#   NO_PRETRAIN=1 scripts/train-imdb.sh         # random embeddings
#   RETRAIN=1 scripts/train-imdb.sh             # redo pretraining and training even if outputs exist
#
# A killed run continues where it stopped: run the script again (each network resumes from its
# last epoch's checkpoint in models/imdb.zip.ckpt/).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
cli=scripts/textcls
recipe="${RECIPE:-imdb-default}"
model=models/imdb.zip
# Another recipe gets a bundle of its own, so models/imdb.zip is never mistaken for it.
if [ "$recipe" != imdb-default ]; then model="models/imdb-$(basename "$recipe" .json).zip"; fi
mkdir -p models
scripts/get-imdb.sh
# Builds the jar and checks the recipe, TRAIN_ARGS and the folders before any long work.
# shellcheck disable=SC2086
$cli train --data data/aclImdb/train --model "$model" --recipe "$recipe" ${TRAIN_ARGS:-} --dry-run > /dev/null

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
  if [ -n "${RETRAIN:-}" ]; then rm -rf "$model.ckpt"; fi
  echo "== train: recipe $recipe (log: models/imdb-train.log)"
  # --parallel auto (train's default): a short measurement decides whether the recipe's networks
  # train side by side, one per core, or one after another on both cores; the log says which.
  start=$(date +%s)
  # shellcheck disable=SC2086
  $cli train --data data/aclImdb/train --model "$model" --recipe "$recipe" --resume "${embeddings[@]}" \
    ${TRAIN_ARGS:-} 2>&1 | tee models/imdb-train.log
  echo "== training took $(( ($(date +%s) - start) / 60 )) min"
fi

echo "== inspect"
$cli inspect "$model"

echo "== evaluate: the held-out validation reviews, re-scored from the zip in a fresh JVM"
$cli evaluate --model "$model" --data data/aclImdb/train --held-out --report models/imdb-validation.json

if [ -d data/aclImdb/test/pos ]; then
  echo "== evaluate: the official test split (per-review rows: textcls score --input data/aclImdb/test)"
  $cli evaluate --model "$model" --data data/aclImdb/test --report models/imdb-test.json
else
  echo "== (no test split in data/aclImdb: the train-only tarball has none; the validation figures above are the held-out measure)"
fi

# 10,000 of them (ids 0-9999): a folder scored end to end, in a quarter of the time of all 50,000.
echo "== score: 10,000 unlabeled reviews in train/unsup"
$cli score --model "$model" --input data/aclImdb/train/unsup --glob '{?,??,???,????}_0.txt' \
  --output models/imdb-unsup-predictions.csv
