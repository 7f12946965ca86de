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
# The runtime base of the four images (their last FROM), made here as the distroless project makes it: the files of
# these Debian 12 packages, CA certificates, and /etc/passwd and /etc/group with root, nobody and nonroot (65532).
RUNTIME=gcr.io/distroless/cc-debian12:nonroot   # the variant that runs as nonroot (65532) by default
RUNTIME_PACKAGES="base-files netbase tzdata libc6 libssl3 libgcc-s1 libgomp1 libstdc++6"
IMAGES=(flinkctl operator supervisor bootstrap)   # flinkctl first: its build stage compiles every program
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
  runtime
  podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' "$BASE" "$BUILDER" "$RUNTIME" 2>/dev/null || podman images
}

# The distroless base from Debian packages (no registry is reachable): `apt-get download` in the Debian base, each
# package's files unpacked with dpkg-deb (no maintainer scripts, no dpkg database: nothing to run them in the image),
# documentation dropped, then imported as one layer.
runtime() {
  exists "$RUNTIME" && return 0
  local ctr mnt
  echo "runtime base $RUNTIME: $RUNTIME_PACKAGES + CA certificates"
  ctr=$(buildah from --pull=never "$BASE")
  buildah run "$ctr" -- sh -c "set -e; apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends ca-certificates >/dev/null; mkdir -p /debs /rootfs; cd /debs; \
    apt-get download -qq $RUNTIME_PACKAGES; for deb in *.deb; do dpkg-deb -x \$deb /rootfs; done; \
    rm -rf /var/lib/apt/lists/*"
  mnt=$(buildah mount "$ctr")
  local root=$mnt/rootfs
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf "$root"/usr/share/{man,info,lintian,locale,bug,common-licenses} "$root/etc/update-motd.d"
  install -D -m 644 "$mnt/etc/ssl/certs/ca-certificates.crt" "$root/etc/ssl/certs/ca-certificates.crt"
  printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
    'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >"$root/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'tty:x:5:' 'staff:x:50:' 'nonroot:x:65532:' >"$root/etc/group"
  printf '%s\n' 'hosts: files dns' >"$root/etc/nsswitch.conf"
  install -d -m 700 "$root/root" && install -d -m 700 -o 65532 -g 65532 "$root/home/nonroot"
  install -d -m 1777 "$root/tmp"
  tar --numeric-owner -C "$root" -c . | podman import --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' --change 'USER 65532:65532' \
    --change 'WORKDIR /home/nonroot' - "$RUNTIME" >/dev/null
  buildah umount "$ctr" >/dev/null
  buildah rm "$ctr" >/dev/null
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
  python3 "$REPO/Tools/docker/binsize.py" "$(release_dir)"/{flink-k8s-toolbox,operator,supervisor,bootstrap} || true
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
