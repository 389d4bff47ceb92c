# Betanet: the front door. `make help` lists the targets.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# A JDK 25, found once: JAVA_HOME when it is 25, else /usr/lib/jvm (scripts/find-jdk25).
JDK := $(shell scripts/find-jdk25 2>/dev/null)
MVN := JAVA_HOME="$(JDK)" ./mvnw -B -ntp
BENCH_ARGS ?=
JMH_ARGS ?=
VERSION := 0.1.0-SNAPSHOT
RUN_ARGS ?=
WATCH_ARGS ?=
FUZZ_SECONDS ?= 60
# Every fuzz target (docs/reliability.md): test class#method under <module>/src/test.
FUZZ_TARGETS := \
  FramingFuzzTest\#decodesAnyStream FramingFuzzTest\#roundTripsAnyFrames \
  PacketLayerFuzzTest\#processesAnyDecryptedLayer \
  PacketPathFuzzTest\#forwardsTamperedPackets PacketPathFuzzTest\#repliesThroughTamperedSurbs \
  ReassemblerFuzzTest\#acceptsAnyFragments ReassemblerFuzzTest\#reassemblesInAnyOrder \
  TunnelFuzzTest\#handshakeRefusesAnyChangedMessage TunnelFuzzTest\#framesOpenOnlyInOrderAndIntact \
  TopologyFuzzTest\#verifiesAnyDocument TopologyFuzzTest\#verifiesAnySignedBody \
  ServicesDocumentFuzzTest\#parsesAnyDocument ServicesDocumentFuzzTest\#readsBackWhatItWrites \
  HttpMessagesFuzzTest\#decodesAnyRequest HttpMessagesFuzzTest\#decodesAnyResponse \
  HttpMessagesFuzzTest\#roundTripsAnyMessage \
  EnvelopeFuzzTest\#parsesAnyForward EnvelopeFuzzTest\#parsesAnyReply \
  TunnelMessagesFuzzTest\#reassemblesAnyFrames TunnelMessagesFuzzTest\#splitMessagesComeBackWhole \
  RequestPartsFuzzTest\#acceptsAnyFragments RequestPartsFuzzTest\#reassemblesInAnyOrder \
  Socks5HandshakeFuzzTest\#parsesAnyHandshake Socks5HandshakeFuzzTest\#acceptsAnyWellFormedRequest \
  SpecValidationFuzzTest\#validatesAnyClusterDocument
# The modules whose parsers have fuzz targets; each target runs in the module holding its class.
FUZZ_MODULES := protocol router-service operator
SOAK_MINUTES ?= 20
SOAK_ARGS ?=

.PHONY: help jdk build test fuzz soak run watch plugin bench bench-entropy bench-jmh crds fmt monitoring images deploy clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

jdk:
	@[ -n "$(JDK)" ] || { scripts/find-jdk25 >/dev/null; exit 1; }

build: jdk ## compile, check formatting, package every module (no tests)
	$(MVN) install -DskipTests

test: jdk ## run every test: unit, loopback-socket, operator against an in-process Kubernetes API
	$(MVN) install

# One JVM per target (Jazzer fuzzes one test per run). A finding fails the target and Jazzer
# writes the input into the target's Inputs directory under <module>/src/test/resources, where
# `make test` replays it from then on. Heap capped so a huge allocation is a finding (an
# OutOfMemoryError), and any single input running over 10 s is reported as a hang. In the Quarkus
# modules only our code (and Jackson, for the operator's documents) is instrumented: the whole class
# path costs minutes per target and the targets reach none of it.
fuzz: jdk ## fuzz each parser (protocol, router, operator) for FUZZ_SECONDS (default 60) in turn; prints executions per target
	$(MVN) -q install -DskipTests -pl protocol,router-service,operator -am
	@total=0; seconds=0; failed=""; \
	for target in $(FUZZ_TARGETS); do \
	  module=$$(for m in $(FUZZ_MODULES); do [ -z "$$(find $$m/src/test/java -name "$${target%%\#*}.java")" ] || echo $$m; done | head -n 1); \
	  [ -n "$$module" ] || { echo "make fuzz: no module has $${target%%\#*}" >&2; exit 2; }; \
	  case $$module in router-service) only='dev.betanet.**';; operator) only='dev.betanet.**:com.fasterxml.jackson.**';; *) only='';; esac; \
	  name=$${target/\#/.}; corpus="$(CURDIR)/$$module/target/fuzz/corpus/$$name"; \
	  log="$$module/target/fuzz/$$name.log"; mkdir -p "$$corpus"; \
	  if JAZZER_FUZZ=1 $(MVN) surefire:test -pl $$module -Dtest="$$target" \
	      -Djazzer.hooks=true -Djazzer.max_duration=$(FUZZ_SECONDS)s $${only:+"-Djazzer.instrumentation_includes=$$only"} \
	      -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1="$$corpus" -Djazzer.internal.arg.2=-timeout=10 \
	      -DargLine="-Xmx512m -XX:+EnableDynamicAgentLoading" >"$$log" 2>&1; \
	  then verdict=ok; else verdict=FINDING; failed="$$failed $$name"; fi; \
	  runs=$$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1/p' "$$log" | tail -n 1); \
	  secs=$$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$$log" | tail -n 1); \
	  runs=$${runs:-0}; secs=$${secs:-0}; \
	  printf '%-52s %10s runs %4s s %8s/s  %s\n' "$$name" "$$runs" "$$secs" "$$(( secs > 0 ? runs / secs : 0 ))" "$$verdict"; \
	  total=$$(( total + runs )); seconds=$$(( seconds + secs )); \
	done; \
	printf '%-52s %10s runs %4s s %8s/s\n' "total" "$$total" "$$seconds" "$$(( seconds > 0 ? total / seconds : 0 ))"; \
	if [ -n "$$failed" ]; then echo "make fuzz: findings in:$$failed (logs in <module>/target/fuzz/)" >&2; exit 1; fi

# The local system under load and chaos for SOAK_MINUTES (docs/reliability.md, "Chaos soak").
soak: jdk ## the local system under load while mixnodes, router, operator are killed, keys rotate (SOAK_MINUTES, default 20)
	$(MVN) -q install -DskipTests
	JAVA_HOME="$(JDK)" scripts/soak-local --minutes $(SOAK_MINUTES) $(SOAK_ARGS)

run: jdk ## the whole system on this machine: API, operator, mixnet, example (for trying; see README)
	$(MVN) -q install -DskipTests
	JAVA_HOME="$(JDK)" scripts/run-local $(RUN_ARGS)

watch: jdk ## live view of the system `make run` started (requests/s, latency, errors, canary, pools)
	JAVA_HOME="$(JDK)" scripts/watch-local $(WATCH_ARGS)

plugin: jdk ## build only the kubectl plugin (bin/kubectl-betanet; put bin/ on PATH for `kubectl betanet`)
	$(MVN) -q install -DskipTests -pl kubectl-plugin -am

bench: jdk ## load the local system at 10/50/150 flows and bulk over SOCKS5 streams, mixnet beside fallback; report in docs/benchmarks.md
	$(MVN) -q install -DskipTests
	JAVA_HOME="$(JDK)" scripts/bench-local $(BENCH_ARGS)

bench-entropy: jdk ## departure entropy per mix layer against load and cover rate; table and plot in docs/benchmarks.md
	$(MVN) -q install -DskipTests
	BENCH_MAIN=dev.betanet.bench.local.EntropyBench JAVA_HOME="$(JDK)" scripts/bench-local $(BENCH_ARGS)

bench-jmh: jdk ## the JMH microbenchmarks (crypto, one hop, packet creation)
	$(MVN) -q install -DskipTests -pl bench -am
	"$(JDK)/bin/java" -jar bench/target/benchmarks.jar $(JMH_ARGS)

crds: jdk ## regenerate crds/ from the operator's Java classes (commit the result)
	$(MVN) -q install -DskipTests -pl operator -am
	$(MVN) test -pl operator -Dtest=CrdsAreUpToDateTest -Dsurefire.failIfNoSpecifiedTests=false -Dbetanet.crds.write=true

monitoring: jdk ## check k8s/monitoring: promtool rule tests, metric names, kustomize render (needs promtool)
	$(MVN) -q install -DskipTests -pl operator -am
	$(MVN) test -pl monitoring

fmt: jdk ## rewrite the sources in the project's one format (the build checks it)
	$(MVN) -q spotless:apply

# Tags match the image defaults in the CRD and k8s/install (betanet/<name>:<project version>).
images: jdk ## build the container images (needs a Docker engine)
	@docker info >/dev/null 2>&1 || { echo "make images: no Docker engine is reachable (docker info failed); build the images on a machine with one" >&2; exit 1; }
	$(MVN) -q package -DskipTests
	for m in mixnode-service:mixnode router-service:router operator:operator; do \
	  docker build -f $${m%%:*}/src/main/docker/Dockerfile.jvm -t betanet/$${m##*:}:$(VERSION) $${m%%:*}; \
	done

# The kustomize base k8s/install (one replica), or an overlay: OVERLAY=ha (two replicas, leader
# election), OVERLAY=dev (debug logs, locally loaded images).
OVERLAY ?=
INSTALL := $(if $(OVERLAY),k8s/overlays/$(OVERLAY),k8s/install)

deploy: ## install the CRD and the operator into the current kubectl context (OVERLAY=ha|dev)
	@[ -d "$(INSTALL)" ] || { echo "make deploy: no overlay '$(OVERLAY)' (k8s/overlays has: $$(ls k8s/overlays | tr '\n' ' '))" >&2; exit 1; }
	@kubectl cluster-info >/dev/null 2>&1 || { echo "make deploy: kubectl cannot reach a cluster (kubectl cluster-info failed); set a context, or try 'make run' for the local system" >&2; exit 1; }
	kubectl apply -f crds/
	kubectl apply -k $(INSTALL)

clean: ## remove build output
	@[ -z "$(JDK)" ] || $(MVN) -q clean
	rm -rf .local
