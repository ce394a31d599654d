# A production-shaped deployment on this machine, everything on 127.0.0.1: nginx (TLS, limits,
# request ids, retries) in front of INSTANCES API processes, a separate jobs process, a Redis
# Cluster of three primaries with a replica each, and a streaming PostgreSQL replica of lib.sh's
# primary. Sourced after scripts/lib.sh. start_cluster and stop_cluster do it all; each start_* and
# stop_* does one part and does nothing if that part is already running (or already stopped).
#
# Settings are read from the environment when a function runs, so a test can run a second copy
# beside the first (another CLUSTER_DIR, other ports, another PG_REPLICA_SLOT):
#   CLUSTER_DIR               where its files live (default: ./.local/cluster, see cluster_dir)
#   REDIS_CLUSTER_PORT        7001: the six Redis nodes use it and the next five
#   PG_REPLICA_PORT           5434      PG_REPLICA_SLOT  marquee_replica
#   INSTANCES                 2         INSTANCE_BASE_PORT 8081   INSTANCE_THREADS 1   JOBS_THREADS 1
#   JOBS_METRICS_PORT         8079: the jobs process's /metrics and /api/health (its METRICS_PORT)
#   GATEWAY_PORT              8080      GATEWAY_TLS_PORT 8443     TLS_CERT, TLS_KEY (default: self-signed)
#   PUBLIC_READS_PER_SECOND   200       PUBLIC_READS_BURST 100    (per client address, at the gateway)
# When we are root every process runs as $PG_OS_USER, like PostgreSQL. Only pids from this
# cluster's own pid files are ever signalled.

NGINX_BIN=/usr/sbin/nginx
GATEWAY_FAIL_TIMEOUT=2   # seconds nginx leaves an instance out after it failed (see rolling_restart)
CLUSTER_PACKAGES=(nginx openssl)

die() { echo "$*" >&2; exit 1; }

# wait_until SECONDS CMD...: run CMD every 0.1 s until it succeeds; false once SECONDS have passed.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# Somewhere the unprivileged user can reach: ./.local/cluster, or beside PostgreSQL's files when
# pg_root had to move them out of the checkout.
cluster_dir() {
  if [[ -n "${CLUSTER_DIR:-}" ]]; then echo "$CLUSTER_DIR"; return; fi
  ensure_os_user
  local pg; pg="$(pg_root)"
  if [[ "$pg" == "$LOCAL/pg" ]]; then echo "$LOCAL/cluster"; else echo "$pg-cluster"; fi
}

# cluster_mkdir DIR...: the cluster directory and each DIR, owned by the user the processes run as.
cluster_mkdir() {
  ensure_os_user
  local d
  for d in "$(cluster_dir)" "$@"; do
    mkdir -p "$d"
    if [[ $EUID -eq 0 ]]; then chown "$PG_OS_USER:" "$d"; fi
  done
}

# pid_gone PID: the process has exited. A zombie counts: nothing may reap a daemon's zombie here.
pid_gone() {
  local state
  state="$(sed -E 's/^.*\) ([A-Z]).*$/\1/' "/proc/$1/stat" 2>/dev/null)" || return 0
  [[ -z "$state" || "$state" == Z || "$state" == X ]]
}

# pid_of PIDFILE WHAT: the pid in PIDFILE, if that process is alive and its command line contains
# WHAT (a pid file can outlive its process, and the pid be reused by another).
pid_of() {
  local pid
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && ! pid_gone "$pid" || return 1
  [[ "$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" == *"$2"* ]] || return 1
  echo "$pid"
}

# stop_pid PIDFILE WHAT NAME [SIGNAL]: SIGNAL (default TERM) to the process in PIDFILE, then SIGKILL
# if it is still there after 20 s (an instance lets its requests finish for up to 10 s).
stop_pid() {
  local pid
  pid="$(pid_of "$1" "$2")" || { rm -f "$1"; return 0; }
  log "stopping $3 (pid $pid)"
  kill -"${4:-TERM}" "$pid" 2>/dev/null || true
  if ! wait_until 20 pid_gone "$pid"; then
    log "$3 (pid $pid) still running after 20 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_until 5 pid_gone "$pid" || die "$3 (pid $pid) does not stop"
  fi
  rm -f "$1"
}

# spawn PIDFILE LOGFILE CMD...: CMD in the background as the unprivileged user, in a session of its
# own (a Ctrl-C meant for the caller does not reach it), its output appended to LOGFILE. The shell
# writes its own pid, then becomes CMD: PIDFILE holds CMD's pid whatever as_pg forks.
spawn() {
  # shellcheck disable=SC2016  # expanded by the inner shell
  as_pg setsid -f bash -c 'echo $$ > "$1"; exec "${@:3}" >> "$2" 2>&1 < /dev/null' spawn "$@"
}

# nginx, plus what the cluster needs that lib.sh's PACKAGES lack; install_packages (RUNLEVEL=1)
# keeps Debian's system-wide nginx from starting on port 80.
install_cluster_packages() {
  # shellcheck disable=SC2034  # read by install_packages (bash scopes dynamically)
  local PACKAGES=("${CLUSTER_PACKAGES[@]}")
  install_packages
  stop_system_nginx
}

# Should the package's own nginx have started anyway, stop that one, by its own pid file.
stop_system_nginx() {
  local pid
  pid="$(pid_of /run/nginx.pid "nginx: master")" || return 0
  log "stopping the system-wide nginx its package started (pid $pid)"
  as_root kill -QUIT "$pid"
}

# The instances and the jobs process run a copy of the build in the cluster directory: the
# unprivileged user may not reach the checkout (under /root, say), and a rebuild changes nothing
# that runs until a (rolling) restart installs it.
service_bin() { echo "$(cluster_dir)/bin/marquee"; }

install_service_binary() {
  local target; target="$(service_bin)"
  [[ -x "$BIN" ]] || die "no $BIN: build it first (./run.sh builds it)"
  cmp -s "$BIN" "$target" && return 0
  cluster_mkdir "$(cluster_dir)/bin"
  # A new file, then a rename: a process running the old one keeps it.
  install -m 755 "$BIN" "$target.new"
  mv -f "$target.new" "$target"
}

# The database of DATABASE_URL (its path, without a query).
database_name() {
  local db="${DATABASE_URL##*/}"
  echo "${db%%\?*}"
}

# ---- Redis Cluster -------------------------------------------------------------------------------

redis_cluster_ports() {
  local first=${REDIS_CLUSTER_PORT:-7001}
  seq "$first" $((first + 5))
}

# The seed nodes a client starts from; it learns the rest (and who is primary now) from them.
redis_cluster_url() {
  local first=${REDIS_CLUSTER_PORT:-7001}
  echo "redis-cluster://127.0.0.1:$first,127.0.0.1:$((first + 1)),127.0.0.1:$((first + 2))"
}

# cluster-node-timeout 1000: a primary silent for 1 s is marked failed and its replica takes over
# about a second later (2.2–2.5 s from a kill -9 to the first hold served again, measured by
# tests/integration/test_cluster.py; with 2000 it was 4.3 s, too close to the 5 s of 503s the
# product allows). The price: a node stalled for over a second (a long fork, a swapped-out page)
# is failed over too — harmless for Marquee, whose seat state heals from PostgreSQL.
# cluster-require-full-coverage no: while one shard fails over (or is lost), the other two keep
# serving their keys instead of the whole cluster refusing.
# repl-diskless-sync-delay 0: a primary has one replica, no reason to wait for more before sending
# it the data set, and until it has that the replica cannot take over.
# nodes.conf (in the node's directory) remembers the cluster: a restarted node rejoins it by itself.
start_redis_node() {
  local port=$1 dir
  dir="$(cluster_dir)/redis-$port"
  if redis-cli -p "$port" ping >/dev/null 2>&1; then
    wait_until 30 redis_answers "$port" || die "Redis on $port is still loading its data after 30 s"
    return 0
  fi
  cluster_mkdir "$dir"
  as_pg redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$dir" \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 1000 \
    --cluster-require-full-coverage no --repl-diskless-sync-delay 0 \
    --appendonly yes --appendfsync everysec --save ""
  # Up is not enough: while it reads its append-only file a node answers LOADING to everything,
  # and forming or joining the cluster then fails.
  wait_until 30 redis_answers "$port" || die "Redis on $port did not start; see $dir/redis.log"
}
redis_answers() { [[ "$(redis-cli -p "$1" ping 2>/dev/null)" == PONG ]]; }

redis_cluster_info() { redis-cli -p "$1" cluster info 2>/dev/null | tr -d '\r'; }
redis_cluster_formed() { grep -qx 'cluster_slots_assigned:16384' <<<"$(redis_cluster_info "$1")"; }

# redis_node_ready PORT: the node takes queries and sees every slot served (cluster_state alone says
# ok with slots uncovered, given cluster-require-full-coverage no); a replica also has its primary's
# data, without which it could not take over.
redis_node_ready() {
  local info; info="$(redis_cluster_info "$1")"
  grep -qx 'cluster_state:ok' <<<"$info" && grep -qx 'cluster_slots_ok:16384' <<<"$info" || return 1
  info="$(redis-cli -p "$1" info replication | tr -d '\r')"
  grep -qx 'role:master' <<<"$info" || grep -qx 'master_link_status:up' <<<"$info"
}
redis_down() { ! redis-cli -p "$1" ping >/dev/null 2>&1; }

start_redis_cluster() {
  local ports p out
  mapfile -t ports < <(redis_cluster_ports)
  for p in "${ports[@]}"; do start_redis_node "$p"; done
  # Formed already when its slots are assigned, even if a node that just restarted does not say
  # cluster_state:ok yet (creating it again would fail: the nodes are not empty).
  if ! redis_cluster_formed "${ports[0]}"; then
    log "forming a Redis Cluster on ports ${ports[0]}-${ports[5]} (3 primaries, 1 replica each)"
    out="$(redis-cli --cluster create "${ports[@]/#/127.0.0.1:}" --cluster-replicas 1 --cluster-yes 2>&1)" ||
      die "redis-cli --cluster create failed: $out"
  fi
  for p in "${ports[@]}"; do
    wait_until 30 redis_node_ready "$p" ||
      die "Redis Cluster node $p is not ready after 30 s: $(redis_cluster_info "$p" | head -3 | tr '\n' ' ')"
  done
}

# Every node at once: one by one, a replica could outlive its primary by more than the node timeout
# and take over, swapping their roles for the next start (harmless, but needless). NOSAVE: no RDB
# snapshot; the append-only file is what persists, and it is flushed on shutdown.
stop_redis_cluster() {
  local p running=() waits=()
  for p in $(redis_cluster_ports); do
    redis-cli -p "$p" ping >/dev/null 2>&1 && running+=("$p")
  done
  [[ ${#running[@]} -eq 0 ]] && return 0
  log "stopping the Redis Cluster nodes on ${running[*]}"
  for p in "${running[@]}"; do
    redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 &
    waits+=($!)
  done
  wait "${waits[@]}" || true
  for p in "${running[@]}"; do
    wait_until 15 redis_down "$p" || die "Redis on $p did not stop"
  done
}

# ---- PostgreSQL replica --------------------------------------------------------------------------

pg_replica_dir() { echo "$(cluster_dir)/pg-replica"; }

pg_replica_running() {
  local dir; dir="$(pg_replica_dir)"
  [[ -f "$dir/data/PG_VERSION" ]] && as_pg "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

# A physical slot makes the primary keep every WAL segment the replica has not received, so the
# replica never falls behind for good, however long it was stopped. The flip side: while the replica
# is stopped the primary's WAL grows. Reserved at once, so nothing is lost between the base backup
# and the replica's first connection.
ensure_replication_slot() {
  psql -h 127.0.0.1 -p "$PG_PORT" -U marquee -d postgres -qtA -v ON_ERROR_STOP=1 -v slot="$1" >/dev/null <<'SQL'
SELECT pg_create_physical_replication_slot(:'slot', true)
WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = :'slot');
SQL
}

# Needs the primary running (start_postgres). pg_basebackup -R writes standby.signal and the
# primary's address and slot into postgresql.auto.conf; initdb --auth=trust already lets
# 127.0.0.1 replicate, and wal_level=replica is the default.
# max_connections must be at least the primary's (300) for a hot standby to start.
# hot_standby_feedback=on: the primary's vacuum keeps the rows a replica query still reads, so the
# usual conflict (a catalogue read cancelled because its rows were cleaned up) does not happen; the
# cost, a little bloat while a replica query runs, is negligible for millisecond reads.
# max_standby_streaming_delay=5s (default 30s): the conflicts left (mostly exclusive locks from
# migrations) make replay wait for the reads in the way; a catalogue read takes milliseconds, so
# waiting 5 s cancels none, and caps how far the replica can fall behind the primary.
start_pg_replica() {
  local port=${PG_REPLICA_PORT:-5434} slot=${PG_REPLICA_SLOT:-marquee_replica} dir
  dir="$(pg_replica_dir)"
  if pg_replica_running; then
    pg_replica_follows "$slot" && return 0
    stop_pg_replica
  fi
  cluster_mkdir "$dir" "$dir/run"
  if [[ -f "$dir/data/PG_VERSION" ]] && ! pg_replica_follows "$slot"; then
    log "the replica in $dir/data cannot follow this primary (another primary's copy, or its slot lost WAL): copying it again"
    rm -rf "$dir/data"
    psql -h 127.0.0.1 -p "$PG_PORT" -U marquee -d postgres -qtAc \
      "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$slot' AND NOT active" >/dev/null
  fi
  ensure_replication_slot "$slot"
  if [[ ! -f "$dir/data/PG_VERSION" ]]; then
    log "copying the primary into a streaming replica in $dir/data"
    as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U marquee -D "$dir/data" \
      -R -X stream -S "$slot" -c fast
  fi
  log "starting the PostgreSQL replica on 127.0.0.1:$port"
  as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $dir/run -c max_connections=300 -c hot_standby=on \
        -c hot_standby_feedback=on -c max_standby_streaming_delay=5s" >/dev/null
}

# pg_replica_follows SLOT: the replica's files are a copy of this primary (the same system
# identifier) and its slot still has the WAL it needs. A primary made afresh (./.local removed, say)
# or a slot invalidated by max_slot_wal_keep_size would leave a replica that never catches up.
pg_replica_follows() {
  local ours theirs slot_state
  ours="$(as_pg "$PG_BIN/pg_controldata" -D "$(pg_replica_dir)/data" 2>/dev/null | awk -F: '/system identifier/ {gsub(/ /, "", $2); print $2}')"
  theirs="$(psql -h 127.0.0.1 -p "$PG_PORT" -U marquee -d postgres -tAc "SELECT system_identifier FROM pg_control_system()")"
  slot_state="$(psql -h 127.0.0.1 -p "$PG_PORT" -U marquee -d postgres -tAc \
    "SELECT wal_status FROM pg_replication_slots WHERE slot_name = '$1'")"
  [[ -n "$ours" && "$ours" == "$theirs" && "$slot_state" != "lost" && -n "$slot_state" ]]
}

stop_pg_replica() {
  pg_replica_running || return 0
  log "stopping the PostgreSQL replica"
  as_pg "$PG_BIN/pg_ctl" -D "$(pg_replica_dir)/data" -m fast -w stop >/dev/null
}

# For good: the replica's files, and its slot, which would otherwise keep the primary's WAL forever.
drop_pg_replica() {
  local slot=${PG_REPLICA_SLOT:-marquee_replica}
  stop_pg_replica
  log "dropping the PostgreSQL replica and its slot $slot"
  psql -h 127.0.0.1 -p "$PG_PORT" -U marquee -d postgres -qtA -v ON_ERROR_STOP=1 -v slot="$slot" >/dev/null <<'SQL'
SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = :'slot';
SQL
  rm -rf "$(pg_replica_dir)"
}

# ---- API instances and the jobs process ---------------------------------------------------------

instance_ports() {
  local first=${INSTANCE_BASE_PORT:-8081}
  seq "$first" $((first + ${INSTANCES:-2} - 1))
}

# The ports of the instances this cluster started and that still run, whatever INSTANCES says now.
running_instance_ports() {
  local pidfile port
  for pidfile in "$(cluster_dir)"/instance-*.pid; do
    port="${pidfile##*/instance-}"
    port="${port%.pid}"
    if pid_of "$pidfile" "$(service_bin)" >/dev/null; then echo "$port"; fi
  done
}

instance_healthy() {  # instance_healthy PORT: ours (by its pid file) and answering 200 on /api/health
  pid_of "$(cluster_dir)/instance-$1.pid" "$(service_bin)" >/dev/null &&
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$1/api/health"
}

# start_instance PORT [VAR=VALUE...]: `marquee serve --no-jobs` on PORT, in our environment plus
# HOST, PORT and THREADS; given VAR=VALUEs, in exactly that environment instead (see restart_of).
start_instance() {
  local port=$1 dir
  shift
  dir="$(cluster_dir)"
  pid_of "$dir/instance-$port.pid" "$(service_bin)" >/dev/null && return 0
  install_service_binary
  cluster_mkdir
  local environment=(env HOST=127.0.0.1 PORT="$port" THREADS="${INSTANCE_THREADS:-1}")
  if (($#)); then environment=(env -i "$@"); fi
  log "starting an API instance on 127.0.0.1:$port"
  spawn "$dir/instance-$port.pid" "$dir/instance-$port.log" "${environment[@]}" "$(service_bin)" serve --no-jobs
  wait_until 30 instance_healthy "$port" ||
    die "the API instance on $port is not healthy after 30 s; see $dir/instance-$port.log"
}

stop_instance() { stop_pid "$(cluster_dir)/instance-$1.pid" "$(service_bin)" "the API instance on $1"; }

start_instances() {
  local port
  for port in $(instance_ports); do start_instance "$port"; done
}

stop_instances() {
  local port
  for port in $(running_instance_ports); do stop_instance "$port"; done
}

# start_jobs_process [VAR=VALUE...]: `marquee jobs`, in our environment plus HOST, METRICS_PORT and
# THREADS, or in exactly the environment given (with METRICS_PORT added if it has none: a process
# started before the jobs answered on a port is restarted into one that does).
# shellcheck disable=SC2120  # restart_of passes the environment
start_jobs_process() {
  local dir pid setting listens=0
  dir="$(cluster_dir)"
  pid_of "$dir/jobs.pid" "$(service_bin)" >/dev/null && return 0
  install_service_binary
  cluster_mkdir
  local environment=(env HOST=127.0.0.1 METRICS_PORT="${JOBS_METRICS_PORT:-8079}" THREADS="${JOBS_THREADS:-1}")
  if (($#)); then
    environment=(env -i "$@")
    for setting in "$@"; do [[ "$setting" == METRICS_PORT=?* ]] && listens=1; done
    ((listens)) || environment+=(HOST=127.0.0.1 METRICS_PORT="${JOBS_METRICS_PORT:-8079}")
  fi
  log "starting the jobs process"
  spawn "$dir/jobs.pid" "$dir/jobs.log" "${environment[@]}" "$(service_bin)" jobs
  wait_until 5 pid_of "$dir/jobs.pid" "$(service_bin)" || die "the jobs process did not start; see $dir/jobs.log"
  pid="$(pid_of "$dir/jobs.pid" "$(service_bin)")" || die "the jobs process stopped; see $dir/jobs.log"
  wait_until 30 jobs_process_settled "$pid" || die "the jobs process is not healthy after 30 s; see $dir/jobs.log"
  ! pid_gone "$pid" || die "the jobs process stopped; see $dir/jobs.log"
}

# jobs_process_settled PID: it answers 200 on /api/health on its own METRICS_PORT, or it has stopped
# (a bad setting, a port in use: no point waiting).
jobs_process_settled() {
  local port
  pid_gone "$1" && return 0
  port="$(tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null | sed -n 's/^METRICS_PORT=//p')"
  [[ -n "$port" ]] && curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/api/health" && ! pid_gone "$1"
}

stop_jobs_process() { stop_pid "$(cluster_dir)/jobs.pid" "$(service_bin)" "the jobs process"; }

# restart_of PIDFILE STOP START [ARGS...]: STOP ARGS, then START ARGS with the environment the
# process in PIDFILE started with, so a restart from any shell keeps the deployment's settings
# (a plain shell would give lib.sh's single Redis, say). The binary is the one now at $BIN, copied
# in by install_service_binary: a restart deploys a new build.
restart_of() {
  local pidfile=$1 stop=$2 start=$3 pid environment=()
  shift 3
  if pid="$(pid_of "$pidfile" "$(service_bin)")"; then mapfile -d '' -t environment <"/proc/$pid/environ"; fi
  "$stop" "$@"
  "$start" "$@" "${environment[@]}"
}

# One instance at a time: it stops accepting and finishes what it has (the server's graceful
# shutdown) while nginx sends everything to the others; a request that finds its port closed is
# sent to another, even a POST, since it was not sent yet. Once it is back and healthy, the next one
# waits out GATEWAY_FAIL_TIMEOUT (and a second): until then nginx counts the restarted one failed, and
# with both out it would answer 502 to everything (measured: thousands of 502s without the wait).
#
# Connections nginx keeps alive to the stopping instance: the server keeps them open for two
# seconds after SIGTERM (kIdleDrain in src/app/runtime.cpp), serves what arrives on them with
# `Connection: close`, and nginx drops each as it is answered. Without that, a request nginx wrote
# onto one just as the instance closed it failed (0 to 2 502s on POSTs per rolling restart, 4 clients
# back to back); tests/integration/test_gateway.py restarts both instances under load and expects
# no failed request.
# Marking the instance `down` and reloading nginx first was tried and is worse: a reload closes
# every idle client connection of the old worker, and clients sending on one at that moment fail
# (8 to 11 connection resets per rolling restart under the same load, POSTs among them).
rolling_restart() {
  local port first=1
  for port in $(running_instance_ports); do
    if ((!first)); then sleep $((GATEWAY_FAIL_TIMEOUT + 1)); fi
    first=0
    log "rolling restart: the instance on $port"
    restart_of "$(cluster_dir)/instance-$port.pid" stop_instance start_instance "$port"
  done
  # Jobs pause for the moment it takes; no client waits on them.
  restart_of "$(cluster_dir)/jobs.pid" stop_jobs_process start_jobs_process
}

# ---- Gateway (nginx) -----------------------------------------------------------------------------

gateway_dir() { echo "$(cluster_dir)/nginx"; }
gateway_pid() { pid_of "$(gateway_dir)/nginx.pid" "nginx: master"; }

as_nginx() {
  local dir; dir="$(gateway_dir)"
  as_pg "$NGINX_BIN" -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log" "$@"
}

# TLS_CERT and TLS_KEY (both, readable by the unprivileged user) serve a real certificate; without
# them a self-signed one for localhost is made once.
tls_files() {
  local dir; dir="$(cluster_dir)/tls"
  if [[ -n "${TLS_CERT:-}${TLS_KEY:-}" ]]; then
    [[ -n "${TLS_CERT:-}" && -n "${TLS_KEY:-}" ]] || die "set both TLS_CERT and TLS_KEY, or neither"
    echo "$TLS_CERT" "$TLS_KEY"
    return
  fi
  if [[ ! -f "$dir/cert.pem" || ! -f "$dir/key.pem" ]]; then
    cluster_mkdir "$dir"
    log "generating a self-signed certificate for localhost in $dir"
    as_pg openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj /CN=localhost \
      -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
      -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
    as_pg chmod 600 "$dir/key.pem"
  fi
  echo "$dir/cert.pem" "$dir/key.pem"
}

# render_gateway_config: deploy/nginx.conf.template filled in, into the gateway's directory.
render_gateway_config() {
  local dir conf files cert key port servers=()
  dir="$(gateway_dir)"
  files="$(tls_files)"
  read -r cert key <<<"$files"
  # One failure takes an instance out for GATEWAY_FAIL_TIMEOUT, then nginx tries it again.
  for port in $(instance_ports); do
    servers+=("        server 127.0.0.1:$port max_fails=1 fail_timeout=${GATEWAY_FAIL_TIMEOUT}s;")
  done
  conf="$(<"$ROOT/deploy/nginx.conf.template")"
  # Quoted replacements: bash 5.2 would otherwise read an & in them as the matched text.
  conf="${conf//@PREFIX@/"$dir"}"
  conf="${conf//@GATEWAY_PORT@/"${GATEWAY_PORT:-8080}"}"
  conf="${conf//@GATEWAY_TLS_PORT@/"${GATEWAY_TLS_PORT:-8443}"}"
  conf="${conf//@TLS_CERT@/"$cert"}"
  conf="${conf//@TLS_KEY@/"$key"}"
  conf="${conf//@PUBLIC_READS_PER_SECOND@/"${PUBLIC_READS_PER_SECOND:-200}"}"
  conf="${conf//@PUBLIC_READS_BURST@/"${PUBLIC_READS_BURST:-100}"}"
  conf="${conf//@UPSTREAM_SERVERS@/"$(printf '%s\n' "${servers[@]}")"}"
  if [[ "$conf" =~ @[A-Z_]+@ ]]; then die "deploy/nginx.conf.template: ${BASH_REMATCH[0]} is not filled in"; fi
  printf '%s\n' "$conf" | as_pg tee "$dir/nginx.conf" >/dev/null
}

gateway_check_config() {
  local out
  out="$(as_nginx -t 2>&1)" || die "nginx refuses $(gateway_dir)/nginx.conf: $out"
}

start_gateway() {
  local dir; dir="$(gateway_dir)"
  gateway_pid >/dev/null && return 0
  install_cluster_packages
  cluster_mkdir "$dir" "$dir/temp"
  render_gateway_config
  gateway_check_config
  log "starting nginx on http://127.0.0.1:${GATEWAY_PORT:-8080} and https://127.0.0.1:${GATEWAY_TLS_PORT:-8443}"
  as_nginx
  wait_until 10 gateway_pid || die "nginx did not start; see $dir/error.log"
}

# SIGQUIT: graceful, the workers finish the requests they have.
stop_gateway() { stop_pid "$(gateway_dir)/nginx.pid" "nginx: master" nginx QUIT; }

pids_gone() {
  local pid
  for pid; do pid_gone "$pid" || return 1; done
}

# reload_gateway: the configuration rendered again (after a change of INSTANCES, say) and loaded
# gracefully; returns once the old worker has finished its requests and exited.
reload_gateway() {
  local master old
  master="$(gateway_pid)" || die "nginx is not running"
  render_gateway_config
  gateway_check_config
  mapfile -t old < <(pgrep -P "$master")
  kill -HUP "$master"
  wait_until 15 pids_gone "${old[@]}" || die "nginx did not reload in 15 s; see $(gateway_dir)/error.log"
}

# ---- All of it -----------------------------------------------------------------------------------

# What the instances and the jobs process inherit: the Redis Cluster, the replica for reads, and
# production mode, with a JWT secret kept in the cluster directory unless one is given.
export_cluster_environment() {
  local secret_file
  secret_file="$(cluster_dir)/jwt-secret"
  export REDIS_URL DATABASE_READ_URL MARQUEE_ENV="${MARQUEE_ENV:-production}"
  REDIS_URL="$(redis_cluster_url)"
  DATABASE_READ_URL="postgresql://marquee@127.0.0.1:${PG_REPLICA_PORT:-5434}/$(database_name)"
  if [[ -z "${JWT_SECRET:-}" ]]; then
    if [[ ! -s "$secret_file" ]]; then (umask 077 && openssl rand -hex 32 >"$secret_file"); fi
    export JWT_SECRET; JWT_SECRET="$(<"$secret_file")"
  fi
}

start_cluster() {
  install_packages
  install_cluster_packages
  install_service_binary
  start_postgres
  ensure_database "$(database_name)"
  start_pg_replica
  start_redis_cluster
  export_cluster_environment
  log "applying migrations and loading the demo catalogue"
  "$BIN" migrate
  "$BIN" seed-demo
  start_instances
  start_jobs_process
  start_gateway
  cluster_summary
}

cluster_summary() {
  local dir; dir="$(cluster_dir)"
  cat >&2 <<EOF
Marquee is running ($MARQUEE_ENV):
  gateway     http://127.0.0.1:${GATEWAY_PORT:-8080}  https://127.0.0.1:${GATEWAY_TLS_PORT:-8443} (certificate: $(tls_files | cut -d' ' -f1))
  instances   $(instance_ports | sed 's/^/127.0.0.1:/' | paste -sd' ') (THREADS=${INSTANCE_THREADS:-1} each)
  jobs        a jobs process, /metrics and /api/health on http://127.0.0.1:${JOBS_METRICS_PORT:-8079}
  PostgreSQL  $DATABASE_URL (primary), $DATABASE_READ_URL (replica)
  Redis       $REDIS_URL (3 primaries, 1 replica each: $(redis_cluster_ports | paste -sd' '))
  logs        $dir/nginx/access.log, $dir/nginx/error.log, $dir/instance-<port>.log, $dir/jobs.log,
              $dir/redis-<port>/redis.log, $dir/pg-replica/postgres.log, $(pg_root)/postgres.log
  a token     JWT_SECRET=\$(cat $dir/jwt-secret) $BIN token --sub alice   (unless JWT_SECRET was given)
  stop        ./run.sh cluster stop
EOF
}

# Everything start_cluster started; the primary PostgreSQL too, as ./run.sh stop does (stop_servers,
# which also stops lib.sh's single Redis if it runs).
stop_cluster() {
  stop_gateway
  stop_instances
  stop_jobs_process
  stop_redis_cluster
  stop_pg_replica
  stop_servers
}
