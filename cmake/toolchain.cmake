# Flags shared by every nnlab target, natively and under Emscripten.

add_library(nnlab_flags INTERFACE)
target_compile_options(nnlab_flags INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wshadow -Wno-unused-parameter>)

find_package(Threads REQUIRED)

if(EMSCRIPTEN)
  set(NNLAB_WASM ON)
  # Everything is built with pthreads (SharedArrayBuffer) and SIMD128; SDL2 is built the same way
  # by scripts/setup.sh, since wasm objects with and without atomics cannot be linked together.
  target_compile_options(nnlab_flags INTERFACE -pthread $<$<NOT:$<BOOL:${NNLAB_SCALAR_ONLY}>>:-msimd128>)
  target_link_options(nnlab_flags INTERFACE -pthread -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=2GB
    -sDYNAMIC_EXECUTION=0 -Wno-pthreads-mem-growth)
  # Programs that run to an end (the CLI, the tests): main on a thread of its own
  # (PROXY_TO_PTHREAD), which keeps the main thread free for workers, in a page too.
  set(NNLAB_PROGRAM_LINK_OPTIONS -sEXIT_RUNTIME=1 -sPROXY_TO_PTHREAD=1 -sPTHREAD_POOL_SIZE=4 -sTOTAL_STACK=1MB)
  # Under node: a synchronous wasm compile avoids the fetch() path that Node 20 cannot use with a
  # file path.
  set(NNLAB_NODE_LINK_OPTIONS -sENVIRONMENT=node,worker -sWASM_ASYNC_COMPILATION=0 -sNODERAWFS=1
    ${NNLAB_PROGRAM_LINK_OPTIONS})
else()
  target_link_libraries(nnlab_flags INTERFACE Threads::Threads)
endif()

# A cache outside the build tree holds sources from Debian source packages (scripts/setup.sh).
if(DEFINED ENV{NNLAB_CACHE})
  set(nnlab_default_cache "$ENV{NNLAB_CACHE}")
else()
  set(nnlab_default_cache "$ENV{HOME}/.cache/nnlab")
endif()
set(NNLAB_CACHE "${nnlab_default_cache}" CACHE PATH "Where scripts/setup.sh puts Debian sources and the wasm SDL2")
set(NNLAB_IMGUI_DIR "${NNLAB_CACHE}/imgui-src" CACHE PATH "Dear ImGui sources (Debian source package imgui)")
set(NNLAB_SDL2_WASM_DIR "${NNLAB_CACHE}/sdl2-wasm" CACHE PATH "SDL2 built for wasm by scripts/setup.sh")

# Build information shown by the About panel and `nnlab --version`.
find_package(Git QUIET)
set(NNLAB_GIT_REVISION "unknown")
if(GIT_FOUND AND EXISTS "${CMAKE_SOURCE_DIR}/.git")
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short HEAD WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
                  OUTPUT_VARIABLE NNLAB_GIT_REVISION OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
