#!/usr/bin/env bash
# Runs every benchmark (grpcshop and the plain grpc-java baseline in the same run) and writes
# docs/benchmarks.md and docs/benchmarks.json. Loopback only; bounded (about 8 minutes at scale 0.6, 20 with PostgreSQL,
# the AOT start-up and the native executable).
# Usage: src/bench/run-benchmarks.sh [scale]   (scale multiplies warm-up and measurement durations)
# With BENCH_POSTGRES_URL (e.g. jdbc:postgresql://127.0.0.1:5432/grpcshop_bench; BENCH_POSTGRES_USER, default
# postgres, and BENCH_POSTGRES_PASSWORD) it also runs GetUser and CreateOrder on that PostgreSQL database, with
# the app built for profile `postgres` (the database must exist; the benchmark writes users and orders into it).
# With BENCH_AOT_JAVA (a JDK 25+ java, e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java) it also measures the
# start-up of the app as the JVM image runs it: aot-jar packaging plus an AOT cache from src/main/docker/aot-training.sh.
# With BENCH_NATIVE_APP (a native executable of this build, from `./mvnw package -Dnative -DskipTests`) it also
# measures that executable as Dockerfile.native runs it: start-up, RSS, GetUser and CreateOrder, after the JVM app.
#
# The benchmark sources live outside src/test on purpose: the baseline is a gRPC service implementation,
# and on the test classpath Quarkus would pick it up instead of the real UserService.
set -euo pipefail
cd "$(dirname "$0")/../.."
export MALLOC_ARENA_MAX=2 # as the JVM image sets it (for every process of the run)
if [ -n "${BENCH_POSTGRES_URL:-}" ] && [ "${1:-}" != "--compile-only" ]; then
  # db-kind is fixed at build time: a second build for PostgreSQL, kept beside the default one
  ./mvnw -B -q package -DskipTests -Dquarkus.profile=postgres
  rm -rf target/quarkus-app-postgres && cp -r target/quarkus-app target/quarkus-app-postgres
fi
if [ -n "${BENCH_AOT_JAVA:-}" ] && [ "${1:-}" != "--compile-only" ]; then
  # the JVM image's way (src/main/docker/Dockerfile.jvm): aot-jar packaging, one training start with that JDK
  ./mvnw -B -q package -DskipTests -Dquarkus.package.jar.type=aot-jar
  rm -rf target/quarkus-app-aot && cp -r target/quarkus-app target/quarkus-app-aot
  # trained with the image's own options (as its Dockerfile sets them)
  IMAGE_JVM_OPTIONS="$(sed -n 's/^ENV \(GC_CONTAINER_OPTIONS\|APP_JVM_OPTIONS\)="\(.*\)"$/\2/p' src/main/docker/Dockerfile.jvm)"
  # shellcheck disable=SC2086 # one option per word
  JAVA="$BENCH_AOT_JAVA" AOT_TRAINING_DATABASE=embedded AOT_TRAINING_CLIENT=target/aot-training-client \
    sh src/main/docker/aot-training.sh target/quarkus-app-aot target/quarkus-app-aot/app.aot \
    $IMAGE_JVM_OPTIONS
fi
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
