#!/bin/sh
# bench/train-matrix.sh — how long the training matrix takes: the demo company plus PEOPLE
# people (default 2000) with COURSES required courses each (default 30: every one required of
# everyone, each done once by most), then GET /api/v1/train/matrix as HR (the whole plant),
# best of ROUNDS. Uses the release build (make anquan) and the sqlite3 CLI.
#
#   bench/train-matrix.sh            PEOPLE=2000 COURSES=30 ROUNDS=3
set -eu
PEOPLE=${PEOPLE:-2000}
COURSES=${COURSES:-30}
ROUNDS=${ROUNDS:-3}
BIN=${BIN:-./anquan}
PORT=${PORT:-18790}
pid=
dir=$(mktemp -d "${TMPDIR:-/tmp}/anquan-train-XXXXXX")
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
export ANQUAN_DATA="$dir" ANQUAN_DEMO_PASSWORD=Bench-Pass-2026
"$BIN" demo >/dev/null
sqlite3 "$dir/anquan.db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $PEOPLE)
INSERT INTO persons (name, employee_no, unit_id, created_at)
  SELECT 'bench ' || i, 'B' || i, (SELECT id FROM units WHERE kind = 'team' ORDER BY id LIMIT 1), 0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $COURSES)
INSERT INTO train_courses (code, name, hours, renew_months, created_at) SELECT 'bench.' || i, '课程 ' || i, 4, 12, 0 FROM n;
INSERT INTO train_requirements (course_id, applies, within_days, created_at)
  SELECT id, 'all', 30, 0 FROM train_courses WHERE code LIKE 'bench.%';
INSERT INTO train_records (person_id, course_id, done_on, hours, source, created_at)
  SELECT p.id, c.id, CAST(strftime('%s','now') AS INTEGER) / 86400 - (p.id * 7 + c.id * 13) % 420, 4, 'class', 0
  FROM persons p JOIN train_courses c ON c.code LIKE 'bench.%' WHERE (p.id + c.id) % 9 <> 0;
SQL
"$BIN" serve --listen=127.0.0.1:"$PORT" >"$dir/log" 2>&1 &
pid=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$PORT/login"; do i=$((i + 1)); [ $i -lt 100 ] || exit 1; sleep 0.1; done
tok=$(curl -s -H 'Content-Type: application/json' -d '{"username":"renshi","password":"Bench-Pass-2026"}' \
	"http://127.0.0.1:$PORT/api/v1/auth/login" | sed 's/.*"token":"\([^"]*\)".*/\1/')
best=
r=0
while [ $r -lt "$ROUNDS" ]; do
	t=$(curl -s -o "$dir/m.json" -w '%{time_total}' -H "Authorization: Bearer $tok" "http://127.0.0.1:$PORT/api/v1/train/matrix")
	if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
	r=$((r + 1))
done
people=$(grep -o '"name":' "$dir/m.json" | wc -l)
echo "training matrix: $people people x $(sqlite3 "$dir/anquan.db" "SELECT count(*) FROM train_requirements") requirements: best of $ROUNDS ${best}s"
