#pragma once
// The lab's look: colours and spacing, set once at startup.
#include "imgui.h"

namespace nn {

inline const ImVec4 kBackgroundColor = ImVec4(0.071f, 0.078f, 0.094f, 1.0f);
inline const ImVec4 kAccentColor = ImVec4(0.996f, 0.725f, 0.294f, 1.0f);
inline const ImVec4 kWarningColor = ImVec4(0.94f, 0.43f, 0.55f, 1.0f);

void apply_style();

}  // namespace nn
