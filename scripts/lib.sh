# Shared by run.sh and test.sh: install what is missing, build, and run the private PostgreSQL and
# Redis servers under ./.local/. Sourced, not executed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
BUILD_DIR="$ROOT/build"
BIN="$BUILD_DIR/marquee"
PG_PORT=5433
REDIS_PORT=6380
PG_BIN=/usr/lib/postgresql/15/bin
PG_OS_USER=marquee-pg   # PostgreSQL refuses to run as root; when we are root it runs as this user
export DATABASE_URL="${DATABASE_URL:-postgresql://marquee@127.0.0.1:$PG_PORT/marquee}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT/0}"

PACKAGES=(g++ cmake ninja-build ccache pkg-config libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
          libpq-dev libhiredis-dev libssl-dev libcurl4-openssl-dev libspdlog-dev libfmt-dev libgtest-dev libjemalloc-dev
          postgresql-15 postgresql-client-15 redis-server redis-tools python3 curl wrk)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  # policy-rc.d keeps the packages' own system-wide servers from being started: we run private ones.
  as_root env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The web app's parts from npm (package.json, pinned by package-lock.json): Redoc, whose bundle is
# copied into web/vendor/ for the API reference page (/api/docs); with `dev`, also what the tests
# use (Playwright's browser driver, Redocly's OpenAPI linter). `npm ci` runs only when the lock file
# (or the mode) changed since the last install. Node.js itself: the machine's, else Debian's (18,
# enough for ./run.sh); the tests' packages need a newer one (node_fit_for_tests), which then comes
# from the npm registry into .local/node and goes first on the PATH.
node_fit_for_tests() {
  # @redocly/cli: 20.19+ or 22.12+; node --test --test-concurrency: 20.10+.
  node -e 'const [a, b] = process.versions.node.split(".").map(Number);
           process.exit((a === 20 && b >= 19) || (a === 22 && b >= 12) || a >= 23 ? 0 : 1)' 2>/dev/null
}

install_web_deps() {
  local mode="${1:-prod}" stamp="$ROOT/node_modules/.marquee-installed" want
  if ! command -v npm >/dev/null; then
    log "installing Node.js and npm (Debian's)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  if [[ $mode == dev ]] && ! node_fit_for_tests; then
    if [[ ! -x "$LOCAL/node/node_modules/.bin/node" ]]; then
      log "Node.js $(node --version) is too old for the tests' packages: installing Node.js 22 from npm into .local/node"
      npm install --prefix "$LOCAL/node" --no-audit --no-fund --loglevel=error node@22 >/dev/null
    fi
    export PATH="$LOCAL/node/node_modules/.bin:$PATH"
    node_fit_for_tests || { echo "could not get a Node.js fit for the tests (have $(node --version))" >&2; exit 1; }
  fi
  want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1) $mode"
  if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
    log "installing the web app's npm packages ($mode)"
    local omit=(--omit=dev)
    [[ $mode == dev ]] && omit=()
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error "${omit[@]}" >/dev/null)
    echo "$want" >"$stamp"
  fi
  mkdir -p "$ROOT/web/vendor"
  cp "$ROOT/node_modules/redoc/bundles/redoc.standalone.js" "$ROOT/web/vendor/redoc.standalone.js"
}

# Extra CMake flags (./test.sh --sanitize sets its own).
CMAKE_FLAGS=(-DCMAKE_BUILD_TYPE=Release)

build_release() {
  log "building (${CMAKE_FLAGS[*]})"
  if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja "${CMAKE_FLAGS[@]}" >/dev/null
  fi
  cmake --build "$BUILD_DIR" -j2 | grep -v '^\[' || true
  [[ -x "$BIN" ]] || { echo "build failed" >&2; exit 1; }
  # `cmake --build … | grep` hides the exit status: check it explicitly.
  cmake --build "$BUILD_DIR" -j2 >/dev/null
}

# Where PostgreSQL keeps its files: ./.local/pg, unless the unprivileged user cannot reach this
# checkout (e.g. it lives under /root), then a directory of our own under /var/tmp.
pg_root() {
  if [[ $EUID -ne 0 ]]; then echo "$LOCAL/pg"; return; fi
  mkdir -p "$LOCAL"
  if runuser -u "$PG_OS_USER" -- test -x "$LOCAL" 2>/dev/null; then
    echo "$LOCAL/pg"
  else
    echo "/var/tmp/marquee-pg-$(printf '%s' "$ROOT" | md5sum | cut -c1-12)"
  fi
}

as_pg() {
  if [[ $EUID -eq 0 ]]; then runuser -u "$PG_OS_USER" -- "$@"; else "$@"; fi
}

# max_slot_wal_keep_size: a stopped streaming replica (scripts/cluster.sh) keeps its replication slot,
# which would otherwise make the primary keep every WAL segment written since, without bound.
# The unprivileged user every server runs as when we are root. Needed before pg_root, which decides
# where files go by what this user can reach.
ensure_os_user() {
  if [[ $EUID -eq 0 ]] && ! id "$PG_OS_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER"
  fi
}

start_postgres() {
  ensure_os_user
  local root; root="$(pg_root)"
  mkdir -p "$root/run"
  [[ $EUID -eq 0 ]] && chown -R "$PG_OS_USER" "$root"
  if [[ ! -f "$root/data/PG_VERSION" ]]; then
    log "initialising PostgreSQL in $root/data"
    as_pg "$PG_BIN/initdb" -D "$root/data" -U marquee --auth=trust -E UTF8 --no-locale >/dev/null
  fi
  if as_pg "$PG_BIN/pg_ctl" -D "$root/data" status >/dev/null 2>&1; then return 0; fi
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  as_pg "$PG_BIN/pg_ctl" -D "$root/data" -l "$root/postgres.log" -w -t 60 start \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $root/run -c max_connections=300 -c shared_buffers=256MB -c max_slot_wal_keep_size=2GB" >/dev/null
}

start_redis() {
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then return 0; fi
  log "starting Redis on 127.0.0.1:$REDIS_PORT"
  mkdir -p "$LOCAL/redis"
  # Append-only file, fsynced every second: holds survive a Redis restart.
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$LOCAL/redis" \
    --pidfile "$LOCAL/redis/redis.pid" --logfile "$LOCAL/redis/redis.log" \
    --appendonly yes --appendfsync everysec --save ""
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "Redis did not start; see $LOCAL/redis/redis.log" >&2
  exit 1
}

start_servers() {
  start_postgres
  start_redis
}

stop_servers() {
  local root; root="$(pg_root)"
  if [[ -f "$root/data/PG_VERSION" ]] && as_pg "$PG_BIN/pg_ctl" -D "$root/data" status >/dev/null 2>&1; then
    log "stopping PostgreSQL"
    as_pg "$PG_BIN/pg_ctl" -D "$root/data" -m fast -w stop >/dev/null
  fi
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    log "stopping Redis"
    redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
  fi
}

ensure_database() {
  local name="$1"
  if ! psql -h 127.0.0.1 -p "$PG_PORT" -U marquee -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    log "creating database $name"
    psql -h 127.0.0.1 -p "$PG_PORT" -U marquee -d postgres -qc "CREATE DATABASE \"$name\"" >/dev/null
  fi
}
