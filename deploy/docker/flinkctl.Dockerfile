# The all-in-one image, as the original's `nextbreakpoint/flinkctl`: flinkctl (the command-line client of the
# operator's control plane) and every server executable (operator, supervisor, bootstrap) in /usr/local/bin, built with
# the Swift toolchain and run from a small Debian base as a non-root user. The entry point is flinkctl:
#   docker run --rm flink-k8s-toolbox-flinkctl deployments list --host operator.example --port 4444
# and `flinkctl operator|supervisor|bootstrap run ...` runs the executable beside it, so this one image serves as the
# supervisor and bootstrap image of a FlinkDeployment (the manual's deployment.yaml) and as the base of job images
# (examples/jobs/Dockerfile). The single-executable images (operator, supervisor, bootstrap) stay smaller.
# Build from the repository root: docker build -f deploy/docker/flinkctl.Dockerfile -t flink-k8s-toolbox-flinkctl .
FROM swift:6.3-bookworm AS build
# Every target `path:` in Package.swift is copied in (test targets and flinkctl included), or the
# manifest does not load.
WORKDIR /src
COPY Package.swift ./
COPY openapi ./openapi
COPY Shared ./Shared
COPY Services ./Services
COPY Tools/flinkctl ./Tools/flinkctl
COPY Tests ./Tests
# .build is a build cache shared by the four images (one id): SwiftPM's checkouts and the release build of every
# product outlive each `build`, so the images share one compile of the dependency tree (BuildKit or buildah/podman).
# The binaries are stripped (`make images` prints what the symbols weigh); Package.resolved, made by this build's
# resolution, goes into the image as the record of the Swift packages' versions.
RUN --mount=type=cache,id=flink-k8s-toolbox-release,target=/src/.build \
    for product in flinkctl operator supervisor bootstrap; do \
      swift build -c release --product "$product" --static-swift-stdlib || exit 1; \
    done \
 && bin="$(swift build -c release --show-bin-path)" \
 && install -D -t /out "$bin/flinkctl" "$bin/operator" "$bin/supervisor" "$bin/bootstrap" \
 && strip /out/flinkctl /out/operator /out/supervisor /out/bootstrap \
 && install -D -m 644 Package.resolved /out/Package.resolved

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates=20230311+deb12u1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home toolbox
COPY --from=build /out/flinkctl /out/operator /out/supervisor /out/bootstrap /usr/local/bin/
COPY --from=build /out/Package.resolved /usr/local/share/flink-k8s-toolbox/Package.resolved
USER 10001
ENTRYPOINT ["/usr/local/bin/flinkctl"]
CMD ["--help"]
