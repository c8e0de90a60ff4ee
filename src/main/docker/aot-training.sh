#!/bin/sh
# Writes the JDK's AOT cache (JDK 25+, JEP 483/514/515) for the packaged app: starts it once with
# -XX:AOTCacheOutput, stops it (SIGTERM) as soon as it has started, and the JVM writes the cache on exit.
# Later starts with -XX:AOTCache=<cache> find the classes loaded and linked, and begin with their profiles.
# The cache only fits the exact JDK build that wrote it, so Dockerfile.jvm runs this inside the image.
#
# Usage: aot-training.sh <quarkus-app dir> <cache file> [JVM options...]
#   JAVA: the java to use (default: java on the PATH). The JVM options should be those of the real runs
#   (heap, GC): the cache records them.
#
# The training run needs no database, keys or other service: Flyway is off, the key locations are
# placeholders (the keys are read on first use, and nothing calls this run), and it stops before the outbox
# relay's first poll (app.orders.outbox.poll-interval after start).
set -eu
app_dir=$1
cache=$2
shift 2
case $app_dir in /*) ;; *) app_dir=$PWD/$app_dir ;; esac
case $cache in /*) ;; *) cache=$PWD/$cache ;; esac
java=${JAVA:-java}
# only POSIX sh, cat, mkdir, rm and sleep: the runtime images have little else
work=${TMPDIR:-/tmp}/aot-training.$$
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
# In its own folder: an embedded H2 build may create a database file there, which is thrown away.
cd "$work"
"$java" -XX:AOTCacheOutput="$cache" "$@" \
    -Dquarkus.flyway.migrate-at-start=false \
    -Dmp.jwt.verify.publickey.location=aot-training-has-no-key \
    -Dsmallrye.jwt.sign.key.location=aot-training-has-no-key \
    -Dquarkus.http.port=0 -Dquarkus.grpc.server.port=0 \
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
kill -TERM "$pid"
wait "$pid" || true
if [ ! -s "$cache" ]; then
    echo "aot-training: no cache was written:" >&2
    cat training.log >&2
    exit 1
fi
echo "aot-training: wrote $cache"
