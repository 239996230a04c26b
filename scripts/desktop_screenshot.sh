#!/usr/bin/env bash
# Opens the native desktop app in a real X window (Xvfb), waits for its first frames, and saves a
# screenshot of the whole screen. Fails if the window never draws or the screen stays blank.
#   scripts/desktop_screenshot.sh APP OUTPUT.png
set -euo pipefail
app="$1" output="$2"
mkdir -p "$(dirname "$output")"

display=":$((90 + RANDOM % 100))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
log=$(mktemp)
cleanup() { kill "$app_pid" "$xvfb_pid" 2>/dev/null || true; rm -f "$log"; }
trap cleanup EXIT
sleep 0.5

DISPLAY="$display" "$app" >"$log" 2>&1 &
app_pid=$!
for _ in $(seq 100); do
  grep -q "first frame" "$log" && break
  kill -0 "$app_pid" 2>/dev/null || { cat "$log"; echo "desktop app exited before drawing" >&2; exit 1; }
  sleep 0.1
done
grep -q "first frame" "$log" || { cat "$log"; echo "desktop app drew no frame within 10 s" >&2; exit 1; }
sleep 1  # let a few frames settle (fonts, layout)
DISPLAY="$display" import -window root "$output"
cat "$log"

# Blank-screen check: a drawn lab has many colours and real contrast.
read -r colors stddev < <(convert "$output" -format "%k %[fx:standard_deviation*255]\n" info:)
echo "desktop screenshot: $output ($colors colours, luminance stddev $stddev)"
if (( colors < 40 )) || awk "BEGIN {exit !($stddev < 8)}"; then
  echo "the desktop window looks blank" >&2
  exit 1
fi
