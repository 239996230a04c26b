#include "cli/env.h"

#include <cstdlib>

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>

// Emscripten gives a program its own small environment, not node's: ask node for the variable.
// Returns its length in bytes, or -1 when it is not set; writes it (truncated) into out.
EM_JS(int, nnlab_node_env, (const char* name, char* out, int size), {
  const value = typeof process !== 'undefined' ? process.env[UTF8ToString(name)] : undefined;
  if (value === undefined) return -1;
  stringToUTF8(value, out, size);
  return lengthBytesUTF8(value);
});
#endif

namespace nn::cli {

std::string env_var(const char* name) {
#if defined(__EMSCRIPTEN__)
  char buffer[4096];
  int length = nnlab_node_env(name, buffer, int(sizeof buffer));
  return length >= 0 && length < int(sizeof buffer) ? std::string(buffer, std::size_t(length)) : std::string();
#else
  const char* value = std::getenv(name);
  return value ? value : "";
#endif
}

}  // namespace nn::cli
