#!/usr/bin/env bash
# The benchmark command: installs the peers (PyTorch with OpenBLAS from Debian, TensorFlow.js from
# npm), builds nnlab natively and for wasm, then runs every workload in every runner
# (bench/run.py; its options pass through, e.g. --quick, --only W2A, --runners nnlab-native-1t).
# Results: a table on stdout and build/bench/results.json (results-partial.json for a subset or --quick).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/env.sh"
cd "$NNLAB_ROOT"

bash scripts/setup.sh

# PyTorch, OpenBLAS for it (Debian's torch would otherwise run on the reference BLAS), GNU time
# for peak memory.
nnlab_apt_install python3-torch python3-numpy libopenblas0-pthread time
bash bench/peers/tfjs/install.sh || nnlab_log "TensorFlow.js could not be installed: its runners will be skipped"

jobs=$(nproc)
mkdir -p build/bench
for preset in native wasm; do
  nnlab_log "building nnlab ($preset)"
  log="build/bench/build-$preset.log"
  { cmake --preset "$preset" && cmake --build --preset "$preset" -j "$jobs"; } >"$log" 2>&1 \
    || { tail -30 "$log"; nnlab_die "the $preset build failed (log: $log)"; }
done

exec /usr/bin/python3 bench/run.py "$@"
