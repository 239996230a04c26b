#pragma once
// A text for character-level models: UTF-8 decoded to code points, a sorted vocabulary of the
// distinct characters, and the text as token ids, split into training and validation parts.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace nn {

constexpr std::size_t kCorpusMaxBytes = 64u << 20;   // larger texts are refused with a message
constexpr std::size_t kCorpusMaxVocabulary = 512;    // more distinct characters: not plain text

struct TextCorpus {
  std::vector<std::uint32_t> vocabulary;  // code points, sorted
  std::vector<std::uint16_t> tokens;      // the text as indices into vocabulary
  std::size_t train_size = 0;             // tokens[0, train_size) train, the rest validate
};

// Checks and decodes `bytes`; the first `train_fraction` of the text is for training.
// On error `out` is untouched and the message says what is wrong with the text.
Status corpus_parse(std::span<const std::uint8_t> bytes, double train_fraction, TextCorpus& out);

// A character of the vocabulary as UTF-8, for display and samples.
std::string corpus_char_utf8(const TextCorpus& corpus, int token);

// Token id of a code point, or -1 if the corpus never contains it.
int corpus_token(const TextCorpus& corpus, std::uint32_t code_point);

// Decodes one UTF-8 character at `bytes[pos]`; returns its length, or 0 if invalid.
int utf8_decode(std::span<const std::uint8_t> bytes, std::size_t pos, std::uint32_t& code_point);

}  // namespace nn
