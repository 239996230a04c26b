#pragma once
// Builds the one-line JSON object a subcommand prints with --json. Keys keep their order.
#include <string>
#include <vector>

namespace nn::cli {

class JsonObject {
 public:
  JsonObject& number(const char* key, double value);  // NaN and Inf become null
  JsonObject& integer(const char* key, long value);
  JsonObject& string(const char* key, const std::string& value);
  JsonObject& strings(const char* key, const std::vector<std::string>& values);
  JsonObject& numbers(const char* key, const std::vector<double>& values);
  std::string text() const { return "{" + body_ + "}"; }

 private:
  std::string body_;
  void key(const char* key);
};

std::string json_quote(const std::string& s);

}  // namespace nn::cli
