#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ (preset fuzz: clang-14, ASan + UBSan) and runs each
# for SECONDS (default 600), one after the other, on a scratch corpus under build/fuzz/corpus/
# seeded from the committed one (tests/fuzz/corpus/TARGET/). What a run adds to the scratch
# corpus stays there for the next run. Prints executions and findings per target; crashing
# inputs land in build/fuzz/findings/TARGET/. Exits non-zero if any target found anything.
#   scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. scripts/fuzz.sh 60 inflate checkpoint
# NNLAB_FUZZ_WORK=DIR puts the corpus, findings and logs there instead of build/fuzz/, so that a
# long run and the short one of scripts/test.sh can go on side by side.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$NNLAB_ROOT"

seconds="${1:-600}"
[[ "$seconds" =~ ^[0-9]+$ ]] || nnlab_die "usage: scripts/fuzz.sh [SECONDS] [TARGET...]"
shift $(( $# > 0 ? 1 : 0 ))
targets=("$@")
if (( ${#targets[@]} == 0 )); then
  for source in tests/fuzz/fuzz_*.cpp; do
    name=$(basename "$source" .cpp)
    targets+=("${name#fuzz_}")
  done
fi

cmake --preset fuzz >/dev/null && cmake --build --preset fuzz -j "$(nproc)" || nnlab_die "building the fuzz targets failed"

work="${NNLAB_FUZZ_WORK:-build/fuzz}"
failed=0
for target in "${targets[@]}"; do
  binary="build/fuzz/fuzz_$target"
  [[ -x "$binary" ]] || nnlab_die "no fuzz target named $target (tests/fuzz/fuzz_$target.cpp)"
  corpus="$work/corpus/$target" findings="$work/findings/$target" log="$work/logs/$target.log"
  mkdir -p "$corpus" "$(dirname "$log")"
  rm -rf "$findings" && mkdir -p "$findings"
  cp -n "tests/fuzz/corpus/$target"/* "$corpus"/
  nnlab_log "fuzz_$target: $seconds s"
  # -timeout: an input that takes seconds is a finding too (a hang on hostile input);
  # -rss_limit_mb: so is one that makes a parser allocate gigabytes.
  "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$findings/" "$corpus" >"$log" 2>&1
  status=$?
  executions=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -1)
  count=$(find "$findings" -type f | wc -l)
  if (( status != 0 || count > 0 )); then
    failed=1
    grep -m 5 -E "ERROR|SUMMARY|Test unit written" "$log" | sed 's/^/    /'
    echo "fuzz_$target: ${executions:-?} executions, $count findings: FAILED (log: $log, inputs: $findings/)"
  else
    echo "fuzz_$target: ${executions:-?} executions, $count findings, corpus $(find "$corpus" -type f | wc -l) inputs: ok"
  fi
done
(( failed == 0 ))
