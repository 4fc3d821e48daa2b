# zhner — the two commands of the README, and the helpers behind them.
SWIFT ?= swift
RELEASE := .build/release/zhner
# The bundled default model once it ships (models/default); until then the tiny golden-test model.
MODEL ?= $(firstword $(wildcard models/default) Tests/NERCoreTests/Fixtures/models/tiny-bert)

.PHONY: run test build deps clean

## Build (release) and tag the sample texts with the default model.
run: deps build
	$(RELEASE) info $(MODEL)
	$(RELEASE) tag --model $(MODEL) --input docs/samples.txt

## The whole test suite (what CI runs).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

build:
	$(SWIFT) build -c release --product zhner

## System packages the build needs (none beyond the Swift toolchain yet); idempotent.
deps:
	@./scripts/install-deps.sh

clean:
	rm -rf .build
