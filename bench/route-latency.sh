#!/bin/sh
# bench/route-latency.sh — the server's own latency by route, from its access log: what a
# mixed scenario's p99 is made of (bench/run's morning peak).
#
#   bench/route-latency.sh LOG [FIRST_LINE]
#
# Reads the ACCESS lines of LOG from line FIRST_LINE on (the server's log, ANQUAN_LOG's JSON
# access lines: method, route, status, ms) and prints a Markdown table: per method and route
# pattern the requests, the share of all server time, and the median, 90th and 99th
# percentile and maximum in ms, measured by the server from a request's first byte to its
# answer. Time a request waited for a worker thread before its first byte was read is not
# in it; wrk's figures include it, so wrk's p99 far above every route's is queueing.
set -eu
log=$1
first=${2:-1}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
tail -n +"$first" "$log" | grep 'ACCESS {' |
	sed -nE 's/.*"method":"([A-Z]+)".*"route":"([^"]*)".*"ms":([0-9]+).*/\1 \2\t\3/p' |
	sort -t "$(printf '\t')" -k1,1 -k2,2n >"$tmp"
total=$(awk -F '\t' '{ s += $2 } END { print s + 0 }' "$tmp")
echo "| route | requests | share of server time | p50 ms | p90 ms | p99 ms | max ms |"
echo "|---|---|---|---|---|---|---|"
# rows of one route are consecutive and sorted by ms: the percentiles are positions
awk -F '\t' -v total="$total" '
	function flush() {
		if (n == 0) return
		i50 = int(n * 0.50 + 0.999); i90 = int(n * 0.90 + 0.999); i99 = int(n * 0.99 + 0.999)
		printf "%s\t| `%s` | %d | %.1f %% | %d | %d | %d | %d |\n", sum, key, n, total ? 100 * sum / total : 0,
			v[i50], v[i90], v[i99], v[n]
	}
	$1 != key { flush(); key = $1; n = 0; sum = 0 }
	{ v[++n] = $2; sum += $2 }
	END { flush() }' "$tmp" | sort -t "$(printf '\t')" -k1,1nr | cut -f2-
