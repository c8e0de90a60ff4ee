#!/bin/sh
# Writes the JDK's AOT cache (JDK 25+, JEP 483/514/515) for the packaged app: starts it with
# -XX:AOTCacheOutput, makes a few seconds of calls to every service (src/aot/java/.../AotTrainingClient.java,
# in a JVM of its own), stops it (SIGTERM), and the JVM writes the cache on exit. Later starts with
# -XX:AOTCache=<cache> find the classes loaded and linked, and begin with their profiles: those of starting
# and of serving calls. The cache only fits the exact JDK build that wrote it, so Dockerfile.jvm runs this
# inside the image.
#
# Usage: aot-training.sh <quarkus-app dir> <cache file> [JVM options...]
#   JAVA: the java to use (default: java on the PATH). The JVM options should be those of the real runs
#   (heap, GC): the cache records them.
#   AOT_TRAINING_DATABASE: none (default: Flyway off, the calls fail at the database, which still trains
#   everything up to it; for a PostgreSQL build, which has no database while the image is built) or embedded
#   (an embedded-H2 build: it migrates a throwaway database in a temporary folder, and the calls succeed).
#   AOT_TRAINING_CLIENT: the training client's classes (default: <quarkus-app dir>/aot-training-client, where
#   Dockerfile.jvm puts them; the build writes them to target/aot-training-client).
#   AOT_TRAINING_GRPC_PORT: the training app's gRPC port (default 19000; it calls itself there, as one
#   instance running all four services does). AOT_TRAINING_SECONDS: how long the calls go on (default 3).
#
# Needs no database, keys or other service: the keys are a throwaway pair made for the run, and the app runs
# all four services.
set -eu
app_dir=$1
cache=$2
shift 2
case $app_dir in /*) ;; *) app_dir=$PWD/$app_dir ;; esac
case $cache in /*) ;; *) cache=$PWD/$cache ;; esac
java=${JAVA:-java}
client_classes=${AOT_TRAINING_CLIENT:-$app_dir/aot-training-client}
case $client_classes in /*) ;; *) client_classes=$PWD/$client_classes ;; esac
port=${AOT_TRAINING_GRPC_PORT:-19000}
# only POSIX sh, cat, mkdir, rm, sleep and the JDK: the runtime images have little else
work=${TMPDIR:-/tmp}/aot-training.$$
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
# In its own folder: an embedded H2 build creates its database there, which is thrown away.
cd "$work"
client() { "$java" -cp "$client_classes:$app_dir/lib/main/*:$app_dir/app/*" dev.grpcshop.aot.AotTrainingClient "$@"; }
client keys "$work"
database_options=
case ${AOT_TRAINING_DATABASE:-none} in
    embedded) migrate=true ;;
    none) migrate=false; database_options="-Dquarkus.datasource.jdbc.acquisition-timeout=200ms" ;; # fail fast
    *) echo "aot-training: AOT_TRAINING_DATABASE is embedded or none" >&2; exit 2 ;;
esac
"$java" -XX:AOTCacheOutput="$cache" "$@" \
    -Dquarkus.flyway.migrate-at-start=$migrate $database_options \
    -Dmp.jwt.verify.publickey.location="$work/public.pem" \
    -Dsmallrye.jwt.sign.key.location="$work/private.pem" \
    -Dmp.jwt.verify.issuer=aot-training -Dmp.jwt.verify.audiences=aot-training \
    -Dquarkus.http.port=0 -Dquarkus.grpc.server.port="$port" \
    -Dquarkus.stork.user-service.service-discovery.address-list="localhost:$port" \
    -Dquarkus.stork.payment-service.service-discovery.address-list="localhost:$port" \
    -Dquarkus.stork.notification-service.service-discovery.address-list="localhost:$port" \
    -Dapp.services=all \
    -jar "$app_dir/quarkus-run.jar" > training.log 2>&1 &
pid=$!
waited=0
started() { case "$(cat training.log)" in *" started in "*) return 0 ;; *) return 1 ;; esac; }
until started; do
    if ! kill -0 "$pid" 2>/dev/null || [ "$waited" -ge 1200 ]; then
        echo "aot-training: the app did not start:" >&2
        cat training.log >&2
        kill "$pid" 2>/dev/null || true
        exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
done
if ! client calls "$port" "$work/private.pem" "${AOT_TRAINING_SECONDS:-3}"; then
    echo "aot-training: the training calls could not run:" >&2
    cat training.log >&2
    kill "$pid" 2>/dev/null || true
    exit 1
fi
kill -TERM "$pid"
wait "$pid" || true
if [ ! -s "$cache" ]; then
    echo "aot-training: no cache was written:" >&2
    cat training.log >&2
    exit 1
fi
echo "aot-training: wrote $cache"
