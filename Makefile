# zmq-lab. `make` (or `make help`) lists the targets.
SHELL := bash
.DEFAULT_GOAL := help

# SECURITY=curve (or SECURITY=curve in .env): every TCP socket speaks CURVE,
# with docker-compose.curve.yml over the base file (docs/security.md).
SECURITY ?= $(or $(shell sed -n 's/^SECURITY=//p' .env 2>/dev/null | tail -n 1),none)
CURVE_FILES := $(if $(filter curve,$(SECURITY)), --file docker-compose.yml --file docker-compose.curve.yml)
COMPOSE := docker compose$(CURVE_FILES)
# Every profile ("*": they are named only in docker-compose.yml), so `down`,
# `ps` and `logs` also see the late subscriber and the book's programs when they run.
COMPOSE_ALL := $(COMPOSE) --profile "*"
LAB_IMAGE ?= zmq-lab:local
OFFLINE_NODE_IMAGE := zmq-lab/node:24-offline
SERVICE ?=
# The observer's port on the host (.env's OBSERVER_PORT, as Compose reads it).
OBSERVER_PORT ?= $(or $(shell sed -n 's/^OBSERVER_PORT=//p' .env 2>/dev/null | tail -n 1),8080)

export LAB_IMAGE
# The Docker socket's group, for the observer (read when a command runs: set-up may create the socket).
export DOCKER_GID = $(shell stat -c %g /var/run/docker.sock 2>/dev/null || echo 0)

.PHONY: bench stack swarm-sim-up swarm-sim-down swarm-up swarm-down swarm-logs keys udp fault heal faults observer-cost report help up down build check-config config logs events ps kill stop start pause unpause restart late-subscriber snail book reliable touch filer-req filer-req-loop test test-unit test-process test-e2e format test-runs lint typecheck offline-image scenario scenarios scenarios-list chaos verdicts
NAME ?=
SCENARIOS := node --import tsx scenarios/runner/cli.ts

help: ## Show this help
	@echo "zmq-lab: ZeroMQ patterns as containers. Targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  make %-18s %s\n", $$1, $$2 }'
	@echo "Kill or stop exactly one service: make kill SERVICE=pipeline-worker-1"

.env: .env.example
	@test -f .env || { cp .env.example .env; echo "created .env from .env.example"; }

node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch node_modules

# Set-up first (scripts/setup.sh: a Docker engine with Compose and Buildx, the
# base image; one line per step, under a second when all is there), then the
# image: one line, the build's own output only when it fails.
BUILD_LOG := $(or $(TMPDIR),/tmp)/zmq-lab-build.log
build: .env ## Set up what is missing (Docker engine, Compose, Buildx, base image), build the lab image when something changed
	@base=$$(bash scripts/setup.sh) || exit 1; \
	start=$$(date +%s.%N); \
	if NODE_IMAGE=$$base $(COMPOSE) build --progress plain pubsub-publisher >$(BUILD_LOG) 2>&1; then \
	  printf 'build: %-14s %s (%s s)\n' "lab image" "$(LAB_IMAGE) on $$base, $$(docker image inspect -f '{{.Size}}' $(LAB_IMAGE) | awk '{ printf "%d MB", $$1 / 1e6 }')" "$$(awk -v a=$$start -v b=$$(date +%s.%N) 'BEGIN { printf "%.1f", b - a }')"; \
	else tail -n 40 $(BUILD_LOG); echo "build: the lab image failed to build (the whole output: $(BUILD_LOG))"; exit 1; fi

# Before any container starts: a key of .env that no service reads is named
# (with the setting it most likely meant), a value a service would refuse stops here.
check-config: build
	@docker run --rm -v "$(CURDIR)/.env:/app/.env:ro" $(LAB_IMAGE) node dist/tools/config.js --check

config: build ## Every setting's value, where it comes from (default, .env), and the services that set it otherwise
	@$(COMPOSE_ALL) config --format json | docker run --rm -i -v "$(CURDIR)/.env:/app/.env:ro" $(LAB_IMAGE) node dist/tools/config.js

up: check-config $(if $(filter curve,$(SECURITY)),keys) ## Build when needed, check the settings, start everything detached, wait until all run (SECURITY=curve: encrypted)
	$(COMPOSE) up -d --wait --remove-orphans
	@$(COMPOSE) ps --format 'table {{.Service}}\t{{.State}}\t{{.Status}}'
	@echo
	@echo "All running. See it live:  http://127.0.0.1:$(OBSERVER_PORT)   (the observer: topology, rates, losses, events, buttons)"
	@echo "Watch the logs:  make logs     Break something:  make kill SERVICE=pubsub-publisher"
	@echo "Bring it back:      make start SERVICE=pubsub-publisher     Late joiner:  make late-subscriber"

down: ## Stop and remove everything of the lab: containers, networks, volumes, network faults
	$(COMPOSE_ALL) down --volumes --remove-orphans --timeout 5
	@# A fault's rules live in its target's namespace and go with it; a helper left by an interrupted command goes here.
	@docker ps -aq --filter label=zmq-lab.fault-helper | xargs -r docker rm -f >/dev/null

VERBOSE ?=
EVENTS ?= 30
# The printers run from the lab image, so no Node.js is needed on the host. Compose
# labels the images it builds with the project's name: a printer gets a label of
# its own, or `logs --follow` would take it for a lab service and read its output.
PRINTER := docker run --rm -i --init --label com.docker.compose.project=zmq-lab-log-printer

logs: ## Follow the lab: connects, faults, losses, a summary per service every 5 s (VERBOSE=1: every message; PATTERN=pubsub, SERVICE=...)
	@$(COMPOSE_ALL) logs --follow --no-color --tail 20 $(SERVICE) | \
	  $(PRINTER) -e VERBOSE=$(VERBOSE) -e PATTERN=$(PATTERN) -e SERVICE=$(SERVICE) $(LAB_IMAGE) node dist/tools/pretty-logs.js

events: ## The last EVENTS (30) life-cycle, fault and loss events of the whole lab, as a table
	@$(COMPOSE_ALL) logs --no-color | $(PRINTER) -e EVENTS=$(EVENTS) $(LAB_IMAGE) node dist/tools/events.js

ps: ## List the lab's containers and their state
	$(COMPOSE_ALL) ps --all --format 'table {{.Service}}\t{{.State}}\t{{.Status}}'

kill: ## SIGKILL one service: make kill SERVICE=...
	@test -n "$(SERVICE)" || { echo "usage: make kill SERVICE=<service>  (see make ps)"; exit 2; }
	$(COMPOSE_ALL) kill $(SERVICE)

stop: ## Stop one service cleanly (SIGTERM): make stop SERVICE=...
	@test -n "$(SERVICE)" || { echo "usage: make stop SERVICE=<service>"; exit 2; }
	$(COMPOSE_ALL) stop $(SERVICE)

start: ## Start a stopped or killed service again: make start SERVICE=...
	@test -n "$(SERVICE)" || { echo "usage: make start SERVICE=<service>"; exit 2; }
	$(COMPOSE_ALL) start $(SERVICE)

pause: ## Freeze one service (its process stops, its connections stay open): make pause SERVICE=...
	@test -n "$(SERVICE)" || { echo "usage: make pause SERVICE=<service>"; exit 2; }
	$(COMPOSE_ALL) pause $(SERVICE)

unpause: ## Let a paused service run again: make unpause SERVICE=...
	@test -n "$(SERVICE)" || { echo "usage: make unpause SERVICE=<service>"; exit 2; }
	$(COMPOSE_ALL) unpause $(SERVICE)

restart: ## Restart one service: make restart SERVICE=...
	@test -n "$(SERVICE)" || { echo "usage: make restart SERVICE=<service>"; exit 2; }
	$(COMPOSE_ALL) restart $(SERVICE)

late-subscriber: ## Start a second subscriber now, to see what a late joiner misses
	$(COMPOSE_ALL) up -d --wait pubsub-late-subscriber
	@echo "Watch it:  $(COMPOSE) logs pubsub-late-subscriber | grep joined"

snail: ## Start the Suicidal Snail: a subscriber too slow for the publisher, which notices and stops
	$(COMPOSE_ALL) up -d pubsub-snail
	@echo "Watch it:  $(COMPOSE) logs -f pubsub-snail | grep too-slow   (then: $(COMPOSE) ps -a pubsub-snail shows Exited (3))"

scenarios-list: node_modules ## List the fault scenarios with their claims
	@$(SCENARIOS) list

scenario: node_modules build ## Run one scenario: make scenario NAME=pubsub-reconnect (report in runs/latest/)
	@test -n "$(NAME)" || { echo "usage: make scenario NAME=<name>  (see make scenarios-list)"; exit 2; }
	@$(SCENARIOS) run $(NAME)

observer-cost: node_modules ## What the observer costs with the lab running and its page open: memory, CPU, log line to screen (DURATION=60)
	@browser=$$(bash scripts/setup-browser.sh) || exit 1; CHROMIUM_PATH=$$browser OBSERVER_PORT=$(OBSERVER_PORT) DURATION=$(or $(DURATION),60) node --import tsx test/observer-cost.ts

FAULT_CLI := node --import tsx harness/fault-cli.ts
fault: node_modules ## A network fault on one service: make fault SERVICE=pipeline-sink KIND=loss PCT=30 (KIND: loss blackhole reset bandwidth delay jitter duplicate corrupt; PCT RATE PORT MS DIR JITTER)
	@$(FAULT_CLI) fault "$(SERVICE)" "$(KIND)" "$(PCT)" "$(RATE)" "$(PORT)" "$(MS)" "$(DIR)" "$(JITTER)"

heal: node_modules ## Remove the network faults of one service, or of all: make heal SERVICE=ALL
	@$(FAULT_CLI) heal "$(SERVICE)"

faults: node_modules ## The network faults active now, per service
	@$(FAULT_CLI) list

report: ## The latest run's report page (runs/latest/report.html: plots, checks, verdict)
	@test -e runs/latest/report.html || { echo "no run yet: make scenario NAME=pubsub-reconnect"; exit 1; }
	@echo "$(CURDIR)/runs/$$(readlink runs/latest)/report.html"

scenarios: node_modules build ## Run every scenario and write docs/verdicts.md
	@$(SCENARIOS) all --verdicts docs/verdicts.md

udp: build ## Start PUB/SUB over UDP: RADIO/DISH (profile udp), to compare with TCP under make fault KIND=loss
	$(COMPOSE) --profile udp up -d --wait --remove-orphans pubsub-dish pubsub-radio

book: build ## Start the programs of "Node.js the Right Way", chapter 4 (profile book)
	$(COMPOSE) --profile book up -d --wait --remove-orphans
	@echo "Watch: make logs   Change the watched file: make touch   Ask the filer: make filer-req FILE=greeting.txt"

reliable: build ## Also start the reliable variants: Lazy Pirate, Paranoid Pirate, reliable pipeline, Clone (profile reliable)
	$(COMPOSE) --profile reliable up -d --wait --remove-orphans
	@echo "Watch one: make logs PATTERN=lazy-pirate (or paranoid-pirate, reliable-pipeline, clone)   Break one: make kill SERVICE=lazy-pirate-server"

touch: ## Change the file the book's watcher watches
	@$(COMPOSE) run --rm --no-deps book-touch

filer-req: ## Ask the book's filer for a file: make filer-req FILE=greeting.txt
	@$(COMPOSE) run --rm --no-deps -e LOG_FORMAT=pretty book-filer-req node dist/services/book/filer-req.js $(or $(FILE),greeting.txt)

filer-req-loop: ## Send five requests to the book's filer at once; see them answered in order
	@$(COMPOSE) run --rm --no-deps -e LOG_FORMAT=pretty book-filer-req-loop

PATTERN ?=
DURATION ?= 60
SEED ?=
CHAOS := node --import tsx scenarios/chaos/cli.ts
CHAOS_PATTERNS := pipeline reqrep router-dealer pubsub
chaos: node_modules build ## Naive vs reliable under the same random faults: make chaos PATTERN=pipeline DURATION=60 SEED=1 [FAULTS=kill,pause,disconnect,loss,blackhole]
	@$(CHAOS) --verdicts "$(PATTERN)" "$(DURATION)" "$(SEED)" "$(FAULTS)"

bench: node_modules build ## What each pattern costs: raw zeromq.js on loopback, over the bridge, the lab's services; writes runs/bench-<time>/ and docs/bench.md (COLD=1: a cold make up too)
	@node --import tsx bench/cli.ts

verdicts: node_modules build ## The long runs: the whole catalogue, then every pattern's 60 s chaos run; rewrites docs/verdicts.md
	@$(SCENARIOS) all --verdicts docs/verdicts.md; status=$$?; \
	for pattern in $(CHAOS_PATTERNS); do $(CHAOS) --verdicts $$pattern 60 1 || status=1; done; \
	exit $$status

offline-image: ## Build the Node.js base image without a container registry (make up does it when needed)
	@scripts/build-offline-node-image.sh $(OFFLINE_NODE_IMAGE)

# --- Docker Swarm: the same lab across nodes (docs/swarm.md) ---------------------------
stack: node_modules ## Write docker-stack.yml from docker-compose.yml (a test fails when they disagree)
	@node --import tsx harness/stack.ts

swarm-sim-up: ## A 3-node Swarm on this machine (Docker-in-Docker nodes; the CLI reaches it as context zmq-lab-swarm-sim)
	@bash scripts/setup.sh >/dev/null || exit 1; bash scripts/swarm-sim.sh up

swarm-sim-down: ## Remove the simulated Swarm: its nodes, network and context
	@bash scripts/swarm-sim.sh down

swarm-up: build ## Deploy the lab to the Swarm the Docker CLI points at (else the simulated one); LAB_REGISTRY=host:port to push there
	@bash scripts/swarm.sh up

swarm-down: ## Remove the lab's stack from the Swarm, and the registry it started
	@bash scripts/swarm.sh down

swarm-logs: ## Follow every task of the lab on the Swarm through the log printer (VERBOSE=1, PATTERN=...)
	@bash scripts/swarm.sh logs | \
	  $(PRINTER) -e VERBOSE=$(VERBOSE) -e PATTERN=$(PATTERN) -e SERVICE=$(SERVICE) $(LAB_IMAGE) node dist/tools/pretty-logs.js

keys: node_modules ## The CURVE key pairs under keys/ (server, client, stranger, impostor) and the allow-list keys/allowed/; existing keys are kept
	@node --import tsx harness/keys.ts keys

typecheck: node_modules ## Type check everything, the log-event contract's type-level test included
	npm run --silent typecheck

lint: node_modules ## Check formatting (prettier) and lint (ESLint, with the layering rules)
	npm run --silent lint

test-unit: node_modules ## Unit tests: pure functions, no sockets, no containers
	npm run --silent test:unit

test-process: node_modules ## Process tests: the services as local processes on loopback sockets, no containers
	npm run --silent test:process

format: node_modules ## Format the code (make lint checks it)
	npm run --silent format

test-e2e: node_modules build ## End-to-end tests against the lab in Docker (the observer's in a real browser: Debian's chromium, installed when missing)
	@browser=$$(bash scripts/setup-browser.sh) || exit 1; CHROMIUM_PATH=$$browser npm run --silent test:e2e

# make test's own runs: the whole scenario catalogue and a short chaos run of
# every pattern, kept apart in runs/make-test, then every stream of every one
# of them recounted from its history by an independent route. Every run is
# made even when one fails, so one report shows them all.
TEST_RUNS := runs/make-test
TEST_CHAOS_DURATION := 20
test-runs: node_modules build ## The scenario catalogue and a 20 s chaos run of each pattern, every figure recounted
	@rm -rf $(TEST_RUNS); status=0; \
	RUNS_DIR=$(TEST_RUNS) $(SCENARIOS) all || status=1; \
	for pattern in $(CHAOS_PATTERNS); do RUNS_DIR=$(TEST_RUNS) $(CHAOS) $$pattern $(TEST_CHAOS_DURATION) 1 || status=1; done; \
	RUNS_DIR=$(TEST_RUNS) npm run --silent test:runs || status=1; \
	exit $$status

test: typecheck lint test-unit test-process test-e2e test-runs ## Type check, lint, unit, process and end-to-end tests, the scenario catalogue and short chaos runs, all figures recounted
