#!/bin/sh
# bench/ratelimit-pg.sh — what the shared rate limit (src/db/rate.c) costs a request on
# PostgreSQL: release servers on one database, one with the limits off
# (http.rate_per_address = http.rate_per_token = 0) and one with them on (set too high to
# refuse anything, so every request takes from its two buckets, the address's and the
# token's, in shares of 64: src/http/ratelimit.c), measured in turn A, B, A, B with wrk on
# GET /api/v1/me signed in by a bearer token. Prints per run the requests/s and the median latency, on one
# connection (the added round trips, alone) and on 8. Run it inside the test cluster:
#
#   scripts/pg-test-cluster bench/ratelimit-pg.sh
#
# BENCH_SECONDS (5) per run.
set -eu
cd "$(dirname "$0")/.."
: "${ANQUAN_TEST_PG_URL:?run inside scripts/pg-test-cluster}"
SECS=${BENCH_SECONDS:-5}
BIN=./anquan
[ -x "$BIN" ] || { echo "build ./anquan first (make)" >&2; exit 1; }
name=bench_rate_$$
psql "$ANQUAN_TEST_PG_URL" -qc "CREATE DATABASE $name"
url=$(echo "$ANQUAN_TEST_PG_URL" | sed "s|/[^/]*\$|/$name|")
work=$(mktemp -d)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export ANQUAN_DB_URL="$url" ANQUAN_DEMO_PASSWORD=Bench-Pass-2026 ANQUAN_NOTIFY_INTERVAL_MS=0
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
up() { for _ in $(seq 600); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 0.2; done; return 1; }
# the leader (it loads the demo and runs the scheduler, whose rounds take the write lock):
# not measured, so that neither measured server is the one doing the background work
pl=$(port); mkdir "$work/l"
ANQUAN_DATA=$work/l ANQUAN_LISTEN=127.0.0.1:$pl $BIN serve --demo >/dev/null 2>"$work/l.log" & pids="$pids $!"
up "$pl"
start() {	# dir port rate: a follower with both limits at rate
	mkdir "$work/$1"; cp "$work/l/audit.key" "$work/$1/"
	ANQUAN_DATA=$work/$1 ANQUAN_LISTEN=127.0.0.1:$2 ANQUAN_HTTP_RATE_PER_ADDRESS=$3 ANQUAN_HTTP_RATE_PER_TOKEN=$3 \
		$BIN serve 2>"$work/$1.log" & pids="$pids $!"
	up "$2"
}
pa=$(port); start a "$pa" 0
pb=$(port); start b "$pb" 1000000
token=$(curl -sf -H 'Content-Type: application/json' -d '{"username":"zongjian","password":"Bench-Pass-2026"}' \
	"http://127.0.0.1:$pl/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
run() {	# label port connections
	out=$(BENCH_MODE=get BENCH_BEARER=$token wrk -t1 -c"$3" -d"${SECS}s" --latency -s bench/wrk.lua \
		"http://127.0.0.1:$2/api/v1/me" 2>&1)
	printf '%-14s c=%-2s %s\n' "$1" "$3" "$(echo "$out" | tail -n 1)"
}
for round in 1 2 3; do
	for c in 1 8; do
		run "limits off" "$pa" "$c"
		run "limits shared" "$pb" "$c"
	done
done
# how often the shared server went to the table: statements per request = writes / its requests
psql "$url" -qAtc "SELECT 'http_rate rows: ' || (SELECT count(*) FROM http_rate) || ', writes (takes): '
	|| (SELECT n_tup_ins + n_tup_upd FROM pg_stat_user_tables WHERE relname = 'http_rate')"
