#!/usr/bin/env bash
# Installs what edged needs to build: V8 10.2 from Debian's libnode (18.20.4),
# unpacked into .deps/libnode unless the system has libnode-dev, plus the shared
# libraries libnode loads at run time. Idempotent; safe to run on every build.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dest="$top/.deps/libnode"
lib="$dest/usr/lib/x86_64-linux-gnu"
inc="$dest/usr/include/node"

have_runtime_libs() {
	ldconfig -p | grep -q 'libuv.so.1 ' && ldconfig -p | grep -q 'libcares.so.2 '
}

sudo_if() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! have_runtime_libs; then
	echo "deps: installing libuv1 libc-ares2 (libnode's run-time libraries)"
	sudo_if apt-get update -qq
	sudo_if env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libuv1 libc-ares2 libicu72 libnghttp2-14 libbrotli1 >/dev/null
fi

# Debian's libnode binds its ~57,000 references to its own symbols by name at every
# process start (it is linked with -z now); rewriting them to relative relocations
# halves edged's start-up time. See internal/prebind.
prebind() {
	local stamp="$dest/.prebound"
	[ -f "$stamp" ] && [ "$stamp" -nt "$lib/libnode.so.108" ] && return 0
	(cd "$top" && go run ./scripts/prebind "$lib/libnode.so.108")
	touch "$stamp"
}

if [ -f "$lib/libnode.so.108" ] && [ -f "$inc/v8-version.h" ]; then
	prebind
	exit 0
fi

echo "deps: fetching libnode108 + libnode-dev (V8 10.2) into .deps/libnode"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(
	cd "$tmp"
	chmod 777 "$tmp"
	if ! apt-get download libnode108 libnode-dev >/dev/null 2>&1; then
		sudo_if apt-get update -qq
		apt-get download libnode108 libnode-dev >/dev/null
	fi
)
rm -rf "$dest"
mkdir -p "$dest"
for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$dest"; done
# The -dev package's libnode.so link is absolute-relative to its own tree; make it local.
ln -sf libnode.so.108 "$lib/libnode.so"
grep -q 'V8_MAJOR_VERSION 10' "$inc/v8-version.h" || { echo "deps: unexpected V8 version in $inc" >&2; exit 1; }
prebind
echo "deps: V8 $(awk '/define V8_(MAJOR|MINOR|BUILD)_VERSION/{printf "%s.", $3}' "$inc/v8-version.h" | sed 's/\.$//') ready in .deps/libnode"
