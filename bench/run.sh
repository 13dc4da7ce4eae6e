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
.build/release/WorkflowBench --corpus "$CORPUS" --instances "$INSTANCES" --repeat 3 --phases true --longpoll true
.build/release/WorkflowBench --skip-parse true --instances "$INSTANCES" --batch 10 | grep "instances/s"
echo "== SpiffWorkflow $(bench/.venv/bin/python -c 'import importlib.metadata as m; print(m.version("SpiffWorkflow"))')"
bench/.venv/bin/python bench/spiff_bench.py --corpus "$CORPUS" --instances 5000 --repeat 3
