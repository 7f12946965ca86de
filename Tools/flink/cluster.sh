#!/usr/bin/env bash
# A local Flink session cluster (1 JobManager + N TaskManagers as JVM processes), bound to 127.0.0.1.
#
#   cluster.sh start              [--version V] [--base DIR] [--rest-port P] [--taskmanagers N] [--slots S] [--restarts R]
#   cluster.sh stop|status        [--version V] [--base DIR]
#   cluster.sh start-taskmanager  [--version V] [--base DIR]            adds one TaskManager, waits until it is registered
#   cluster.sh kill-taskmanager [INDEX] [--version V] [--base DIR]     SIGKILLs TaskManager tm-INDEX (default: oldest alive)
#
# Defaults: version 2.3.0 (env FLINK_VERSION), base .cache/flink/run-V, a free REST port, 1 TaskManager, 2 slots,
# restarts 0 (restart-strategy none: a failure or a lost TaskManager makes the job FAILED; R>0 = fixed-delay R x 1 s).
# `start` prints FLINK_REST_URL=, FLINK_HOME=, FLINK_BASE=, FLINK_VERSION=, FLINK_SAVEPOINTS_DIR= lines (also kept
# in <base>/cluster.env) and leaves the cluster running; `stop` kills the JVMs by PID. Logs stay in <base>/log.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)

cmd=${1:-}; shift || true
version=${FLINK_VERSION:-2.3.0} base="" rest_port="" tms=1 slots=2 restarts=0 index=""
while [ $# -gt 0 ]; do
  case $1 in
    --version) version=$2; shift 2 ;;
    --base) base=$2; shift 2 ;;
    --rest-port) rest_port=$2; shift 2 ;;
    --taskmanagers) tms=$2; shift 2 ;;
    --slots) slots=$2; shift 2 ;;
    --restarts) restarts=$2; shift 2 ;;
    [0-9]*) index=$1; shift ;;
    *) echo "cluster.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
base=${base:-$repo/.cache/flink/run-$version}
[ "$cmd" = start ] && mkdir -p "$base"
[ -d "$base" ] && base=$(cd "$base" && pwd)
pids=$base/pids

log() { echo "cluster.sh: $*" >&2; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
# A free port below the kernel's ephemeral range (ip_local_port_range starts at 32768): a port the kernel
# handed out with bind(0) would be handed out again to the TaskManager's data/RPC servers (which bind 0),
# and the JobManager's REST server then fails with "Could not start rest endpoint on any port".
free_port() {
  python3 - "$@" <<'PY'
import random, socket, sys
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
taken = {int(p) for p in sys.argv[1:]}
for _ in range(1000):
    port = random.randrange(20000, min(low, 32768))
    if port in taken:
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port)); print(port); break
    except OSError:
        pass
    finally:
        s.close()
else:
    sys.exit("cluster.sh: no free port below the ephemeral range")
PY
}
overview() { curl -sf --max-time 2 "$FLINK_REST_URL/overview" 2>/dev/null; }
load_env() {
  [ -f "$base/cluster.env" ] || { log "no cluster in $base (not started?)"; exit 1; }
  set -a; . "$base/cluster.env"; set +a
}

# Stops the processes of the given pid files in parallel: TERM, then KILL after 10 s.
stop_pids() {
  local f pid
  for f in "$@"; do alive "$f" && kill -TERM "$(cat "$f")" 2>/dev/null || true; done
  for _ in $(seq 100); do
    local any=0
    for f in "$@"; do alive "$f" && any=1; done
    [ $any = 0 ] && break
    sleep 0.1
  done
  for f in "$@"; do
    if alive "$f"; then pid=$(cat "$f"); log "pid $pid ignored SIGTERM for 10 s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  done
  for f in "$@"; do
    pid=$(cat "$f" 2>/dev/null) || continue
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    rm -f "$f"
  done
}

last_logs() {
  local f
  for f in "$base"/log/*.console; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 30 "$f" >&2; }; done
}

# Starts TaskManager tm-INDEX in the background. A statement of its own so that $! is the JVM
# (taskmanager.sh start-foreground execs flink-console.sh, which execs java).
launch_tm() {
  local i=$1
  FLINK_CONF_DIR=$base/conf nohup "$FLINK_HOME/bin/taskmanager.sh" start-foreground \
    -Dtaskmanager.resource-id=tm-$i > "$base/log/tm-$i.console" 2>&1 < /dev/null &
  echo $! > "$pids/tm-$i.pid"
  echo $(( i + 1 )) > "$base/next-tm"
}

write_config() {
  local conf=$base/conf
  rm -rf "$conf" && mkdir -p "$conf"
  # flink-console.sh reads log4j-console.properties from FLINK_CONF_DIR: copy the logging files.
  cp "$FLINK_HOME"/conf/log4j*.properties "$FLINK_HOME"/conf/logback*.xml "$conf/"
  # Java 17 needs the shipped --add-opens list, or job submission fails (InaccessibleObjectException).
  local opens; opens=$(sed -n 's/^ *all: *//p' "$FLINK_HOME/conf/config.yaml" | head -n 1)
  local strategy="restart-strategy.type: none"
  if [ "$restarts" -gt 0 ]; then
    strategy="restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: $restarts
restart-strategy.fixed-delay.delay: 1s"
  fi
  # Flat keys in config.yaml: read by 1.19/1.20 (standard YAML parser) and by 2.x (the only file 2.x reads).
  cat > "$conf/config.yaml" <<EOF
env.java.opts.all: $opens
env.log.dir: $base/log
env.pid.dir: $base/state
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $rpc_port
jobmanager.bind-host: 127.0.0.1
jobmanager.memory.process.size: 768m
taskmanager.host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.numberOfTaskSlots: $slots
taskmanager.memory.process.size: 1024m
parallelism.default: 1
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $rest_port
io.tmp.dirs: $base/state/tmp
web.tmpdir: $base/state/tmp
web.upload.dir: $base/state/upload
execution.checkpointing.interval: 2s
execution.checkpointing.dir: file://$base/checkpoints
execution.checkpointing.savepoint-dir: file://$base/savepoints
$strategy
# A killed TaskManager is declared lost within ~10 s (usually sooner: failed heartbeat RPCs count too).
heartbeat.interval: 2000
heartbeat.timeout: 10000
# A TaskManager started before the ResourceManager is up retries after 1 s instead of 10 s.
cluster.registration.error-delay: 1s
# REST metric values are otherwise cached for 10 s.
metrics.fetcher.update-interval: 1000
# Job details/state (GET /jobs/{id}, /jobs/overview, ...) are otherwise cached for 3 s.
web.refresh-interval: 500
EOF
}

wait_ready() { # wait_ready MIN_SLOTS TIMEOUT_S
  local want=$1 deadline=$(( $(date +%s) + $2 )) got
  while :; do
    got=$(overview | jq -r '."slots-total" // 0' 2>/dev/null || echo 0)
    [ "${got:-0}" -ge "$want" ] && return 0
    if ! alive "$pids/jm.pid"; then log "the JobManager exited"; last_logs; return 1; fi
    if [ "$(date +%s)" -ge "$deadline" ]; then log "timeout: slots-total=${got:-0}, expected >= $want"; last_logs; return 1; fi
    sleep 0.5
  done
}

case $cmd in
start)
  if alive "$pids/jm.pid"; then log "already running in $base (cluster.sh stop first)"; exit 1; fi
  shopt -s nullglob; stop_pids "$pids"/*.pid; shopt -u nullglob # TaskManagers left over from a crashed run
  FLINK_HOME=$("$repo/Tools/flink/install.sh" "$version" | sed -n 's/^FLINK_HOME=//p')
  command -v jq >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >&2; }
  started=$(date +%s%N)
  rest_port=${rest_port:-$(free_port)}
  rpc_port=$(free_port "$rest_port") # not 6123, so that several clusters can run side by side
  rm -rf "$pids" "$base/state" "$base/next-tm" "$base/cluster.env"
  mkdir -p "$pids" "$base/log" "$base/state/tmp" "$base/state/upload" "$base/savepoints" "$base/checkpoints"
  write_config
  FLINK_REST_URL=http://127.0.0.1:$rest_port
  cat > "$base/cluster.env" <<EOF
FLINK_REST_URL=$FLINK_REST_URL
FLINK_HOME=$FLINK_HOME
FLINK_BASE=$base
FLINK_VERSION=$version
FLINK_SAVEPOINTS_DIR=file://$base/savepoints
FLINK_SLOTS=$slots
EOF
  FLINK_CONF_DIR=$base/conf nohup "$FLINK_HOME/bin/jobmanager.sh" start-foreground > "$base/log/jm.console" 2>&1 < /dev/null &
  echo $! > "$pids/jm.pid"
  for i in $(seq 0 $(( tms - 1 ))); do launch_tm "$i"; done
  if ! wait_ready $(( tms * slots )) 90; then
    stop_pids "$pids"/tm-*.pid "$pids/jm.pid"; exit 1
  fi
  log "ready in $(( ($(date +%s%N) - started) / 1000000 )) ms: $(overview)"
  cat "$base/cluster.env"
  ;;
stop)
  [ -d "$pids" ] || { log "nothing to stop in $base"; exit 0; }
  started=$(date +%s%N)
  port=$(sed -n 's/^rest.port: //p' "$base/conf/config.yaml" 2>/dev/null || true)
  shopt -s nullglob
  stop_pids "$pids"/tm-*.pid # TaskManagers first: with the JobManager gone they would keep retrying
  stop_pids "$pids"/jm.pid
  rm -rf "$base/state/tmp"
  if [ -n "$port" ] && ss -Hltn "sport = :$port" | grep -q .; then log "port $port is still listening"; exit 1; fi
  log "stopped in $(( ($(date +%s%N) - started) / 1000000 )) ms (logs in $base/log)"
  ;;
status)
  load_env
  for f in "$pids"/*.pid; do
    [ -f "$f" ] || continue
    if alive "$f"; then echo "$(basename "$f" .pid) pid $(cat "$f") running"; else echo "$(basename "$f" .pid) pid $(cat "$f") dead"; fi
  done
  cat "$base/cluster.env"
  if ov=$(overview); then echo "overview $ov"; else echo "REST $FLINK_REST_URL not answering"; exit 1; fi
  ;;
start-taskmanager)
  load_env
  alive "$pids/jm.pid" || { log "the JobManager is not running"; exit 1; }
  i=$(cat "$base/next-tm")
  started=$(date +%s%N)
  launch_tm "$i"
  deadline=$(( $(date +%s) + 60 ))
  until curl -sf "$FLINK_REST_URL/taskmanagers" | jq -e --arg id "tm-$i" '.taskmanagers[] | select(.id == $id and .slotsNumber > 0)' >/dev/null; do
    if ! alive "$pids/tm-$i.pid" || [ "$(date +%s)" -ge "$deadline" ]; then log "tm-$i did not register"; last_logs; exit 1; fi
    sleep 0.5
  done
  log "tm-$i registered in $(( ($(date +%s%N) - started) / 1000000 )) ms"
  echo "TASKMANAGER=tm-$i"
  ;;
kill-taskmanager)
  load_env
  if [ -z "$index" ]; then
    for f in $(ls "$pids"/tm-*.pid 2>/dev/null | sort -V); do alive "$f" && { index=$(basename "$f" .pid); index=${index#tm-}; break; }; done
  fi
  f=$pids/tm-$index.pid
  [ -n "$index" ] && alive "$f" || { log "no running TaskManager ${index:+tm-$index}"; exit 1; }
  pid=$(cat "$f"); kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$f"
  echo "KILLED_TASKMANAGER=tm-$index"
  ;;
*)
  sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
