#!/bin/sh
# bench/dashboard.sh — the plant dashboard at scale: median time of GET /dashboard.
#
#   bench/dashboard.sh [DBFILE]      (default: generate 1,000,000 hazards with build/bench/gen)
#
# Starts the release server (./anquan) on a copy of a database made by bench/gen (3 plants,
# 2,000 people, 300 areas, 1,000,000 hazards over three years), signs in as safety_dept1 (the
# safety department of plant 1: company scope, the whole plant), warms up with 24 requests,
# then times N (50) sequential requests with curl and prints the median and the 90th
# percentile of time_total, plus the same for the monthly PDF and the big screen fragment.
# Also prints the SQLite query plans of the KPI queries (they must name the covering
# indexes of migration 0400). Record the output in bench/dashboard.md.
set -eu
cd "$(dirname "$0")/.."
N=${N:-50}
PASSWORD=Bench-Pass-2026	# bench/gen.c BENCH_PASSWORD
work=$(mktemp -d)
pid=""
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
[ -x anquan ] || make -j2 anquan >&2
db=${1:-}
if [ -z "$db" ]; then
	make -j2 build/bench/gen >&2
	db=$work/gen.db
	echo "generating 1,000,000 hazards…" >&2
	build/bench/gen --out "$db" >&2
fi
mkdir -p "$work/data"
cp "$db" "$work/data/anquan.db"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
URL=http://127.0.0.1:$port
ANQUAN_DATA=$work/data ANQUAN_LISTEN=127.0.0.1:$port ./anquan serve >"$work/log" 2>&1 &
pid=$!
i=0
until curl -sf "$URL/healthz" >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 600 ] || { echo "server did not start" >&2; tail "$work/log" >&2; exit 1; }
	sleep 0.1
done
jar=$work/jar
csrf=$(curl -sf -c "$jar" "$URL/login" | sed -nE 's/.*name="_csrf" value="([0-9a-f]+)".*/\1/p' | head -n 1)
curl -sf -b "$jar" -c "$jar" -o /dev/null --data-urlencode "username=safety_dept1" \
	--data-urlencode "password=$PASSWORD" --data-urlencode "_csrf=$csrf" --data-urlencode "next=/" "$URL/login"

hazards=$(sqlite3 "$work/data/anquan.db" "SELECT count(*) FROM hazards")
echo "database: $hazards hazards, $(sqlite3 "$work/data/anquan.db" "SELECT count(*) FROM users") people, $(sqlite3 "$work/data/anquan.db" "SELECT count(*) FROM areas") areas"
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"

measure() {	# measure NAME PATH
	code=$(curl -s -b "$jar" -o "$work/body" -w '%{http_code}' "$URL$2")
	[ "$code" = 200 ] || { echo "$1: $2 answered $code" >&2; exit 1; }
	# warm up: each of the pool's connections has its own page cache (threads + 2 of them)
	for _ in $(seq 1 24); do curl -s -b "$jar" -o /dev/null "$URL$2"; done
	: >"$work/times"
	cpu0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	n=0
	while [ $n -lt "$N" ]; do
		curl -s -b "$jar" -o /dev/null -w '%{time_total}\n' "$URL$2" >>"$work/times"
		n=$((n + 1))
	done
	cpu1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	# server CPU per request (clock ticks → ms): what the page costs, whatever else runs
	cpu=$(( (cpu1 - cpu0) * 1000 / $(getconf CLK_TCK) / N ))
	sort -n "$work/times" | awk -v name="$1" -v path="$2" -v bytes="$(wc -c <"$work/body")" -v cpu="$cpu" \
		'{ t[NR] = $1 * 1000 } END { printf "%-20s %-26s median %6.1f ms  p90 %6.1f ms  min %6.1f ms  server CPU %4d ms/req  (%d req, %d bytes)\n", name, path, (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2), t[int(NR * 0.9)], t[1], cpu, NR, bytes }'
}
measure "plant dashboard" /dashboard
measure "big screen panels" /dashboard/screen/panels
measure "home (plant panel)" /
measure "monthly report page" /reports/monthly
N=10 measure "monthly report PDF" /reports/monthly.pdf

echo "query plans (hazards reported in a period, closed in a period, open now):"
sqlite3 "$work/data/anquan.db" "EXPLAIN QUERY PLAN SELECT h.unit_id, count(*) FROM hazards h WHERE h.reported_at >= 0 AND h.reported_at < 1 AND h.status <> 'cancelled' AND h.unit_id IN (SELECT id FROM units WHERE path LIKE '/1/%') GROUP BY h.unit_id" | sed 's/^/  /'
sqlite3 "$work/data/anquan.db" "EXPLAIN QUERY PLAN SELECT h.unit_id, count(*) FROM hazards h WHERE h.closed_at >= 0 AND h.closed_at < 1 AND h.status = 'closed' AND h.unit_id IN (SELECT id FROM units WHERE path LIKE '/1/%') GROUP BY h.unit_id" | sed 's/^/  /'
sqlite3 "$work/data/anquan.db" "EXPLAIN QUERY PLAN SELECT h.unit_id, count(*) FROM hazards h WHERE h.status IN ('reported', 'assigned') AND h.unit_id IN (SELECT id FROM units WHERE path LIKE '/1/%') GROUP BY h.unit_id" | sed 's/^/  /'
