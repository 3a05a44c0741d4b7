# edged — see README.md. `make run` and `make test` work on a fresh machine.
GO ?= go
PORT ?= 8787
EXAMPLE ?= examples/hello/worker.js
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: deps build run test race vet bench fuzz wpt clean

deps:
	@bash scripts/deps.sh

build: deps
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/edged ./cmd/edged

run: build
	./bin/edged serve $(EXAMPLE) --port $(PORT)

vet: deps
	$(GO) vet ./...

# CI's gate: vet, then every test with the race detector.
test: vet
	$(GO) test -race -count=1 -timeout 20m ./...

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./runtime/... ./server/... | tee bench/last.txt

clean:
	rm -rf bin .deps

# The Web Platform Tests against wpt/expectations; WPT_DIR is a checkout of the suite
# (see wpt/README.md).
wpt: deps
	@if [ -z "$(WPT_DIR)" ]; then echo "make wpt: WPT_DIR is not set: point it at a WPT checkout (see wpt/README.md), e.g. make wpt WPT_DIR=/tmp/wpt" >&2; exit 2; fi
	$(GO) run ./wpt/cmd/wpt -dir $(WPT_DIR)
