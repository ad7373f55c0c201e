#!/bin/bash
# device call 4 (issue 5, second pass): is the default recipe's margin real? Three validation
# splits (seeds 42/43/44), two initializations each, for the default recipe (Bi64) and Uni128;
# word2vec on unlabeled+train vs unlabeled only; per-epoch probabilities saved so that two-model
# ensembles and last-two-epoch weight averages can be scored afterwards (probe-ensembles.py).
export PYTHONUNBUFFERED=1 PROBE_WORK=/tmp/probe IMDB_TARBALL=${IMDB_TARBALL:-.probe/aclImdb-train.tar.gz}
P=scripts/research/recipe_probe.py
mkdir -p /tmp/probe
for s in 42 43 44; do PROBE_DATA=data_s$s.npz python3 $P prep --split-seed $s --procs 5 & done; wait
for s in 42 43 44; do PROBE_DATA=data_s$s.npz W2V_SUFFIX=_s$s python3 $P w2v --dim 100 --epochs 4 & done
PROBE_DATA=data_s42.npz W2V_SUFFIX=_s42 python3 $P w2v --dim 100 --epochs 4 --unsup-only &
R="pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=4"
B=${BUDGET:-420}
for s in 42 43 44; do
  for r in 1 2; do
    PROBE_DATA=data_s$s.npz W2V_SUFFIX=_s$s python3 $P exp --tag s$s-r$r --budget $B \
      --names "bi64-s$s-r$r:$R;seed=$r,uni128-s$s-r$r:$R;bi=False;hidden=128;seed=$r" &
  done
done
for r in 1 2; do
  PROBE_DATA=data_s42.npz W2V_SUFFIX=_s42 python3 $P exp --tag u42-r$r --budget $B \
    --names "bi64u-s42-r$r:$R;emb=w2v100u;seed=$r" &
done
wait
python3 $P report $OUT/results.jsonl
python3 scripts/research/probe-ensembles.py $OUT
