# The two quick-start commands, each doing its own set-up on a fresh machine:
#   make demo   build tollgate and run the main job
#   make test   run the whole test suite
SWIFT ?= $(shell command -v swift || echo /opt/swift/usr/bin/swift)
TOLLGATE = .build/debug/tollgate

.PHONY: demo test build deps

deps:
	./scripts/install-deps.sh

build: deps
	$(SWIFT) build --product tollgate

demo: build
	$(TOLLGATE) doctor

test: deps
	$(SWIFT) test
