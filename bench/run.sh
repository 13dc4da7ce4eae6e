#!/usr/bin/env bash
# Runs the Swift benchmarks and the SpiffWorkflow 3.2.0 baseline in one run, on the same BPMN.
# Usage: bash bench/run.sh [instances]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
INSTANCES="${1:-50000}"
CORPUS="${CORPUS:-../shared/bpmn-corpus}"

swift build -c release --product WorkflowBench >/dev/null
if [ ! -x bench/.venv/bin/python ]; then python3 -m venv bench/.venv; fi
bench/.venv/bin/pip install -q --disable-pip-version-check -r bench/requirements.txt

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(swift --version 2>&1 | head -1)"
echo "== Swift (release)"
# The host's core placement, before and after: four drivers share cache lines between the two cores.
.build/release/WorkflowBench --only cores
.build/release/WorkflowBench --corpus "$CORPUS" --instances "$INSTANCES" --repeat 3 --rounds 3 --phases true --longpoll true
.build/release/WorkflowBench --skip-parse true --instances "$INSTANCES" --batch 10 --rounds 3 | grep "instances"
.build/release/WorkflowBench --only cores
echo "== SpiffWorkflow $(bench/.venv/bin/python -c 'import importlib.metadata as m; print(m.version("SpiffWorkflow"))')"
bench/.venv/bin/python bench/spiff_bench.py --corpus "$CORPUS" --instances 5000 --repeat 3 --rounds 3

# The headline ratio with the two sides' rounds alternating (Swift, Spiff, Swift, Spiff, ...): this host's speed
# changes from one minute to the next, and rounds taken side by side see the same host. Best of each side.
ROUNDS="${HEADLINE_ROUNDS:-5}"
echo "== Alternating rounds, $ROUNDS each: Swift instances (one and four drivers), then SpiffWorkflow"
headline=$(mktemp)
for round in $(seq 1 "$ROUNDS"); do
  .build/release/WorkflowBench --skip-parse true --only instances --instances "$INSTANCES" \
    | grep "^swift instances:" | tee -a "$headline"
  bench/.venv/bin/python bench/spiff_bench.py --skip-parse --instances 5000 | grep "^spiff instances:" | tee -a "$headline"
done
awk '
  /^swift instances:/ { split($0, f, "instances/s="); split(f[2], v, " "); c = ($0 ~ /concurrency=1 /) ? 1 : 4
                        if (v[1] > best[c]) best[c] = v[1] }
  /^spiff instances:/ { split($0, f, "instances/s="); if (f[2] + 0 > spiff) spiff = f[2] + 0 }
  END { printf "headline best of %d alternating rounds: swift one driver %.1f, four drivers %.1f; spiff %.1f; ratio %.1fx (one driver %.1fx)\n",
               '"$ROUNDS"', best[1], best[4], spiff, best[4] / spiff, best[1] / spiff }' "$headline"
rm -f "$headline"

# Redis: fetch-and-lock latency and the engine's memory as the queue grows (1k, 100k, 1M waiting tasks), on a
# throwaway redis-server (no persistence) started here and stopped at the end. SCALE_SIZES overrides the sizes.
if [ "${SKIP_REDIS:-}" != "1" ]; then
  REDIS_BENCH_PORT="${REDIS_BENCH_PORT:-6399}"
  redis-server --port "$REDIS_BENCH_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --logfile /tmp/workflow-bench-redis.log --pidfile /tmp/workflow-bench-redis.pid
  trap 'redis-cli -p "$REDIS_BENCH_PORT" shutdown nosave >/dev/null 2>&1 || true' EXIT
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_BENCH_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  echo "== Redis $(redis-server --version | awk '{print $3}') (store: RedisWorkflowStore, single node, loopback)"
  .build/release/WorkflowBench --redis-scale "redis://127.0.0.1:${REDIS_BENCH_PORT}" \
    --scale-sizes "${SCALE_SIZES:-1000,100000,1000000}" | grep "redis scale"
  redis-cli -p "$REDIS_BENCH_PORT" info memory | grep '^used_memory_human'
  redis-cli -p "$REDIS_BENCH_PORT" flushall >/dev/null
  echo "== REST + Redis beside Celery, same Redis, same number of worker processes"
  swift build -c release --product workflow >/dev/null
  bench/.venv/bin/python bench/rest_bench.py --redis "redis://127.0.0.1:${REDIS_BENCH_PORT}" \
    --workers "${REST_WORKERS:-4}" --tasks "${REST_TASKS:-20000}" --swift-workers --rounds "${REST_ROUNDS:-3}" \
    | grep -E "^(workflow|celery|best)"
fi
