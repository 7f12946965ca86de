#!/usr/bin/env bash
# Installs a Flink distribution from PyPI into .cache/flink/dist-VERSION and prints FLINK_HOME=...
#   Tools/flink/install.sh 2.3.0|1.20.5
# Idempotent: a complete install is reused. Only the JVM side of PyFlink is needed, so --no-deps
# (apache-flink would otherwise pull in beam, pandas, pyarrow, ...). See /work/shared/reference/flink-local.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=${1:?usage: install.sh VERSION (e.g. 2.3.0 or 1.20.5)}
python=${PYTHON:-python3}
dist=$PWD/.cache/flink/dist-$version
home=$dist/pyflink

log() { echo "install.sh: $*" >&2; }

complete() {
  [ -x "$home/bin/jobmanager.sh" ] && [ -x "$home/bin/taskmanager.sh" ] && [ -f "$home/conf/config.yaml" ] &&
    compgen -G "$home/lib/flink-dist*.jar" >/dev/null
}

# javac is needed to build the test jobs (build-jobs.sh); a JRE alone is not enough.
if ! command -v javac >/dev/null; then
  log "javac missing: installing openjdk-17-jdk-headless"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless >&2
fi

if ! complete; then
  log "installing apache-flink==$version apache-flink-libraries==$version into $dist"
  start=$(date +%s)
  rm -rf "$dist" && mkdir -p "$dist"
  pkgs=("apache-flink==$version" "apache-flink-libraries==$version")
  pyminor=$("$python" -c 'import sys; print(sys.version_info[1])')
  if [ "$pyminor" -ge 13 ]; then
    # No cp313+ wheel of apache-flink; the shell scripts/jars do not care which Python the wheel targets.
    # Works only where apache-flink-libraries has a wheel (2.2.0, 2.3.0), not for the 1.20.x sdist.
    "$python" -m pip install -q --root-user-action=ignore --no-deps --only-binary=:all: --python-version 3.12 \
      --platform manylinux2014_x86_64 --target "$dist" "${pkgs[@]}" >&2
  elif ! "$python" -m pip install -q --root-user-action=ignore --no-deps --target "$dist" "${pkgs[@]}" >&2; then
    # 1.20.x libraries is an sdist. pip normally fetches setuptools through build isolation; if that
    # failed, put setuptools+wheel in a private dir and build without isolation.
    log "retrying with a private setuptools (--no-build-isolation)"
    tools=$PWD/.cache/flink/build-tools
    "$python" -m pip install -q --root-user-action=ignore --target "$tools" setuptools wheel >&2
    rm -rf "$dist" && mkdir -p "$dist"
    PYTHONPATH=$tools${PYTHONPATH:+:$PYTHONPATH} "$python" -m pip install -q --root-user-action=ignore --no-deps \
      --no-build-isolation --target "$dist" "${pkgs[@]}" >&2
  fi
  complete || { log "install of $version is incomplete (no bin/jobmanager.sh or lib/flink-dist*.jar)"; exit 1; }
  log "installed in $(( $(date +%s) - start )) s"
fi
echo "FLINK_HOME=$home"
