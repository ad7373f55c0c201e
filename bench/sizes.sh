#!/usr/bin/env bash
# What the scoring runtime and the Spark job weigh, and what they carry: the runtime's jar plus its
# dependency tree (compile and runtime scope), the Spark job's shaded jar, any DL4J, ND4J, DataVec
# or JavaCPP artifact in the runtime's tree, and any native library in either.
#   bench/sizes.sh        (after mvn -B package -DskipTests, which builds the jars)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
tree="$(mktemp)"; libs="$(mktemp -d)"; trap 'rm -rf "$tree" "$libs"' EXIT
mvn -q -B -o dependency:tree -pl src/runtime -Dscope=runtime -DoutputFile="$tree" >/dev/null 2>&1 \
  || mvn -q -B dependency:tree -pl src/runtime -Dscope=runtime -DoutputFile="$tree" >/dev/null
mvn -q -B -o dependency:copy-dependencies -pl src/runtime -DincludeScope=runtime -DoutputDirectory="$libs" >/dev/null 2>&1 \
  || mvn -q -B dependency:copy-dependencies -pl src/runtime -DincludeScope=runtime -DoutputDirectory="$libs" >/dev/null
jar="$(ls src/runtime/target/textcls-runtime-*.jar | grep -v tests | head -1)"
cp "$jar" "$libs/"
echo "textcls-runtime's dependency tree (runtime scope):"
sed 's/^/  /' "$tree"
echo "DL4J, ND4J, DataVec or JavaCPP artifacts in it: $(grep -ciE 'deeplearning4j|nd4j|datavec|bytedeco' "$tree" || true)"
total=$(du -cb "$libs"/*.jar | tail -1 | cut -f1)
printf "runtime jar plus its dependencies: %d jars, %.1f MB (%d bytes)\n" "$(ls "$libs" | wc -l)" \
  "$(echo "$total / 1000000" | bc -l)" "$total"
natives() { for j in "$@"; do unzip -Z1 "$j"; done | grep -ciE '\.(so|dll|dylib|jnilib)$' || true; }
echo "native libraries inside them: $(natives "$libs"/*.jar)"
spark="$(ls target/textcls-*-spark.jar 2>/dev/null | head -1)"
if [ -n "$spark" ]; then
  s=$(stat -c %s "$spark")
  printf "Spark job's shaded jar %s: %.1f MB (%d bytes); native libraries inside: %s; DL4J/ND4J/JavaCPP classes: %s\n" \
    "$spark" "$(echo "$s / 1000000" | bc -l)" "$s" "$(natives "$spark")" \
    "$(unzip -Z1 "$spark" | grep -ciE '^org/(deeplearning4j|nd4j|bytedeco)/' || true)"
else
  echo "no target/textcls-*-spark.jar: build it with mvn -B package -DskipTests"
fi
