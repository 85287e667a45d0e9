#!/bin/sh
# bench/sync-cost.sh — what durability costs: commits per second of one small INSERT per
# transaction in WAL mode with synchronous=FULL (a commit is on disk before it returns: it
# survives power loss) against NORMAL (survives a crash of the process, may lose the last
# commits on power loss). Uses the sqlite3 CLI, the same SQLite library the server links.
#
#   bench/sync-cost.sh [DIR]      DIR: where to put the test database (default: a temporary
#                                 directory); use the data directory's disk for a real answer
#   N=5000 ROUNDS=5 bench/sync-cost.sh
#
# Prints each mode's best round (least disturbed by other load), and the ratio. Not a timed
# test: the numbers belong in docs/operations.md, measured on the machine that will serve.
set -eu
command -v sqlite3 >/dev/null || { echo "sync-cost: needs the sqlite3 CLI (scripts/deps installs it)" >&2; exit 2; }
N=${N:-2000}
ROUNDS=${ROUNDS:-3}
base=${1:-${TMPDIR:-/tmp}}
dir=$(mktemp -d "$base/anquan-sync-XXXXXX")
trap 'rm -rf "$dir"' EXIT

# one INSERT per line, each its own (autocommit) transaction, as a request's write is
sql="$dir/inserts.sql"
i=0
: >"$sql"
while [ "$i" -lt "$N" ]; do
	echo "INSERT INTO t (at, v) VALUES ($i, 'hazard $i reported: 反应釜区 leak at flange');"
	i=$((i + 1))
done >>"$sql"

now_ns() { date +%s%N; }

# run MODE: prints commits per second for one round
run() {
	db="$dir/$1.db"
	rm -f "$db" "$db-wal" "$db-shm"
	sqlite3 "$db" "PRAGMA journal_mode=WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, at BIGINT, v TEXT);" >/dev/null
	t0=$(now_ns)
	{ echo "PRAGMA synchronous=$1;"; cat "$sql"; } | sqlite3 "$db" >/dev/null
	t1=$(now_ns)
	got=$(sqlite3 "$db" "SELECT count(*) FROM t")
	[ "$got" -eq "$N" ] || { echo "sync-cost: $got rows, expected $N" >&2; exit 1; }
	echo "$N $t0 $t1" | awk '{ printf "%.0f\n", $1 / (($3 - $2) / 1e9) }'
}

full=0
normal=0
r=0
while [ "$r" -lt "$ROUNDS" ]; do	# alternate, so slow periods hit both modes
	f=$(run FULL)
	n=$(run NORMAL)
	[ "$f" -gt "$full" ] && full=$f
	[ "$n" -gt "$normal" ] && normal=$n
	r=$((r + 1))
done

echo "sqlite $(sqlite3 --version | cut -d' ' -f1), WAL, $N single-INSERT transactions, best of $ROUNDS, in $base"
echo "synchronous=FULL   $full commits/s"
echo "synchronous=NORMAL $normal commits/s"
echo "$normal $full" | awk '{ printf "NORMAL/FULL ratio  %.1fx\n", $1 / $2 }'
