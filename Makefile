# swift-custom-vision — `make demo` and `make test` do all the set-up on a fresh Debian/Ubuntu machine.
SWIFT ?= swift
CONFIG ?= debug
# Optimize the trainer even in debug builds (see Package.swift).
export CV_OPTIMIZE_TRAINER ?= 1

.PHONY: all deps build release test demo bench sdk-compat api-fuzz clean models

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	$(SWIFT) build

# Release binaries link the Swift runtime statically: see scripts/build-flags.sh.
release: deps
	. scripts/build-flags.sh && $(SWIFT) build $$(swift_build_flags release)

test: deps
	$(SWIFT) test

demo: deps
	./scripts/demo.sh

bench: deps
	./scripts/bench.sh

# Drives Microsoft's Python SDK (in a private virtualenv) through the whole workflow against a local cvserver.
sdk-compat: deps
	./scripts/sdk-compat.sh

# Fuzzes cvserver with schemathesis (in a private virtualenv) against both swaggers: no 5xx, statuses and bodies as
# the spec says. FUZZ_SECONDS per API (default 60).
api-fuzz: deps
	./scripts/api-fuzz.sh

# Regenerates Sources/CustomVisionCore/Models from Fixtures/spec.
models:
	python3 scripts/gen-models.py

clean:
	rm -rf .build demo-out bench-out
