#!/bin/bash
# device call 2: combined levers around maxmean pooling, head+tail truncation, LR decay; seeds; w2v300
export PYTHONUNBUFFERED=1 PROBE_WORK=/tmp/probe
P=scripts/research/recipe_probe.py
python3 $P prep || exit 1
python3 -c "
import numpy as np
for d in (100,200): np.save('/tmp/probe/w2v%d.npy'%d, np.load('.probe/w2v%d_f16.npy'%d).astype(np.float32))"
B=${BUDGET:-380}
python3 $P w2v --dim 300 --epochs 4 &
python3 $P exp --tag w0 --budget $B --names "C+mmHT6lin5:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=5,C+mmHT6lin5s43:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=5;seed=43,C+mmHT6lin5s44:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=5;seed=44,C+mmHT6lin5s45:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=5;seed=45" &
python3 $P exp --tag w1 --budget $B --names "C+mmT4lin5:pool=maxmean;sched=linear;epochs=5,C+mmHT4lin5:pool=maxmean;trunc=headtail;sched=linear;epochs=5,C+mmT6lin5:pool=maxmean;maxlen=600;sched=linear;epochs=5,C+mmHT6const6:pool=maxmean;trunc=headtail;maxlen=600;epochs=6" &
python3 $P exp --tag w2 --budget $B --names "C+mmHT6lin5w300:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=5;emb=w2v300,C+mmHT6lin5w200:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=5;emb=w2v200" &
python3 $P exp --tag w3 --budget $B --names "C+mmHT6lin4:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=4,C+mmHT6lr1lin6:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=6;lr=0.001,C+mmHT6cos5:pool=maxmean;trunc=headtail;maxlen=600;sched=cos;epochs=5,C+mmHT6half5:pool=maxmean;trunc=headtail;maxlen=600;sched=half;epochs=5" &
python3 $P exp --tag w4 --budget $B --names "C+bi32mmHT6lin5:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=5;hidden=32,C+frzmmHT6lin6:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=6;freeze=1,I+uni128mmHT6lin5:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=5,C+mmHT6ed25lin5:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=5;emb_drop=0.25" &
python3 $P exp --tag w5 --budget $B --names "F2+mmHT6lin5:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=5,C+bi128mmHT6lin5:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=5;hidden=128,C+b128mmHT6lin6:pool=maxmean;trunc=headtail;maxlen=600;sched=linear;epochs=6;batch=128;lr=0.003" &
wait
python3 $P report $OUT/results.jsonl
