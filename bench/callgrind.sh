#!/usr/bin/env bash
# Instructions executed by one char-RNN training step (W2A: LSTM 1x128, seq 64, batch 32), counted
# by valgrind's callgrind: unlike a timing, the count repeats exactly on a busy machine, so a change
# that slows the step shows up as a number.
#
#   bench/callgrind.sh            count, and compare with the count recorded in bench/callgrind_w2a.txt
#   bench/callgrind.sh --record   count, and record it there
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/env.sh"
cd "$NNLAB_ROOT"

nnlab=${NNLAB:-build/native/nnlab}  # NNLAB=path counts another build
record=bench/callgrind_w2a.txt
steps=3
[[ -x "$nnlab" ]] || nnlab_die "$nnlab not built (cmake --preset native && cmake --build --preset native)"
command -v valgrind >/dev/null || nnlab_die "valgrind is not installed (apt-get install valgrind)"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Only the steps count: corpus parsing, initialization and validation are collected out.
valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" --collect-atstart=no \
  --toggle-collect='nn::charrnn_session_step*' \
  "$nnlab" charrnn --steps "$steps" --sample 0 --threads 1 --json >"$out/run.json" 2>"$out/valgrind.log" \
  || { tail -20 "$out/valgrind.log"; nnlab_die "callgrind run failed"; }
total=$(awk '/^summary:/ {print $2}' "$out/callgrind.out")
[[ -n "$total" && "$total" -gt 0 ]] || nnlab_die "callgrind counted nothing (log: $(tail -3 "$out/valgrind.log"))"
per_step=$((total / steps))
# Under valgrind, which has no AVX-512, the backend is the best valgrind lets the program see.
simd=$(valgrind -q "$nnlab" info | awk '/^simd:/ {print $2}')
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "W2A step: $per_step instructions (mean of $steps steps; simd $simd; commit $commit)"

if [[ "${1:-}" == "--record" ]]; then
  printf '# bench/callgrind.sh --record: instructions of one W2A training step (LSTM 1x128, seq 64, batch 32)\n%s %s %s\n' \
    "$per_step" "$simd" "$commit" >"$record"
  echo "recorded in $record"
elif [[ -f "$record" ]]; then
  read -r recorded recorded_simd recorded_commit < <(grep -v '^#' "$record")
  [[ "$recorded_simd" == "$simd" ]] || echo "(recorded with simd $recorded_simd, this build uses $simd: not comparable)"
  awk -v now="$per_step" -v then="$recorded" -v c="$recorded_commit" \
    'BEGIN {printf "recorded at %s: %d instructions; change %+.2f%%\n", c, then, 100 * (now - then) / then}'
fi
