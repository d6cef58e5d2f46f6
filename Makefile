# The two quick-start commands, each doing its own set-up on a fresh machine:
#   make demo   build tollgate and run the gate over a demo job with the default rules
#   make test   run the whole test suite
SWIFT ?= $(shell command -v swift || echo /opt/swift/usr/bin/swift)
TOLLGATE = .build/debug/tollgate

.PHONY: demo test build deps

deps:
	./scripts/install-deps.sh

build: deps
	$(SWIFT) build --product tollgate

# The demo job is poisoned on purpose: the gate must block it (exit 3).
demo: build
	$(TOLLGATE) doctor
	@echo
	@status=0; $(TOLLGATE) run --json demo-findings.json -- ./scripts/demo-job.sh || status=$$?; \
	if [ $$status -eq 3 ]; then echo "make demo: the gate blocked the poisoned job (exit 3), as it should; findings in demo-findings.json"; \
	else echo "make demo: expected the gate to block the job with exit 3, got $$status" >&2; exit 1; fi

test: deps
	$(SWIFT) test
