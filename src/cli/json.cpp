#include "cli/json.h"

#include <cmath>
#include <cstdio>

namespace nn::cli {

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", c);
      out += escape;
    } else {
      out += char(c);  // UTF-8 passes through
    }
  }
  return out + "\"";
}

void JsonObject::key(const char* key) {
  if (!body_.empty()) body_ += ", ";
  body_ += json_quote(key) + ": ";
}

namespace {

std::string format_number(double value) {
  if (!std::isfinite(value)) return "null";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

}  // namespace

JsonObject& JsonObject::number(const char* k, double value) {
  key(k);
  body_ += format_number(value);
  return *this;
}

JsonObject& JsonObject::integer(const char* k, long value) {
  key(k);
  body_ += std::to_string(value);
  return *this;
}

JsonObject& JsonObject::string(const char* k, const std::string& value) {
  key(k);
  body_ += json_quote(value);
  return *this;
}

JsonObject& JsonObject::strings(const char* k, const std::vector<std::string>& values) {
  key(k);
  body_ += "[";
  for (std::size_t i = 0; i < values.size(); i++) body_ += (i ? ", " : "") + json_quote(values[i]);
  body_ += "]";
  return *this;
}

JsonObject& JsonObject::numbers(const char* k, const std::vector<double>& values) {
  key(k);
  body_ += "[";
  for (std::size_t i = 0; i < values.size(); i++) body_ += (i ? ", " : "") + format_number(values[i]);
  body_ += "]";
  return *this;
}

}  // namespace nn::cli
