# Sourced by every nnlab script: paths and the environment Debian's Emscripten needs.
NNLAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NNLAB_CACHE="${NNLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nnlab}"
# Debian's acorn (used by emcc's JS optimizer) lives outside node's default search path.
export NODE_PATH=/usr/share/nodejs
# The first python3 on PATH may be a pyenv build that emcc cannot use.
export EMSDK_PYTHON=/usr/bin/python3
export NNLAB_ROOT NNLAB_CACHE
export NNLAB_IMGUI_DIR="$NNLAB_CACHE/imgui-src"
export NNLAB_SDL2_WASM_DIR="$NNLAB_CACHE/sdl2-wasm"
export NNLAB_NODE_MODULES="$NNLAB_CACHE/node/node_modules"
export NNLAB_MNIST_DIR="$NNLAB_CACHE/mnist"
# The corpus of the char-RNN demo is in no registry; it sits beside the project.
export NNLAB_SHAKESPEARE="${NNLAB_SHAKESPEARE:-$(cd "$NNLAB_ROOT/.." && pwd)/shared/data/tinyshakespeare.txt}"

nnlab_log() { printf '\033[1m[nnlab]\033[0m %s\n' "$*" >&2; }
nnlab_die() { printf '\033[1;31m[nnlab] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Installs the Debian packages given that are not installed yet (apt-get, as root or with sudo).
nnlab_apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  (( ${#missing[@]} )) || return 0
  command -v apt-get >/dev/null || nnlab_die "apt-get not found: nnlab needs Debian bookworm (missing: ${missing[*]})"
  local sudo=""
  (( EUID == 0 )) || sudo="sudo"
  nnlab_log "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq || nnlab_die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || nnlab_die "could not install: ${missing[*]}"
}
