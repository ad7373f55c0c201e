#!/usr/bin/env python3
"""A many-label, skewed multi-label table from IMDB's train split, for checking that multi-label
training holds up at news-corpus scale (about 90 labels, most of them rare): each review of the
N movies with the most reviews gets two labels, its movie (`tt...`) and its sentiment (`pos` /
`neg`). Movies are learned from the names and plot words their reviews share; the sentiment is
on every row, so the labels are as skewed as a news corpus's topics.

    python3 docs/experiments/tables/imdb_movies.py data/aclImdb/train data/imdb-movies [--movies 90] [--seed 1]

writes OUT/train.jsonl and OUT/test.jsonl ({"id", "text", "labels"}), a seeded 80/20 split of the
reviews (each movie's reviews shuffled and cut, so every movie is on both sides).
"""
import argparse
import collections
import json
import os
import random
import re


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("out")
    ap.add_argument("--movies", type=int, default=90)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--test-fraction", type=float, default=0.2)
    a = ap.parse_args()
    by_movie = collections.defaultdict(list)
    for label in ("neg", "pos"):
        with open(os.path.join(a.train, f"urls_{label}.txt"), encoding="utf-8") as f:
            urls = [l.strip() for l in f]
        folder = os.path.join(a.train, label)
        for name in sorted(os.listdir(folder)):
            m = re.match(r"(\d+)_\d+\.txt$", name)
            if not m:
                continue
            t = re.search(r"/title/(tt\d+)", urls[int(m.group(1))])
            if t:
                by_movie[t.group(1)].append((f"{label}/{name}", label, os.path.join(folder, name)))
    top = sorted(by_movie, key=lambda k: (-len(by_movie[k]), k))[: a.movies]
    rng = random.Random(a.seed)
    train, test = [], []
    for movie in top:
        rows = sorted(by_movie[movie])
        rng.shuffle(rows)
        cut = max(1, round(len(rows) * a.test_fraction))
        for i, (rid, label, path) in enumerate(rows):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            (test if i < cut else train).append({"id": rid, "text": text, "labels": [movie, label]})
    os.makedirs(a.out, exist_ok=True)
    for name, rows in (("train", train), ("test", test)):
        rows.sort(key=lambda r: r["id"])
        with open(os.path.join(a.out, f"{name}.jsonl"), "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    sizes = [len(by_movie[m]) for m in top]
    print(f"{len(top)} movies ({min(sizes)}-{max(sizes)} reviews each): {len(train)} train, {len(test)} test rows "
          f"in {a.out}")


if __name__ == "__main__":
    main()
