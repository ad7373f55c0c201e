#!/bin/bash
# device call 1: prep + w2v100/200 + experiments A..I in 5 parallel workers
export PYTHONUNBUFFERED=1 PROBE_WORK=/tmp/probe
P=scripts/research/recipe_probe.py
nvidia-smi --query-gpu=name,memory.used --format=csv,noheader
python3 -c "import torch;print(torch.__version__, torch.backends.cudnn.version())"
python3 $P prep || exit 1
python3 $P w2v --dim 100 --epochs ${W2V_EP:-4} &
python3 $P w2v --dim 200 --epochs ${W2V_EP:-4} &
B=${BUDGET:-380}
python3 $P exp --tag w0 --budget $B --names A,B,I,E_frz &
python3 $P exp --tag w1 --budget $B --names C,D_mm,H_ed,G_t600 &
python3 $P exp --tag w2 --budget $B --names C128,D_mean,H_lin,G_ht600 &
python3 $P exp --tag w3 --budget $B --names C200,F2,H_half,H_both &
python3 $P exp --tag w4 --budget $B --names I200,G_ht400,B200 &
wait
python3 $P report $OUT/results.jsonl
