#!/usr/bin/env bash
# Writes the current bundle format's golden bundles and their recorded predictions into
# src/runtime/test/resources/golden (io.textcls.golden.GoldenBundles, in the application's tests:
# it trains), for the runtime's GoldenBundleTest. Run it only on
# purpose: with no argument when a new bundle format is introduced (older formats' files are never
# rewritten), with names (scripts/write-golden.sh format3-ngram-mean) to add a new architecture's.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
# the application's tests and every module they need, compiled in one reactor (its classpath names
# each module's classes folder)
mvn -q -B -pl src/cli -am test-compile dependency:build-classpath -Dmdep.outputFile="$here/target/test.classpath" \
  -Dmdep.includeScope=test
OMP_NUM_THREADS=1 java --add-modules jdk.incubator.vector -Dtextcls.progress=false \
  -cp "target/classes:target/test-classes:$(cat target/test.classpath)" \
  io.textcls.golden.GoldenBundles src/runtime/test/resources/golden "$@"
ls -l src/runtime/test/resources/golden
