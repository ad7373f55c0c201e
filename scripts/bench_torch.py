#!/usr/bin/python3
"""PyTorch side of scripts/bench.sh: the textcls default network on the same id sequences.

Embedding(V, 128) -> LSTM(128, 128) -> dropout 0.5 -> Linear(128, 2), read at each sequence's
last real step; Adam (lr 0.002), gradient-norm clipping 5, batch 64, batches drawn from
length-sorted windows exactly as textcls does (padded steps are computed, as in DL4J).
Prints lines in the format of 'textcls bench': median (min-max) over --runs after one warm-up.
"""
import argparse
import random
import statistics
import time

import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, vocab, emb=128, hidden=128, labels=2, dropout=0.5):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(hidden, labels)

    def forward(self, ids, lengths):
        h, _ = self.lstm(self.emb(ids))
        last = h[torch.arange(ids.shape[0]), lengths - 1]
        return self.out(self.drop(last))


def load(path):
    labels, seqs = [], []
    with open(path) as f:
        for line in f:
            parts = [int(x) for x in line.split()]
            labels.append(parts[0])
            seqs.append(parts[1:])
    return seqs, labels


def batches(seqs, batch, rng=None):
    idx = list(range(len(seqs)))
    if rng is None:  # inference: sorted by length
        idx.sort(key=lambda i: len(seqs[i]))
        return [idx[i:i + batch] for i in range(0, len(idx), batch)]
    rng.shuffle(idx)
    window = batch * 50
    for s in range(0, len(idx), window):
        idx[s:s + window] = sorted(idx[s:s + window], key=lambda i: len(seqs[i]))
    out = [idx[i:i + batch] for i in range(0, len(idx), batch)]
    rng.shuffle(out)
    return out


def tensors(seqs, labels, b):
    t = max(len(seqs[i]) for i in b)
    ids = torch.zeros((len(b), t), dtype=torch.long)
    for r, i in enumerate(b):
        ids[r, :len(seqs[i])] = torch.tensor(seqs[i])
    lengths = torch.tensor([len(seqs[i]) for i in b])
    y = torch.tensor([labels[i] for i in b])
    return ids, lengths, y


def train_seconds(seqs, labels, vocab, batch):
    torch.manual_seed(42)
    net = Net(vocab)
    opt = torch.optim.Adam(net.parameters(), lr=0.002)
    loss_fn = nn.CrossEntropyLoss()
    prepared = [tensors(seqs, labels, b) for b in batches(seqs, batch, random.Random(1))]
    net.train()
    t0 = time.perf_counter()
    for ids, lengths, y in prepared:
        opt.zero_grad()
        loss = loss_fn(net(ids, lengths), y)
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 5.0)
        opt.step()
    return time.perf_counter() - t0


def score_seconds(net, seqs, labels, batch):
    prepared = [tensors(seqs, labels, b) for b in batches(seqs, batch)]
    net.eval()
    t0 = time.perf_counter()
    with torch.no_grad():
        for ids, lengths, _ in prepared:
            torch.softmax(net(ids, lengths), dim=1)
    return time.perf_counter() - t0


def report(what, n, tokens, fn, runs):
    fn()
    s = sorted(fn() for _ in range(runs))
    med = statistics.median(s)
    print(f"{what:<30} {n / med:8.1f} docs/s ({n / s[-1]:.1f}-{n / s[0]:.1f})  {tokens / med:9.0f} tokens/s", flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--vocab", type=int, default=30000)
    p.add_argument("--batch", type=int, default=64)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    imdb, imdb_y = load(f"{a.dir}/imdb.ids")
    synth, synth_y = load(f"{a.dir}/synthetic.ids")
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s), BLAS: "
          f"{'openblas' if 'openblas' in torch.__config__.show().lower() else 'other'}", flush=True)
    report("train imdb (bucketed)", len(imdb), sum(map(len, imdb)),
           lambda: train_seconds(imdb, imdb_y, a.vocab, a.batch), a.runs)
    report("train synthetic", len(synth), sum(map(len, synth)),
           lambda: train_seconds(synth, synth_y, a.vocab, a.batch), a.runs)
    torch.manual_seed(42)
    net = Net(a.vocab)
    report("score imdb", len(imdb), sum(map(len, imdb)), lambda: score_seconds(net, imdb, imdb_y, a.batch), a.runs)
    report("score synthetic", len(synth), sum(map(len, synth)), lambda: score_seconds(net, synth, synth_y, a.batch),
           a.runs)


if __name__ == "__main__":
    main()
