#!/usr/bin/env bash
# The command line on damaged input: every run below must end with a non-zero exit (not a
# signal) and a message naming what is wrong. Usage: tests/cli/bad_files.sh NNLAB_COMMAND...
#   e.g. tests/cli/bad_files.sh build/native/nnlab
set -uo pipefail
nnlab=("$@")
(( ${#nnlab[@]} )) || { echo "usage: $0 NNLAB_COMMAND..."; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0

expect_failure() {  # EXPECTED_TEXT ARGS...: nnlab ARGS must fail and say EXPECTED_TEXT
  local expected="$1" output status
  shift
  output=$("${nnlab[@]}" "$@" 2>&1 >/dev/null)
  status=$?
  if (( status == 0 || status >= 128 )) || grep -q "Sanitizer" <<<"$output"; then
    echo "FAIL: nnlab $* exited with status $status: $output"
    failures=$((failures + 1))
  elif ! grep -qF -- "$expected" <<<"$output"; then
    echo "FAIL: nnlab $*: the message lacks '$expected': $output"
    failures=$((failures + 1))
  else
    echo "ok: nnlab $*: $output"
  fi
}

"${nnlab[@]}" nextword --save "$dir/good.ckpt" >/dev/null || { echo "FAIL: nnlab nextword --save"; exit 1; }
size=$(stat -c %s "$dir/good.ckpt")
head -c $((size / 2)) "$dir/good.ckpt" >"$dir/truncated.ckpt"
expect_failure "checkpoint is truncated" nextword --load "$dir/truncated.ckpt"
cp "$dir/good.ckpt" "$dir/flipped.ckpt"
printf '\xa5' | dd of="$dir/flipped.ckpt" bs=1 seek=$((size / 2)) conv=notrunc status=none
expect_failure "CRC mismatch" nextword --load "$dir/flipped.ckpt"
head -c 8 "$dir/good.ckpt" >"$dir/magic-only.ckpt"
expect_failure "too short to be a checkpoint" nextword --load "$dir/magic-only.ckpt"
expect_failure "not an nnlab checkpoint" nextword --load "$0"

printf 'abcd%.0s' {1..50} >"$dir/small.txt"
"${nnlab[@]}" charrnn --corpus "$dir/small.txt" --steps 1 --hidden 4 --seq 4 --batch 1 --sample 0 \
    --save "$dir/charrnn.ckpt" >/dev/null || { echo "FAIL: nnlab charrnn --save"; exit 1; }
expect_failure "checkpoint is for a different model" nextword --load "$dir/charrnn.ckpt"

: >"$dir/empty.txt"
expect_failure "the text is empty" charrnn --corpus "$dir/empty.txt" --steps 1
printf 'aaaa' >"$dir/one.txt"
expect_failure "single character" charrnn --corpus "$dir/one.txt" --steps 1
printf 'ab\0cd' >"$dir/binary.txt"
expect_failure "looks binary" charrnn --corpus "$dir/binary.txt" --steps 1
printf 'ab\xffcd' >"$dir/latin1.txt"
expect_failure "not UTF-8" charrnn --corpus "$dir/latin1.txt" --steps 1

expect_failure "--backend must be avx512, avx2+fma, scalar or wasm-simd128, not 'sse9'" nextword --backend sse9

mkdir -p "$dir/mnist"
printf '\0\0\x08\x03\0\0\0\x05' >"$dir/mnist/train-images-idx3-ubyte"
printf '\0\0\x08\x01\0\0\0\x05' >"$dir/mnist/train-labels-idx1-ubyte"
expect_failure "images: IDX file is truncated inside its header" lenet --data "$dir/mnist"
printf 'P5 28 28' >"$dir/mnist/train-images-idx3-ubyte"
expect_failure "bad magic number" gan --data "$dir/mnist"

(( failures == 0 ))
