#!/usr/bin/env bash
# Runs every benchmark (grpcshop and the plain grpc-java baseline in the same run) and writes
# docs/benchmarks.md and docs/benchmarks.json. Loopback only; bounded (about 3 minutes at scale 0.6).
# Usage: src/bench/run-benchmarks.sh [scale]   (scale multiplies warm-up and measurement durations)
#
# The benchmark sources live outside src/test on purpose: the baseline is a gRPC service implementation,
# and on the test classpath Quarkus would pick it up instead of the real UserService.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${1:-}" = "--compile-only" ]; then
  ./mvnw -B -q package -DskipTests
else
  # AppCDS: the JVM maps the app's classes from an archive instead of loading them (faster start)
  ./mvnw -B -q package -DskipTests -Dquarkus.package.jar.appcds.enabled=true
fi
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
CP="target/classes:$(cat target/bench.classpath)"
rm -rf target/bench-classes
# MintToken (src/dev) signs the admin token the load generator sends
javac -d target/bench-classes -cp "$CP" $(find src/bench/java -name '*.java') src/dev/MintToken.java
if [ "${1:-}" = "--compile-only" ]; then exit 0; fi
java -Xmx1g -Djava.awt.headless=true -cp "target/bench-classes:$CP" dev.grpcshop.bench.BenchmarkSuite "${1:-1.0}"
