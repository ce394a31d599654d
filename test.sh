#!/usr/bin/env bash
# ./test.sh              the same set-up as ./run.sh, then every test (unit and integration) through CTest
# ./test.sh --sanitize   the same with a build under AddressSanitizer and UndefinedBehaviorSanitizer
#                        (build-sanitize/); any report fails the run
# Extra arguments go to ctest, e.g. ./test.sh -R catalog
source "$(dirname "$0")/scripts/lib.sh"

SANITIZE=0
if [[ "${1:-}" == "--sanitize" ]]; then
  SANITIZE=1
  shift
  BUILD_DIR="$ROOT/build-sanitize"
  BIN="$BUILD_DIR/marquee"
  CMAKE_FLAGS=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DMARQUEE_SANITIZE=ON)
  # Stop at the first report, with a stack; the harness keeps each server's output.
  export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=0"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
fi

source "$ROOT/scripts/cluster.sh"
PACKAGES+=(prometheus)  # promtool: the metrics' format and the alert rules are checked (test_metrics.py)
# The browser tests drive Debian's Chromium; the integration tests check every response against
# docs/openapi.yaml with jsonschema.
PACKAGES+=(chromium python3-jsonschema python3-yaml)
install_packages
install_web_deps dev
install_cluster_packages
build_release
start_servers
# The tests get a database and a Redis database index of their own, away from the demo data.
ensure_database marquee_test
export DATABASE_URL="postgresql://marquee@127.0.0.1:$PG_PORT/marquee_test"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/1"
"$BIN" migrate
# The scale-out pieces the tests use: the streaming replica of the primary (./run.sh cluster's, which
# carries the test database too) and a Redis Cluster of the tests' own.
start_pg_replica
TEST_REDIS_CLUSTER_PORT=7101
CLUSTER_DIR="$(cluster_dir)/test-redis" REDIS_CLUSTER_PORT=$TEST_REDIS_CLUSTER_PORT start_redis_cluster
export MARQUEE_TEST_REDIS_CLUSTER_URL; MARQUEE_TEST_REDIS_CLUSTER_URL="$(REDIS_CLUSTER_PORT=$TEST_REDIS_CLUSTER_PORT redis_cluster_url)"
export MARQUEE_TEST_DATABASE_READ_URL="postgresql://marquee@127.0.0.1:${PG_REPLICA_PORT:-5434}/marquee_test"
log "running the tests"
[[ $SANITIZE -eq 1 ]] && rm -f /tmp/marquee-test-*.log
status=0
# Under the sanitizers, the tests that repeat others through nginx and the Redis Cluster (label
# `cluster`) and the browser tests (label `browser`: the same requests as the integration tests, with
# a browser's seconds around them) are left out: already checked by the plain run; time CI keeps.
CTEST_ARGS=("$@")
[[ $SANITIZE -eq 1 && $# -eq 0 ]] && CTEST_ARGS=(-LE "cluster|browser")
ctest --test-dir "$BUILD_DIR" --output-on-failure "${CTEST_ARGS[@]}" || status=$?
if [[ $SANITIZE -eq 1 ]]; then
  # A server that reported and stopped fails its test; a report from a process a test did not
  # watch (a jobs process, say) is in its log: any is a failure.
  if grep -l -E "ERROR: (Address|Leak)Sanitizer|runtime error:" /tmp/marquee-test-*.log 2>/dev/null; then
    echo "sanitizer reports in the server logs above" >&2
    status=1
  fi
fi
exit $status
