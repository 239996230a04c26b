#pragma once
// OpenGL ES 3.0 everywhere: WebGL2 in the browser, an ES 3 context on the desktop.
#include <GLES3/gl3.h>
