# bench/pg.sh — the PostgreSQL part of `make bench` (sourced by bench/run, which calls pg_part).
# shellcheck shell=sh disable=SC2154  # sourced: bench/run sets work, big, pids, ANQUAN, SECS
#
# On the same data set and in the same run as the SQLite scenarios:
#   1. a throw-away cluster (scripts/pg-test-cluster, with durability back on and more memory:
#      PG_SETTINGS below), the data set loaded by `anquan migrate-to-pg` (timed), then
#      `anquan audit verify` on the copy (timed, pass or fail);
#   2. the JSON hazard list (page 1), the detail page, the dashboard and the photo report, with
#      bench/run's wrk settings, first against `anquan serve` on a copy of the SQLite file, then
#      against `anquan serve` with db.url on the copy in PostgreSQL: one table, side by side;
#   3. two servers on that one PostgreSQL database behind Debian's nginx (an upstream of both)
#      against one server behind the same kind of nginx, for the list and the detail page,
#      measured alternately, two rounds each: the ratio.
# Writes $work/pg.md (the tables) and adds its lines to the closing table (judge).
# Uses bench/run's functions: say, f, ratio, judge, free_port, wrk_run, settle, stop_server,
# cookie, bearer, mean_rps, and its variables big, work, pids, ANQUAN, SECS.
# Without PostgreSQL's server (scripts/deps bench installs it) it says so and measures nothing.

# the cluster's settings over the test ones: a bench measures a durable server (fsync and
# synchronous commits on, as SQLite's synchronous=FULL), with memory for a 2 GB database
# (one line: pg_ctl -o takes the settings up to a newline)
PG_SETTINGS="-c fsync=on -c full_page_writes=on -c synchronous_commit=on -c shared_buffers=1GB -c maintenance_work_mem=512MB"
PG_SETTINGS="$PG_SETTINGS -c max_wal_size=8GB -c checkpoint_timeout=30min"

# pg_cluster_start: scripts/pg-test-cluster in the background around a command that hands over
# the cluster's URL and waits until pg_cluster_stop (or until bench/run's cleanup removes
# $work), so that the cluster is stopped and removed the way the tests' is. Sets PG_ADMIN_URL.
pg_cluster_start() {
	pc=$work/pgcluster
	mkdir -p "$pc"
	PG_CLUSTER_SETTINGS=$PG_SETTINGS scripts/pg-test-cluster sh -c \
		'echo "$ANQUAN_TEST_PG_URL" >"$1/url.tmp" && mv "$1/url.tmp" "$1/url"
		while [ -d "$1" ] && [ ! -e "$1/stop" ]; do sleep 0.5; done' pg-bench "$pc" >"$pc/log" 2>&1 &
	PG_CLUSTER_PID=$!
	pids="$pids $PG_CLUSTER_PID"
	i=0
	until [ -s "$pc/url" ]; do
		i=$((i + 1))
		kill -0 "$PG_CLUSTER_PID" 2>/dev/null && [ $i -lt 1200 ] || { say "the PostgreSQL cluster did not start"; cat "$pc/log" >&2; return 1; }
		sleep 0.1
	done
	PG_ADMIN_URL=$(cat "$pc/url")
	# the postmaster: the checkpointer's parent
	PG_POSTMASTER=$(awk '{ print $4 }' "/proc/$(psql -qAt "$PG_ADMIN_URL" -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")/stat")
	say "$(cat "$pc/log")"
}
# CPU seconds, which a loaded machine stretches less than wall time: the children this shell
# has waited for (`times`, in this shell: not in a subshell), and the PostgreSQL backends
# and workers the postmaster has reaped (its cutime and cstime, in clock ticks)
# `times >FILE` where the children are counted, then children_cpu FILE
children_cpu() {
	awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.1f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$1"
}
postmaster_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($16 + $17) / hz }' "/proc/$PG_POSTMASTER/stat"; }
pg_cluster_stop() { touch "$work/pgcluster/stop"; wait "$PG_CLUSTER_PID" 2>/dev/null || true; }

# pg_serve NAME DB_URL: `anquan serve` on PostgreSQL in its own data directory (the audit
# log's key and anchor from beside the data set); sets URL and PID like start_server
pg_serve() {
	dir=$work/$1
	mkdir -p "$dir"
	for k in audit.key audit.anchor; do
		[ ! -f "$(dirname "$big")/$k" ] || cp "$(dirname "$big")/$k" "$dir/"
	done
	port=$(free_port)
	URL=http://127.0.0.1:$port
	ANQUAN_HTTP_RATE_PER_ADDRESS=0 ANQUAN_HTTP_RATE_PER_TOKEN=0 ANQUAN_HTTP_MAX_PER_ADDRESS=1024 \
	ANQUAN_DATA=$dir ANQUAN_DB_URL=$2 ANQUAN_LISTEN=127.0.0.1:$port "$ANQUAN" serve >"$dir/log" 2>&1 &
	PID=$!
	pids="$pids $PID"
	i=0
	until curl -sf "$URL/healthz" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 1200 ] || { say "server $1 did not start"; tail "$dir/log" >&2; exit 1; }
		sleep 0.1
	done
}

# pg_scenarios PREFIX: the four scenarios against the server at $URL, results in $work/PREFIX_*
pg_scenarios() {
	BENCH_COOKIE=$(cookie safety_dept1)
	BENCH_BEARER=$(bearer safety_dept1)
	export BENCH_COOKIE BENCH_BEARER
	[ -n "$BENCH_BEARER" ] && [ -n "$BENCH_COOKIE" ] || { say "sign-in failed on $URL"; exit 1; }
	wrk_run "$1_api" get /api/v1/hazards
	wrk_run "$1_detail" detail /hazards/
	if [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $BENCH_COOKIE" "$URL/dashboard")" = 200 ]; then
		wrk_run "$1_dashboard" get /dashboard
	else
		echo "0 0 0 -" >"$work/$1_dashboard"
	fi
	BENCH_BEARER=$(bearer worker1)
	wrk_run "$1_report" report /api/v1/hazards
}

# pg_proxy NAME PORT...: Debian's nginx on a free loopback port in front of the anquan servers
# at PORT... (round robin), unprivileged like nginx_start's; sets PROXY_URL and PROXY_PID.
# keepalive_timeout 0: a connection per request through nginx, for one server and for two alike.
pg_proxy() {
	nd=$work/$1
	shift
	mkdir -p "$nd/tmp"
	nport=$(free_port)
	PROXY_URL=http://127.0.0.1:$nport
	{
		echo "worker_processes 2; daemon off; pid $nd/nginx.pid; error_log $nd/error.log warn;"
		echo "events { worker_connections 1024; }"
		echo "http {"
		echo "	access_log off; keepalive_timeout 0; client_max_body_size 10m;"
		echo "	client_body_temp_path $nd/tmp; proxy_temp_path $nd/tmp; fastcgi_temp_path $nd/tmp;"
		echo "	uwsgi_temp_path $nd/tmp; scgi_temp_path $nd/tmp;"
		echo "	upstream anquan {"
		for p in "$@"; do echo "		server 127.0.0.1:$p;"; done
		echo "	}"
		echo "	server {"
		echo "		listen 127.0.0.1:$nport;"
		echo "		location / { proxy_pass http://anquan; proxy_set_header Host \$http_host; }"
		echo "	}"
		echo "}"
	} >"$nd/nginx.conf"
	asuser=""
	if [ "$(id -u)" = 0 ]; then
		chmod a+x "$work"
		chown -R nobody "$nd"
		asuser="setpriv --reuid=nobody --regid=nogroup --clear-groups --"
	fi
	$asuser nginx -c "$nd/nginx.conf" -e "$nd/error.log" >"$nd/out" 2>&1 &
	PROXY_PID=$!
	pids="$pids $PROXY_PID"
	i=0
	until curl -sf -o /dev/null "$PROXY_URL/healthz" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || { say "nginx (upstream $*) did not start"; tail -n 5 "$nd/error.log" "$nd/out" >&2
			for p in "$@"; do tail -n 20 "$(grep -l ":$p " "$work"/pg*/log)" >&2; done; exit 1; }
		sleep 0.1
	done
}

# the five slowest steps of the migrate-to-pg run: its tables' copies and the index builds
pg_migrate_steps() {
	{
		sed -nE 's/^  ([a-z_0-9]+) +[0-9]+ rows +([0-9.]+) s$/\2 \1/p' "$work/pgload/migrate.log"
		sed -nE 's/^indexes: ([0-9]+) made .* in ([0-9.]+) s$/\2 \1 indexes/p' "$work/pgload/migrate.log"
	} | sort -rn | head -n 5 | awk '{ t = $1; $1 = ""; printf "%s%s %s s", sep, substr($0, 2), t; sep = ", " }'
}

# pg_part: everything above, in order; $work/pg.md gets the tables
pg_part() {
	bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || ! command -v psql >/dev/null; then
		say "PostgreSQL is not installed (scripts/deps bench): no PostgreSQL scenarios"
		echo "PostgreSQL: not installed here (scripts/deps bench installs it), not measured." >"$work/pg.md"
		return 0
	fi
	# ---- the data set into PostgreSQL ----
	pg_cluster_start || exit 1
	mkdir -p "$work/pgload"
	cp --reflink=auto "$big" "$work/pgload/anquan.db"	# the source is opened, never written: a copy all the same
	for k in audit.key audit.anchor; do
		[ ! -f "$(dirname "$big")/$k" ] || cp "$(dirname "$big")/$k" "$work/pgload/"
	done
	# a data set generated by an older build (BENCH_DB) lacks the newer migrations, which
	# migrate-to-pg refuses: bring the copy up to this build's schema first
	ANQUAN_DATA=$work/pgload "$ANQUAN" migrate >"$work/pgload/migrate-sqlite.log" 2>&1 ||
		{ say "migrate of the SQLite copy failed"; cat "$work/pgload/migrate-sqlite.log" >&2; exit 1; }
	psql -q "$PG_ADMIN_URL" -c "CREATE DATABASE anquan_bench" >&2
	PG_URL=${PG_ADMIN_URL%/*}/anquan_bench
	say "migrate-to-pg into $PG_URL"
	times >"$work/pgload/times0"
	t0=$(date +%s.%N) s0=$(postmaster_cpu)
	mig_ok=1
	ANQUAN_DATA=$work/pgload "$ANQUAN" migrate-to-pg "$work/pgload/anquan.db" "$PG_URL" >"$work/pgload/migrate.log" 2>&1 || mig_ok=0
	mig_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
	times >"$work/pgload/times1"
	sleep 1	# the backend's exit, reaped by the postmaster
	c0=$(children_cpu "$work/pgload/times0") c1=$(children_cpu "$work/pgload/times1") s1=$(postmaster_cpu)
	mig_cpu=$(awk -v c0="$c0" -v c1="$c1" -v s0="$s0" -v s1="$s1" \
		'BEGIN { printf "CPU: client %.0f s, PostgreSQL %.0f s", c1 - c0, s1 - s0 }')
	say "migrate-to-pg: $mig_s s, $mig_cpu"
	tail -n 4 "$work/pgload/migrate.log" >&2
	[ "$mig_ok" = 1 ] || { say "migrate-to-pg failed"; cat "$work/pgload/migrate.log" >&2; exit 1; }
	mig_rows=$(sed -nE 's/^copied ([0-9]+ tables, [0-9]+ rows)$/\1/p' "$work/pgload/migrate.log")
	t0=$(date +%s.%N)
	ver_ok=1
	ANQUAN_DATA=$work/pgload ANQUAN_DB_URL=$PG_URL "$ANQUAN" audit verify >"$work/pgload/verify.log" 2>&1 || ver_ok=0
	ver_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	ver_out=$(head -n 1 "$work/pgload/verify.log" | sed 's/; anchored head \([0-9]*\) in .*/; anchored head \1/')
	say "audit verify: $ver_out ($ver_s s)"
	pg_mb=$(psql -qAt "$PG_ADMIN_URL" -c "SELECT pg_database_size('anquan_bench') / 1048576")

	# ---- the same scenarios on both backends, back to back ----
	start_server pgsqlite "$big"
	pg_scenarios s
	stop_server "$PID"
	pg_serve pgone "$PG_URL"
	pg_scenarios p
	one_port=${URL##*:} one_pid=$PID

	# ---- two servers on the one database behind nginx, against one behind nginx ----
	pg_serve pgtwo "$PG_URL"
	two_port=${URL##*:} two_pid=$PID
	pg_proxy pgproxy1 "$one_port"
	one_url=$PROXY_URL one_proxy=$PROXY_PID
	pg_proxy pgproxy2 "$one_port" "$two_port"
	two_url=$PROXY_URL two_proxy=$PROXY_PID
	BENCH_BEARER=$(bearer safety_dept1)
	export BENCH_BEARER
	PID=$one_pid	# settle watches the server both proxies use
	for round in 1 2; do
		wrk_run "x1_api.$round" get /api/v1/hazards 16 "$one_url"
		wrk_run "x2_api.$round" get /api/v1/hazards 16 "$two_url"
		wrk_run "x1_detail.$round" detail /hazards/ 16 "$one_url"
		wrk_run "x2_detail.$round" detail /hazards/ 16 "$two_url"
	done
	for p in $two_proxy $one_proxy; do kill "$p"; wait "$p" 2>/dev/null || true; done
	stop_server "$one_pid"
	stop_server "$two_pid"
	pg_cluster_stop

	# ---- the tables ----
	{
		echo "### SQLite and PostgreSQL, the same data set and scenarios, one run"
		echo
		echo "\`migrate-to-pg\` of the data set: ${mig_rows:-?} in $mig_s s (the whole command, wall clock);" \
			"$mig_cpu; $pg_mb MB in PostgreSQL." \
			"Its slowest steps: $(pg_migrate_steps)." \
			"\`audit verify\` on the copy: $([ "$ver_ok" = 1 ] && echo passed || echo FAILED)" \
			"in $ver_s s ($ver_out)."
		echo "PostgreSQL $("$bindir/postgres" --version | awk '{ print $3 }'), a throw-away cluster on 127.0.0.1:" \
			"fsync and synchronous_commit on, shared_buffers 1 GB; \`wrk -t2 -c16 -d${SECS}s\` for every scenario," \
			"SQLite first, then PostgreSQL."
		echo
		echo "| scenario, 16 connections | SQLite req/s | p50 ms | p99 ms | PostgreSQL req/s | p50 ms | p99 ms | errors (S / P) | PG ÷ SQLite |"
		echo "|---|---|---|---|---|---|---|---|---|"
		for l in "api|JSON list \`/api/v1/hazards\`, page 1" "detail|detail \`/hazards/:id\` (500 ids)" \
			"dashboard|dashboard \`/dashboard\`" "report|report with a 300 KB photo"; do
			n=${l%%|*}
			printf '| %s | %s | %s | %s | %s | %s | %s | %s / %s | %s |\n' "${l#*|}" "$(f "s_$n" 1)" "$(f "s_$n" 2)" \
				"$(f "s_$n" 3)" "$(f "p_$n" 1)" "$(f "p_$n" 2)" "$(f "p_$n" 3)" "$(f "s_$n" 4)" "$(f "p_$n" 4)" \
				"$(ratio "$(f "p_$n" 1)" "$(f "s_$n" 1)")"
		done
		echo
		echo "Two servers on the one PostgreSQL database behind nginx (round robin) against one server behind" \
			"nginx, alternately, two rounds each (means):"
		echo
		echo "| scenario, 16 connections | one server req/s (rounds 1, 2) | two servers req/s (rounds 1, 2) | two ÷ one, each round | two ÷ one, means |"
		echo "|---|---|---|---|---|"
		for l in "api|JSON list \`/api/v1/hazards\`, page 1" "detail|detail \`/hazards/:id\`"; do
			n=${l%%|*}
			a=$(mean_rps "$work/x1_$n".?) b=$(mean_rps "$work/x2_$n".?)
			printf '| %s | %s, %s (p99 %s, %s ms) | %s, %s (p99 %s, %s ms) | %s, %s | %s |\n' "${l#*|}" \
				"$(f "x1_$n.1" 1)" "$(f "x1_$n.2" 1)" "$(f "x1_$n.1" 3)" "$(f "x1_$n.2" 3)" \
				"$(f "x2_$n.1" 1)" "$(f "x2_$n.2" 1)" "$(f "x2_$n.1" 3)" "$(f "x2_$n.2" 3)" \
				"$(ratio "$(f "x2_$n.1" 1)" "$(f "x1_$n.1" 1)")" "$(ratio "$(f "x2_$n.2" 1)" "$(f "x1_$n.2" 1)")" "$(ratio "$b" "$a")"
		done
	} >"$work/pg.md"
	for l in "api|JSON list, page 1" "detail|detail page" "dashboard|dashboard" "report|report with a photo"; do
		n=${l%%|*}
		judge "PostgreSQL ÷ SQLite: ${l#*|}, 16 connections" "$(f "p_$n" 1) / $(f "s_$n" 1) req/s" \
			"$(ratio "$(f "p_$n" 1)" "$(f "s_$n" 1)")" ">=" -
	done
	for l in "api|JSON list, page 1" "detail|detail page"; do
		n=${l%%|*}
		a=$(mean_rps "$work/x1_$n".?) b=$(mean_rps "$work/x2_$n".?)
		judge "two servers on one PostgreSQL ÷ one, behind nginx: ${l#*|}" "$b / $a req/s" "$(ratio "$b" "$a")" ">=" -
	done
	judge "migrate-to-pg of the data set (${mig_rows:-?})" "$mig_cpu; $pg_mb MB in PostgreSQL" "$mig_s" ">=" - " s"
	judge "audit verify on the PostgreSQL copy" "$ver_out, $ver_s s" "$([ "$ver_ok" = 1 ] && echo 1 || echo 0)" ">=" 1 " (1: intact)"
}
