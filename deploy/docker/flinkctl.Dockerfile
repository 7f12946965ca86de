# Image of flinkctl, the command-line client of the operator's control plane: built with the Swift toolchain, run from
# a small Debian base as a non-root user. It listens on nothing; arguments after the image name are flinkctl's.
# Build from the repository root: docker build -f deploy/docker/flinkctl.Dockerfile -t flink-k8s-toolbox-flinkctl .
# Use: docker run --rm flink-k8s-toolbox-flinkctl deployments --host operator.example --port 4444
FROM swift:6.2-bookworm AS build
# Every target `path:` in Package.swift is copied in (test targets and flinkctl included), or the
# manifest does not load (Tools/docker/build-like-dockerfile.py checks this and builds the stage without Docker).
WORKDIR /src
COPY Package.swift ./
COPY openapi ./openapi
COPY Shared ./Shared
COPY Services ./Services
COPY Tools/flinkctl ./Tools/flinkctl
COPY Tests ./Tests
RUN swift build -c release --product flinkctl --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/flinkctl" /out/flinkctl

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates=20230311+deb12u1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home toolbox
COPY --from=build /out/flinkctl /usr/local/bin/flinkctl
USER 10001
ENTRYPOINT ["/usr/local/bin/flinkctl"]
CMD ["--help"]
