# Image of the toolbox's supervisor: built with the Swift toolchain, run from a distroless Debian base as a non-root user.
# Build from the repository root: docker build -f deploy/docker/supervisor.Dockerfile -t flink-k8s-toolbox-supervisor .
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
    swift build -c release --product supervisor --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/supervisor" /out/supervisor \
 && strip /out/supervisor \
 && install -D -m 644 Package.resolved /out/Package.resolved \
 && install -D -m 644 "$(ldd /out/supervisor | awk '$1 == "libz.so.1" {print $3}')" /out/lib/libz.so.1

# The runtime base: distroless "cc" on Debian 12, which holds just what a Swift executable built with
# --static-swift-stdlib loads (glibc, libstdc++, libgcc_s), CA certificates, tzdata and /etc/passwd: no shell, no package
# manager. zlib, which the executable also loads (AsyncHTTPClient's decompression), comes from the build stage, a
# Debian 12 as well. The executable then dominates the image (see README.md, "Build the images").
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/lib/libz.so.1 /usr/lib/libz.so.1
COPY --from=build /out/supervisor /usr/local/bin/supervisor
COPY --from=build /out/Package.resolved /usr/local/share/flink-k8s-toolbox/Package.resolved
USER 10001:10001
EXPOSE 4445 8080
ENTRYPOINT ["/usr/local/bin/supervisor"]
CMD ["run"]
