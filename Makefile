# zhner — the two commands of the README, and the helpers behind them.
SWIFT ?= swift
RELEASE := .build/release/zhner
# The bundled default model once it ships (models/default); until then the tiny golden-test model.
MODEL ?= $(firstword $(wildcard models/default) Tests/NERCoreTests/Fixtures/models/tiny-bert)

.PHONY: run test test-browser test-docs test-deploy test-fuzz fuzz-build stress build install deps clean

## Build (release) and serve the JSON API and the web page on http://127.0.0.1:8080/ with the default model.
run: deps build
	$(RELEASE) info $(MODEL)
	$(RELEASE) serve --model $(MODEL)

## The whole test suite (what CI runs): Swift tests, the web page in headless Chromium, the docs'
## routes against the OpenAPI file, and the deployment files (deploy/check.sh).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) test-browser
	$(MAKE) test-docs
	$(MAKE) test-deploy
	$(MAKE) test-fuzz

## Fuzz targets (fuzz/, docs/RELIABILITY.md): libFuzzer + AddressSanitizer, each run FUZZ_SECONDS
## from its committed seed corpus, side by side; fails on any crash, leak or broken invariant.
FUZZ_SECONDS ?= 60
test-fuzz: fuzz-build
	fuzz/run.sh $(FUZZ_SECONDS)

# Release (speed) with -enable-testing, so the targets can reach internal types.
fuzz-build:
	cd fuzz && $(SWIFT) build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing

## Overload (60 s at 10x capacity) and soak (10 min mixed traffic) against the release build and
## the default model; figures go into docs/RELIABILITY.md. STRESS_OVERLOAD_S / STRESS_SOAK_S shorten them.
stress: build
	python3 -m stress.overload
	python3 -m stress.soak
	python3 -m stress.report

test-browser:
	ZHNER_BIN=.build/debug/zhner Tests/browser/run.sh

## docs/API.md names exactly the operations of docs/openapi.json, and the README's and API.md's curl
## examples run as written against a live server (.build/debug/zhner unless ZHNER_BIN is set).
test-docs:
	python3 scripts/check_api_docs.py
	ZHNER_BIN=$(or $(ZHNER_BIN),.build/debug/zhner) python3 -m scripts.check_doc_examples

## Lints and validates deploy/ (installs its validators on first use) and checks the alert rules'
## and dashboard's metric names against a live server: .build/debug/zhner (what `test` builds),
## else .build/release/zhner; ZHNER_BIN=path picks another.
test-deploy:
	ZHNER_BIN=$(ZHNER_BIN) deploy/check.sh

# `zhner version` shows the commit it was built from: a generated, git-ignored source file that
# only a build with -DZHNER_STAMPED compiles in (a plain `swift build` says "unknown").
# COMMIT=... overrides it where there is no .git (a container build context); empty means unknown.
COMMIT ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)
STAMP := Sources/zhner/BuildCommit.generated.swift

build:
	printf '#if ZHNER_STAMPED\nlet stampedCommit = "%s"\n#endif\n' '$(or $(COMMIT),unknown)' > $(STAMP)
	$(SWIFT) build -c release --product zhner -Xswiftc -DZHNER_STAMPED

## Installs zhner where it finds its default model from any folder: $(PREFIX)/bin/zhner and
## $(PREFIX)/share/zhner/models/default (MODEL), replacing an older one. PREFIX defaults to
## /usr/local; ZHNER_BIN=path installs that binary instead of building the release one.
PREFIX ?= /usr/local
install: $(if $(ZHNER_BIN),,build)
	install -d '$(PREFIX)/bin' '$(PREFIX)/share/zhner/models'
	install -m 0755 '$(or $(ZHNER_BIN),$(RELEASE))' '$(PREFIX)/bin/zhner'
	rm -rf '$(PREFIX)/share/zhner/models/default'
	cp -R '$(MODEL)' '$(PREFIX)/share/zhner/models/default'

## System packages the build needs (libmicrohttpd for `zhner serve`); idempotent.
deps:
	@./scripts/install-deps.sh

clean:
	rm -rf .build

## Benchmarks against PyTorch and ONNX Runtime (bench/, results in docs/BENCHMARKS.md): `make bench`;
## BENCH_ARGS=--quick checks the harness in minutes. ZHNER_BIN=path skips the build and uses that binary.
.PHONY: bench bench-http
BENCH_PY := bench/.venv/bin/python
bench: $(if $(ZHNER_BIN),,build) bench/.venv/ready
	ZHNER_BIN=$(or $(ZHNER_BIN),$(RELEASE)) $(BENCH_PY) -m bench.run $(BENCH_ARGS)
	$(BENCH_PY) -m bench.report

## `zhner serve` vs a Flask + transformers service (needs the models `make bench` prepares).
bench-http: $(if $(ZHNER_BIN),,build) bench/.venv/ready
	ZHNER_BIN=$(or $(ZHNER_BIN),$(RELEASE)) $(BENCH_PY) -m bench.http_bench $(BENCH_ARGS)
	$(BENCH_PY) -m bench.report

bench/.venv/ready: bench/requirements.txt
	python3 -m venv bench/.venv
	bench/.venv/bin/pip install -q -r bench/requirements.txt
	touch $@
