#pragma once
// Environment variables of the shell that started nnlab, natively and under node.
#include <string>

namespace nn::cli {

// The variable's value, or "" when it is not set.
std::string env_var(const char* name);

}  // namespace nn::cli
