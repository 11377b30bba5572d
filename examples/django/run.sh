#!/usr/bin/env bash
# Starts and stops the Django example service with its own PostgreSQL and
# Redis, all on loopback, all data in one temporary directory.
#
#   examples/django/run.sh start    # prints the base URL: http://127.0.0.1:18000
#   examples/django/run.sh status   # prints the base URL if it is running
#   examples/django/run.sh stop     # ends what start started, removes the data
#
# Environment (all optional):
#   RACETEST_DJANGO_DIR         state directory (default: a new mktemp -d,
#                               remembered in examples/django/.state)
#   RACETEST_DJANGO_PORT        gunicorn port, "auto" for a free one (default:
#                               18000, the target: of the scenarios)
#   RACETEST_DJANGO_PG_PORT     PostgreSQL port          (default: a free port)
#   RACETEST_DJANGO_REDIS_PORT  Redis port               (default: a free port)
#   RACETEST_DJANGO_WORKERS, RACETEST_DJANGO_THREADS     (default: 2 and 32)
#
# Nothing system-wide is started, stopped or written: the system's own
# PostgreSQL and Redis services, if any, are left alone. Missing Debian
# packages are installed with apt-get (as root).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3 # Debian's Python: the python3-* packages live there
marker=racetest-django.state

log() { echo "run.sh: $*" >&2; }
die() {
	log "$*"
	exit 1
}

# fail dies with the end of a log file, which stop is about to remove.
fail() {
	log "$2; the end of $1:"
	tail -n 20 "$1" >&2 2>/dev/null
	exit 1
}

# state_dir prints the state directory: the environment's, else the one
# remembered by the last start.
state_dir() {
	if [ -n "${RACETEST_DJANGO_DIR:-}" ]; then
		echo "$RACETEST_DJANGO_DIR"
	elif [ -f "$here/.state" ]; then
		cat "$here/.state"
	fi
}

# as_pg runs a PostgreSQL command as the user postgres when we are root,
# because initdb and postgres refuse to run as root.
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_bin() {
	ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

install_packages() {
	local need=()
	[ -n "$(pg_bin)" ] || need+=(postgresql)
	# The Redis server binary ships in redis-tools (as redis-check-rdb,
	# which acts as the server when called redis-server). The redis-server
	# package would add a system-wide service that its install may start.
	{ command -v redis-cli && { command -v redis-server || [ -x /usr/bin/redis-check-rdb ]; }; } >/dev/null ||
		need+=(redis-tools)
	# Python modules are looked for in Debian's Python, not whatever
	# python3 or gunicorn comes first on PATH.
	$py -c 'import gunicorn' 2>/dev/null || need+=(gunicorn)
	$py -c 'import django' 2>/dev/null || need+=(python3-django)
	$py -c 'import psycopg2' 2>/dev/null || need+=(python3-psycopg2)
	$py -c 'import redis' 2>/dev/null || need+=(python3-redis)
	$py -c 'import requests' 2>/dev/null || need+=(python3-requests) # detect.sh
	[ ${#need[@]} -eq 0 ] && return
	[ "$(id -u)" = 0 ] || die "missing Debian packages, install them as root: apt-get install ${need[*]}"
	log "installing ${need[*]}"
	apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

free_port() {
	$py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# port_free tells whether nothing listens on the port. SO_REUSEADDR, as
# gunicorn sets it, ignores the connections of a previous run in TIME_WAIT.
port_free() {
	$py - "$1" 2>/dev/null <<-'EOF'
		import socket, sys
		s = socket.socket()
		s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		s.bind(("127.0.0.1", int(sys.argv[1])))
	EOF
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

healthy() {
	curl -fsS --max-time 2 "$1/healthz" >/dev/null 2>&1
}

# wait_for tries the command every 0.1 s until it succeeds, for at most
# $1 seconds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.1
	done
}

start_postgres() {
	local bin
	bin=$(pg_bin)
	mkdir -p "$dir/pg"
	chmod 700 "$dir/pg"
	[ "$(id -u)" = 0 ] && chown postgres: "$dir/pg"
	as_pg "$bin/initdb" -D "$dir/pg/data" -U racetest --auth=trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
		fail "$dir/initdb.log" "initdb failed"
	# A throwaway database: durability off. max_connections covers one
	# connection per gunicorn thread with room to spare.
	cat >>"$dir/pg/data/postgresql.conf" <<-EOF
		listen_addresses = '127.0.0.1'
		port = $PG_PORT
		unix_socket_directories = '$dir/pg'
		max_connections = $((WORKERS * THREADS + 50))
		fsync = off
		synchronous_commit = off
		full_page_writes = off
	EOF
	as_pg "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/postgres.log" -w -t 30 start >/dev/null ||
		fail "$dir/pg/postgres.log" "PostgreSQL did not start"
	"$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U racetest racetest
}

start_redis() {
	local server
	server=$(command -v redis-server || true)
	if [ -z "$server" ]; then
		ln -sf /usr/bin/redis-check-rdb "$dir/redis-server"
		server=$dir/redis-server
	fi
	"$server" --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$dir" --save '' --appendonly no \
		--daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
	wait_for 10 redis_up || fail "$dir/redis.log" "Redis did not start"
}

redis_up() { [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

start_django() {
	export RACETEST_DJANGO_PG_PORT=$PG_PORT RACETEST_DJANGO_REDIS_PORT=$REDIS_PORT
	(cd "$here" && $py manage.py migrate --no-input -v 0) || die "manage.py migrate failed"
	# gthread: every worker runs THREADS requests at once, so a burst really
	# runs concurrently. No access log: it would only slow the burst down.
	$py -m gunicorn --chdir "$here" --bind "127.0.0.1:$PORT" \
		--workers "$WORKERS" --threads "$THREADS" --worker-class gthread \
		--daemon --pid "$dir/gunicorn.pid" --error-logfile "$dir/gunicorn.log" \
		config.wsgi:application
	wait_for 30 healthy "$URL" || fail "$dir/gunicorn.log" "the service is not healthy after 30s"
	curl -fsS --max-time 5 -X POST "$URL/reset" >/dev/null
}

# on_exit cleans up after a start that failed half way.
on_exit() {
	[ "$1" = 0 ] && return
	log "start failed: stopping what was started"
	stop
}

start() {
	dir=$(state_dir)
	if [ -n "$dir" ] && [ -f "$dir/$marker" ]; then
		# shellcheck source=/dev/null
		. "$dir/$marker"
		if alive "$dir/gunicorn.pid" && healthy "$URL"; then
			echo "$URL"
			return
		fi
		log "a previous start in $dir is not healthy: stopping it first"
		stop
		dir=$(state_dir)
	fi
	install_packages
	PORT=${RACETEST_DJANGO_PORT:-18000}
	if [ "$PORT" = auto ]; then
		PORT=$(free_port)
	elif ! port_free "$PORT"; then
		die "port $PORT is in use: set RACETEST_DJANGO_PORT to another port, or to auto for a free one"
	fi
	PG_PORT=${RACETEST_DJANGO_PG_PORT:-$(free_port)}
	REDIS_PORT=${RACETEST_DJANGO_REDIS_PORT:-$(free_port)}
	WORKERS=${RACETEST_DJANGO_WORKERS:-2}
	THREADS=${RACETEST_DJANGO_THREADS:-32}
	if [ -z "$dir" ]; then
		dir=$(mktemp -d "${TMPDIR:-/tmp}/racetest-django.XXXXXX")
		echo "$dir" >"$here/.state"
	elif [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
		# stop removes the whole directory: it must be ours alone.
		die "RACETEST_DJANGO_DIR=$dir is not empty: name a new or empty directory"
	fi
	mkdir -p "$dir"
	# postgres must be able to reach its data directory inside.
	chmod 755 "$dir"
	URL=http://127.0.0.1:$PORT
	# The marker is written first, so that stop can clean up after a start
	# that failed half way, and stop removes only a directory marked so.
	cat >"$dir/$marker" <<-EOF
		PORT=$PORT
		PG_PORT=$PG_PORT
		REDIS_PORT=$REDIS_PORT
		URL=$URL
	EOF
	trap 'on_exit $?' EXIT
	start_postgres
	start_redis
	start_django
	trap - EXIT
	echo "$URL"
}

# stop_pid sends a signal (default TERM) to the process in a pid file and
# waits up to 10 s for it to exit.
stop_pid() {
	local pid
	alive "$1" || return 0
	pid=$(cat "$1")
	kill -"${2:-TERM}" "$pid"
	wait_for 10 gone "$pid" || kill -9 "$pid" 2>/dev/null || true
}

gone() { ! kill -0 "$1" 2>/dev/null; }

stop() {
	set +e
	dir=$(state_dir)
	if [ -z "$dir" ] || [ ! -f "$dir/$marker" ]; then
		[ "$dir" = "$(cat "$here/.state" 2>/dev/null)" ] && rm -f "$here/.state"
		return 0
	fi
	# QUIT is gunicorn's quick shutdown; TERM would wait seconds for idle
	# keep-alive connections.
	stop_pid "$dir/gunicorn.pid" QUIT
	stop_pid "$dir/redis.pid"
	if [ -f "$dir/pg/data/postmaster.pid" ]; then
		as_pg "$(pg_bin)/pg_ctl" -D "$dir/pg/data" -m fast -w -t 30 stop >/dev/null
	fi
	# Only a directory that start marked as its own is removed.
	rm -rf "$dir"
	[ "$dir" = "$(cat "$here/.state" 2>/dev/null)" ] && rm -f "$here/.state"
	set -e
	return 0
}

status() {
	dir=$(state_dir)
	[ -n "$dir" ] && [ -f "$dir/$marker" ] || die "not running"
	# shellcheck source=/dev/null
	. "$dir/$marker"
	healthy "$URL" || die "started in $dir but not healthy at $URL"
	echo "$URL"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) status ;;
*)
	echo "usage: $0 start|status|stop" >&2
	exit 2
	;;
esac
