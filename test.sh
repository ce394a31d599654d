#!/usr/bin/env bash
# ./test.sh   the same set-up as ./run.sh, then every test (unit and integration) through CTest.
# Extra arguments go to ctest, e.g. ./test.sh -R catalog
source "$(dirname "$0")/scripts/lib.sh"

install_packages
build_release
start_servers
# The tests get a database and a Redis database index of their own, away from the demo data.
ensure_database marquee_test
export DATABASE_URL="postgresql://marquee@127.0.0.1:$PG_PORT/marquee_test"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/1"
"$BIN" migrate
log "running the tests"
ctest --test-dir "$BUILD_DIR" --output-on-failure "$@"
