#!/usr/bin/env bash
# Lays out the plain grpc-java baseline (PlainGrpcUserServer) for a native build, the way Quarkus lays out the app in
# target/native-sources: target/baseline-native-sources holds a runner jar, its lib/ and native-image.args. Build it
# with GraalVM or Mandrel: cd target/baseline-native-sources && native-image $(cat native-image.args)
# Then `BASELINE_NATIVE=target/baseline-native-sources/plain-grpc-runner src/bench/h2load-unary.sh` sets the native
# app against a native baseline, so the cost of compiling ahead of time is told apart from the app's own.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f target/bench-classes/dev/grpcshop/bench/PlainGrpcUserServer.class ] || src/bench/run-benchmarks.sh --compile-only
OUT=target/baseline-native-sources
rm -rf "$OUT" && mkdir -p "$OUT/lib" "$OUT/classes/dev/grpcshop/bench"
# what the baseline runs on: grpc-java, Netty, protobuf and their own dependencies, nothing of Quarkus
tr ':' '\n' < target/bench.classpath | grep -E '/io/grpc/grpc-(api|context|core|netty|protobuf|protobuf-lite|stub|util)/|/io/netty/netty-(buffer|codec|codec-http|codec-http2|codec-socks|common|handler|handler-proxy|resolver|transport|transport-native-unix-common)/|/com/google/(protobuf/protobuf-java|guava/guava|guava/failureaccess|api/grpc/proto-google-common-protos|errorprone/error_prone_annotations|code/findbugs/jsr305)/|/io/perfmark/' \
  | xargs -I{} cp {} "$OUT/lib/"
for jar in grpc-netty grpc-protobuf netty-codec-http2 protobuf-java; do
  ls "$OUT"/lib/$jar-[0-9]*.jar >/dev/null || { echo "no $jar jar on the bench classpath" >&2; exit 1; }
done
cp -r target/classes/dev/grpcshop/api "$OUT/classes/dev/grpcshop/"
cp target/bench-classes/dev/grpcshop/bench/{PlainGrpcUserServer*,PlainLogging}.class "$OUT/classes/dev/grpcshop/bench/"
{
  echo "Main-Class: dev.grpcshop.bench.PlainGrpcUserServer"
  printf 'Class-Path:'
  for jar in "$OUT"/lib/*.jar; do printf ' lib/%s\n' "$(basename "$jar")"; done | sed '2,$s/^/ /'
} > "$OUT/manifest.txt"
jar cfm "$OUT/plain-grpc-runner.jar" "$OUT/manifest.txt" -C "$OUT/classes" .
rm -rf "$OUT/classes" "$OUT/manifest.txt"
echo "--no-fallback -J-Dio.netty.leakDetection.level=DISABLED -J-Dfile.encoding=UTF-8 plain-grpc-runner -jar plain-grpc-runner.jar" \
  > "$OUT/native-image.args"
echo "$OUT: $(ls "$OUT/lib" | wc -l) jars; build with: cd $OUT && native-image \$(cat native-image.args)"
