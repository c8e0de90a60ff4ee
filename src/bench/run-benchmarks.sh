#!/usr/bin/env bash
# Runs every benchmark (grpcshop and the plain grpc-java baseline in the same run) and writes
# docs/benchmarks.md and docs/benchmarks.json. Loopback only; bounded (about 4 minutes at scale 1.0).
# Usage: src/bench/run-benchmarks.sh [scale]   (scale multiplies warm-up and measurement durations)
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q package -DskipTests
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
java -Xmx1g -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.grpcshop.bench.BenchmarkSuite "${1:-1.0}"
