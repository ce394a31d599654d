#!/usr/bin/env bash
# ./run.sh        set everything up and serve the API on http://127.0.0.1:8080 (Ctrl-C stops it)
# ./run.sh stop   stop the private PostgreSQL and Redis servers too
# ./run.sh cluster        the production shape on this machine, in the background: nginx on :8080
#                         (and TLS on :8443) in front of INSTANCES (2) API processes and a jobs
#                         process, a Redis Cluster (3 primaries, 1 replica each) and a PostgreSQL
#                         streaming replica (docs/scaling.md)
# ./run.sh cluster stop   stop all of it
source "$(dirname "$0")/scripts/lib.sh"

if [[ "${1:-}" == "stop" ]]; then
  stop_servers
  exit 0
fi

if [[ "${1:-}" == "cluster" ]]; then
  source "$ROOT/scripts/cluster.sh"
  if [[ "${2:-}" == "stop" ]]; then
    stop_cluster
  else
    install_packages
    install_web_deps
    build_release
    start_cluster
  fi
  exit 0
fi

# Out of the box, ./run.sh is for trying Marquee on this machine: development mode, which lets
# `serve` use the built-in development secret. Set MARQUEE_ENV=production (and a JWT_SECRET of at
# least 32 bytes) to run it as it would run in production.
if [[ -z "${MARQUEE_ENV:-}" ]]; then
  export MARQUEE_ENV=development
  log "MARQUEE_ENV=development (the built-in JWT secret is allowed; set MARQUEE_ENV=production for real use)"
fi

install_packages
install_web_deps
build_release
start_servers
ensure_database marquee
"$BIN" migrate
"$BIN" seed-demo
log "serving on http://${HOST:-127.0.0.1}:${PORT:-8080} (Ctrl-C to stop; ./run.sh stop stops the databases)"
exec "$BIN" serve "$@"
