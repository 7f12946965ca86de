# Image of the toolbox's operator: built with the Swift toolchain, run from a small Debian base as a non-root user.
# Build from the repository root: docker build -f deploy/docker/operator.Dockerfile -t flink-k8s-toolbox-operator .
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
RUN swift build -c release --product operator --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/operator" /out/operator

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates=20230311+deb12u1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home toolbox
COPY --from=build /out/operator /usr/local/bin/operator
USER 10001
EXPOSE 4444 8080
ENTRYPOINT ["/usr/local/bin/operator"]
CMD ["run"]
