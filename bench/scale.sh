#!/usr/bin/env bash
# Marquee in its production shape on this machine, measured: nginx (deploy/nginx.conf.template) in
# front of 1, then 2 API instances (THREADS=1 each), on a Redis Cluster of 3 primaries with a
# replica each and the PostgreSQL primary (scripts/cluster.sh). For each endpoint — public reads
# (movies, shows by date, seat map), holds, full bookings (hold → order → confirm) — it prints the
# rate and latency through the gateway and what each tier spent on it: CPU milliseconds per 1,000
# requests of nginx, the instances, Redis (all six nodes) and PostgreSQL (all its processes), Redis
# commands per request (the primaries' commandstats) and PostgreSQL transactions per request
# (pg_stat_database). The numbers go into docs/scaling.md by hand.
#   bench/scale.sh                    10 s per endpoint, 64 connections, 1 and 2 instances
#   INSTANCE_COUNTS="2" DURATION=20 bench/scale.sh
#   BENCH_BIN=old/marquee bench/scale.sh
source "$(dirname "$0")/../scripts/lib.sh"
source "$ROOT/scripts/cluster.sh"
source "$ROOT/bench/booking_shows.sh"
BIN="${BENCH_BIN:-$BIN}"

DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
INSTANCE_COUNTS="${INSTANCE_COUNTS:-1 2}"
export MARQUEE_ENV=development RATE_LIMIT_PER_MINUTE=1000000
# A deployment of its own beside ./run.sh cluster's: other ports, another directory.
export CLUSTER_DIR; CLUSTER_DIR="$(cluster_dir)/bench"
export REDIS_CLUSTER_PORT=7301 INSTANCE_BASE_PORT=18181 GATEWAY_PORT=18180 GATEWAY_TLS_PORT=18443
export PUBLIC_READS_PER_SECOND=1000000 PUBLIC_READS_BURST=1000000 INSTANCE_THREADS=1

install_packages
install_cluster_packages
[[ -n "${BENCH_BIN:-}" ]] || build_release
start_postgres
start_redis_cluster
export REDIS_URL; REDIS_URL="$(redis_cluster_url)"
psql -h 127.0.0.1 -p "$PG_PORT" -U marquee -d postgres -qc "DROP DATABASE IF EXISTS marquee_scale" >/dev/null
ensure_database marquee_scale
export DATABASE_URL="postgresql://marquee@127.0.0.1:$PG_PORT/marquee_scale"
"$BIN" migrate >/dev/null
"$BIN" seed-demo >/dev/null
add_booking_shows 90
psql "$DATABASE_URL" -qc "VACUUM ANALYZE" >/dev/null
trap 'stop_gateway; stop_instances' EXIT

redis_primaries() {
  local p
  for p in $(redis_cluster_ports); do
    redis-cli -p "$p" info replication | grep -q '^role:master' && echo "$p"
  done
}
for p in $(redis_primaries); do redis-cli -p "$p" FLUSHALL >/dev/null; done

# CPU time (ms) of every process of a tier, summed.
cpu_ms_of() {
  local pid total=0 ticks
  ticks=$(getconf CLK_TCK)
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] || continue
    read -r -a f < <(sed 's/.*) //' "/proc/$pid/stat")
    total=$((total + f[11] + f[12]))  # utime + stime, in clock ticks
  done
  echo $((total * 1000 / ticks))
}
pids_of_tier() {
  case $1 in
    nginx) pgrep -f "nginx: (master|worker) process.*$(gateway_dir)" ; pgrep -P "$(gateway_pid)" ;;
    api) for p in $(instance_ports); do pid_of "$(cluster_dir)/instance-$p.pid" "$BIN"; done ;;
    redis) for p in $(redis_cluster_ports); do cat "$(cluster_dir)/redis-$p/redis.pid"; done ;;
    postgres) local pm; pm=$(head -1 "$(pg_root)/data/postmaster.pid"); echo "$pm"; pgrep -P "$pm" ;;
  esac | sort -u
}
redis_commands() {
  local p total=0 n
  for p in $(redis_primaries); do
    n=$(redis-cli -p "$p" info stats | tr -d '\r' | awk -F: '/^total_commands_processed/ {print $2}')
    total=$((total + n))
  done
  echo "$total"
}
pg_transactions() {
  psql "$DATABASE_URL" -tAc "SELECT pg_stat_force_next_flush(); SELECT xact_commit + xact_rollback FROM pg_stat_database
    WHERE datname = 'marquee_scale'" | tail -1
}
TIERS=(nginx api redis postgres)
snapshot() {
  local t
  for t in "${TIERS[@]}"; do
    # shellcheck disable=SC2046  # one pid per word
    echo -n "$(cpu_ms_of $(pids_of_tier "$t")) "
  done
  echo "$(redis_commands) $(pg_transactions)"
}

MOVIE=550e8400-e29b-41d4-a716-446655440001
TOMORROW=$(date -u -d tomorrow +%F)
export BENCH_DIR="$ROOT/bench"
HOLD_SHOWS=$(psql "$DATABASE_URL" -tAc "SELECT string_agg(show_id::text, ',') FROM shows s JOIN screens sc USING (screen_id)
  WHERE sc.total_seats = 240 AND s.start_time > now() + interval '10 minutes' AND s.status <> 'CANCELLED'")
export HOLD_SHOWS HOLD_TOKENS="$LOCAL/scale-tokens.txt"
for k in $(seq 0 239); do "$BIN" token --sub "scale-user-$k" --ttl 86400; done > "$HOLD_TOKENS"
BOOK_SHOWS=$(booking_shows '10 minutes')
export BOOK_SHOWS
BOOK_START=0
GATEWAY="http://127.0.0.1:$GATEWAY_PORT"

# measure NAME: one measured run through the gateway; prints its row.
measure() {
  local name=$1 before after rps p50 p99 status requests
  case $name in
    movies) url="$GATEWAY/api/v1/movies?category=trending&limit=20" script=report.lua ;;
    shows) url="$GATEWAY/api/v1/movies/$MOVIE/shows?date=$TOMORROW" script=report.lua ;;
    seatmap) url="$GATEWAY" script=seatmap.lua ;;
    holds) url="$GATEWAY" script=holds.lua ;;
  esac
  if [[ $name != booking ]]; then
    wrk -t1 -c"$CONNECTIONS" -d2s -s "$ROOT/bench/$script" "$url" >/dev/null
    read -r -a before < <(snapshot)
    read -r _ rps p50 p99 status _ < <(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$ROOT/bench/$script" "$url" | grep '^RESULT')
    read -r -a after < <(snapshot)
    requests=$(awk -v r="$rps" -v d="$DURATION" 'BEGIN {print int(r * d)}')
  else
    read -r _ _ _ _ _ BOOK_START < <(BOOK_START=$BOOK_START "$BUILD_DIR/bench/booker" 127.0.0.1 "$GATEWAY_PORT" "$CONNECTIONS" 2)
    read -r -a before < <(snapshot)
    read -r _ rps p50 p99 status BOOK_START < <(BOOK_START=$BOOK_START "$BUILD_DIR/bench/booker" 127.0.0.1 \
      "$GATEWAY_PORT" "$CONNECTIONS" "$DURATION")
    read -r -a after < <(snapshot)
    requests=$(awk -v r="$rps" -v d="$DURATION" 'BEGIN {print int(r * d)}')  # bookings, 3 requests each
  fi
  awk -v n="$name" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v st="$status" -v q="$requests" \
      -v b="${before[*]}" -v a="${after[*]}" 'BEGIN {
    split(b, x, " "); split(a, y, " ")
    printf "%-8s %9s %7s %7s %6s", n, rps, p50, p99, st
    for (i = 1; i <= 4; i++) printf " %8.0f", 1000 * (y[i] - x[i]) / q
    printf " %8.2f %8.2f\n", (y[5] - x[5]) / q, (y[6] - x[6]) / q
  }'
}

for count in $INSTANCE_COUNTS; do
  stop_gateway
  stop_instances
  export INSTANCES=$count
  start_instances >/dev/null 2>&1
  start_gateway >/dev/null 2>&1
  echo
  echo "== $count instance(s) behind nginx (THREADS=1 each), Redis Cluster 3+3, PostgreSQL primary; ${DURATION}s, $CONNECTIONS connections"
  printf '%-8s %9s %7s %7s %6s %8s %8s %8s %8s %8s %8s\n' endpoint "req/s" "p50 ms" "p99 ms" non2xx \
    "nginx" "api" "redis" "pg" "redis" "pg"
  printf '%-8s %9s %7s %7s %6s %35s %17s\n' "" "" "" "" "" "(CPU ms per 1,000 requests)" "(per request)"
  for name in movies shows seatmap holds booking; do measure "$name"; done
done
echo "(booking rows: per booking of 3 requests; pg: transactions, a statement outside one counting as one; $(nproc) cores)"
