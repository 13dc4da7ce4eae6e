# The image the Helm chart runs: `workflow` built in release mode, on a slim Debian with the C libraries it links.
# docker build -t ghcr.io/workflow-platform/workflow:0.1.0 .
FROM swift:6.1-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libxml2-dev libhiredis-dev libjemalloc-dev libsqlite3-dev libcurl4-openssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY bench/WorkflowBench ./bench/WorkflowBench
COPY Tests ./Tests
RUN swift build -c release --product workflow --static-swift-stdlib \
 && cp "$(swift build -c release --show-bin-path)/workflow" /workflow

FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libxml2 libhiredis0.14 libjemalloc2 libsqlite3-0 libcurl4 ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /workflow /usr/local/bin/workflow
COPY processes /etc/workflow/processes
# The chart runs it as this user with a read-only root filesystem; the ETL workers write to /data.
RUN mkdir /data && chown 65532:65532 /data
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["workflow"]
CMD ["serve", "--processes", "/etc/workflow/processes"]
