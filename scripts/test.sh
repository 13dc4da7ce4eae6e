#!/usr/bin/env bash
# THE test command: Swift unit tests, then end-to-end tests (pytest + the real Python external-task client)
# against the freshly built `.build/debug/workflow`. Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/install-deps.sh
source scripts/install-deps.sh
install_missing_apt_packages

# --- Redis on loopback -------------------------------------------------------------------------------------
# A real redis-server for the Redis store's run of the conformance suite (Tests/WorkflowTests, store kind
# `redis`). It is stopped by the EXIT trap below. Without it the tests cannot run: a failed start is fatal.
REDIS_PORT="${REDIS_PORT:-6390}"
REDIS_PID=""
REDIS_CLUSTER_BASE="${REDIS_CLUSTER_BASE:-7101}"
cleanup() {
  if [ -n "$REDIS_PID" ] && kill -0 "$REDIS_PID" 2>/dev/null; then
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
  fi
  bash scripts/redis-cluster.sh stop "$REDIS_CLUSTER_BASE" >/dev/null 2>&1 || true
}
trap cleanup EXIT
if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  echo "ERROR: something already listens on 127.0.0.1:${REDIS_PORT}; set REDIS_PORT to a free port" >&2
  exit 1
fi
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  --loglevel warning >/tmp/workflow-test-redis.log 2>&1 &
REDIS_PID=$!
export REDIS_URL="redis://127.0.0.1:${REDIS_PORT}"
for _ in $(seq 1 50); do
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then break; fi
  sleep 0.1
done
if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  echo "ERROR: redis-server did not start on 127.0.0.1:${REDIS_PORT} (see /tmp/workflow-test-redis.log)" >&2
  exit 1
fi

# --- Redis Cluster on loopback: 3 masters + 3 replicas ---------------------------------------------------------
# For the Redis store's run of the conformance suite on a cluster (store kind `redisCluster`) and the end-to-end
# failover test, which kills a master. Stopped by the EXIT trap.
export REDIS_CLUSTER_DIR="/tmp/workflow-redis-cluster-${REDIS_CLUSTER_BASE}"
REDIS_CLUSTER="$(bash scripts/redis-cluster.sh start "$REDIS_CLUSTER_BASE" "$REDIS_CLUSTER_DIR" | tail -1)"
export REDIS_CLUSTER
echo "==> Redis Cluster: $REDIS_CLUSTER"

# --- Python venv for the end-to-end tests ------------------------------------------------------------------
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys' >/dev/null 2>&1; then
  rm -rf .venv
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -r tests/e2e/requirements.txt

# --- Swift build and unit tests ----------------------------------------------------------------------------
echo "==> swift build --build-tests"
swift build --build-tests
echo "==> swift test"
swift test --skip-build

# --- End-to-end tests against the real binary --------------------------------------------------------------
echo "==> pytest tests/e2e"
WORKFLOW_BIN=.build/debug/workflow PYTHONDONTWRITEBYTECODE=1 \
  .venv/bin/python -m pytest -q -rfE -p no:cacheprovider tests/e2e
