#!/usr/bin/env bash
# Installs a Flink distribution from PyPI into .cache/flink/dist-VERSION and prints FLINK_HOME=...
#   Tools/flink/install.sh 2.3.0|1.20.5|...   (any version on PyPI from 1.11; 1.11 and 1.12 from a cp37/cp38 wheel)
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
  [ -x "$home/bin/jobmanager.sh" ] && [ -x "$home/bin/taskmanager.sh" ] && { [ -f "$home/conf/config.yaml" ] || [ -f "$home/conf/flink-conf.yaml" ]; } &&
    compgen -G "$home/lib/flink-dist*.jar" >/dev/null
}

# javac is needed to build the test jobs (build-jobs.sh); a JRE alone is not enough.
if ! command -v javac >/dev/null; then
  log "javac missing: installing openjdk-17-jdk-headless"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless >&2
fi

if ! complete; then
  start=$(date +%s)
  rm -rf "$dist" && mkdir -p "$dist"
  pkgs=("apache-flink==$version" "apache-flink-libraries==$version")
  # Before 1.13 there is no apache-flink-libraries: apache-flink itself carries lib/ (and has no wheel for 3.11).
  case $version in 1.9.*|1.10.*|1.11.*|1.12.*) pkgs=("apache-flink==$version") ;; esac
  pyminor=$("$python" -c 'import sys; print(sys.version_info[1])')
  log "installing ${pkgs[*]} into $dist"
  if [ "${#pkgs[@]}" = 1 ]; then
    # The newest CPython a wheel exists for (the sdist's C extensions do not build on 3.11: longintrepr.h); the
    # scripts and jars in it do not depend on the Python version.
    for py in 3.8 3.7 3.6; do
      "$python" -m pip install -q --root-user-action=ignore --no-deps --only-binary=:all: --python-version $py \
        --platform manylinux1_x86_64 --target "$dist" "${pkgs[@]}" >&2 && break
      log "no apache-flink $version wheel for Python $py"
    done
  elif [ "$pyminor" -ge 13 ]; then
    # No cp313+ wheel of apache-flink; the shell scripts/jars do not care which Python the wheel targets.
    # Works only where apache-flink-libraries has a wheel (2.2.0, 2.3.0), not for the 1.20.x sdist.
    "$python" -m pip install -q --root-user-action=ignore --no-deps --only-binary=:all: --python-version 3.12 \
      --platform manylinux2014_x86_64 --target "$dist" "${pkgs[@]}" >&2
  elif ! "$python" -m pip install -q --root-user-action=ignore --no-deps --target "$dist" "${pkgs[@]}" >&2; then
    # Two known causes. apache-flink-libraries is an sdist before 2.2 (built locally; pip fetches setuptools through
    # build isolation, which may fail): retried with a private setuptools and --no-build-isolation. apache-flink's
    # sdist has C extensions that do not compile on Python 3.11 for some versions (1.15.x, 1.16.x: longintrepr.h):
    # its wheel for an older Python is taken instead (its scripts and jars do not depend on the Python version).
    # pip --target does not merge two installs into one folder, so each package goes to its own and is copied over.
    log "retrying apache-flink-libraries with a private setuptools, apache-flink from a wheel if its sdist fails"
    parts=$dist.parts tools=$PWD/.cache/flink/build-tools
    rm -rf "$dist" "$parts" && mkdir -p "$dist" "$parts/libs" "$parts/flink"
    "$python" -m pip install -q --root-user-action=ignore --target "$tools" setuptools wheel >&2
    PYTHONPATH=$tools${PYTHONPATH:+:$PYTHONPATH} "$python" -m pip install -q --root-user-action=ignore --no-deps \
      --no-build-isolation --target "$parts/libs" "apache-flink-libraries==$version" >&2
    if ! "$python" -m pip install -q --root-user-action=ignore --no-deps --target "$parts/flink" \
      "apache-flink==$version" >&2; then
      for py in 3.10 3.9 3.8; do
        rm -rf "$parts/flink" && mkdir -p "$parts/flink"
        "$python" -m pip install -q --root-user-action=ignore --no-deps --only-binary=:all: --python-version $py \
          --platform manylinux2014_x86_64 --platform manylinux1_x86_64 --target "$parts/flink" "apache-flink==$version" >&2 &&
          { log "apache-flink $version: the Python $py wheel"; break; }
      done
    fi
    cp -a "$parts/libs/." "$parts/flink/." "$dist/" && rm -rf "$parts"
  fi
  complete || { log "install of $version is incomplete (no bin/jobmanager.sh or lib/flink-dist*.jar)"; exit 1; }
  log "installed in $(( $(date +%s) - start )) s"
fi
echo "FLINK_HOME=$home"
