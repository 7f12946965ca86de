#!/usr/bin/env bash
# Real container images of deploy/docker/*.Dockerfile, built and run with podman (issue #18). Sourced settings keep
# every image, layer and build cache in the project's git-ignored .cache/containers, so the machine's own podman
# storage (if any) is untouched.
#   bash Tools/docker/images.sh deps    # apt-get install podman, buildah, runc, ... and debootstrap (once)
#   bash Tools/docker/images.sh base    # localhost/debian:bookworm-slim and the Swift builder image (cached)
#   bash Tools/docker/images.sh build   # the four images, sharing one release build (cache mount), sizes printed
#   bash Tools/docker/images.sh env     # print the exports to use podman by hand on the same storage
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE=$REPO/.cache/containers
export CONTAINERS_CONF=$REPO/Tools/docker/podman/containers.conf
export CONTAINERS_STORAGE_CONF=$STATE/storage.conf
export TMPDIR=$STATE/tmp   # buildah keeps RUN --mount=type=cache directories under $TMPDIR: the shared build cache
BASE=localhost/debian:bookworm-slim
# The builder is the machine's own toolchain (Swift 6.3.1) on the Debian base; the Dockerfiles' FROM names this tag.
BUILDER=localhost/swift:6.3-bookworm
IMAGES=(flinkctl operator supervisor bootstrap)   # flinkctl first: its build stage compiles all four products
# The Swift builder's Debian packages: those the official swift:*-bookworm image installs.
BUILDER_PACKAGES="binutils git gnupg2 libc6-dev libcurl4-openssl-dev libedit2 libgcc-12-dev libpython3-dev \
libsqlite3-0 libstdc++-12-dev libxml2-dev libncurses-dev libz3-dev pkg-config tzdata zlib1g-dev unzip ca-certificates"
HOST_PACKAGES="podman buildah runc conmon netavark aardvark-dns iptables catatonit golang-github-containers-common \
debootstrap uidmap"

setup() {
  mkdir -p "$STATE/storage" "$STATE/run" "$TMPDIR"
  cat >"$CONTAINERS_STORAGE_CONF" <<CONF
[storage]
driver = "overlay"
graphroot = "$STATE/storage"
runroot = "$STATE/run"
CONF
}

deps() {
  local missing=()
  for p in $HOST_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  podman --version
}

exists() { podman image exists "$1"; }

# The Debian mirror of the machine's apt sources (deb822 or one-line format).
mirror() {
  local uris
  uris=$( { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
    grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}'; } || true)
  grep -m1 '/debian/\?$' <<<"$uris" || echo http://deb.debian.org/debian
}

base() {
  if ! exists "$BASE"; then
    local root=$STATE/rootfs
    rm -rf "$root"
    echo "debootstrap --variant=minbase bookworm from $(mirror)"
    debootstrap --variant=minbase bookworm "$root" "$(mirror)" >"$STATE/debootstrap.log" 2>&1 ||
      { tail -20 "$STATE/debootstrap.log"; exit 1; }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    # slim as the official debian:bookworm-slim: no documentation, manuals or translations (~48 of 130 MB), now and
    # in what a build installs later (its dpkg excludes)
    printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
      'path-exclude /usr/share/man/*' 'path-exclude /usr/share/groff/*' 'path-exclude /usr/share/info/*' \
      'path-exclude /usr/share/lintian/*' 'path-exclude /usr/share/linda/*' 'path-exclude /usr/share/locale/*' \
      >"$root/etc/dpkg/dpkg.cfg.d/docker"
    # and apt keeps no package caches (pkgcache.bin, srcpkgcache.bin: ~60 MB after an `apt-get update`), as there
    printf '%s\n' 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };' \
      'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };' \
      'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";' >"$root/etc/apt/apt.conf.d/docker-clean"
    find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
    rm -rf "$root"/usr/share/{man,groff,info,lintian,linda,locale}/*
    # the image's apt must reach the same mirror the machine uses (no other registry or mirror is reachable)
    echo "deb $(mirror) bookworm main" >"$root/etc/apt/sources.list"
    tar --numeric-owner -C "$root" -c . | podman import --change 'CMD ["/bin/bash"]' - "$BASE"
    rm -rf "$root"
  fi
  if ! exists "$BUILDER"; then
    local toolchain ctr mnt
    toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
    echo "builder $BUILDER: $BASE + the swift image's packages + the toolchain of $toolchain"
    ctr=$(buildah from --pull=never "$BASE")
    buildah run "$ctr" -- sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends $BUILDER_PACKAGES >/dev/null && rm -rf /var/lib/apt/lists/*"
    mnt=$(buildah mount "$ctr")
    mkdir -p "$mnt$toolchain"
    cp -a "$toolchain/." "$mnt$toolchain/"   # at the same path as on the machine
    buildah umount "$ctr" >/dev/null
    buildah config --env PATH=$toolchain/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$ctr"
    buildah commit --quiet "$ctr" "$BUILDER" >/dev/null
    buildah rm "$ctr" >/dev/null
  fi
  podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' "$BASE" "$BUILDER" 2>/dev/null || podman images
}

# The toolbox's version (info.version of openapi/toolbox.yaml): the images' tag, as in the README and the charts.
version() { awk '/^info:/{i=1} i && /^  version:/{gsub(/["\047]/, "", $2); print $2; exit}' "$REPO/openapi/toolbox.yaml"; }

# SwiftPM inside the build resolves exactly as on the machine: the machine's git configuration (its url.X.insteadOf
# rewrites github.com to local copies) and the folders it rewrites to, read-only.
git_volumes() {
  [ -f /etc/gitconfig ] && echo "-v /etc/gitconfig:/etc/gitconfig:ro"
  git config --system --get-regexp '^url\..*\.insteadof$' 2>/dev/null | sed -E 's/^url\.(.*)\.insteadof .*/\1/I' |
    sort -u | while read -r target; do [ -d "$target" ] && echo "-v $target:$target:ro"; done
  true
}

build() {
  local image started took all
  all=$(date +%s)
  # shellcheck disable=SC2046
  for image in "${IMAGES[@]}"; do
    started=$(date +%s)
    echo "podman build -f deploy/docker/$image.Dockerfile -t localhost/flink-k8s-toolbox-$image:$(version)"
    if ! podman build --pull=never --layers $(git_volumes) -f "$REPO/deploy/docker/$image.Dockerfile" \
        -t "localhost/flink-k8s-toolbox-$image:$(version)" "$REPO" >"$STATE/build-$image.log" 2>&1; then
      tail -40 "$STATE/build-$image.log"; echo "build of $image failed (log: $STATE/build-$image.log)"; exit 1
    fi
    took=$(( $(date +%s) - started ))
    echo "  $image built in ${took} s"
  done
  echo "make images: the four images in $(( $(date +%s) - all )) s"
  sizes
}

sizes() {
  local image
  for image in "${IMAGES[@]}"; do
    podman image inspect --format "localhost/flink-k8s-toolbox-$image:$(version) {{.Size}}" \
      "localhost/flink-k8s-toolbox-$image:$(version)" | awk '{printf "%-45s %6.1f MB\n", $1, $2 / 1e6}'
  done
  python3 "$REPO/Tools/docker/binsize.py" "$(release_dir)"/{flinkctl,operator,supervisor,bootstrap} || true
}

# The shared build cache's release products (unstripped), on the machine: buildah keeps cache mounts under $TMPDIR.
release_dir() { find "$TMPDIR" -maxdepth 4 -type d -name release -path '*flink-k8s-toolbox-release*' | head -1; }

cmd=${1:-}
setup
case "$cmd" in
  deps) deps ;;
  base) base ;;
  build) base; build ;;
  sizes) sizes ;;
  env) echo "export CONTAINERS_CONF=$CONTAINERS_CONF CONTAINERS_STORAGE_CONF=$CONTAINERS_STORAGE_CONF TMPDIR=$TMPDIR" ;;
  *) echo "usage: $0 deps|base|build|env" >&2; exit 2 ;;
esac
