#!/usr/bin/env bash
# Soak test, by hand (not part of scripts/test.sh): serves the built page and trains all three
# demos in headless Chromium for a long while, sampling memory every minute (tests/e2e/soak.mjs).
#   scripts/soak.sh [--minutes 20] [--warmup 3]
# Build the page first (scripts/serve.sh or the wasm preset). Runs at low priority: it keeps
# both cores busy for the whole time.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$NNLAB_ROOT"

[[ -f build/wasm/web/lab.js ]] || nnlab_die "no page in build/wasm/web: build the wasm preset first"
[[ -d "$NNLAB_NODE_MODULES/playwright-core" ]] || nnlab_die "playwright-core is missing: run scripts/setup.sh"
log=$(mktemp)
/usr/bin/python3 scripts/serve.py build/wasm/web --port 0 --quiet >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; rm -f "$log"' EXIT
url=""
for _ in $(seq 50); do
  url=$(grep -o 'http://localhost:[0-9]*/' "$log" || true)
  [[ -n "$url" ]] && break
  sleep 0.1
done
[[ -n "$url" ]] || nnlab_die "the page server did not start"
nnlab_log "soak test of $url"
nice -n 10 node tests/e2e/soak.mjs "$url" "$@"
