#pragma once
// Files compiled into the app at build time (fonts from Debian packages, shaders from shaders/).
// The list is in assets/CMakeLists.txt.
#include <cstddef>

namespace nn {

struct EmbeddedFile {
  const char* name;
  const unsigned char* data;  // followed by one zero byte, so text files are C strings
  size_t size;
};

// nullptr when no file of that name was embedded.
const EmbeddedFile* embedded_file(const char* name);

}  // namespace nn
