#!/usr/bin/env bash
# Starts the three toolbox processes on this machine with mutual TLS, each on its own loopback address:
#   operator   127.0.0.1  API 4444  monitoring 8080
#   supervisor 127.0.0.2  API 4445  monitoring 8080   (of cluster "demo")
#   bootstrap  127.0.0.3  API 4446  monitoring 8080   (of job "demo-computeaverage")
# Certificates are made with secrets.sh into secrets/ when absent. Ctrl-C (or `make stop`) stops them by PID.
# The local Kubernetes (localkube) and the demo deployment join this script in later releases.
set -euo pipefail
cd "$(dirname "$0")/.."
run=.run
bin=${BIN_DIR:-.build/debug}

stop_all() {
  for pidfile in "$run"/*.pid; do
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}

if [ "${1:-}" = stop ]; then stop_all; echo "stopped"; exit 0; fi

[ -f secrets/ca_cert.pem ] || ./secrets.sh flink-operator key-password keystore-password truststore-password
mkdir -p "$run"
stop_all
tls=(--tls-cert secrets/operator-api_cert.pem --tls-key secrets/operator-api_key.pem --tls-ca secrets/ca_cert.pem)

start() { # start NAME ADDRESS ARGS...
  local name=$1 address=$2; shift 2
  "$bin/$name" run --bind-address "$address" --monitoring-port 8080 "${tls[@]}" "$@" > "$run/$name.log" 2>&1 &
  echo $! > "$run/$name.pid"
}
start operator 127.0.0.1 --namespace default
start supervisor 127.0.0.2 --namespace default --cluster-name demo
start bootstrap 127.0.0.3 --namespace default --cluster-name demo --job-name computeaverage
trap 'stop_all; echo "stopped"; exit 0' INT TERM

for address in 127.0.0.1 127.0.0.2 127.0.0.3; do
  for _ in $(seq 100); do curl -sf "http://$address:8080/version" >/dev/null && break; sleep 0.1; done
  curl -sf "http://$address:8080/version" >/dev/null || { echo "a process did not start; logs in $run/"; tail -n 20 "$run"/*.log; stop_all; exit 1; }
done
cat <<MSG
Flink Kubernetes Toolbox is running (logs and PIDs in $run/):
  operator    https://127.0.0.1:4444/api/v1     http://127.0.0.1:8080/metrics
  supervisor  https://127.0.0.2:4445/supervisor/v1  http://127.0.0.2:8080/metrics
  bootstrap   https://127.0.0.3:4446/bootstrap/v1   http://127.0.0.3:8080/metrics
Try (the certificates name localhost and 127.0.0.1, hence --connect-to for the other addresses):
  curl --cacert secrets/ca_cert.pem --cert secrets/operator-cli_cert.pem --key secrets/operator-cli_key.pem https://localhost:4444/api/v1/deployments
  curl --cacert secrets/ca_cert.pem --cert secrets/operator-cli_cert.pem --key secrets/operator-cli_key.pem \\
       --connect-to localhost:4446:127.0.0.3:4446 https://localhost:4446/bootstrap/v1/progress
Stop with Ctrl-C, or 'make stop' from another shell.
MSG
if [ "${RUN_DETACH:-0}" = 1 ]; then trap - INT TERM; exit 0; fi
wait
