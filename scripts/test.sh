#!/usr/bin/env bash
# Quick start, command 2: run every test. Installs whatever is missing first, then
#   native build + doctest suite (ctest), the same suite under ASan+UBSan,
#   wasm build + the same suite under node (ctest), the CLI natively and under node,
#   the browser end-to-end test (Playwright + Chromium), the benchmark programs in a page of
#   Chromium (bench/browser), the desktop app under Xvfb, the CLI on damaged files, and every
#   libFuzzer target for a few seconds (scripts/fuzz.sh runs them longer).
# Screenshots land in build/e2e/. Exits non-zero if any step fails; every step runs regardless.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$NNLAB_ROOT"

bash scripts/setup.sh || exit 1

passed=0 failed=0 failures=()
log_dir="build/test-logs"
mkdir -p "$log_dir" build/e2e
rm -f "$log_dir"/*.log  # a summary must never come from an earlier run

# step NAME COMMAND...: runs COMMAND, shows its last lines, counts it.
step() {
  local name="$1"; shift
  local log="$log_dir/${name// /-}.log" started=$SECONDS
  nnlab_log "$name"
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
    tail -n 4 "$log" | sed 's/^/    /'
    nnlab_log "$name: ok ($((SECONDS - started)) s)"
  else
    failed=$((failed + 1)); failures+=("$name")
    tail -n 40 "$log" | sed 's/^/    /'
    nnlab_log "$name: FAILED ($((SECONDS - started)) s, full log: $log)"
  fi
}

cli_usage() {  # $@ = how to run the CLI; usage must print and name the commands
  local usage
  usage=$("$@" --help) || return 1
  echo "$usage"
  grep -q "usage: nnlab <command>" <<<"$usage" && "$@" info
}

e2e() {
  local server_log="$log_dir/e2e-server.log"
  /usr/bin/python3 scripts/serve.py build/wasm/web --port 0 --quiet >"$server_log" 2>&1 &
  local server=$!
  local url=""
  for _ in $(seq 50); do
    url=$(grep -o 'http://localhost:[0-9]*/' "$server_log" || true)
    [[ -n "$url" ]] && break
    sleep 0.1
  done
  [[ -n "$url" ]] || { kill "$server"; echo "the page server did not start"; return 1; }
  node tests/e2e/lab.e2e.mjs "$url" build/e2e
  local status=$?
  kill "$server"
  return $status
}

jobs=$(nproc)
step "native build" bash -c "cmake --preset native -DNNLAB_BUILD_APP=ON && cmake --build --preset native -j $jobs"
step "native tests" ctest --preset native -j "$jobs"
step "native cli" cli_usage build/native/nnlab
step "asan build" bash -c "cmake --preset native-asan -DNNLAB_BUILD_APP=OFF && cmake --build --preset native-asan -j $jobs"
step "asan tests" ctest --preset native-asan -j "$jobs"
step "wasm build" bash -c "cmake --preset wasm -DNNLAB_BUILD_APP=ON && cmake --build --preset wasm -j $jobs"
step "wasm tests" ctest --preset wasm -j "$jobs"
step "wasm cli" cli_usage node build/wasm/nnlab.js
step "browser e2e" e2e
step "browser bench" node tests/e2e/bench_browser.mjs
step "desktop window" bash scripts/desktop_screenshot.sh build/native/nnlab-lab build/e2e/desktop.png
step "fuzz build" bash -c "cmake --preset fuzz && cmake --build --preset fuzz -j $jobs"
step "fuzz" bash scripts/fuzz.sh "${NNLAB_FUZZ_SECONDS:-15}"

echo
# The closing line counts tests, not steps: every ctest test of the three suites, every browser
# check, every fuzz target, and the steps that are single checks (the two CLIs, the desktop window).
tests_passed=0 tests_failed=0
for suite in native asan wasm; do
  summary=$(grep -h "tests passed" "$log_dir/$suite-tests.log" 2>/dev/null | tail -1)
  echo "ctest ($suite): ${summary:-no summary}"
  if [[ "$summary" =~ ([0-9]+)\ tests\ failed\ out\ of\ ([0-9]+) ]]; then
    tests_failed=$((tests_failed + BASH_REMATCH[1]))
    tests_passed=$((tests_passed + BASH_REMATCH[2] - BASH_REMATCH[1]))
  fi
done
for suite in "browser e2e" "browser bench"; do
  summary=$(grep -h "passed, .* failed" "$log_dir/${suite// /-}.log" 2>/dev/null | tail -1)
  echo "$suite: ${summary:-no summary}"
  if [[ "$summary" =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    tests_passed=$((tests_passed + BASH_REMATCH[1]))
    tests_failed=$((tests_failed + BASH_REMATCH[2]))
  elif [[ " ${failures[*]} " == *" $suite "* ]]; then
    tests_failed=$((tests_failed + 1))  # it failed before it could count its checks
  fi
done
# Each fuzz target is a test: scripts/fuzz.sh ends its line with ok or FAILED.
fuzz_passed=$(grep -c '^fuzz_.*: ok$' "$log_dir/fuzz.log" 2>/dev/null)
fuzz_failed=$(grep -c '^fuzz_.*: FAILED' "$log_dir/fuzz.log" 2>/dev/null)
echo "fuzz: ${fuzz_passed:-0} targets passed, ${fuzz_failed:-0} failed"
tests_passed=$((tests_passed + ${fuzz_passed:-0}))
tests_failed=$((tests_failed + ${fuzz_failed:-0}))
[[ " ${failures[*]} " == *" fuzz "* ]] && (( ${fuzz_failed:-0} == 0 )) && tests_failed=$((tests_failed + 1))
# A build that fails counts as a failed test: the tests it would have built never ran.
for single in "native build" "asan build" "wasm build" "fuzz build"; do
  [[ " ${failures[*]} " == *" $single "* ]] && tests_failed=$((tests_failed + 1))
done
for single in "native cli" "wasm cli" "desktop window"; do
  if [[ " ${failures[*]} " == *" $single "* ]]; then tests_failed=$((tests_failed + 1)); else tests_passed=$((tests_passed + 1)); fi
done
echo "steps: $passed passed, $failed failed${failures:+ (failed: ${failures[*]})}"
echo "$tests_passed passed, $tests_failed failed"
(( failed == 0 ))
