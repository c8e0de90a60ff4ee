#!/usr/bin/env bash
# How fast the outbox relay drains the charges owed after a PaymentService outage. Starts a notification instance and
# an order instance (user,order) of the packaged app, each on its own new H2 file, with PaymentService's address
# pointing at a free port; places orders for LOAD seconds (LoadGenerator createOrder 2x4: each is answered PENDING and
# leaves a CHARGE entry); then starts the payment instance on that port and times how long the order instance's
# grpcshop_outbox_backlog{kind="charge"} takes to reach 0. Loopback only; bounded (a few minutes).
#
# Usage: src/bench/outbox-drain.sh [quarkus-app folder]   (default target/quarkus-app; ./mvnw package -DskipTests first)
#   LOAD=6s  how long orders are placed during the outage
# The simulated processor answers in 150 ms (as CrashDurabilityIT's does) and a failed delivery waits at most 2 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
APP=$(realpath "${1:-target/quarkus-app}")
LOAD=${LOAD:-6s}
[ -f target/bench-classes/dev/grpcshop/bench/LoadGenerator.class ] || src/bench/run-benchmarks.sh --compile-only
WORK=$(mktemp -d /tmp/outbox-drain.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
PAYMENT=9601 NOTIFICATION=9602 ORDER=9603 ORDER_HTTP=8603

start() { # name services grpc-port http-port [options]
  local name=$1 services=$2 grpc=$3 http=$4
  shift 4
  mkdir -p "$WORK/$name"
  (cd "$WORK/$name" && exec java -Dquarkus.grpc.server.port="$grpc" -Dquarkus.http.port="$http" \
    -Dapp.services="$services" -Dapp.payments.simulator.latency=150ms -Dapp.orders.outbox.max-backoff=2s \
    -Dapp.payments.simulator.journal="$WORK/journal" \
    -Dmp.jwt.verify.publickey.location="$ROOT/src/dev/keys/dev-public.pem" \
    -Dsmallrye.jwt.sign.key.location="$ROOT/src/dev/keys/dev-private.pem" "$@" \
    -jar "$APP/quarkus-run.jar") > "$WORK/$name.log" 2>&1 &
}
ready() { # http-port
  for _ in $(seq 600); do curl -sf "localhost:$1/q/health/ready" > /dev/null && return 0; sleep 0.1; done
  echo "the instance on $1 did not get ready" >&2; exit 1
}
backlog() {
  curl -s "localhost:$ORDER_HTTP/q/metrics" | awk '/^grpcshop_outbox_backlog\{kind="charge"/ {print int($2)}'
}

start notification notification $NOTIFICATION 8602
start order user,order $ORDER $ORDER_HTTP \
  -Dquarkus.stork.payment-service.service-discovery.address-list=localhost:$PAYMENT \
  -Dquarkus.stork.notification-service.service-discovery.address-list=localhost:$NOTIFICATION
ready 8602; ready $ORDER_HTTP
java -cp "target/bench-classes:target/classes:$(cat target/bench.classpath)" dev.grpcshop.bench.LoadGenerator \
  --target 127.0.0.1:$ORDER --scenario createOrder --connections 2 --inflight 4 --warmup 1s --duration "$LOAD" \
  > "$WORK/load.txt"
sleep 1.5 # the relay's next poll counts the last orders' entries
owed=$(backlog)
start payment payment $PAYMENT 8601
ready 8601
t0=$(date +%s.%N)
for _ in $(seq 1200); do [ "$(backlog)" = 0 ] && break; sleep 0.5; done
[ "$(backlog)" = 0 ] || { echo "the backlog did not drain within 10 minutes" >&2; exit 1; }
seconds=$(echo "$(date +%s.%N) - $t0" | bc)
printf 'drained %d charges in %.1f s: %.1f charges/s (from PaymentService ready to an empty charge backlog)\n' \
  "$owed" "$seconds" "$(echo "$owed / $seconds" | bc -l)"
