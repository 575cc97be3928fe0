# HAProxy of the `cluster` compose profile: Debian 12's haproxy package (2.6)
# on the same local base image as deploy/Dockerfile, with
# deploy/cluster/haproxy.cfg.
#
#   docker build -f deploy/haproxy.Dockerfile -t newsevents-haproxy deploy
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      haproxy \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log
COPY cluster/haproxy.cfg /etc/haproxy/haproxy.cfg
# The configuration is checked at build time (the replicas' names do not
# resolve here; the configuration allows that).
RUN haproxy -c -q -f /etc/haproxy/haproxy.cfg
# The package's postinst created the system user `haproxy`; every port is
# above 1024, so it runs unprivileged from the start.
USER haproxy
# 50051: ingest, 50052: query (gRPC, HTTP/2 cleartext), 8404: /healthz, /stats.
EXPOSE 50051 50052 8404
# Healthy while each service has at least one replica up (monitor-uri).
HEALTHCHECK --interval=5s --timeout=5s --start-period=10s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8404 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# SIGUSR1 is HAProxy's soft stop: it stops listening and lets running calls
# end (at most hard-stop-after).
STOPSIGNAL SIGUSR1
CMD ["haproxy", "-db", "-f", "/etc/haproxy/haproxy.cfg"]

LABEL org.opencontainers.image.title="newsevents-haproxy" \
      org.opencontainers.image.description="HAProxy in front of the newsevents cluster profile's replicas"
