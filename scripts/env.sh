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
