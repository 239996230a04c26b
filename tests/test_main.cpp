#if defined(__EMSCRIPTEN__)
// Under node, doctest cannot tell whether stdout is a terminal; colour codes would break the
// test listing that ctest's discovery parses.
#define DOCTEST_CONFIG_COLORS_NONE
#endif
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
