#!/usr/bin/env bash
# Compiles Tests/flink-jobs/src against the jars of Flink VERSION into .cache/flink/jobs-VERSION/toolbox-test-jobs.jar
# and prints JOBS_JAR=<path>. Rebuilds only when a source (or this script) is newer than the jar.
#   Tools/flink/build-jobs.sh 2.3.0|1.20.5
# The sources use only APIs present in 1.20 and 2.x (DataGeneratorSource, sink v2 DiscardingSink, OpenContext),
# so one source tree serves both; a jar built against either version also runs on the other.
set -euo pipefail
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/../.."
version=${1:?usage: build-jobs.sh VERSION}
home=$(Tools/flink/install.sh "$version" | sed -n 's/^FLINK_HOME=//p')
src=Tests/flink-jobs/src
out=$PWD/.cache/flink/jobs-$version
jar=$out/toolbox-test-jobs.jar

if [ -f "$jar" ] && [ -z "$(find "$src" "$self" -newer "$jar" -print -quit)" ]; then
  echo "JOBS_JAR=$jar"; exit 0
fi
start=$(date +%s%N)
rm -rf "$out/classes" && mkdir -p "$out/classes"
# --release 11: Flink 1.20 and 2.x both run on Java 11+. -Xlint:-options silences the "--release 11" notes.
javac --release 11 -Xlint:-options -nowarn -cp "$home/lib/*" -d "$out/classes" $(find "$src" -name '*.java') >&2
printf 'Main-Class: com.nextbreakpoint.toolbox.testjobs.CountingJob\n' > "$out/manifest.txt"
jar --create --file "$jar.tmp" --manifest "$out/manifest.txt" -C "$out/classes" .
mv "$jar.tmp" "$jar" # atomic: a half-written jar never looks up to date
echo "build-jobs.sh: built $jar in $(( ($(date +%s%N) - start) / 1000000 )) ms" >&2
echo "JOBS_JAR=$jar"
