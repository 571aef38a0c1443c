#!/usr/bin/env bash
# Starts what the tests need on this machine, each on a spare loopback port with its data in a temp dir:
#   - PostgreSQL 15 (Debian's postgresql-15, run as the `postgres` user), with pg_stat_statements loaded, and a
#     streaming standby of it on a second port (pg_basebackup -R), so replication is tested against the real thing
#   - a second primary + standby pair, for the incident tests alone
#   - an SMTP server (Debian's python3-aiosmtpd) that writes every message it receives to a maildir
#   - Debian's prometheus-postgres-exporter installed (not started): a test runs it as a second opinion on the collector
#   - Debian's chromium (not started): the ui's browser test drives it headless through Playwright
#   - Debian's python3-confluent-kafka and python3-avro: Confluent's own Python client reads our Avro records back
#     through the schema registry (Debian's kcat is built without Avro support)
#   - Debian's prometheus server (the binary, not its system service) with its own config and data dir, scraping every
#     1 s the targets a test writes as file_sd JSON into $GDS_TEST_PROMETHEUS_TARGETS_DIR: the user's monitoring
# Usage: source <(scripts/services.sh start)   -> exports GDS_TEST_* variables
#        scripts/services.sh start --durable   -> PostgreSQL with production durability (fsync, synchronous
#                                                 commit, full-page writes): what benchmarks measure against
#        scripts/services.sh stop DIR
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

need_pkg() { dpkg -s "$1" >/dev/null 2>&1; }
install_missing() {
  local missing=()
  for p in "$@"; do need_pkg "$p" || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >&2
  fi
}

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# A primary: initdb, then pg_ctl start on PORT with MAXCONN connections, pg_stat_statements loaded.
start_primary() {
  local data=$1 port=$2 maxconn=$3 buffers=$4 durability=$5
  su postgres -s /bin/bash -c "$PGBIN/initdb -D '$data' -U postgres --auth=trust -E UTF8 >'$data.initdb.log' 2>&1"
  su postgres -s /bin/bash -c "$PGBIN/pg_ctl -D '$data' -l '$data.log' -w -t 60 \
      -o \"-p $port -k '$(dirname "$data")' -c listen_addresses=127.0.0.1 -c max_connections=$maxconn $durability -c shared_buffers=$buffers -c shared_preload_libraries=pg_stat_statements -c track_io_timing=on\" start >&2"
  # A role with a password, so collectors and tests can exercise password auth too.
  su postgres -s /bin/bash -c "psql -h 127.0.0.1 -p $port -U postgres -qAt -c \"ALTER USER postgres PASSWORD 'postgres'; CREATE ROLE gds_monitor LOGIN PASSWORD 'gds-monitor-secret' IN ROLE pg_monitor; CREATE EXTENSION IF NOT EXISTS pg_stat_statements;\"" >&2
}

# A streaming standby of the primary on PRIMARY_PORT: a base backup with -R (primary_conninfo + standby.signal),
# started on its own port. NAME is its application_name, what the primary's pg_stat_replication shows for it.
start_standby() {
  local data=$1 primary_port=$2 port=$3 maxconn=$4 name=$5 durability=$6
  su postgres -s /bin/bash -c "$PGBIN/pg_basebackup -h 127.0.0.1 -p $primary_port -U postgres -D '$data' -R -X stream -c fast >'$data.basebackup.log' 2>&1"
  su postgres -s /bin/bash -c "echo \"primary_conninfo = 'host=127.0.0.1 port=$primary_port user=postgres password=postgres application_name=$name'\" >> '$data/postgresql.auto.conf'"
  su postgres -s /bin/bash -c "$PGBIN/pg_ctl -D '$data' -l '$data.log' -w -t 60 \
      -o \"-p $port -k '$(dirname "$data")' -c listen_addresses=127.0.0.1 -c max_connections=$maxconn $durability -c shared_buffers=32MB -c shared_preload_libraries=pg_stat_statements -c hot_standby=on\" start >&2"
}

PGBIN=/usr/lib/postgresql/15/bin

# Prometheus as a user runs it, from Debian's package but not as its service: every job's targets come from file_sd
# files in DIR/targets (a test writes one per process it starts), scraped every second. Prints the port.
start_prometheus() {
  local dir=$1 port; port=$(free_port)
  mkdir -p "$dir/targets" "$dir/data"
  cat >"$dir/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s, scrape_timeout: 900ms}
scrape_configs:
  - job_name: gds
    file_sd_configs: [{files: ['$dir/targets/*.json'], refresh_interval: 1s}]
YAML
  setsid /usr/bin/prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" --storage.tsdb.retention.time=2h </dev/null >"$dir/prometheus.log" 2>&1 &
  echo $! >"$dir/prometheus.pid"
  for _ in $(seq 1 100); do (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
  echo "$port"
}

start() {
  # docker-compose: only its `config` (validates docker/compose.yaml; no daemon needed)
  install_missing postgresql-15 python3-aiosmtpd kcat prometheus-postgres-exporter prometheus docker-compose chromium python3-confluent-kafka python3-avro
  # Tests want speed and lose nothing of value if the server crashes; a benchmark must pay what production pays.
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off" bench=""
  # A benchmark measures one server: no standby replaying its writes beside it, no incident pair.
  [ "${1:-}" = "--durable" ] && durability="-c max_wal_size=4GB" && bench=1
  local dir; dir=$(mktemp -d /tmp/gds-services.XXXXXX)
  chmod 755 "$dir"
  mkdir -p "$dir/pg" && chown postgres:postgres "$dir/pg"
  # The server every test shares, and a standby of it.
  local pgport; pgport=$(free_port)
  start_primary "$dir/pg/data" "$pgport" 300 256MB "$durability"
  local standbyport="" incport="" incstandbyport=""
  if [ -z "$bench" ]; then
    standbyport=$(free_port)
    start_standby "$dir/pg/standby" "$pgport" "$standbyport" 300 gds-test-standby "$durability"
    # A primary and standby of their own for the incident tests, which cause lock waits, saturate connections and
    # pause replay: nothing else may run there, and nothing running elsewhere may page in them. 100 connections, so
    # saturating them is cheap.
    incport=$(free_port)
    start_primary "$dir/pg/incidents" "$incport" 100 32MB "$durability"
    incstandbyport=$(free_port)
    start_standby "$dir/pg/incidents-standby" "$incport" "$incstandbyport" 100 incidents-standby "$durability"
  fi
  local smtpport; smtpport=$(free_port)
  mkdir -p "$dir/mail"
  setsid /usr/bin/python3 "$HERE/smtp_sink.py" 127.0.0.1 "$smtpport" "$dir/mail" </dev/null >"$dir/smtp.log" 2>&1 &
  echo $! >"$dir/smtp.pid"
  for _ in $(seq 1 50); do (echo >/dev/tcp/127.0.0.1/$smtpport) 2>/dev/null && break; sleep 0.1; done
  local promport=""
  [ -z "$bench" ] && promport=$(start_prometheus "$dir/prometheus")
  cat <<VARS
export GDS_TEST_SERVICES_DIR='$dir'
export GDS_TEST_PG_CONNECTION='Host=127.0.0.1;Port=$pgport;Username=postgres;Password=postgres;Database=postgres'
export GDS_TEST_PG_PORT='$pgport'
export GDS_TEST_SMTP_HOST='127.0.0.1'
export GDS_TEST_SMTP_PORT='$smtpport'
export GDS_TEST_SMTP_MAILDIR='$dir/mail'
VARS
  [ -n "$bench" ] && return 0
  cat <<VARS
export GDS_TEST_PROMETHEUS_URL='http://127.0.0.1:$promport'
export GDS_TEST_PROMETHEUS_TARGETS_DIR='$dir/prometheus/targets'
export GDS_TEST_PG_STANDBY_CONNECTION='Host=127.0.0.1;Port=$standbyport;Username=postgres;Password=postgres;Database=postgres'
export GDS_TEST_PG_STANDBY_PORT='$standbyport'
export GDS_TEST_PG_INCIDENTS_CONNECTION='Host=127.0.0.1;Port=$incport;Username=postgres;Password=postgres;Database=postgres'
export GDS_TEST_PG_INCIDENTS_STANDBY_CONNECTION='Host=127.0.0.1;Port=$incstandbyport;Username=postgres;Password=postgres;Database=postgres'
VARS
}

stop() {
  local dir=$1
  [ -d "$dir" ] || return 0
  [ -f "$dir/smtp.pid" ] && kill "$(cat "$dir/smtp.pid")" 2>/dev/null || true
  [ -f "$dir/prometheus/prometheus.pid" ] && kill "$(cat "$dir/prometheus/prometheus.pid")" 2>/dev/null || true
  for data in standby incidents-standby data incidents; do
    [ -d "$dir/pg/$data" ] && su postgres -s /bin/bash -c "$PGBIN/pg_ctl -D '$dir/pg/$data' -m immediate stop" >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop "${2:?services dir}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
