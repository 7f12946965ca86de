# Flink Kubernetes Toolbox: `make run` starts the toolbox locally, `make test` runs every check.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
TOOLS := $(CURDIR)/.tools
export PATH := $(TOOLS)/bin:$(PATH)
PYTHON ?= python3
SWIFT_BUILD_FLAGS ?=
APT_PACKAGES := libssl-dev libcurl4-openssl-dev libnghttp2-dev openssl curl
PIP_REQUIREMENTS := Tools/crdgen/requirements.txt Tools/requirements-test.txt Tools/localkube/requirements.txt Tools/helm/requirements.txt

.PHONY: deps build test contract crds run stop clean localkube-test flink-deps

## deps: install what a fresh Debian machine lacks (system libraries, Python checkers, promtool)
deps: $(TOOLS)/deps.stamp

$(TOOLS)/deps.stamp: $(PIP_REQUIREMENTS) Makefile
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing $$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	$(PYTHON) -m pip install --quiet --disable-pip-version-check $(addprefix -r ,$(PIP_REQUIREMENTS))
	@if ! command -v promtool >/dev/null; then \
	  echo "extracting promtool from Debian's prometheus package into $(TOOLS)"; \
	  mkdir -p $(TOOLS)/deb $(TOOLS)/bin; \
	  (apt-cache show prometheus >/dev/null 2>&1 || apt-get update -qq); \
	  (cd $(TOOLS)/deb && rm -f prometheus_*.deb && apt-get download -qq prometheus); \
	  dpkg-deb -x $(TOOLS)/deb/prometheus_*.deb $(TOOLS)/deb/root; \
	  ln -sf $(TOOLS)/deb/root/usr/bin/promtool $(TOOLS)/bin/promtool; \
	fi
	promtool --version >/dev/null
	@command -v kubectl >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kubectl; }
	kubectl version --client >/dev/null
	@mkdir -p $(TOOLS) && touch $@

FLINK_VERSIONS := 2.3.0 1.20.5

## flink-deps: real Flink from PyPI (both tested versions) and the Java test jobs, cached in .cache/flink
flink-deps: deps
	for version in $(FLINK_VERSIONS); do bash Tools/flink/install.sh $$version && bash Tools/flink/build-jobs.sh $$version; done

## build: compile the three executables (debug)
build: deps
	swift build $(SWIFT_BUILD_FLAGS)

## contract: the OpenAPI contract is valid, the CRDs are in sync with it, the manual's examples validate, the
## Dockerfiles pass hadolint, the charts pass strict Helm lint and their rendering passes kubernetes-validate --strict
contract: deps
	openapi-spec-validator openapi/toolbox.yaml
	$(PYTHON) Tools/crdgen/crdgen.py --check
	$(PYTHON) Tools/crdgen/validate_cr.py examples/manual-1.4.4/*.yaml examples/manual-1.4.1/*.yaml
	hadolint --no-color deploy/docker/*.Dockerfile
	$(PYTHON) Tools/helm/lint.py deploy/helm/flink-k8s-toolbox-crd deploy/helm/flink-k8s-toolbox-roles
	$(PYTHON) Tools/helm/render.py deploy/helm/flink-k8s-toolbox-roles --name roles --namespace flink-operator \
	  --set targetNamespace=flink-jobs > $(TOOLS)/roles.yaml
	kubernetes-validate -k 1.32.0 --strict $(TOOLS)/roles.yaml > /dev/null

## crds: regenerate deploy/helm/flink-k8s-toolbox-crd from openapi/toolbox.yaml
crds:
	$(PYTHON) Tools/crdgen/crdgen.py

## localkube: the single-machine Kubernetes API server's own tests, with real kubectl
localkube-test: deps
	$(PYTHON) -m pytest Tools/localkube/tests -q -p no:cacheprovider

## test: every check and every test
test: deps contract flink-deps localkube-test
	swift build --build-tests $(SWIFT_BUILD_FLAGS)
	swift test --skip-build --no-parallel $(SWIFT_BUILD_FLAGS)

## run: build, then start localkube with its local runtime, install the CRD and roles charts, run the operator as a
## pod, and apply the demo FlinkDeployment (Ctrl-C or `make stop` stops everything)
run: build flink-deps
	bash Tools/run-local.sh

## stop: stop what `make run` started (localkube stops every pod it runs)
stop:
	bash Tools/run-local.sh stop

clean:
	rm -rf .build .run
