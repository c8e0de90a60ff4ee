#!/usr/bin/env bash
# GetUser and ListUsers under h2load (nghttp2-client: C, one thread, it costs far less than either server), alternating
# grpcshop (the packaged JVM jar with Dockerfile.jvm's options, or a native executable) and the plain grpc-java
# baseline (src/bench/java/.../PlainGrpcUserServer.java) in one run, on the same data. Prints a Markdown table: calls/s,
# mean latency, and the server's CPU per call read from /proc over the measured part only. Loopback only; bounded.
# Each server is warmed up in chunks until its JIT compilers (C1/C2 threads, JVMs only) used less than JIT_QUIET per
# cent of its CPU over a chunk: a JVM still compiling spends a third or more of its CPU in the compiler, which is a
# cost of its first seconds, not of each call.
#
# Usage: src/bench/h2load-unary.sh [rounds] > docs/benchmarks-h2load.md     (default 2; 2-4 minutes per round)
#   GRPCSHOP_NATIVE=target/...-runner  also measures that native executable, as another server in every round
#   BASELINE_NATIVE=<executable>  also measures the baseline compiled natively (src/bench/baseline-native-sources.sh),
#     with the native app's -X options: what compiling ahead of time costs plain grpc-java
#   GRPCSHOP_B=/path/to/quarkus-app  also measures that build of the app (JVM, same options) as grpcshop-b in every
#     round: an A/B of two commits (copy target/quarkus-app away, check out and build the other)
#   NESTJS=1  also measures the NestJS baseline (src/bench/nestjs/server.mjs; npm ci --prefix src/bench/nestjs first)
#   H2LOAD_CLIENTS=4 H2LOAD_STREAMS=32 GETUSER_WARMUP=100000 GETUSER_CALLS=200000 LIST_WARMUP=30000 LIST_CALLS=60000
#   REST_CLIENTS=32 REST_WARMUP=30000 REST_CALLS=60000 (the warm-ups are chunk sizes) JIT_QUIET=5 MAX_WARMUPS=10
# Needs h2load (apt-get install nghttp2-client) and a build (./mvnw package -DskipTests). Each server is alone on its
# database: grpcshop on a new embedded H2 file (the durable default URL), the baselines in memory; all hold the same
# 12 users, GetUser asks for user 1, ListUsers for {limit: 10}. Every call carries an admin bearer token (the
# baselines do not check it).
set -euo pipefail
cd "$(dirname "$0")/../.."
export MALLOC_ARENA_MAX=2 # as the JVM image sets it
command -v h2load >/dev/null || { echo "h2load not found: apt-get install nghttp2-client" >&2; exit 2; }
ROUNDS=${1:-2}
CLIENTS=${H2LOAD_CLIENTS:-4} STREAMS=${H2LOAD_STREAMS:-32}
GETUSER_WARMUP=${GETUSER_WARMUP:-100000} GETUSER_CALLS=${GETUSER_CALLS:-200000}
LIST_WARMUP=${LIST_WARMUP:-30000} LIST_CALLS=${LIST_CALLS:-60000}
REST_CLIENTS=${REST_CLIENTS:-32} REST_WARMUP=${REST_WARMUP:-30000} REST_CALLS=${REST_CALLS:-60000}
JIT_QUIET=${JIT_QUIET:-5} MAX_WARMUPS=${MAX_WARMUPS:-10}
[ -f target/bench-classes/dev/grpcshop/bench/PlainGrpcUserServer.class ] || src/bench/run-benchmarks.sh --compile-only
WORK=$(mktemp -d /tmp/h2load-unary.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
TOKEN=$(java src/dev/MintToken.java --roles admin --ttl 7200)
# the images' own options: the JVM's heap, GC and caps (Dockerfile.jvm), the native executable's -X options (Dockerfile.native)
APP_JVM_OPTIONS=$(sed -n 's/^ENV \(GC_CONTAINER_OPTIONS\|APP_JVM_OPTIONS\)="\(.*\)"$/\2/p' src/main/docker/Dockerfile.jvm | tr '\n' ' ')
NATIVE_OPTIONS=$(sed -n 's/^ENTRYPOINT \[.*\]$/&/p' src/main/docker/Dockerfile.native | grep -o '"-\(X\|Djdk\.\)[^"]*"' | tr -d '"' | tr '\n' ' ')
[ -z "${GRPCSHOP_NATIVE:-}" ] || GRPCSHOP_NATIVE=$(realpath "$GRPCSHOP_NATIVE")
[ -z "${BASELINE_NATIVE:-}" ] || BASELINE_NATIVE=$(realpath "$BASELINE_NATIVE")
[ -z "${GRPCSHOP_B:-}" ] || [ -f "$GRPCSHOP_B/quarkus-run.jar" ] || { echo "no quarkus-run.jar in $GRPCSHOP_B" >&2; exit 2; }

# gRPC messages as h2load sends them: 5-byte frame header (not compressed, big-endian length) + protobuf bytes
frame() { printf '\x00\x00\x00\x00'"\\x$(printf %02x $(($(printf "$1" | wc -c))))$1"; }
frame '\x08\x01' > "$WORK/get-user-1.bin"                  # GetUserRequest{id: 1}
frame '\x08\x0a' > "$WORK/list-10.bin"                     # ListUsersRequest{limit: 10}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# user + system ticks of the JIT compiler threads alive now (none in a native executable or in Node). JDK 17 starts and
# stops compiler threads as the queue grows, so a difference can miss a thread that ended in between: a lower bound.
jit_ticks() {
  local total=0 task
  for task in /proc/"$1"/task/*; do
    case $(cat "$task/comm" 2>/dev/null) in
      "C1 CompilerThre"* | "C2 CompilerThre"*) total=$((total + $(sed 's/.*) //' "$task/stat" | awk '{print $12 + $13}'))) ;;
    esac
  done
  echo "$total"
}
# "RSS/private" in MB, from one read of smaps_rollup. Private: the part of RSS the kernel cannot drop, anonymous and
# dirty pages. The rest is clean pages of files (for the native executable, its code and read-only image heap), shared
# between processes and reclaimed under memory pressure.
memory_mb() {
  awk '/^Rss:/ {rss = $2} /^(Private_Dirty|Shared_Dirty):/ {dirty += $2} END {printf "%d/%d", rss / 1024, dirty / 1024}' \
    "/proc/$1/smaps_rollup"
}

# h2load against PORT/METHOD with BODY, N calls; prints "calls/s mean-latency" of that run. Method REST: GetUser over
# REST/JSON on HTTP/1.1 (no multiplexing: REST_CLIENTS connections, a request in flight on each), PORT the HTTP port.
load() { # port method body calls
  local out
  if [ "$2" = REST ]; then
    out=$(h2load --h1 -c "$REST_CLIENTS" -n "$4" -H "authorization: Bearer $TOKEN" "http://127.0.0.1:$1/api/v1/users/1")
  else
    out=$(h2load -c "$CLIENTS" -m "$STREAMS" -n "$4" -d "$3" -H 'content-type: application/grpc' -H 'te: trailers' \
          -H "authorization: Bearer $TOKEN" "http://127.0.0.1:$1/user.v1.UserService/$2")
  fi
  grep -q "$4 succeeded" <<<"$out" || { echo "h2load: not every call succeeded" >&2; echo "$out" >&2; exit 1; }
  [ "$2" != REST ] || grep -q "status codes: $4 2xx" <<<"$out" || { echo "REST: not every call answered 2xx" >&2; echo "$out" >&2; exit 1; }
  echo "$(sed -n 's/.*finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p' <<<"$out") $(awk '/time for request:/ {print $6}' <<<"$out")"
}

# One call's grpc-status (h2load sees HTTP 200 either way; a wrong request must not pass for a fast one)
grpc_status() { # port method body
  curl -s --http2-prior-knowledge -o /dev/null -D - --data-binary @"$3" -H 'content-type: application/grpc' \
    -H 'te: trailers' -H "authorization: Bearer $TOKEN" "http://127.0.0.1:$1/user.v1.UserService/$2" \
    | sed -n 's/^grpc-status: *\([0-9]*\).*/\1/p' | tr -d '\r'
}

wait_serving() { # port pid
  for _ in $(seq 600); do
    [ "$(grpc_status "$1" GetUser "$WORK/get-user-1.bin")" != "" ] && return 0
    kill -0 "$2" 2>/dev/null || { echo "server on $1 exited" >&2; exit 1; }
    sleep 0.1
  done
  echo "server on $1 did not answer" >&2; exit 1
}

seed_users() { # port
  for i in $(seq 12); do
    local name="User $i" email="user$i@bench.example"
    frame "\\x0a\\x$(printf %02x ${#name})$name\\x12\\x$(printf %02x ${#email})$email" > "$WORK/create.bin"
    [ "$(grpc_status "$1" CreateUser "$WORK/create.bin")" = 0 ] || { echo "CreateUser failed on $1" >&2; exit 1; }
  done
  for m in "GetUser get-user-1" "ListUsers list-10"; do
    set -- "$1" $m
    [ "$(grpc_status "$1" "$2" "$WORK/$3.bin")" = 0 ] || { echo "$2 failed on $1" >&2; exit 1; }
  done
}

start_baseline() {
  java -Xms64m -Xmx1g -XX:+UseSerialGC -cp "target/bench-classes:target/classes:$(cat target/bench.classpath)" \
    dev.grpcshop.bench.PlainGrpcUserServer 9190 > "$WORK/baseline.log" 2>&1 &
  PID=$! PORT=9190
}

start_baseline_native() {
  # shellcheck disable=SC2086 # one option per word
  "$BASELINE_NATIVE" $NATIVE_OPTIONS 9190 > "$WORK/baseline-native.log" 2>&1 &
  PID=$! PORT=9190
}

start_nestjs() {
  node src/bench/nestjs/server.mjs 9390 > "$WORK/nestjs.log" 2>&1 &
  PID=$! PORT=9390
}

start_grpcshop() { # jvm|native|b round
  local dir="$WORK/grpcshop-$1-$2" props
  mkdir -p "$dir"
  props=(-Dquarkus.grpc.server.port=9290 -Dquarkus.http.port=8290
    "-Dquarkus.datasource.jdbc.url=jdbc:h2:file:$dir/grpcshop;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;QUERY_CACHE_SIZE=64"
    "-Dmp.jwt.verify.publickey.location=$PWD/src/dev/keys/dev-public.pem"
    "-Dsmallrye.jwt.sign.key.location=$PWD/src/dev/keys/dev-private.pem")
  if [ "$1" = native ]; then
    # shellcheck disable=SC2086 # one option per word
    (cd "$dir" && exec "$GRPCSHOP_NATIVE" $NATIVE_OPTIONS "${props[@]}") > "$dir.log" 2>&1 &
  else
    local app=target/quarkus-app; [ "$1" = b ] && app=$GRPCSHOP_B
    # shellcheck disable=SC2086 # one option per word
    java $APP_JVM_OPTIONS "${props[@]}" -jar "$app/quarkus-run.jar" > "$dir.log" 2>&1 &
  fi
  PID=$! PORT=9290 HTTP_PORT=8290
}

# load, and the server's CPU ticks and its JIT compilers' ticks over it: prints "calls/s mean-latency cpu jit"
counted_load() { # port method body calls
  local cpu jit out
  cpu=$(cpu_ticks "$PID") jit=$(jit_ticks "$PID")
  out=$(load "$@") || exit 1
  echo "$out $(($(cpu_ticks "$PID") - cpu)) $(($(jit_ticks "$PID") - jit))"
}

# Warm-up chunks of CALLS until the JIT compilers used under JIT_QUIET % of the server's CPU over one; prints the calls
warm_up() { # port method body calls
  local chunks=0 out cpu jit
  while ((chunks < MAX_WARMUPS)); do
    out=$(counted_load "$@") || exit 1
    chunks=$((chunks + 1))
    read -r _ _ cpu jit <<<"$out"
    ((jit * 100 < JIT_QUIET * cpu)) && break
  done
  echo $((chunks * $4))
}

declare -A RESULTS
measure() { # label
  wait_serving "$PORT" "$PID"
  seed_users "$PORT"
  local methods=("GetUser get-user-1 $GETUSER_WARMUP $GETUSER_CALLS" "ListUsers list-10 $LIST_WARMUP $LIST_CALLS")
  # the same GetUser over REST/JSON on the app's HTTP port (the baselines have none)
  [[ $1 != grpcshop* ]] || methods+=("REST - $REST_WARMUP $REST_CALLS")
  for m in "${methods[@]}"; do
    set -- "$1" $m
    local warmed out rate mean cpu jit port=$PORT
    [ "$2" != REST ] || port=$HTTP_PORT
    warmed=$(warm_up "$port" "$2" "$WORK/$3.bin" "$4")
    out=$(counted_load "$port" "$2" "$WORK/$3.bin" "$5")
    read -r rate mean cpu jit <<<"$out"
    ((jit > 0)) || jit=0
    # ticks are 1/100 s (USER_HZ); per call in microseconds
    RESULTS["$1 $2"]+="$(printf '%.0f/%s/%d/%d/%s/%dk ' "$rate" "$mean" $((cpu * 10000 / $5)) $((jit * 10000 / $5)) \
      "$(memory_mb "$PID")" $((warmed / 1000)))"
  done
  kill "$PID"; wait "$PID" 2>/dev/null || true
}

SERVERS="baseline grpcshop-jvm"; [ -z "${GRPCSHOP_B:-}" ] || SERVERS+=" grpcshop-b"
[ -z "${GRPCSHOP_NATIVE:-}" ] || SERVERS+=" grpcshop-native"
[ -z "${BASELINE_NATIVE:-}" ] || SERVERS+=" baseline-native"
[ -z "${NESTJS:-}" ] || SERVERS+=" nestjs"
read -r -a ORDER <<<"$SERVERS"
for round in $(seq "$ROUNDS"); do
  # each round starts one server further on: in A/B runs of builds with the same GetUser code, the app measured
  # later in a round served more GetUser calls in 6 of 8 rounds, so no server keeps one place
  first=$(((round - 1) % ${#ORDER[@]}))
  for server in "${ORDER[@]:first}" "${ORDER[@]:0:first}"; do
    echo "round $round: $server" >&2
    case $server in
      baseline) start_baseline ;;
      baseline-native) start_baseline_native ;;
      nestjs) start_nestjs ;;
      *) start_grpcshop "${server#grpcshop-}" "$round" ;;
    esac
    measure "$server"
  done
done

echo "# Unary and small-stream cost under h2load"
echo
echo "Produced by \`src/bench/h2load-unary.sh $ROUNDS\` on $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, servers alternating in each round"
echo "(round 1 in the order of the table, each further round starting one server later)."
echo "h2load -c $CLIENTS -m $STREAMS; GetUser: $GETUSER_CALLS calls measured; ListUsers{limit: 10}: $LIST_CALLS streams measured."
echo "GetUser over REST: the same read as JSON over HTTP/1.1 on grpcshop's HTTP port (\`GET /api/v1/users/1\`, the same token),"
echo "h2load --h1 -c $REST_CLIENTS (a request in flight per connection), $REST_CALLS calls measured after warm-up chunks of $REST_WARMUP."
echo "Each server is first warmed up in chunks ($GETUSER_WARMUP calls, $LIST_WARMUP streams) until its JIT compilers used under"
echo "$JIT_QUIET% of its CPU over a chunk (at most $MAX_WARMUPS chunks); \"warm-up\" gives the calls that took in each round"
echo "(ListUsers' warm-up follows GetUser's in the same process)."
echo "Server CPU per call: the server's user + system time over the measured calls only; in brackets the part of it"
echo "spent by the JIT compilers, where there was any."
options="the JVM image's options"; [ -z "${GRPCSHOP_NATIVE:-}" ] || options+=" (native: ${NATIVE_OPTIONS% })"
echo "grpcshop: $options, a new durable H2 file, an admin token on every call."
[ -z "${BASELINE_NATIVE:-}" ] || echo "baseline-native: the baseline compiled natively (\`src/bench/baseline-native-sources.sh\`), run with ${NATIVE_OPTIONS% }."
[ -z "${GRPCSHOP_B:-}" ] || echo "grpcshop-b: the build in \`$GRPCSHOP_B\`, with the same options and data as grpcshop-jvm."
[ -z "${NESTJS:-}" ] || echo "nestjs: NestJS $(node -p "require('./src/bench/nestjs/node_modules/@nestjs/core/package.json').version") gRPC transport on Node $(node --version), in memory."
echo
echo "RSS after: the server's resident memory after the measured calls; in brackets the part of it that is private"
echo "(anonymous and dirty pages), the rest being clean pages of files such as the native executable's code and image heap."
echo
echo "| method | server | warm-up | calls/s per round | mean latency | server CPU per call | RSS after (private) |"
echo "|---|---|---|---|---|---|---|"
for method in GetUser ListUsers REST; do
  for server in $SERVERS; do
    [ -n "${RESULTS["$server $method"]:-}" ] || continue
    read -ra runs <<<"${RESULTS["$server $method"]}"
    warms="" rates="" means="" cpus="" rss=""
    for r in "${runs[@]}"; do
      IFS=/ read -r rate mean cpu jit mb private warmed <<<"$r"
      warms+="$warmed, " rates+="$rate, " means+="$mean, " rss+="$mb MB ($private), "
      if ((jit > 0)); then cpus+="$cpu us ($jit), "; else cpus+="$cpu us, "; fi
    done
    label=$method; [ "$method" != REST ] || label="GetUser over REST"
    echo "| $label | $server | ${warms%, } | ${rates%, } | ${means%, } | ${cpus%, } | ${rss%, } |"
  done
done
