#!/usr/bin/env bash
# edged serve against workerd, side by side on this machine, with wrk:
# a hello-world and a Hono app; throughput, p50/p99 latency, RSS, and the time
# from process start to the first response.
#
#   bench/serve-vs-workerd.sh                 # 10 s per run, 2 wrk threads, 50 connections
#   DURATION=20 CONNS=100 bench/serve-vs-workerd.sh
#   BENCH_DIR=/tmp/edged-bench bench/serve-vs-workerd.sh   # keep (and reuse) the npm install
#
# Needs: go, npm (workerd, hono and esbuild come from npm into a temp dir), wrk
# (installed with apt-get when missing and running as root), curl.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNS=${CONNS:-50}
WARMUP=${WARMUP:-2}
STARTS=${STARTS:-7} # start-to-first-response is the median of this many cold starts
DENSITY=${DENSITY:-"1 100 1000"} # idle RSS with this many distinct workers loaded ("" skips)
EDGED_PORT=${EDGED_PORT:-18787}
WORKERD_PORT=${WORKERD_PORT:-18788}
work=${BENCH_DIR:-$(mktemp -d /tmp/edged-bench.XXXXXX)}
mkdir -p "$work"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

say() { printf '%s\n' "$*" >&2; }

if ! command -v wrk >/dev/null; then
	if [ "$(id -u)" = 0 ]; then
		say "installing wrk"
		apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; }
	else
		say "wrk is missing: apt-get install wrk"; exit 1
	fi
fi

say "building edged"
(cd "$top" && make -s deps >/dev/null && go build -o "$work/edged" ./cmd/edged && go build -o "$work/startprobe" ./bench/startprobe)

say "installing workerd, hono and esbuild from npm into $work/npm"
mkdir -p "$work/npm"
if [ ! -d "$work/npm/node_modules/workerd" ]; then
	(cd "$work/npm" && npm init -y >/dev/null && npm i --no-audit --no-fund --silent workerd hono esbuild >/dev/null)
fi
workerd_bin=$(find "$work/npm/node_modules" -path '*workerd-linux-64/bin/workerd' -type f | head -1)
if [ -z "$workerd_bin" ]; then
	say "workerd's binary package (@cloudflare/workerd-linux-64) did not install"; exit 1
fi
workerd_version=$("$workerd_bin" --version 2>&1 | head -1 || true)

# ---- the workers ----
cat >"$work/hello.js" <<'JS'
export default {
  async fetch(request) {
    return new Response("Hello World!\n", { headers: { "content-type": "text/plain" } });
  },
};
JS
cat >"$work/npm/hono-app.js" <<'JS'
import { Hono } from "hono";
const app = new Hono();
app.get("/", (c) => c.text("Hello Hono!"));
app.get("/user/:id", (c) => c.json({ id: c.req.param("id"), agent: c.req.header("user-agent") ?? null }));
app.post("/echo", async (c) => c.json(await c.req.json()));
app.notFound((c) => c.text("not found", 404));
export default app;
JS
"$work/npm/node_modules/.bin/esbuild" "$work/npm/hono-app.js" --bundle --format=esm --platform=neutral \
	--main-fields=module,main --conditions=workerd,worker,browser --log-level=warning \
	--outfile="$work/hono.js"

capnp() { # name file port
	cat >"$work/$1.capnp" <<CAPNP
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .w) ],
  sockets = [ (name = "http", address = "127.0.0.1:$3", http = (), service = "main") ],
);
const w :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "$2") ],
  compatibilityDate = "2024-09-23",
);
CAPNP
}
capnp hello hello.js "$WORKERD_PORT"
capnp hono hono.js "$WORKERD_PORT"

now_ms() { date +%s%3N; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# start NAME PORT PATH CMD... : runs CMD, waits for the first 200 on PATH; sets
# server_pid and startup_ms.
start() {
	local name=$1 port=$2 path=$3
	shift 3
	local t0
	t0=$(now_ms)
	"$@" >"$work/$name.log" 2>&1 &
	server_pid=$!
	pids+=("$server_pid")
	for _ in $(seq 1 3000); do
		if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path" 2>/dev/null)" = 200 ]; then
			startup_ms=$(($(now_ms) - t0))
			return 0
		fi
		if ! kill -0 "$server_pid" 2>/dev/null; then
			say "$name exited:"; cat "$work/$name.log" >&2; return 1
		fi
		sleep 0.002
	done
	say "$name did not answer within 6 s"; return 1
}

stop() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# to_ms "1.23ms" → 1.23
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
		printf "%.3f", n }'
}

# median_start LABEL PORT PATH CMD... : median ms from exec to the first 200, over
# STARTS starts (bench/startprobe: polls with bare TCP connects, not a curl per try).
median_start() {
	local label=$1 port=$2 path=$3
	shift 3
	"$work/startprobe" -n "$STARTS" -addr "127.0.0.1:$port" -path "$path" -log "$work/$label.start.log" -- "$@"
}

results=()
run() { # label server port path cmd...
	local label=$1 server=$2 port=$3 path=$4
	shift 4
	local startup
	startup=$(median_start "$label" "$port" "$path" "$@")
	start "$label" "$port" "$path" "$@"
	local pid=$server_pid
	local idle_rss
	idle_rss=$(rss_kb "$pid")
	wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" "http://127.0.0.1:$port$path" >/dev/null 2>&1 || true
	local out
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$port$path")
	local rss
	rss=$(rss_kb "$pid")
	stop "$pid"
	local rps p50 p99 errs
	rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
	p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
	p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
	errs=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
	results+=("$label|$server|$rps|$p50|$p99|$((idle_rss / 1024))|$((rss / 1024))|$startup|$errs")
	say "$label $server: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, RSS ${idle_rss} kB idle / ${rss} kB loaded, first response after ${startup} ms ${errs}"
}

cd "$work"
for app in hello hono; do
	path=/
	[ "$app" = hono ] && path=/user/42
	run "$app" edged "$EDGED_PORT" "$path" "$work/edged" serve "$work/$app.js" --port "$EDGED_PORT" --access-log off --log-level warn
	run "$app" workerd "$WORKERD_PORT" "$path" "$workerd_bin" serve "$work/$app.capnp"
done
run hello edged+accesslog "$EDGED_PORT" / sh -c "exec '$work/edged' serve '$work/hello.js' --port $EDGED_PORT --access-log '$work/access.log' --log-level warn"

# ---- density: N distinct workers, each served once, then idle ----
# Both servers run with their default settings. RSS is read twice: 2 s after the
# last worker was served ("served"), and DENSITY_IDLE seconds later ("idle"; past
# edged's default isolate_idle of 30 s, so its idle isolates have been evicted).
# Every wait is bounded (DENSITY_TIMEOUT seconds for a server to load).
DENSITY_IDLE=${DENSITY_IDLE:-35}
DENSITY_TIMEOUT=${DENSITY_TIMEOUT:-120}
density_rows=()
# density_up PID URL [HOST]: waits (bounded) for the first 200 from URL.
density_up() {
	local pid=$1 url=$2 host=${3:-} deadline=$(($(now_ms) + DENSITY_TIMEOUT * 1000))
	until curl -sf -o /dev/null --max-time 5 ${host:+-H "Host: $host"} "$url"; do
		kill -0 "$pid" 2>/dev/null || return 1
		[ "$(now_ms)" -lt "$deadline" ] || { say "no answer from $url within ${DENSITY_TIMEOUT} s"; return 1; }
		sleep 0.01
	done
}
density() { # N
	local n=$1 d="$work/density-$1"
	rm -rf "$d"
	mkdir -p "$d"
	{
		printf '[server]\nlisten = ["127.0.0.1:%s"]\n' "$EDGED_PORT"
		for i in $(seq 0 $((n - 1))); do
			printf 'const ID = %d;\nexport default { fetch() { return new Response("worker " + ID); } };\n' "$i" >"$d/w$i.js"
			printf '[[workers]]\nname = "w%d"\npath = "w%d.js"\ncompatibility_date = "2024-09-23"\n[[routes]]\npattern = "w%d.test/*"\nworker = "w%d"\n' "$i" "$i" "$i" "$i"
		done
	} >"$d/edged.toml"
	{
		echo 'using Workerd = import "/workerd/workerd.capnp";'
		echo 'const config :Workerd.Config = ('
		echo '  services = ['
		for i in $(seq 0 $((n - 1))); do
			printf '    (name = "w%d", worker = (modules = [(name = "w.js", esModule = embed "w%d.js")], compatibilityDate = "2024-09-23")),\n' "$i" "$i"
		done
		echo '  ],'
		echo '  sockets = ['
		for i in $(seq 0 $((n - 1))); do
			printf '    (name = "s%d", address = "127.0.0.1:%d", http = (), service = "w%d"),\n' "$i" $((20000 + i)) "$i"
		done
		echo '  ],'
		echo ');'
	} >"$d/workerd.capnp"
	# One curl for all N requests (a process per request would dominate the time).
	: >"$d/edged.curl"
	: >"$d/workerd.curl"
	for i in $(seq 0 $((n - 1))); do
		printf 'url = "http://w%d.test:%s/"\noutput = "/dev/null"\n' "$i" "$EDGED_PORT" >>"$d/edged.curl"
		printf 'url = "http://127.0.0.1:%d/"\noutput = "/dev/null"\n' $((20000 + i)) >>"$d/workerd.curl"
	done
	local t0 pid rss_e rss_ei rss_w rss_wi load_e load_w serve_e serve_w
	t0=$(now_ms)
	"$work/edged" serve --config "$d/edged.toml" --access-log off --log-level warn >"$d/edged.log" 2>&1 &
	pid=$!
	pids+=("$pid")
	density_up "$pid" "http://127.0.0.1:$EDGED_PORT/" "w$((n - 1)).test" || { cat "$d/edged.log" >&2; stop "$pid"; return 1; }
	load_e=$(($(now_ms) - t0))
	t0=$(now_ms)
	curl -sf --max-time $((DENSITY_TIMEOUT * 4)) --connect-to "::127.0.0.1:$EDGED_PORT" -K "$d/edged.curl" || say "edged: some density requests failed"
	serve_e=$(($(now_ms) - t0))
	sleep 2
	rss_e=$(rss_kb "$pid")
	sleep "$DENSITY_IDLE"
	rss_ei=$(rss_kb "$pid")
	stop "$pid"
	t0=$(now_ms)
	(cd "$d" && exec "$workerd_bin" serve workerd.capnp) >"$d/workerd.log" 2>&1 &
	pid=$!
	pids+=("$pid")
	density_up "$pid" "http://127.0.0.1:$((20000 + n - 1))/" || { cat "$d/workerd.log" >&2; stop "$pid"; return 1; }
	load_w=$(($(now_ms) - t0))
	t0=$(now_ms)
	curl -sf --max-time $((DENSITY_TIMEOUT * 4)) -K "$d/workerd.curl" || say "workerd: some density requests failed"
	serve_w=$(($(now_ms) - t0))
	sleep 2
	rss_w=$(rss_kb "$pid")
	sleep "$DENSITY_IDLE"
	rss_wi=$(rss_kb "$pid")
	stop "$pid"
	density_rows+=("$n|$rss_e|$rss_ei|$rss_w|$rss_wi|$load_e|$load_w|$serve_e|$serve_w")
	say "density $n: edged $((rss_e / 1024)) MB served, $((rss_ei / 1024)) MB idle (up in $load_e ms, served all in $serve_e ms); workerd $((rss_w / 1024)) MB served, $((rss_wi / 1024)) MB idle (up in $load_w ms, served all in $serve_w ms)"
}
for n in $DENSITY; do density "$n"; done

echo
echo "edged $(cd "$top" && git describe --always --dirty 2>/dev/null) vs workerd $workerd_version; $(nproc) CPUs; wrk -t$THREADS -c$CONNS -d${DURATION}s"
printf '%-7s %-17s %10s %9s %9s %9s %9s %10s  %s\n' app server req/s p50_ms p99_ms rss_idle rss_load start_ms errors
for r in "${results[@]}"; do
	IFS='|' read -r a s rps p50 p99 ri rl st e <<<"$r"
	printf '%-7s %-17s %10s %9s %9s %8sM %8sM %10s  %s\n' "$a" "$s" "$rps" "$p50" "$p99" "$ri" "$rl" "$st" "$e"
done
echo
echo "ratios edged/workerd (throughput: higher is better for edged; latency, RSS, start: lower is better)"
for app in hello hono; do
	e="" w=""
	for r in "${results[@]}"; do
		IFS='|' read -r a s rest <<<"$r"
		[ "$a" = "$app" ] && [ "$s" = edged ] && e=$r
		[ "$a" = "$app" ] && [ "$s" = workerd ] && w=$r
	done
	IFS='|' read -r _ _ erps ep50 ep99 eri erl est _ <<<"$e"
	IFS='|' read -r _ _ wrps wp50 wp99 wri wrl wst _ <<<"$w"
	awk -v app="$app" -v a="$erps" -v b="$wrps" -v c="$ep50" -v d="$wp50" -v e="$ep99" -v f="$wp99" \
		-v g="$erl" -v h="$wrl" -v i="$est" -v j="$wst" -v k="$eri" -v l="$wri" 'function r(x, y) { return y > 0 ? sprintf("%.2f", x / y) : "n/a" }
		BEGIN { printf "%-7s throughput %s  p50 %s  p99 %s  rss idle %s  rss loaded %s  start %s\n", app, r(a, b), r(c, d), r(e, f), r(k, l), r(g, h), r(i, j) }'
done
if [ "${#density_rows[@]}" -gt 0 ]; then
	echo
	echo "density: N distinct workers, each served one request, one process each, default settings;"
	echo "MB/worker = process RSS / N, 2 s after the last request (served) and ${DENSITY_IDLE} s later (idle)"
	printf '%7s %18s %18s %18s %18s %13s %13s %9s %9s\n' workers edged_MB/wkr_served workerd_served edged_MB/wkr_idle workerd_idle edged_load_ms workerd_load_ms edged_all wkd_all
	for r in "${density_rows[@]}"; do
		IFS='|' read -r n re rei rw rwi le lw se sw <<<"$r"
		awk -v n="$n" -v re="$re" -v rei="$rei" -v rw="$rw" -v rwi="$rwi" -v le="$le" -v lw="$lw" -v se="$se" -v sw="$sw" 'BEGIN {
			printf "%7d %11.2f (%4dM) %11.2f (%4dM) %11.2f (%4dM) %11.2f (%4dM) %13d %13d %9d %9d\n", n, re / 1024 / n, re / 1024, rw / 1024 / n, rw / 1024, rei / 1024 / n, rei / 1024, rwi / 1024 / n, rwi / 1024, le, lw, se, sw }'
	done
fi
