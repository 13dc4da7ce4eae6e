#!/usr/bin/env bash
# THE run command: builds the release binary and serves the Camunda 7 REST API on :8080 under /engine-rest,
# deploying every processes/*.bpmn. Extra arguments are passed to `workflow serve` (e.g. --host 127.0.0.1).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/install-deps.sh
source scripts/install-deps.sh
install_missing_apt_packages

swift build -c release --product workflow
exec .build/release/workflow serve --port "${PORT:-8080}" --processes processes "$@"
