#include "data/text_corpus.h"

#include <algorithm>

namespace nn {

namespace {

bool is_binary_control(std::uint32_t c) {  // control characters that never appear in plain text
  return (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') || c == 0x7f;
}

void utf8_append(std::string& out, std::uint32_t c) {
  if (c < 0x80) {
    out += char(c);
  } else if (c < 0x800) {
    out += char(0xc0 | (c >> 6));
    out += char(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    out += char(0xe0 | (c >> 12));
    out += char(0x80 | ((c >> 6) & 0x3f));
    out += char(0x80 | (c & 0x3f));
  } else {
    out += char(0xf0 | (c >> 18));
    out += char(0x80 | ((c >> 12) & 0x3f));
    out += char(0x80 | ((c >> 6) & 0x3f));
    out += char(0x80 | (c & 0x3f));
  }
}

}  // namespace

int utf8_decode(std::span<const std::uint8_t> bytes, std::size_t pos, std::uint32_t& code_point) {
  std::uint8_t b0 = bytes[pos];
  int length = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xe ? 3 : (b0 >> 3) == 0x1e ? 4 : 0;
  if (length == 0 || pos + std::size_t(length) > bytes.size()) return 0;
  std::uint32_t c = length == 1 ? b0 : b0 & (0x7f >> length);
  for (int i = 1; i < length; i++) {
    std::uint8_t b = bytes[pos + std::size_t(i)];
    if ((b & 0xc0) != 0x80) return 0;
    c = (c << 6) | (b & 0x3f);
  }
  // Overlong forms, surrogates and values past Unicode are invalid UTF-8.
  static const std::uint32_t kMinimum[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < kMinimum[length] || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff) return 0;
  code_point = c;
  return length;
}

Status corpus_parse(std::span<const std::uint8_t> bytes, double train_fraction, TextCorpus& out) {
  if (bytes.empty()) return Status::failure("the text is empty");
  if (bytes.size() > kCorpusMaxBytes)
    return Status::failure("the text has %zu bytes, more than the limit of %zu MB", bytes.size(), kCorpusMaxBytes >> 20);
  std::size_t start = bytes.size() >= 3 && bytes[0] == 0xef && bytes[1] == 0xbb && bytes[2] == 0xbf ? 3 : 0;  // BOM

  std::vector<std::uint32_t> code_points;
  code_points.reserve(bytes.size() - start);
  for (std::size_t pos = start; pos < bytes.size();) {
    std::uint32_t c = 0;
    int length = utf8_decode(bytes, pos, c);
    if (length == 0) return Status::failure("the file is not UTF-8 text (invalid byte 0x%02x at offset %zu)", bytes[pos], pos);
    if (is_binary_control(c)) return Status::failure("the file looks binary (control character 0x%02x at offset %zu)", c, pos);
    code_points.push_back(c);
    pos += std::size_t(length);
  }
  if (code_points.empty()) return Status::failure("the text is empty");

  std::vector<std::uint32_t> vocabulary = code_points;
  std::sort(vocabulary.begin(), vocabulary.end());
  vocabulary.erase(std::unique(vocabulary.begin(), vocabulary.end()), vocabulary.end());
  if (vocabulary.size() < 2) return Status::failure("the text uses a single character; there is nothing to predict");
  if (vocabulary.size() > kCorpusMaxVocabulary)
    return Status::failure("the text uses %zu distinct characters; the limit is %zu", vocabulary.size(), kCorpusMaxVocabulary);

  TextCorpus corpus;
  corpus.tokens.reserve(code_points.size());
  for (std::uint32_t c : code_points)
    corpus.tokens.push_back(std::uint16_t(std::lower_bound(vocabulary.begin(), vocabulary.end(), c) - vocabulary.begin()));
  corpus.vocabulary = std::move(vocabulary);
  corpus.train_size = std::size_t(double(corpus.tokens.size()) * std::clamp(train_fraction, 0.0, 1.0));
  out = std::move(corpus);
  return Status::success();
}

std::string corpus_char_utf8(const TextCorpus& corpus, int token) {
  std::string s;
  if (token >= 0 && std::size_t(token) < corpus.vocabulary.size()) utf8_append(s, corpus.vocabulary[std::size_t(token)]);
  return s;
}

int corpus_token(const TextCorpus& corpus, std::uint32_t code_point) {
  auto it = std::lower_bound(corpus.vocabulary.begin(), corpus.vocabulary.end(), code_point);
  return it != corpus.vocabulary.end() && *it == code_point ? int(it - corpus.vocabulary.begin()) : -1;
}

}  // namespace nn
