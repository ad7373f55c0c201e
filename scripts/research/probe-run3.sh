#!/bin/bash
# device call 3: seed repeats of the two best recipes, shorter schedules, cheaper variants
export PYTHONUNBUFFERED=1 PROBE_WORK=/tmp/probe
P=scripts/research/recipe_probe.py
[ -f /tmp/probe/data.npz ] || python3 $P prep || exit 1
python3 -c "
import numpy as np
for d in (100,200): np.save('/tmp/probe/w2v%d.npy'%d, np.load('.probe/w2v%d_f16.npy'%d).astype(np.float32))"
B=${BUDGET:-250}
python3 $P exp --tag w0 --budget $B --names "I+u128lin4-s42:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=4;seed=42,I+u128lin4-s43:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=4;seed=43,I+u128lin4-s44:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=4;seed=44" &
python3 $P exp --tag w1 --budget $B --names "I+u128lin5-s43:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=5;seed=43,I+u128lin5-s44:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=5;seed=44,I+u128lin5-s45:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=5;seed=45" &
python3 $P exp --tag w2 --budget $B --names "C+bi64lin4-s43:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=4;seed=43,C+bi64lin4-s44:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=4;seed=44,C+bi64lin4-s45:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=4;seed=45" &
python3 $P exp --tag w3 --budget $B --names "C+bi64lin3-s42:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=3;seed=42,C+bi64lin3-s43:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=3;seed=43,C+bi64lin3-s44:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=3;seed=44,C+bi64lin3-s45:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=3;seed=45" &
python3 $P exp --tag w4 --budget $B --names "I+u64lin5-s42:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=5;hidden=64;seed=42,I+u64lin5-s43:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=5;hidden=64;seed=43,C+bi32lin5-s43:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=5;hidden=32;seed=43" &
python3 $P exp --tag w5 --budget $B --names "C+bi64w200lin5-s42:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=5;emb=w2v200,I+u128cos5-s43:pool=maxmean;trunc=headtail;maxlen=600;sched=cos;epochs=5;seed=43,I+u128lin3-s42:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=3" &
wait
python3 $P report $OUT/results.jsonl
