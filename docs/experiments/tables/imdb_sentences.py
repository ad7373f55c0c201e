#!/usr/bin/env python3
"""A table of a million short rows from IMDB's sentences, for measuring how training scales with
a table's rows: every sentence and clause (split after ., !, ?, ;, : and ,) of the labeled reviews of data/aclImdb/train,
labeled with its review's sentiment, then of the unlabeled reviews with a label drawn from a hash
of the sentence (so the second part is noise: this table is for time and memory, not accuracy),
until N rows. Written as CSV (text,label), streaming.

    python3 docs/experiments/tables/imdb_sentences.py data/aclImdb/train data/imdb-sentences.csv [--rows 1000000]
"""
import argparse
import csv
import hashlib
import os
import re

SPLIT = re.compile(r"(?<=[.!?;:,])\s+")


def sentences(folder):
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            text = f.read().replace("<br />", " ")
        for s in SPLIT.split(text):
            s = s.strip()
            if len(s) > 3:
                yield s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=1_000_000)
    a = ap.parse_args()
    n = 0
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        for label in ("neg", "pos", "unsup"):
            for s in sentences(os.path.join(a.train, label)):
                if n >= a.rows:
                    break
                lab = label if label != "unsup" else ("pos" if hashlib.md5(s.encode()).digest()[0] & 1 else "neg")
                w.writerow([s, lab])
                n += 1
    print(f"{n} rows in {a.out} ({os.path.getsize(a.out) / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
