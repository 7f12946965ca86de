#!/usr/bin/env bash
# `make run`: localkube (Tools/localkube, state in .run/localkube) running the workloads on this machine, the
# CRDs, namespace flink-jobs, the TLS Secret flink-operator-ssl (from secrets/), the operator as a pod of a
# Deployment (chart deploy/helm/flink-k8s-toolbox-operator; image flink-k8s-toolbox-operator:1.5.0 -> .build/debug)
# behind Service flink-operator, and the demo
# FlinkDeployment (Tools/localkube/demo/demo.yaml). Ctrl-C (or `make stop` = `Tools/run-local.sh stop`) stops
# localkube, which stops every pod. RUN_DETACH=1 returns after the setup and leaves everything running.
# LOCALKUBE_IMAGE_MAP=FILE adds an image map (see Tools/localkube/README.md). LOCALKUBE_CONTAINER_RUNTIME=podman runs
# every pod whose image is in podman's storage (e.g. `make images`) as a podman container, the others as processes
# (then no $BIN_DIR/operator is required). RUN_INSTALL=0 (with RUN_DETACH=1) starts localkube alone.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
run=${RUN_DIR:-$repo/.run}
state=$run/localkube
bin=${BIN_DIR:-.build/debug}
pidfile=$state/localkube.pid
kube() { kubectl --kubeconfig "$state/kubeconfig" "$@"; }

stop_localkube() {
  local pid
  pid=$(cat "$pidfile" 2>/dev/null || cat "$run/localkube.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile" "$run/localkube.pid"
  # the processes the previous layout of this script started directly
  for f in "$run"/operator.pid "$run"/supervisor.pid "$run"/bootstrap.pid; do
    [ -e "$f" ] && { kill -TERM "$(cat "$f")" 2>/dev/null || true; rm -f "$f"; }
  done
  return 0
}

if [ "${1:-}" = stop ]; then stop_localkube; echo "stopped (localkube and all its pods)"; exit 0; fi

container_runtime=${LOCALKUBE_CONTAINER_RUNTIME:-process}
if [ "$container_runtime" = process ]; then
  [ -x "$bin/operator" ] || { echo "no $bin/operator: run 'swift build' first" >&2; exit 1; }
fi
# Certificates made before identities name no role (every API refuses them): make them again.
[ -f secrets/bootstrap_cert.pem ] || ./secrets.sh flink-operator key-password keystore-password truststore-password
python3 -c 'import aiohttp, yaml, cryptography, kubernetes_validate' 2>/dev/null ||
  python3 -m pip install -q --require-hashes -r Tools/requirements.lock
mkdir -p "$state"
stop_localkube

image_map=()
[ -n "${LOCALKUBE_IMAGE_MAP:-}" ] && image_map=(--image-map "$LOCALKUBE_IMAGE_MAP")
PYTHONPATH=$repo/Tools/localkube nohup python3 -m localkube --state-dir "$state" --runtime "${image_map[@]}" \
  --container-runtime "$container_runtime" \
  --log-level INFO > "$run/localkube.log" 2>&1 < /dev/null &
lk_pid=$!
echo "$lk_pid" > "$run/localkube.pid"
trap 'stop_localkube; echo "stopped (localkube and all its pods)"; exit 0' INT TERM
for _ in $(seq 200); do grep -q '^localkube listening' "$run/localkube.log" && break; kill -0 "$lk_pid" 2>/dev/null || break; sleep 0.1; done
line=$(grep '^localkube listening' "$run/localkube.log" || true)
[ -n "$line" ] || { echo "localkube did not start:" >&2; tail -n 20 "$run/localkube.log" >&2; stop_localkube; exit 1; }
url=$(echo "$line" | sed -n 's/^localkube listening on \([^ ]*\) .*/\1/p')
if [ "${RUN_INSTALL:-1}" = 0 ]; then # localkube alone (Tests/manual/test_manual_install.py installs like the manual)
  echo "localkube is running (pid $lk_pid, log $run/localkube.log); nothing installed; kubeconfig $state/kubeconfig"
  trap - INT TERM; exit 0
fi

# The CRD and roles charts, rendered by the real Helm engine (helm-python-sdk), as `helm install` would.
python3 Tools/helm/render.py deploy/helm/flink-k8s-toolbox-crd --name flink-k8s-toolbox-crd | kube apply -f - >/dev/null
kube create namespace flink-jobs --dry-run=client -o yaml | kube apply -f - >/dev/null
python3 Tools/helm/render.py deploy/helm/flink-k8s-toolbox-roles --name flink-k8s-toolbox-roles --namespace flink-jobs \
  --set targetNamespace=flink-jobs | kube apply -f - >/dev/null
# One Secret per role: the operator (operator-api), the supervisors and the bootstrap Jobs.
for pair in flink-operator-ssl:operator-api flink-supervisor-ssl:supervisor flink-bootstrap-ssl:bootstrap; do
  kube -n flink-jobs create secret generic "${pair%%:*}" --type=kubernetes.io/tls \
    --from-file=tls.crt="secrets/${pair#*:}_cert.pem" --from-file=tls.key="secrets/${pair#*:}_key.pem" \
    --from-file=ca.crt=secrets/ca_cert.pem --dry-run=client -o yaml | kube apply -f - >/dev/null
done
# The operator chart, as the manual installs it (`helm install ... --set secretName=flink-operator-ssl`), in the jobs
# namespace, without its `helm test` pod (applied manifests make no release to test). The operator finds localkube
# through $KUBECONFIG, which localkube sets in every pod.
python3 Tools/helm/render.py deploy/helm/flink-k8s-toolbox-operator --name flink-k8s-toolbox-operator \
  --namespace flink-jobs --skip-tests --set targetNamespace=flink-jobs --set secretName=flink-operator-ssl \
  --set supervisorSecretName=flink-supervisor-ssl --set bootstrapSecretName=flink-bootstrap-ssl | kube apply -f - >/dev/null
if ! kube -n flink-jobs rollout status deployment/flink-operator --timeout=90s >/dev/null; then
  echo "the operator pod did not become ready; its log:" >&2
  kube -n flink-jobs logs -l app=flink-operator --tail=30 >&2 || true
  stop_localkube; exit 1
fi
if [ "${RUN_DEMO:-1}" = 1 ]; then
  sed "s|__SHARED__|$state/shared|" Tools/localkube/demo/demo.yaml | kube -n flink-jobs apply -f - >/dev/null
fi
op_pod=$(kube -n flink-jobs get pods -l app=flink-operator -o jsonpath='{.items[0].metadata.name}')
op_ip=$(kube -n flink-jobs get svc flink-operator -o jsonpath='{.spec.clusterIP}')

cat <<MSG
localkube is running (pid $lk_pid, log $run/localkube.log, pods in $state/pods):
  control plane  $url
  kubeconfig     $state/kubeconfig      (export KUBECONFIG=$state/kubeconfig)
  operator       pod flink-jobs/$op_pod behind Service flink-operator ($op_ip: API 4444, monitoring 8080)
  demo           FlinkDeployment flink-jobs/demo applied (Tools/localkube/demo/demo.yaml)
The demo cluster starts in a minute or so (JobManager, TaskManagers, two CountingJobs); watch it with the first command.
Try:
  kubectl --kubeconfig $state/kubeconfig -n flink-jobs get pods,svc,fd,fc,fj
  kubectl --kubeconfig $state/kubeconfig -n flink-jobs logs -f deployment/flink-operator
  curl http://$op_ip:8080/version
  curl --cacert secrets/ca_cert.pem --cert secrets/operator-cli_cert.pem --key secrets/operator-cli_key.pem \\
       --connect-to localhost:4444:$op_ip:4444 https://localhost:4444/api/v1/deployments
Stop with Ctrl-C, or 'make stop' from another shell.
MSG
if [ "${RUN_DETACH:-0}" = 1 ]; then trap - INT TERM; exit 0; fi
while kill -0 "$lk_pid" 2>/dev/null; do sleep 1; done
echo "localkube exited (log: $run/localkube.log)"
