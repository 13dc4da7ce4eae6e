#!/usr/bin/env bash
# Starts (or stops) a real Redis Cluster on loopback: 3 masters and 3 replicas, ports BASE..BASE+5.
# Usage: bash scripts/redis-cluster.sh start|stop [BASE_PORT] [DIR]
# `start` prints the node list (HOST:PORT,...) on its last line once the cluster reports cluster_state:ok.
set -euo pipefail
ACTION="${1:?start or stop}"
BASE="${2:-7101}"
DIR="${3:-/tmp/workflow-redis-cluster-$BASE}"
PORTS=$(seq "$BASE" $((BASE + 5)))

if [ "$ACTION" = "stop" ]; then
  for port in $PORTS; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
  rm -rf "$DIR"
  exit 0
fi

rm -rf "$DIR"
mkdir -p "$DIR"
for port in $PORTS; do
  mkdir -p "$DIR/$port"
  redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$DIR/$port/nodes.conf" \
    --cluster-node-timeout 1000 --cluster-replica-validity-factor 0 --save '' --appendonly no --dir "$DIR/$port" --daemonize yes \
    --logfile "$DIR/$port/redis.log" --pidfile "$DIR/$port/redis.pid" --enable-debug-command local
done
for port in $PORTS; do
  for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done
NODES=$(for port in $PORTS; do printf '127.0.0.1:%s ' "$port"; done)
# shellcheck disable=SC2086
redis-cli --cluster create $NODES --cluster-replicas 1 --cluster-yes >"$DIR/create.log" 2>&1
for _ in $(seq 1 100); do
  if redis-cli -p "$BASE" cluster info 2>/dev/null | grep -q 'cluster_state:ok'; then break; fi
  sleep 0.1
done
redis-cli -p "$BASE" cluster info | grep -q 'cluster_state:ok' || { echo "cluster did not come up" >&2; exit 1; }
# Every node must agree before clients use it.
for port in $PORTS; do
  for _ in $(seq 1 100); do redis-cli -p "$port" cluster info | grep -q 'cluster_state:ok' && break; sleep 0.1; done
done
# ...and every replica must have finished its first sync, or killing its master finds no replica to promote.
for port in $PORTS; do
  if redis-cli -p "$port" info replication | grep -q '^role:slave'; then
    for _ in $(seq 1 200); do
      redis-cli -p "$port" info replication | grep -q '^master_link_status:up' && break
      sleep 0.1
    done
    redis-cli -p "$port" info replication | grep -q '^master_link_status:up' || { echo "replica $port did not sync" >&2; exit 1; }
  fi
done
echo "$NODES" | sed 's/ $//; s/ /,/g'
