#!/usr/bin/env bash
# Installs the TensorFlow.js packages the tfjs peers need into $NNLAB_CACHE/bench-node (never into
# the repo), from the npm registry. Idempotent and silent when already installed; a changed
# package.json reinstalls. The peers find the packages there:
#   bench/peers/tfjs/install.sh && node bench/peers/tfjs/nextword.mjs --backend wasm
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../../../scripts/env.sh"

node_dir="$NNLAB_CACHE/bench-node"
if [[ ! -d "$node_dir/node_modules/@tensorflow/tfjs-backend-wasm" ]] || ! cmp -s "$here/package.json" "$node_dir/package.json"; then
  command -v npm >/dev/null || nnlab_die "npm not found: run scripts/setup.sh (or apt-get install npm)"
  nnlab_log "installing TensorFlow.js for the benchmark peers into $node_dir"
  mkdir -p "$node_dir"
  cp "$here/package.json" "$node_dir/package.json"
  (cd "$node_dir" && npm install --no-audit --no-fund --package-lock=false --loglevel=error >/dev/null) \
    || nnlab_die "npm install of TensorFlow.js failed"
fi
