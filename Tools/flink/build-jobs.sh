#!/usr/bin/env bash
# Compiles the test jobs against the jars of Flink VERSION into .cache/flink/jobs-VERSION/toolbox-test-jobs.jar
# and prints JOBS_JAR=<path>. Rebuilds only when a source (or this script) is newer than the jar.
#   Tools/flink/build-jobs.sh 2.3.0|1.20.5|1.15.4|...
# Tests/flink-jobs/src holds the jobs (APIs common to 1.15 ... 2.x); the class Streams (source and sink) comes from
# src-1.19 for 1.19 and later (DataGeneratorSource, sink v2 DiscardingSink; 2.x has no SourceFunction) or from
# src-1.15 before 1.19 (a SourceFunction and the SinkFunction DiscardingSink).
set -euo pipefail
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/../.."
version=${1:?usage: build-jobs.sh VERSION}
home=$(Tools/flink/install.sh "$version" | sed -n 's/^FLINK_HOME=//p')
major=${version%%.*}; minor=${version#*.}; minor=${minor%%.*}
if [ "$major" -ge 2 ] || [ "$minor" -ge 19 ]; then variant=Tests/flink-jobs/src-1.19; else variant=Tests/flink-jobs/src-1.15; fi
src=Tests/flink-jobs/src
out=$PWD/.cache/flink/jobs-$version
jar=$out/toolbox-test-jobs.jar

if [ -f "$jar" ] && [ -z "$(find "$src" "$variant" "$self" -newer "$jar" -print -quit)" ]; then
  echo "JOBS_JAR=$jar"; exit 0
fi
start=$(date +%s%N)
rm -rf "$out/classes" && mkdir -p "$out/classes"
# --release 11: every version here runs on Java 11+ (we run Java 17). -Xlint:-options silences the "--release 11" notes.
javac --release 11 -Xlint:-options -nowarn -cp "$home/lib/*" -d "$out/classes" $(find "$src" "$variant" -name '*.java') >&2
printf 'Main-Class: com.nextbreakpoint.toolbox.testjobs.CountingJob\n' > "$out/manifest.txt"
jar --create --file "$jar.tmp" --manifest "$out/manifest.txt" -C "$out/classes" .
mv "$jar.tmp" "$jar" # atomic: a half-written jar never looks up to date
echo "build-jobs.sh: built $jar in $(( ($(date +%s%N) - start) / 1000000 )) ms" >&2
echo "JOBS_JAR=$jar"
