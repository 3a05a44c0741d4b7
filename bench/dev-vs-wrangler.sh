#!/usr/bin/env bash
# edged dev against wrangler dev, side by side, on the same project
# (testdata/projects/hono-ts: TypeScript + Hono from npm).
#
# For each tool it measures:
#   start    command start → first 200 from http://127.0.0.1:PORT/
#   reload   file saved → first response that shows the edit (median of RELOADS edits)
#   rss      resident memory of the tool's whole process tree after N requests
#   exit     SIGINT → every process of the tool gone; and whether any is left behind
#
# Usage: bench/dev-vs-wrangler.sh            (N=10000 RELOADS=5)
#        N=2000 bench/dev-vs-wrangler.sh
#        WRANGLER_VERSION=4.85.0 bench/dev-vs-wrangler.sh
# Needs go, node and npm. Traffic goes to 127.0.0.1 only; every loop is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
N=${N:-10000}
RELOADS=${RELOADS:-5}
EDGED_PORT=${EDGED_PORT:-18787}
WRANGLER_PORT=${WRANGLER_PORT:-18797}
work=$(mktemp -d /tmp/edged-bench.XXXXXX)
pgids=()

cleanup() {
	for g in "${pgids[@]:-}"; do
		[ -n "$g" ] && kill -KILL -- "-$g" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

log() { printf '%s\n' "$*" >&2; }
now_ms() { date +%s%3N; }

# probe: a small HTTP client that polls every 2 ms on a keep-alive connection, so
# that the measurement does not pay for a curl process per poll.
write_probe() {
	mkdir -p "$work/probe"
	printf 'module probe\n\ngo 1.21\n' >"$work/probe/go.mod"
	cat >"$work/probe/main.go" <<'EOF'
// probe wait URL TEXT TIMEOUT_S           until GET URL is 200 with TEXT in the body
// probe edit FILE OLD NEW URL TIMEOUT_S   replace OLD by NEW in FILE, then wait for NEW;
//                                         prints the milliseconds from the write
// probe load URL N                        N sequential GETs; prints how many were 200
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

var client = &http.Client{Timeout: 10 * time.Second}

func get(url string) (int, string) {
	res, err := client.Get(url)
	if err != nil {
		return 0, ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func wait(url, text string, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if st, body := get(url); st == 200 && strings.Contains(body, text) {
			return true
		}
		time.Sleep(2 * time.Millisecond)
	}
	return false
}

func secs(s string) time.Duration {
	n, _ := strconv.Atoi(s)
	return time.Duration(n) * time.Second
}

func main() {
	a := os.Args[1:]
	switch a[0] {
	case "wait":
		if !wait(a[1], a[2], secs(a[3])) {
			os.Exit(1)
		}
	case "edit":
		b, err := os.ReadFile(a[1])
		if err != nil || !strings.Contains(string(b), a[2]) {
			fmt.Fprintln(os.Stderr, "probe: cannot edit", a[1])
			os.Exit(2)
		}
		t0 := time.Now()
		if err := os.WriteFile(a[1], []byte(strings.Replace(string(b), a[2], a[3], 1)), 0o644); err != nil {
			os.Exit(2)
		}
		if !wait(a[4], a[3], secs(a[5])) {
			os.Exit(1)
		}
		fmt.Println(time.Since(t0).Milliseconds())
	case "load":
		n, _ := strconv.Atoi(a[2])
		ok := 0
		for i := 0; i < n; i++ {
			if st, _ := get(a[1] + "?" + strconv.Itoa(i)); st == 200 {
				ok++
			}
		}
		fmt.Println(ok)
	}
}
EOF
	(cd "$work/probe" && GOFLAGS= go build -o probe .)
}

# wait_for URL TEXT TIMEOUT_S: until GET URL answers 200 with a body containing TEXT.
wait_for() { "$work/probe/probe" wait "$1" "$2" "$3"; }

# tree_rss PID: resident memory in KiB of PID and all its descendants.
tree_rss() {
	ps -e -o pid=,ppid=,rss= | awk -v root="$1" '
		{ parent[$1] = $2; rss[$1] = $3 }
		END {
			total = 0
			for (p in rss) {
				q = p
				while (q != "" && q != 0 && q != 1) {
					if (q == root) { total += rss[p]; break }
					q = parent[q]
				}
			}
			print total
		}'
}

# live_in_group PGID: processes of the group that are not zombies.
live_in_group() {
	ps -e -o pgid=,stat=,comm= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { print $3 }'
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "n/a" }'; }

prepare_project() {
	local dst=$1
	mkdir -p "$dst"
	(cd testdata/projects/hono-ts && tar --exclude=node_modules --exclude=.edged --exclude=.wrangler -cf - .) | tar -C "$dst" -xf -
	(cd "$dst" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

# measure NAME PORT DIR CMD...: runs CMD in DIR in its own process group and prints
# "name start_ms reload_ms rss_kib exit_ms left_behind".
measure() {
	local name=$1 port=$2 dir=$3
	shift 3
	local url="http://127.0.0.1:$port/" out="$work/$name.log"
	local t0 t1 pid pgid start reload rss exit_ms left i
	t0=$(now_ms)
	(cd "$dir" && exec setsid "$@" >"$out" 2>&1) &
	pid=$!
	sleep 0.05
	pgid=$(ps -o pgid= -p "$pid" | tr -d ' ')
	pgids+=("$pgid")
	if ! wait_for "$url" "hello from hono" 120; then
		log "$name did not answer within 120 s; its output:"
		cat "$out" >&2
		echo "$name failed"
		return
	fi
	t1=$(now_ms)
	start=$((t1 - t0))

	local src="$dir/src/index.ts" reloads=() prev="from hono" next took
	for i in $(seq 1 "$RELOADS"); do
		sleep 0.5
		next="from hono, edit $i"
		if ! took=$("$work/probe/probe" edit "$src" "$prev" "$next" "$url" 60); then
			log "$name did not serve edit $i within 60 s"
			took=-1
		fi
		reloads+=("$took")
		prev=$next
	done
	reload=$(printf '%s\n' "${reloads[@]}" | median)

	# N sequential requests on one keep-alive connection, bounded in time.
	local ok
	ok=$(timeout 600 "$work/probe/probe" load "$url" "$N" || echo 0)
	[ "$ok" = "$N" ] || log "$name: only $ok of $N requests answered 200"
	sleep 1
	rss=$(tree_rss "$pid")

	t0=$(now_ms)
	kill -INT -- "-$pgid" 2>/dev/null || true
	local deadline=$((t0 + 30000))
	while [ -n "$(live_in_group "$pgid")" ] && [ "$(now_ms)" -lt "$deadline" ]; do sleep 0.01; done
	exit_ms=$(($(now_ms) - t0))
	left=$(live_in_group "$pgid" | sort | uniq -c | awk '{ printf "%s%s×%s", sep, $2, $1; sep = "," }')
	[ -n "$left" ] || left=none
	echo "$name $start $reload $rss $exit_ms $left"
	log "$name: reloads ${reloads[*]} ms; $ok/$N requests ok"
}

log "building edged and the probe"
go build -o "$work/edged" ./cmd/edged
write_probe

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ -z "${WRANGLER_VERSION:-}" ]; then
	# wrangler 4.86 and later need Node.js 22; 4.85.0 is the newest that runs on 20.
	if [ "$node_major" -ge 22 ]; then WRANGLER_VERSION=latest; else WRANGLER_VERSION=4.85.0; fi
fi
log "installing wrangler@$WRANGLER_VERSION (node $(node -v))"
mkdir -p "$work/wrangler"
(cd "$work/wrangler" && npm install --no-audit --no-fund --loglevel=error "wrangler@$WRANGLER_VERSION" >/dev/null)
wrangler=$work/wrangler/node_modules/.bin/wrangler
log "wrangler $("$wrangler" --version 2>/dev/null | tail -1)"

log "preparing two copies of testdata/projects/hono-ts (npm ci)"
prepare_project "$work/p-edged"
prepare_project "$work/p-wrangler"

results=()
log "measuring edged dev"
results+=("$(measure edged "$EDGED_PORT" "$work/p-edged" "$work/edged" dev --port "$EDGED_PORT" --ip 127.0.0.1 --no-crons)")
log "measuring wrangler dev"
results+=("$(measure wrangler "$WRANGLER_PORT" "$work/p-wrangler" env WRANGLER_SEND_METRICS=false CI=true "$wrangler" dev --port "$WRANGLER_PORT" --ip 127.0.0.1)")

printf '\n%-10s %12s %14s %16s %10s  %s\n' tool "start (ms)" "reload (ms)" "RSS after $N" "exit (ms)" "left behind"
for r in "${results[@]}"; do
	read -r name start reload rss exit_ms left <<<"$r"
	if [ "$start" = failed ]; then
		printf '%-10s %12s\n' "$name" failed
		continue
	fi
	printf '%-10s %12s %14s %13s MiB %10s  %s\n' "$name" "$start" "$reload" "$((rss / 1024))" "$exit_ms" "$left"
done
