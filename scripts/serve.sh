#!/usr/bin/env bash
# Quick start, command 1: build the lab for the browser and serve it at http://localhost:8080
# (NNLAB_PORT changes the port). Installs whatever is missing first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$NNLAB_ROOT"

bash scripts/setup.sh --serve
nnlab_log "building the web page (build/wasm/web)"
cmake --preset wasm -DNNLAB_BUILD_APP=ON >/dev/null
cmake --build --preset wasm --target nnlab_lab
exec /usr/bin/python3 scripts/serve.py build/wasm/web --port "${NNLAB_PORT:-8080}"
