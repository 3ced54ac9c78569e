# hafleet — every target installs what it needs, so a fresh Debian 12 machine (as root) works.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Debian packages the lab and the integration tests need: binary → package.
SYSTEM_TOOLS := ip:iproute2 keepalived:keepalived nginx:nginx-light sshd:openssh-server \
                arping:arping tcpdump:tcpdump curl:curl nft:nftables pkill:procps \
                unshare:util-linux nsenter:util-linux sudo:sudo ssh-keygen:openssh-client ping:iputils-ping \
                ndisc6:ndisc6 shellcheck:shellcheck ansible-inventory:ansible-core \
                chromium:chromium prometheus:prometheus tmux:tmux
UNIT_TESTS = $(shell find test/unit -name '*.test.ts' | sort)
INTEGRATION_TESTS = $(shell find test/integration -name '*.test.ts' | sort)
NODE_TEST := node --import tsx --test --test-reporter=spec

.PHONY: help deps system-deps build typecheck test unit integration demo bench clean lint-types

help:
	@echo "make demo   run a lab fleet end to end (lab up → plan → deploy → verify → drill)"
	@echo "make test   run every test (unit, then integration against a lab; needs root)"
	@echo "make bench  run the benchmarks in bench/"

# Install only what is missing (apt-get update once, only when something is).
system-deps:
	@missing=""; for pair in $(SYSTEM_TOOLS); do bin=$${pair%%:*}; pkg=$${pair##*:}; \
	  command -v $$bin >/dev/null 2>&1 || [ -x /usr/sbin/$$bin ] || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "missing Debian packages:$$missing (run as root, or: sudo apt-get install$$missing)"; exit 1; fi; \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# npm ci only when the lockfile is newer than the last install.
node_modules/.hafleet-installed: package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: system-deps node_modules/.hafleet-installed

# dist/src: what the tests, the benchmarks and the lab's agent command run; dist/bundle: the
# CLI as `bin` runs it (scripts/bundle.mjs says why).
build: node_modules/.hafleet-installed
	npx tsc -p tsconfig.json
	node scripts/bundle.mjs

# The tests and benchmarks are type-checked too (tsx runs them without checking).
typecheck: node_modules/.hafleet-installed
	npx tsc -p tsconfig.test.json

unit: build typecheck
	$(NODE_TEST) $(UNIT_TESTS)

integration: deps build
	@if [ "$$(id -u)" != 0 ]; then echo "integration tests need root (network namespaces)"; exit 1; fi
	$(NODE_TEST) --test-concurrency=1 $(INTEGRATION_TESTS)

# Unit tests (pure, each in its own temp dir or namespace) two files at a time; the integration
# tests one at a time (each brings up a lab: they measure timing on the machine's two cores).
test: deps build typecheck
	$(NODE_TEST) --test-concurrency=2 $(UNIT_TESTS)
	$(NODE_TEST) --test-concurrency=1 $(INTEGRATION_TESTS)

demo: deps build
	bash scripts/demo.sh

bench: deps build
	@for b in bench/*.ts; do echo "== $$b"; node --import tsx $$b || exit 1; done

clean:
	rm -rf dist
