#!/usr/bin/env bash
# Puts the IMDB Large Movie Review Dataset (aclImdb) under data/aclImdb.
#
#   scripts/get-imdb.sh                                  # ../shared tarball if present, else download
#   IMDB_TARBALL=/path/aclImdb_v1.tar.gz scripts/get-imdb.sh   # a local tarball (full or train-only)
#   IMDB_URL=https://... scripts/get-imdb.sh             # another mirror
#
# The download is written to a temporary file and renamed when complete; unpacking goes to a
# temporary folder renamed into place, so an interrupted run never leaves a half dataset behind.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${DATA_DIR:-$here/data}"
url="${IMDB_URL:-https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz}"
shared="$here/../shared/data/aclImdb-train.tar.gz"

if [ -d "$data/aclImdb/train/pos" ] && [ -d "$data/aclImdb/train/neg" ]; then
  echo "IMDB already in $data/aclImdb ($(ls "$data/aclImdb/train/pos" | wc -l) pos, $(ls "$data/aclImdb/train/neg" | wc -l) neg train reviews)"
  exit 0
fi
mkdir -p "$data"

tarball="${IMDB_TARBALL:-}"
if [ -z "$tarball" ] && [ -f "$shared" ]; then
  tarball="$shared"
fi
if [ -z "$tarball" ]; then
  tarball="$data/aclImdb_v1.tar.gz"
  if [ ! -f "$tarball" ]; then
    echo "downloading $url (about 84 MB)"
    curl -fL --retry 3 -o "$tarball.part" "$url" || {
      echo "error: download of $url failed. Download it by hand and run IMDB_TARBALL=<file> $0" >&2
      exit 1
    }
    mv "$tarball.part" "$tarball"
  fi
fi
if [ ! -f "$tarball" ]; then
  echo "error: IMDB_TARBALL=$tarball does not exist" >&2
  exit 1
fi

echo "unpacking $tarball into $data/aclImdb"
tmp="$(mktemp -d "$data/.aclImdb.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$tarball" -C "$tmp"
if [ ! -d "$tmp/aclImdb/train/pos" ]; then
  echo "error: $tarball does not hold aclImdb/train/pos: not the IMDB dataset?" >&2
  exit 1
fi
rm -rf "$data/aclImdb"
mv "$tmp/aclImdb" "$data/aclImdb"
echo "IMDB ready: $(find "$data/aclImdb/train/pos" -type f | wc -l) pos, $(find "$data/aclImdb/train/neg" -type f | wc -l) neg train reviews$( [ -d "$data/aclImdb/test" ] && echo ", plus the test split")"
