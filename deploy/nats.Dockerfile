# NATS server of the `cluster` compose profile: Debian 12's nats-server
# package (2.9.10) on the same local base image as deploy/Dockerfile.
#
#   docker build -f deploy/nats.Dockerfile -t newsevents-nats deploy
#
# The build context is deploy/ (the configuration is deploy/cluster/nats.conf).
# Each container sets NATS_SERVER_NAME, the node's name in the cluster.
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      nats-server \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log
# The package's postinst created the system user and group `nats`. The
# JetStream store is a volume owned by it (a new named volume takes the
# ownership of this folder).
RUN install -d -o nats -g nats -m 0750 /var/lib/nats
COPY cluster/nats.conf /etc/nats/nats.conf
# The configuration parses (with a placeholder name) at build time.
RUN NATS_SERVER_NAME=build nats-server --config /etc/nats/nats.conf -t
VOLUME /var/lib/nats
USER nats
WORKDIR /var/lib/nats
# 4222: clients, 6222: routes between the nodes, 8222: HTTP monitoring.
EXPOSE 4222 6222 8222
# Healthy once JetStream is up on this node, knows the meta leader and its
# streams and consumers are current (plain bash: the image has no HTTP client).
HEALTHCHECK --interval=5s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8222 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
CMD ["nats-server", "--config", "/etc/nats/nats.conf"]

LABEL org.opencontainers.image.title="newsevents-nats" \
      org.opencontainers.image.description="NATS server with JetStream for the newsevents cluster profile"
