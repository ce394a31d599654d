#!/usr/bin/env bash
# ./run.sh        set everything up and serve the API on http://127.0.0.1:8080 (Ctrl-C stops it)
# ./run.sh stop   stop the private PostgreSQL and Redis servers too
source "$(dirname "$0")/scripts/lib.sh"

if [[ "${1:-}" == "stop" ]]; then
  stop_servers
  exit 0
fi

install_packages
build_release
start_servers
ensure_database marquee
"$BIN" migrate
"$BIN" seed-demo
log "serving on http://${HOST:-127.0.0.1}:${PORT:-8080} (Ctrl-C to stop; ./run.sh stop stops the databases)"
exec "$BIN" serve "$@"
