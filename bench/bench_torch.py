#!/usr/bin/python3
"""PyTorch side of bench/bench.sh: the network 'textcls bench' measured, on the same id sequences.

The shape comes from the network.json 'textcls bench --export' writes:
- lstm-last.v1: Embedding -> LSTM -> dropout -> Linear, read at each sequence's last real step;
- lstm-pool.v1 / bilstm-pool.v1 (gru-pool.v1 / bigru-pool.v1 with nn.GRU): Embedding -> (bidirectional) LSTM -> masked max and/or mean over
  the real steps -> dropout -> Linear;
- cnn-pool.v1: Embedding (padding steps zeroed) -> Conv1d (same length) + ReLU -> masked pooling ->
  dropout -> Linear.
Adam, gradient-norm clipping and batch size as textcls; batches drawn from length-sorted windows
exactly as textcls does (padded steps are computed, as in DL4J; no packing).
Prints lines in the format of 'textcls bench': median (min-max) over --runs after one warm-up.
"""
import json
import argparse
import random
import statistics
import time

import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, shape):
        super().__init__()
        self.arch = shape["architecture"]
        emb, hidden, layers = shape["embeddingSize"], shape["hiddenSize"], shape["layers"]
        self.pooling = shape.get("pooling")
        self.emb = nn.Embedding(shape["vocabularySize"], emb)
        if self.arch == "cnn-pool.v1":
            k = shape["kernel"]
            self.convs = nn.ModuleList(nn.Conv1d(emb if i == 0 else hidden, hidden, k, padding=k // 2)
                                       for i in range(layers))
            width = hidden
        else:
            bi = self.arch in ("bilstm-pool.v1", "bigru-pool.v1")
            cell = nn.GRU if self.arch in ("gru-pool.v1", "bigru-pool.v1") else nn.LSTM
            self.lstm = cell(emb, hidden, num_layers=layers, batch_first=True, bidirectional=bi)
            width = hidden * (2 if bi else 1)
        if self.pooling == "maxmean":
            width *= 2
        self.drop = nn.Dropout(shape["dropout"])
        self.out = nn.Linear(width, shape["numLabels"])

    def forward(self, ids, lengths):
        mask = torch.arange(ids.shape[1])[None, :] < lengths[:, None]  # [B, T]
        x = self.emb(ids)
        if self.arch == "cnn-pool.v1":
            x = (x * mask[:, :, None]).transpose(1, 2)  # [B, E, T], padding zeroed as DL4J's masked embedding
            for conv in self.convs:
                x = torch.relu(conv(x)) * mask[:, None, :]
            h = x.transpose(1, 2)  # [B, T, F]
        else:
            h, _ = self.lstm(x)
        if self.pooling is None:
            feat = h[torch.arange(ids.shape[0]), lengths - 1]
        else:
            m = mask[:, :, None]
            parts = []
            if self.pooling in ("max", "maxmean"):
                parts.append(h.masked_fill(~m, float("-inf")).max(dim=1).values)
            if self.pooling in ("mean", "maxmean"):
                parts.append((h * m).sum(dim=1) / lengths[:, None])
            feat = torch.cat(parts, dim=1)
        return self.out(self.drop(feat))


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


def train_seconds(seqs, labels, shape, batch):
    torch.manual_seed(42)
    net = Net(shape)
    opt = torch.optim.Adam(net.parameters(), lr=shape["learningRate"])
    loss_fn = nn.CrossEntropyLoss()
    prepared = [tensors(seqs, labels, b) for b in batches(seqs, batch, random.Random(1))]
    net.train()
    t0 = time.perf_counter()
    for ids, lengths, y in prepared:
        opt.zero_grad()
        loss = loss_fn(net(ids, lengths), y)
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), shape["gradientClip"])
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
    print(f"{what:<40} {n / med:8.1f} docs/s ({n / s[-1]:.1f}-{n / s[0]:.1f})  {tokens / med:9.0f} tokens/s", flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    with open(f"{a.dir}/network.json") as f:
        shape = json.load(f)
    batch = shape["batchSize"]
    imdb, imdb_y = load(f"{a.dir}/imdb.ids")
    synth, synth_y = load(f"{a.dir}/synthetic.ids")
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s), BLAS: "
          f"{'openblas' if 'openblas' in torch.__config__.show().lower() else 'other'}; network {shape['architecture']} "
          f"(embedding {shape['embeddingSize']}, hidden {shape['hiddenSize']}, {shape['layers']} layer(s), "
          f"pooling {shape.get('pooling')})", flush=True)
    report("train imdb (bucketed)", len(imdb), sum(map(len, imdb)),
           lambda: train_seconds(imdb, imdb_y, shape, batch), a.runs)
    report("train synthetic", len(synth), sum(map(len, synth)),
           lambda: train_seconds(synth, synth_y, shape, batch), a.runs)
    torch.manual_seed(42)
    net = Net(shape)
    report("score imdb", len(imdb), sum(map(len, imdb)), lambda: score_seconds(net, imdb, imdb_y, batch), a.runs)
    report("score synthetic", len(synth), sum(map(len, synth)), lambda: score_seconds(net, synth, synth_y, batch),
           a.runs)


if __name__ == "__main__":
    main()
