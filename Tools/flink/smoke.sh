#!/usr/bin/env bash
# End-to-end proof, with curl + jq, of the REST calls the Swift Flink client tests make:
#   Tools/flink/smoke.sh 2.3.0|1.20.5
# install → build jobs → start cluster → upload → run CountingJob (p=2) → savepoint → stop-with-savepoint →
# resume from the savepoint (the count continues) → cancel → FailingJob FAILED + exceptions → FinishingJob FINISHED →
# kill a TaskManager (gone from /taskmanagers, job FAILED) → start a new one → stop. Every request and response is
# printed ("> " and "< " lines; long bodies cut), every step with its duration. The cluster is always stopped.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=${1:?usage: smoke.sh VERSION}
base=$PWD/.cache/flink/smoke-$version
pkg=com.nextbreakpoint.toolbox.testjobs
command -v jq >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq; }

t0=$(date +%s%N) ts=$t0
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
step() { echo; echo "=== [$(ms "$t0") ms] $*"; ts=$(date +%s%N); }
done_step() { echo "--- took $(ms "$ts") ms"; }
fail() { echo "SMOKE FAILED ($version): $*" >&2; exit 1; }

# call METHOD PATH [JSON]: sets CODE and BODY, prints request and (cut) response.
call() {
  local method=$1 path=$2 data=${3:-}
  local args=(-s -o "$base/resp.json" -w '%{http_code}' -X "$method")
  [ -n "$data" ] && args+=(-H 'Content-Type: application/json' -d "$data")
  CODE=$(curl "${args[@]}" "$FLINK_REST_URL$path") || CODE=000
  BODY=$(cat "$base/resp.json" 2>/dev/null || true)
  echo "> $method $path ${data}"
  echo "< $CODE $(echo "$BODY" | cut -c1-${CUT:-600})"
}
jget() { echo "$BODY" | jq -r "$1"; }
# wait_until TIMEOUT_S DESCRIPTION SHELL-CONDITION (polled every 0.2 s, quietly)
wait_until() {
  local deadline=$(( $(date +%s) + $1 )) desc=$2; shift 2
  until eval "$*"; do [ "$(date +%s)" -lt "$deadline" ] || fail "timeout waiting for $desc"; sleep 0.2; done
  echo "    ok after $(ms "$ts") ms: $desc"
}
job_state() { curl -s "$FLINK_REST_URL/jobs/$1" | jq -r .state; }
all_running() { curl -s "$FLINK_REST_URL/jobs/$1" | jq -e '.state == "RUNNING" and all(.vertices[]; .status == "RUNNING")' >/dev/null; }
counter_vertex() { curl -s "$FLINK_REST_URL/jobs/$1" | jq -r '.vertices[] | select(.name | contains("Counter")) | .id'; }
# The count: gauge "toolboxCount" of operator "Counter", subtask 0 (the Counter runs with parallelism 1).
# Its vertex is "Counter -> Discard: Writer" (job parallelism > 1) or "Source: Sequence -> Counter -> ..." (parallelism 1).
metric() { curl -s "$FLINK_REST_URL/jobs/$1/vertices/$2/metrics?get=0.Counter.$3" | jq -r '.[0].value // empty'; }
# poll_savepoint JOB TRIGGER: waits for COMPLETED, sets LOCATION (fails on failure-cause)
poll_savepoint() {
  local n=0
  while :; do
    BODY=$(curl -s "$FLINK_REST_URL/jobs/$1/savepoints/$2"); n=$((n+1))
    [ "$(jget .status.id)" = COMPLETED ] && break
    [ $n = 1 ] && echo "< (first poll) $BODY"
    sleep 0.1
  done
  echo "> GET /jobs/$1/savepoints/$2   ($n polls)"; echo "< $(echo "$BODY" | cut -c1-600)"
  LOCATION=$(jget '.operation.location // empty')
  [ -n "$LOCATION" ] || fail "savepoint failed: $(jget '.operation."failure-cause".class')"
}

# The job-level exception is "JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy";
# the job's own exception is a "Caused by:" line of its stacktrace.
summary_exceptions() {
  echo "    top-level keys: $(echo "$BODY" | jq -c keys)"
  echo "    exceptionHistory.entries[0]: $(echo "$BODY" | jq -c '.exceptionHistory.entries[0] | {keys: keys, exceptionName,
    causedBy: [.stacktrace | split("\n")[] | select(startswith("Caused by"))]}')"
}
cleanup() { step "stop cluster"; Tools/flink/cluster.sh stop --base "$base" || true; done_step; echo "total $(ms "$t0") ms"; }

step "install $version"; Tools/flink/install.sh "$version"; done_step
step "build jobs"; jobs_jar=$(Tools/flink/build-jobs.sh "$version" | sed -n 's/^JOBS_JAR=//p'); echo "$jobs_jar"; done_step
step "start cluster (1 TaskManager, 2 slots)"
rm -rf "$base"
trap cleanup EXIT
Tools/flink/cluster.sh start --version "$version" --base "$base" --taskmanagers 1 --slots 2
set -a; . "$base/cluster.env"; set +a
done_step

step "upload jar"
echo "> POST /jars/upload (multipart, field jarfile)"
BODY=$(curl -s -F "jarfile=@$jobs_jar;type=application/x-java-archive" "$FLINK_REST_URL/jars/upload"); echo "< $BODY"
[ "$(jget .status)" = success ] || fail "upload"
jarid=$(basename "$(jget .filename)")
call GET /jars
done_step

out=$base/counting.out
step "run CountingJob, parallelism 2, own jobId"
jid1=$(printf '%032x' "$(date +%s)") # a client-chosen job id (32 hex) is accepted by both versions
call POST "/jars/$jarid/run" "{\"entryClass\":\"$pkg.CountingJob\",\"parallelism\":2,\"jobId\":\"$jid1\",\"programArgsList\":[\"--output\",\"$out\",\"--rate\",\"10\"]}"
[ "$CODE" = 200 ] && [ "$(jget .jobid)" = "$jid1" ] || fail "run"
wait_until 30 "all tasks RUNNING" all_running "$jid1"
vid=$(counter_vertex "$jid1")
wait_until 30 "count metric > 0" '[ "$(metric "$jid1" "$vid" toolboxCount)" -gt 0 ] 2>/dev/null'
CUT=300 call GET "/jobs/$jid1/vertices/$vid/metrics?get=0.Counter.toolboxCount,0.Counter.toolboxRestoredCount"
CUT=300 call GET "/jobs/$jid1/vertices/$vid/subtasks/metrics?get=Counter.toolboxCount&agg=max"
CUT=400 call GET /jobs/overview
done_step

step "trigger savepoint"
call POST "/jobs/$jid1/savepoints" "{\"target-directory\":\"$FLINK_SAVEPOINTS_DIR\",\"cancel-job\":false}"
[ "$CODE" = 202 ] || fail "savepoint trigger"
poll_savepoint "$jid1" "$(jget '."request-id"')"
done_step

step "stop with savepoint"
sleep 1
call POST "/jobs/$jid1/stop" "{\"drain\":false,\"targetDirectory\":\"$FLINK_SAVEPOINTS_DIR\"}"
[ "$CODE" = 202 ] || fail "stop"
poll_savepoint "$jid1" "$(jget '."request-id"')"
sp=$LOCATION
wait_until 30 "job FINISHED" '[ "$(job_state $jid1)" = FINISHED ]'
stopped_count=$(tail -n 1 "$out" | cut -d' ' -f2)
echo "    last line of $out: $(tail -n 1 "$out")"
done_step

step "resume CountingJob from the savepoint (parallelism 1)"
call POST "/jars/$jarid/run" "{\"entryClass\":\"$pkg.CountingJob\",\"parallelism\":1,\"savepointPath\":\"$sp\",\"allowNonRestoredState\":false,\"programArgsList\":[\"--output\",\"$out\"]}"
[ "$CODE" = 200 ] || fail "resume"
jid2=$(jget .jobid)
wait_until 30 "all tasks RUNNING" all_running "$jid2"
vid=$(counter_vertex "$jid2")
wait_until 30 "toolboxRestoredCount metric present" '[ -n "$(metric "$jid2" "$vid" toolboxRestoredCount)" ]'
restored=$(metric "$jid2" "$vid" toolboxRestoredCount)
echo "    count at stop (file) = $stopped_count, restored (metric) = $restored"
[ "$restored" = "$stopped_count" ] && [ "$restored" -gt 0 ] || fail "restored count $restored != $stopped_count"
wait_until 30 "count grows past the restored value" '[ "$(metric "$jid2" "$vid" toolboxCount)" -gt "$restored" ]'
echo "    file around the restore:"; grep -n -B2 -A2 -m1 "^[0-9]* $restored\$" "$out" | sed 's/^/      /'
CUT=500 call GET "/jobs/$jid2/checkpoints"
echo "    latest.restored: $(echo "$BODY" | jq -c .latest.restored)"
done_step

step "cancel"
call PATCH "/jobs/$jid2?mode=cancel"
[ "$CODE" = 202 ] || fail "cancel"
wait_until 30 "job CANCELED" '[ "$(job_state $jid2)" = CANCELED ]'
call PATCH "/jobs/$jid2?mode=cancel"            # already terminal
call PATCH "/jobs/00000000000000000000000000000000?mode=cancel"  # unknown job
done_step

step "FailingJob"
call POST "/jars/$jarid/run" "{\"entryClass\":\"$pkg.FailingJob\",\"parallelism\":1,\"programArgsList\":[\"--fail-after-ms\",\"1500\"]}"
jid3=$(jget .jobid)
wait_until 30 "job FAILED" '[ "$(job_state $jid3)" = FAILED ]'
CUT=300 call GET "/jobs/$jid3/exceptions"
echo "$BODY" | grep -q "toolbox test job failed on purpose" || fail "exception message not found"
summary_exceptions
done_step

step "FinishingJob"
call POST "/jars/$jarid/run" "{\"entryClass\":\"$pkg.FinishingJob\",\"programArgsList\":[\"--count\",\"20\",\"--rate\",\"10\"]}"
jid4=$(jget .jobid)
wait_until 30 "job FINISHED" '[ "$(job_state $jid4)" = FINISHED ]'
done_step

step "start a second TaskManager"
Tools/flink/cluster.sh start-taskmanager --base "$base"
CUT=700 call GET /taskmanagers
done_step

step "kill the TaskManager that runs a CountingJob"
call POST "/jars/$jarid/run" "{\"entryClass\":\"$pkg.CountingJob\",\"parallelism\":2,\"programArgsList\":[]}"
jid5=$(jget .jobid)
wait_until 30 "all tasks RUNNING" all_running "$jid5"
vid=$(counter_vertex "$jid5")
CUT=500 call GET "/jobs/$jid5/vertices/$vid"
tm=$(jget '.subtasks[0]."taskmanager-id"')
echo "    subtask 0 of the Counter runs on $tm"
ts=$(date +%s%N)
Tools/flink/cluster.sh kill-taskmanager "${tm#tm-}" --base "$base"
gone() { ! curl -s "$FLINK_REST_URL/taskmanagers" | jq -e --arg id "$tm" '.taskmanagers[] | select(.id == $id)' >/dev/null; }
wait_until 60 "job no longer RUNNING (restart-strategy none → FAILED)" '[ "$(job_state $jid5)" != RUNNING ]'
echo "    job state: $(job_state "$jid5")"
wait_until 60 "$tm gone from /taskmanagers" gone
CUT=300 call GET /overview
CUT=300 call GET "/jobs/$jid5/exceptions"; summary_exceptions
wait_until 30 "job FAILED" '[ "$(job_state $jid5)" = FAILED ]'
done_step

step "start a replacement TaskManager"
Tools/flink/cluster.sh start-taskmanager --base "$base"
CUT=300 call GET /overview
done_step

echo; echo "SMOKE PASSED ($version)"
