#!/usr/bin/env bash
# Faithfulness of textcls explanations: on held-out validation documents of a bundle, the mean drop
# of the predicted label's probability when its top-5 attributed tokens are left out, against 5
# random tokens, and their ratio (io.textcls.eval.Faithfulness).
#   bench/faithfulness.sh [bundle=models/imdb.zip] [data=data/aclImdb/train] [documents=1000] [k=5] [threads=2]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
[ -f target/textcls.jar ] && [ -z "$(find pom.xml src -path '*/target' -prune -o -path '*/test' -prune -o \
  -newer target/textcls.jar -print -quit)" ] || mvn -q -B package -DskipTests -DskipSparkJar
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
# shellcheck disable=SC2086
exec java ${TEXTCLS_JAVA_OPTS:--Xmx6g} --add-modules jdk.incubator.vector \
  -cp "target/textcls.jar:target/lib/*" io.textcls.eval.Faithfulness \
  "${1:-models/imdb.zip}" "${2:-data/aclImdb/train}" "${3:-1000}" "${4:-5}" "${5:-2}"
