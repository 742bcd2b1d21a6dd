# Doorstep — make demo / make test are the two commands a newcomer needs.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin:$(HOME)/go/bin
GO ?= go
NONUI := ./schema/... ./sync/... ./server/...
# app packages that hold no UI: tested with the race detector, checked Fyne-free like the rest
APPLOGIC := ./app/desk/... ./app/forms/... ./app/records/...
# the app's UI: the shell, its kit, the field and desk screens, the screenshot tool
APPUI := ./app/ ./app/kit/... ./app/field/... ./app/supervisor/... ./app/cmd/...
DEMO_DIR ?= $(CURDIR)/.demo
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
# Every binary is stamped with the version (git describe; see .ci/version.sh).
VERSION := $(shell .ci/version.sh)
LDFLAGS := -X doorstep/sync/version.stamped=$(VERSION)

.PHONY: demo test build app server vet lint bench bench-scaling screenshots nofyne deps appdeps android versions smoke dist version clean load load-flood test-pg

## demo: install what is missing, build, create the demo district, start the server, open the app
demo:
	.ci/deps.sh demo
	.ci/demo.sh "$(DEMO_DIR)"

## test: vet and every test (race detector on the non-UI packages, a windowed smoke test under Xvfb)
test: vet nofyne deps appdeps android versions
	$(GO) test -race -count=1 -timeout 45m $(NONUI) $(APPLOGIC)
	# long convergence cases (the race run above caps a case at 10 steps)
	$(GO) test -count=1 -timeout 45m ./sync/replica/ -run '^TestConvergence$$' -rapid.checks=200 -rapid.steps=60
	$(GO) test -count=1 -timeout 45m ./server/ -run '^TestServerConvergence$$'
	@if [ -z "$$DOORSTEP_TEST_PG" ]; then echo "PostgreSQL tests skipped: DOORSTEP_TEST_PG is not set (make test-pg runs them on a throwaway cluster)"; \
	else DOORSTEP_TEST_STORE=postgres $(GO) test -race -count=1 -timeout 45m ./server/... && \
	DOORSTEP_TEST_STORE=postgres $(GO) test -count=1 -timeout 45m ./server/ -run '^TestServerConvergence$$'; fi
	CGO_ENABLED=0 $(GO) test -tags ci -count=1 -timeout 45m . $(APPUI) ./assets/...
	.ci/smoke.sh

build: app server

## app: the Fyne app (cgo; the first build takes ~3 minutes)
app:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/doorstep .

## server: the static sync server
server:
	CGO_ENABLED=0 $(GO) build -ldflags "$(LDFLAGS)" -o bin/doorstep-server ./server/cmd/doorstep-server

vet:
	@for t in $$(sed -n 's/^\.PHONY://p' Makefile); do grep -q "^$$t:" Makefile || { echo "Makefile: .PHONY names $$t, which has no rule"; exit 1; }; done
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { gofmt -l .; echo "gofmt: files above need formatting"; exit 1; }
	CGO_ENABLED=0 $(GO) vet -tags ci ./...

## nofyne: the server, sync and schema packages build without cgo and never import Fyne
nofyne:
	CGO_ENABLED=0 $(GO) build $(NONUI) $(APPLOGIC)
	@if $(GO) list -deps $(NONUI) $(APPLOGIC) | grep -q '^fyne.io/'; then \
		echo "nofyne: these packages must not import Fyne:"; \
		for p in $$($(GO) list $(NONUI) $(APPLOGIC)); do $(GO) list -deps $$p | grep -q '^fyne.io/' && echo "  $$p"; done; exit 1; fi

## android: the app's non-UI core builds for Android tablets (no desktop-only API in it)
android:
	CGO_ENABLED=0 GOOS=android GOARCH=arm64 $(GO) build ./schema/... ./sync/... $(APPLOGIC)

## dist: installable packages for every office machine, into dist/ (see README, "Packages")
dist:
	.ci/deps.sh dist
	.ci/dist.sh

version:
	@echo $(VERSION)

## versions: a stamped build's version reaches Settings › About, /v1/health and the User-Agent
versions:
	DOORSTEP_WANT_VERSION=v9.9.9-stamp $(GO) test -count=1 -ldflags "-X doorstep/sync/version.stamped=v9.9.9-stamp" \
		-run '^(TestHealthReportsVersion|TestUserAgentCarriesVersion)$$' ./server/ ./sync/client/
	DOORSTEP_WANT_VERSION=v9.9.9-stamp CGO_ENABLED=0 $(GO) test -tags ci -count=1 -ldflags "-X doorstep/sync/version.stamped=v9.9.9-stamp" \
		-run '^TestSettingsAboutShowsBuildVersion$$' ./app/

## deps: the layering holds (schema <- sync <- {server, app}; the app reaches the server only over HTTP)
deps:
	@bad=$$($(GO) list -deps ./schema/... | grep -E '^doorstep/(sync|server)(/|$$)'); \
	if [ -n "$$bad" ]; then echo "deps: schema/... must not import doorstep/sync or doorstep/server:"; echo "$$bad"; exit 1; fi
	@bad=$$(CGO_ENABLED=0 $(GO) list -tags ci -deps ./app/... | grep -E '^doorstep/server(/|$$)'); \
	if [ -n "$$bad" ]; then echo "deps: app/... must not import doorstep/server:"; echo "$$bad"; exit 1; fi
	@bad=$$($(GO) list -deps ./server/... ./sync/... | grep -E '^fyne\.io/'); \
	if [ -n "$$bad" ]; then echo "deps: server/... and sync/... must not import Fyne:"; echo "$$bad"; exit 1; fi
	@echo "deps: schema imports no sync or server; app imports no server; server and sync import no Fyne"

## appdeps: the app's rooms stay apart: app/kit imports no screen package nor the shell;
## app/field and app/supervisor never import each other nor the shell (package doorstep/app)
appdeps:
	@fail=0; \
	check() { deps=$$($(GO) list -deps $$1) || { echo "appdeps: go list $$1 failed"; fail=1; return; }; \
		bad=$$(echo "$$deps" | grep -Ex "$$2"); \
		if [ -n "$$bad" ]; then echo "appdeps: $$1 must not import: $$bad" | tr '\n' ' '; echo; fail=1; fi; }; \
	check ./app/kit/... 'doorstep/app|doorstep/app/field(/.*)?|doorstep/app/supervisor(/.*)?'; \
	check ./app/field/... 'doorstep/app|doorstep/app/supervisor(/.*)?'; \
	check ./app/supervisor/... 'doorstep/app|doorstep/app/field(/.*)?'; \
	exit $$fail

lint: vet
	CGO_ENABLED=0 $(GO) run $(STATICCHECK) -tags ci ./...

## bench: every benchmark once, in one run (PostgreSQL's on a throwaway cluster), into
## docs/make-bench.txt, and docs/PERFORMANCE.md rewritten from it (about an hour on 2 cores)
bench:
	.ci/bench.sh

## bench-scaling: BenchmarkScaling at 1×, 10× and 100× the demo district, SQLite (DOORSTEP_BENCH_PG=1:
## PostgreSQL too), into docs/bench-scaling.txt and docs/PERFORMANCE.md (long: half an hour and more on 2 cores)
bench-scaling:
	.ci/bench-scaling.sh

## load: 1,000 simulated devices push and pull for a minute against a real server (docs/LOAD.md);
## STORE=postgres: two server processes on one throwaway PostgreSQL database
STORE ?= sqlite
load:
	.ci/load.sh $(STORE)

## load-flood: 1,000 devices do their first sync at the same moment, from nothing; the server's peak memory during it (docs/LOAD.md)
load-flood:
	LOAD_ARGS="--flood $${LOAD_ARGS:-}" LOAD_DURATION=$${LOAD_DURATION:-10s} .ci/load.sh $(STORE)

## test-pg: the store conformance suite on both backends and the server tests on PostgreSQL, with a throwaway cluster (.ci/postgres.sh)
test-pg:
	.ci/postgres.sh run sh -c 'DOORSTEP_TEST_STORE=postgres $(GO) test -race -count=1 -timeout 45m ./server/... && \
	  DOORSTEP_TEST_STORE=postgres $(GO) test -count=1 -timeout 45m ./server/ -run "^TestServerConvergence$$"'

## screenshots: render every screen to docs/screenshots (zh-CN and en, landscape and portrait)
screenshots:
	CGO_ENABLED=0 $(GO) run -tags ci ./app/cmd/screenshots -out docs/screenshots

smoke:
	.ci/smoke.sh

clean:
	rm -rf bin dist .demo .bench.txt .bench-scaling.txt
