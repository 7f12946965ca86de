# The all-in-one image, as the original's `nextbreakpoint/flinkctl`: flinkctl (the command-line client of the
# operator's control plane) and every server executable (operator, supervisor, bootstrap) in /usr/local/bin, built with
# the Swift toolchain and run from a distroless Debian base as a non-root user. They are one executable,
# flink-k8s-toolbox, that runs the program named by the link it is called through (flinkctl, operator, supervisor and
# bootstrap are links to it), so the image carries the shared code and data once. The entry point is flinkctl:
#   docker run --rm flink-k8s-toolbox-flinkctl deployments list --host operator.example --port 4444
# and `flinkctl operator|supervisor|bootstrap run ...` runs the executable beside it, so this one image serves as the
# supervisor and bootstrap image of a FlinkDeployment (the manual's deployment.yaml) and as the base of job images
# (examples/jobs/Dockerfile). The single-executable images (operator, supervisor, bootstrap) stay smaller.
# Build from the repository root: docker build -f deploy/docker/flinkctl.Dockerfile -t flink-k8s-toolbox-flinkctl .
FROM swift:6.3-bookworm AS build
# Every target `path:` in Package.swift is copied in (test targets and flinkctl included), or the
# manifest does not load.
# bash with pipefail: a failing command on the left of a pipe fails the RUN
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /src
COPY Package.swift ./
COPY openapi ./openapi
COPY Shared ./Shared
COPY Services ./Services
COPY Tools/flinkctl ./Tools/flinkctl
COPY Tests ./Tests
COPY Executables ./Executables
# .build is a build cache shared by the four images (one id): SwiftPM's checkouts and the release build of every
# product outlive each `build`, so the images share one compile of the dependency tree (BuildKit or buildah/podman).
# The binaries are stripped (`make images` prints what the symbols weigh); Package.resolved, made by this build's
# resolution, goes into the image as the record of the Swift packages' versions.
RUN --mount=type=cache,id=flink-k8s-toolbox-release,target=/src/.build \
    swift build -c release --product flink-k8s-toolbox --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/flink-k8s-toolbox" /out/bin/flink-k8s-toolbox \
 && strip /out/bin/flink-k8s-toolbox \
 && for program in flinkctl operator supervisor bootstrap; do ln -s flink-k8s-toolbox "/out/bin/$program"; done \
 && install -D -m 644 Package.resolved /out/Package.resolved \
 && install -D -m 644 "$(ldd /out/bin/flink-k8s-toolbox | awk '$1 == "libz.so.1" {print $3}')" /out/lib/libz.so.1

# The runtime base: distroless "cc" on Debian 12, which holds just what a Swift executable built with
# --static-swift-stdlib loads (glibc, libstdc++, libgcc_s), CA certificates, tzdata and /etc/passwd: no shell, no package
# manager. zlib, which the executable also loads (AsyncHTTPClient's decompression), comes from the build stage, a
# Debian 12 as well. The executable then dominates the image (see README.md, "Build the images").
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/lib/libz.so.1 /usr/lib/libz.so.1
COPY --from=build /out/bin/ /usr/local/bin/
COPY --from=build /out/Package.resolved /usr/local/share/flink-k8s-toolbox/Package.resolved
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/flinkctl"]
CMD ["--help"]
